from django.db import transaction

from jiebang.core import clock
from jiebang.core.services import record_audit
from jiebang.notices.models import Announcement, AnnouncementKind


@transaction.atomic
def publish_announcement(
    *, title: str, body: str, by, publication=None, request=None
) -> Announcement:
    """Publish an announcement on the public site.

    Side effects: the Announcement row; audit entry.
    """
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.PUBLICATION if publication else AnnouncementKind.NOTICE,
        title=title.strip(),
        body=body.strip(),
        publication=publication,
        published_at=clock.now(),
        created_by=by,
    )
    record_audit(
        action="notice.published",
        actor=by,
        target=announcement,
        summary=f"发布公告：{announcement.title}",
        request=request,
    )
    return announcement
