from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiebang.calls.selectors import active_call
from jiebang.core import clock
from jiebang.core.views_helpers import require_perm
from jiebang.dashboard import stats
from jiebang.dashboard.agenda import by_month, deadline_agenda
from jiebang.dashboard.charts import chart_payloads
from jiebang.dashboard.selectors import work_queue


@login_required
def dashboard(request):
    call = active_call()
    return render(
        request,
        "dashboard/work_queue.html",
        {
            "queue": work_queue(request.user),
            "call": call,
            "agenda": by_month(deadline_agenda(request.user, call)),
            "now": clock.now(),
            "recommended": _recommended(request.user),
        },
    )


def _recommended(user):
    """ "为您推荐" for unit accounts: open demands matching what the unit has done."""
    if not user.organization_id:
        return []
    from jiebang.proposals.recommend import recommended_demands

    return recommended_demands(user.organization, limit=5)


@login_required
def statistics(request):
    """统计分析: the funnel, breakdowns, money, submissions before the deadline and review
    progress of one call (?call=<id>, default the active call), for the bureau and auditors."""
    require_perm(request.user, "dashboard.view_dashboard")
    calls = stats.calls_for_dashboard()
    call = stats.pick_call(calls, request.GET.get("call"))
    figures = stats.call_statistics(call) if call else None
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "calls": calls,
            "call": call,
            "stats": figures,
            "charts": chart_payloads(figures) if figures else {},
        },
    )
