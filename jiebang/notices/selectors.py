from django.db.models import QuerySet

from jiebang.notices.models import Announcement


def public_announcements() -> QuerySet[Announcement]:
    return Announcement.objects.select_related("publication").order_by("-published_at", "-id")
