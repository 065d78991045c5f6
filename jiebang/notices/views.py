from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiebang.calls.selectors import active_call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.views_helpers import paginate, report_domain_error, require_perm
from jiebang.notices import selectors, services
from jiebang.notices.forms import (
    AnnouncementForm,
    ObjectionForm,
    PublicNoticeForm,
)
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


# Public notices (公示) -------------------------------------------------------------------

RECEIPTS_SESSION_KEY = "objection_receipts"
OBJECTION_ACTIONS = ("accept", "refuse", "resolve")


def publicity_list(request):
    return render(
        request,
        "notices/publicity_list.html",
        {
            "page": paginate(request, selectors.public_notices()),
            "now": clock.now(),
            "today": clock.today(),
        },
    )


@never_cache
def publicity_detail(request, pk):
    """The notice, its period and countdown, and the written objection form."""
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.file_objection(
                notice_id=notice.pk,
                letter=form.cleaned_data.pop("letter"),
                by=request.user if request.user.is_authenticated else None,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            receipts = request.session.get(RECEIPTS_SESSION_KEY, [])
            request.session[RECEIPTS_SESSION_KEY] = [*receipts, objection.pk][-20:]
            messages.success(
                request,
                f"异议已收到（编号{objection.number}），我局将依法受理并通过您留下的联系电话告知处理结果。",
            )
            return redirect("publicity_detail", pk=notice.pk)
    now = clock.now()
    receipts = selectors.objections_by_ids(notice, request.session.get(RECEIPTS_SESSION_KEY, []))
    context = {
        "notice": notice,
        "form": form,
        "receipts": receipts,
        "now": now,
        "accepting": notice.state == "open"
        and notice.starts_at <= now
        and now.replace(microsecond=0) <= notice.ends_at,
    }
    if request.user.has_perm("notices.view_objections"):
        context["unresolved_count"] = selectors.unresolved_objections_count(notice)
    return render(request, "notices/publicity_detail.html", context)


@login_required
def publicity_new(request):
    require_perm(request.user, "notices.open_notice")
    call = active_call()
    initial = {
        "start_on": clock.today(),
        "working_days": call.notice_working_days if call else 5,
    }
    form = PublicNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.open_notice(
                subject=None, by=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"公示已发布，截止时间{clock.format_beijing(notice.ends_at)}。"
            )
            return redirect("publicity_detail", pk=notice.pk)
    return render(request, "notices/publicity_form.html", {"form": form})


@login_required
def publicity_objections(request, pk):
    """The bureau's list of a notice's objections (masked ID and phone) with their forms."""
    require_perm(request.user, "notices.view_objections")
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    return render(
        request,
        "notices/publicity_objections.html",
        {
            "notice": notice,
            "page": paginate(request, selectors.objections_of(notice)),
            "unresolved_count": selectors.unresolved_objections_count(notice),
            "now": clock.now(),
        },
    )


@login_required
@require_POST
def objection_action(request, pk, objection_pk, action):
    require_perm(request.user, "notices.resolve_objection")
    if action not in OBJECTION_ACTIONS:
        raise Http404
    objection = get_object_or_404(selectors.objections_of_notice_id(pk), pk=objection_pk)
    try:
        if action == "accept":
            services.accept_objection_for_handling(
                objection_id=objection.pk, by=request.user, request=request
            )
            messages.success(request, f"异议{objection.number}已受理。")
        elif action == "refuse":
            services.refuse_objection(
                objection_id=objection.pk,
                reason=request.POST.get("reason", ""),
                by=request.user,
                request=request,
            )
            messages.success(request, f"异议{objection.number}已不予受理。")
        else:
            services.resolve_objection(
                objection_id=objection.pk,
                resolution=request.POST.get("resolution", ""),
                by=request.user,
                request=request,
            )
            messages.success(request, f"异议{objection.number}已办结。")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("publicity_objections", pk=pk)


@login_required
@require_POST
def publicity_close(request, pk):
    require_perm(request.user, "notices.close_notice")
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    try:
        services.close_notice(notice_id=notice.pk, by=request.user, request=request)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, "公示已结束。")
    return redirect("publicity_objections", pk=pk)
