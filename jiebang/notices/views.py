from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from jiebang.core.views_helpers import paginate, require_perm
from jiebang.notices.forms import AnnouncementForm
from jiebang.notices.selectors import public_announcements
from jiebang.notices.services import publish_announcement


def announcement_list(request):
    return render(request, "notices/list.html", {"page": paginate(request, public_announcements())})


def announcement_detail(request, pk):
    announcement = get_object_or_404(public_announcements(), pk=pk)
    demands = []
    if announcement.publication_id:
        demands = announcement.publication.demands.select_related(
            "organization", "industry"
        ).order_by("number")
    return render(
        request, "notices/detail.html", {"announcement": announcement, "demands": demands}
    )


@login_required
def announcement_new(request):
    require_perm(request.user, "notices.publish_announcement")
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        announcement = publish_announcement(by=request.user, request=request, **form.cleaned_data)
        messages.success(request, "公告已发布。")
        return redirect("announcement_detail", pk=announcement.pk)
    return render(request, "notices/form.html", {"form": form})
