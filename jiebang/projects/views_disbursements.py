"""资金拨付: the instalments of the projects the user may see, filtered as the Excel export."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiebang.calls.selectors import calls_for_desk
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.projects import selectors
from jiebang.projects.enums import DisbursementState, Trigger

FILTER_KEYS = ("state", "trigger", "call", "q", "paid_from", "paid_to")


@login_required
def disbursement_list(request):
    """The bureau and auditors see every disbursement, a unit those of its projects (solver
    or issuer). The voucher links need no check per row: whoever sees a disbursement may
    download its voucher (`core.view_attachment`, extended in projects/permissions.py)."""
    require_perm(request.user, "projects.view_own_projects")
    filters = selectors.disbursement_list_filters(request.GET)
    disbursements = selectors.disbursement_list(request.user, **filters)
    query = urlencode([(k, request.GET[k]) for k in FILTER_KEYS if request.GET.get(k)])
    return render(
        request,
        "projects/disbursement_list.html",
        {
            "page": paginate(request, disbursements),
            "totals": selectors.disbursement_totals(disbursements),
            "f": {
                "state": filters["state"],
                "trigger": filters["trigger"],
                "call": str(filters["call_id"] or ""),
                "q": filters["query"],
                "paid_from": filters["paid_from"],
                "paid_to": filters["paid_to"],
            },
            "query": query,
            "query_prefix": f"{query}&" if query else "",
            "states": DisbursementState.choices,
            "triggers": Trigger.choices,
            "calls": calls_for_desk().only("pk", "year", "name"),
            "is_staff": request.user.has_perm("projects.view_project_desk"),
        },
    )
