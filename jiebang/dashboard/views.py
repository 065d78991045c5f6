from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiebang.calls.selectors import active_call, call_deadlines
from jiebang.core import clock
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
            "deadlines": call_deadlines(call) if call else [],
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
