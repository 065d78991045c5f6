from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.calls.selectors import active_call, call_deadlines
from jiebang.core.models import Attachment
from jiebang.core.selectors import inbox_for
from jiebang.core.services import mark_notifications_read, record_audit
from jiebang.core.views_helpers import paginate, require_perm


def guide(request):
    call = active_call()
    return render(
        request,
        "core/guide.html",
        {"call": call, "deadlines": call_deadlines(call) if call else []},
    )


@login_required
def inbox(request):
    page = paginate(request, inbox_for(request.user))
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request):
    mark_notifications_read(request.user)
    return redirect("inbox")


@login_required
def attachment_download(request, uuid):
    attachment = get_object_or_404(Attachment.objects.select_related("organization"), uuid=uuid)
    require_perm(request.user, "core.view_attachment", attachment)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    with transaction.atomic():
        record_audit(
            action="attachment.downloaded",
            actor=request.user,
            target=attachment,
            summary=f"下载附件：{attachment.original_name}",
            request=request,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
