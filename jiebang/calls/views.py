from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from jiebang.calls.forms import CallForm
from jiebang.calls.models import Call
from jiebang.calls.selectors import calls_for_desk
from jiebang.calls.services import save_call
from jiebang.core.views_helpers import paginate, require_perm


@login_required
def call_list(request):
    require_perm(request.user, "calls.view_call_desk")
    page = paginate(request, calls_for_desk())
    return render(request, "calls/call_list.html", {"page": page})


@login_required
def call_edit(request, pk=None):
    call = get_object_or_404(Call, pk=pk) if pk else None
    require_perm(request.user, "calls.change_call" if call else "calls.add_call", call)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        call = save_call(form=form, by=request.user, request=request)
        messages.success(request, f"批次“{call.name}”已保存。")
        return redirect("call_list")
    return render(request, "calls/call_form.html", {"form": form, "call": call})
