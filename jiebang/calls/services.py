from django.db import transaction

from jiebang.calls.models import Call
from jiebang.core.services import record_audit


@transaction.atomic
def save_call(*, form, by, request=None) -> Call:
    """Create or update a call from a validated CallForm.

    Side effects: the Call row and its industries; audit entry listing the changed fields.
    """
    created = form.instance.pk is None
    call = form.save(commit=False)
    call.audit_years = form.cleaned_data["audit_years_text"]
    call.instalment_plan = form.cleaned_data["instalment_plan_text"]
    call.save()
    form.save_m2m()
    record_audit(
        action="call.created" if created else "call.updated",
        actor=by,
        target=call,
        summary=f"{'新建' if created else '修改'}批次：{call.name}",
        data={"fields": sorted(form.changed_data)},
        request=request,
    )
    return call
