from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnouncementKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    PUBLICATION = "publication", _("榜单发布")


class Announcement(models.Model):
    """A public announcement (通知公告); publishing a batch of demands writes one."""

    kind = models.CharField(
        _("类型"), max_length=16, choices=AnnouncementKind.choices, default=AnnouncementKind.NOTICE
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), max_length=20000)
    publication = models.OneToOneField(
        "demands.PublicationBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcement",
    )
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title
