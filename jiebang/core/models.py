import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.core.fields import EncryptedCharField
from jiebang.core.storage import PrivateStorage


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One line of the append-only, SM3 hash-chained audit log (domain.md §6).

    `entry_hash = SM3(prev_hash || canonical JSON of the entry)`; `verify_audit` recomputes
    the chain and names the first entry whose stored hash no longer matches.
    """

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        # Immutability guard, not business logic: a stored entry is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """A single row locked while an entry is appended, so the chain never forks."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")


def private_storage():
    """The storage of every private FileField: a stand-in that reaches the backend configured
    in STORAGES["private"] (a folder or an S3 bucket, jiebang/core/storage.py) at each call.
    Migrations refer to this callable, so the backend can change without a migration."""
    return PrivateStorage()


def attachment_path(instance, filename):
    return f"{instance.created_at:%Y/%m}/{instance.uuid}.bin"


class Attachment(models.Model):
    """An uploaded file: type sniffed from its bytes, size-limited, hashed, stored privately."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("附件类别"), max_length=48, db_index=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    file_type = models.CharField(_("文件类型"), max_length=16)
    content_type = models.CharField(_("MIME类型"), max_length=128)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64, db_index=True)
    sm3 = models.CharField(max_length=64)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=255)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-id"]

    def __str__(self):
        return self.original_name


class Notification(models.Model):
    """An in-app inbox message; email and SMS copies are sent by tasks on commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ExportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")  # the file was purged (core.exports.purge_export_jobs)


def export_path(instance, filename):
    return f"exports/{instance.created_at:%Y/%m}/{instance.uuid}.xlsx"


class ExportJob(FSMModelMixin, models.Model):
    """A long Excel export run as a background task, with its progress and its file.

    Created by `core.exports.start_export_job`; only its owner downloads the file.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    name = models.CharField(_("导出清单"), max_length=48)
    title = models.CharField(_("清单名称"), max_length=100)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    masked = models.BooleanField(_("个人信息已脱敏"), default=True)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ExportJobState.choices,
        default=ExportJobState.QUEUED,
        protected=True,
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(
        storage=private_storage, upload_to=export_path, max_length=255, blank=True
    )
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        if self.state in (ExportJobState.DONE, ExportJobState.EXPIRED):
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportJobState.DONE, ExportJobState.FAILED, ExportJobState.EXPIRED)

    @transition(field=state, source=ExportJobState.QUEUED, target=ExportJobState.RUNNING)
    def mark_running(self):
        pass

    @transition(field=state, source=ExportJobState.RUNNING, target=ExportJobState.DONE)
    def mark_done(self):
        pass

    @transition(
        field=state,
        source=[ExportJobState.QUEUED, ExportJobState.RUNNING],
        target=ExportJobState.FAILED,
    )
    def mark_failed(self):
        pass

    @transition(field=state, source=ExportJobState.DONE, target=ExportJobState.EXPIRED)
    def mark_expired(self):
        pass


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导入")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def import_path(instance, filename):
    return f"imports/{instance.created_at:%Y/%m}/{instance.uuid}.xlsx"


class ImportJob(FSMModelMixin, models.Model):
    """An Excel import run as a background task (core.imports): the uploaded file, the
    progress, the outcome, and the initial passwords of new accounts until shown once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    name = models.CharField(_("导入类型"), max_length=48)
    title = models.CharField(_("导入名称"), max_length=100)
    source = models.FileField(storage=private_storage, upload_to=import_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=200)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ImportJobState.choices,
        default=ImportJobState.QUEUED,
        protected=True,
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    summary = models.CharField(_("结果"), max_length=300, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    errors = models.JSONField(_("逐行错误"), default=list, blank=True)
    secrets = EncryptedCharField(_("新开账号初始密码（显示一次后清除）"), blank=True)
    secrets_shown_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    @transition(field=state, source=ImportJobState.QUEUED, target=ImportJobState.RUNNING)
    def mark_running(self):
        pass

    @transition(field=state, source=ImportJobState.RUNNING, target=ImportJobState.DONE)
    def mark_done(self):
        pass

    @transition(
        field=state,
        source=[ImportJobState.QUEUED, ImportJobState.RUNNING],
        target=ImportJobState.FAILED,
    )
    def mark_failed(self):
        pass
