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
        },
    )
