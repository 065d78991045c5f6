from django.db.models import QuerySet
from django.urls import reverse

from jiebang.notices.calendar import WorkingCalendar
from jiebang.notices.models import (
    UNRESOLVED_OBJECTION_STATES,
    Announcement,
    CalendarDay,
    CalendarDayKind,
    Objection,
    PublicNotice,
)


def public_announcements() -> QuerySet[Announcement]:
    return Announcement.objects.select_related("publication").order_by("-published_at", "-id")


def working_calendar() -> WorkingCalendar:
    """The working-day calendar from the CalendarDay rows (one query).

    A year counts as known when it has at least one holiday row: counting through a year
    without any raises CalendarGapError rather than treating its holidays as working days.
    """
    holidays, workdays = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDayKind.HOLIDAY else workdays).append(day)
    return WorkingCalendar(
        holidays=holidays,
        makeup_workdays=workdays,
        known_years={d.year for d in holidays},
    )


def public_notices() -> QuerySet[PublicNotice]:
    """Every public notice, open and closed, newest first (the notices are public)."""
    return PublicNotice.objects.order_by("-start_on", "-id")


def objections_of(notice: PublicNotice) -> QuerySet[Objection]:
    """A notice's objections for the bureau; callers check `notices.view_objections`."""
    return (
        Objection.objects.filter(notice=notice)
        .select_related("attachment", "resolved_by", "handled_by")
        .order_by("received_at", "id")
    )


def unresolved_objections_count(notice: PublicNotice) -> int:
    return Objection.objects.filter(notice=notice, state__in=UNRESOLVED_OBJECTION_STATES).count()


def objections_of_notice_id(notice_id: int) -> QuerySet[Objection]:
    return Objection.objects.filter(notice_id=notice_id).select_related("notice")


def objections_by_ids(notice: PublicNotice, ids) -> list[Objection]:
    """The objector's own receipts (ids kept in their session), masked fields only."""
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return []
    return list(Objection.objects.filter(notice=notice, pk__in=ids).order_by("received_at", "id"))


def latest_notice_for(subject) -> PublicNotice | None:
    """The newest public notice about `subject` (e.g. a demand's 揭榜结果公示)."""
    from django.contrib.contenttypes.models import ContentType

    return (
        PublicNotice.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .order_by("-created_at", "-id")
        .first()
    )


def notice_work_items(user) -> list[dict]:
    """待办 items about public notices (公示): for bureau officers, the objections still to
    handle (待受理 or 已受理, not yet 办结), linked to the objections page of the notice that
    ends first, whose end (公示截止时间) is the deadline. Two queries."""
    from jiebang.orgs.enums import Role

    if not user.has_role(Role.BUREAU_OFFICER):
        return []
    unresolved = Objection.objects.filter(state__in=UNRESOLVED_OBJECTION_STATES)
    first = (
        unresolved.select_related("notice").order_by("notice__ends_at", "notice_id", "id").first()
    )
    return [
        {
            "label": "待处理的公示异议",
            "count": unresolved.count(),
            "url": reverse("publicity_objections", args=[first.notice_id])
            if first
            else reverse("publicity_list"),
            "deadline": first.notice.ends_at if first else None,
        }
    ]
