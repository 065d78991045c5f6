from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.core.fields import EncryptedCharField
from jiebang.notices.calendar import notice_start_instant


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


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that departs from the Mon–Fri week: a public holiday on a weekday, or a weekend
    day worked in exchange (调休). Entered from the State Council's yearly notice; the bureau
    edits them in the admin. A notice's end is computed once, when it opens."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日"), max_length=32, help_text=_("例如：国庆节"))

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}（{self.name}）"


class NoticeState(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("已结束")


class PublicNotice(FSMModelMixin, models.Model):
    """A public notice (公示) of some result for a number of working days, open to
    objections in writing until `ends_at` (23:59:59 Beijing of the last working day)."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), max_length=20000)
    start_on = models.DateField(_("公示开始日期"))
    working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"), validators=[MinValueValidator(1)]
    )
    ends_at = models.DateTimeField(_("公示截止时间"), db_index=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    state = FSMField(
        _("状态"),
        max_length=8,
        choices=NoticeState.choices,
        default=NoticeState.OPEN,
        protected=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return self.title

    @property
    def starts_at(self):
        return notice_start_instant(self.start_on)

    @transition(field=state, source=NoticeState.OPEN, target=NoticeState.CLOSED)
    def mark_closed(self):
        pass


class ObjectorKind(models.TextChoices):
    PERSON = "person", _("个人（实名）")
    UNIT = "unit", _("单位（加盖公章）")


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED_FOR_HANDLING = "accepted_for_handling", _("已受理")
    RESOLVED = "resolved", _("已办结")
    REFUSED = "refused", _("不予受理")


UNRESOLVED_OBJECTION_STATES = (ObjectionState.PENDING, ObjectionState.ACCEPTED_FOR_HANDLING)


class Objection(FSMModelMixin, models.Model):
    """A written objection (异议) to a public notice: real name and ID number for a person,
    unit name and USCC with a stamped letter for a unit. Late or anonymous ones are kept
    as `refused` with the reason, so the bureau sees what was turned away and why."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    kind = models.CharField(_("提出方式"), max_length=8, choices=ObjectorKind.choices)
    name = models.CharField(_("姓名/联系人"), max_length=64, blank=True)
    id_number = EncryptedCharField(_("居民身份证号"), blank=True)
    id_masked = models.CharField(_("居民身份证号"), max_length=32, blank=True)
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    content = models.TextField(_("异议内容及理由"), max_length=5000, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("书面异议材料"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    state = FSMField(
        _("状态"),
        max_length=24,
        choices=ObjectionState.choices,
        default=ObjectionState.PENDING,
        protected=True,
    )
    refusal_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    refusal_code = models.CharField(max_length=32, blank=True)
    resolution = models.TextField(_("处理结果"), max_length=5000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_at", "id"]
        constraints = [
            # Only a refused objection may lack its signed or stamped letter.
            models.CheckConstraint(
                condition=models.Q(state="refused") | models.Q(attachment__isnull=False),
                name="objection_letter_unless_refused",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.objector}"

    @property
    def number(self) -> str:
        return f"YY{self.pk:06d}" if self.pk else ""

    @property
    def objector(self) -> str:
        if self.kind == ObjectorKind.UNIT:
            return self.unit_name or "（未署名单位）"
        return self.name or "（未署名）"

    @property
    def is_unresolved(self) -> bool:
        return self.state in UNRESOLVED_OBJECTION_STATES

    @transition(
        field=state, source=ObjectionState.PENDING, target=ObjectionState.ACCEPTED_FOR_HANDLING
    )
    def mark_accepted_for_handling(self):
        pass

    @transition(
        field=state, source=list(UNRESOLVED_OBJECTION_STATES), target=ObjectionState.RESOLVED
    )
    def mark_resolved(self):
        pass

    @transition(field=state, source=ObjectionState.PENDING, target=ObjectionState.REFUSED)
    def mark_refused(self):
        pass
