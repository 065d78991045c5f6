"""Django admin for the shared kernel: the audit log and attachments are read-only here.

`AuditedAdminMixin` is shared by every app's admin: edits made in the back office are
audited like edits made through the pages.

The audit log is append-only (the model refuses updates and deletes); the admin offers no
add, change or delete either. Attachment files are never linked from the admin: they are
served only through the permission-checked download view.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiebang.core.models import Attachment, AuditEntry, Notification
from jiebang.core.services import record_audit

ADMIN_VERBS = {"added": "新增", "changed": "修改", "deleted": "删除"}


class AuditedAdminMixin:
    """Writes an audit entry for every add, change and delete made in the admin.

    The entry names the changed fields, never their values (they may be personal data).
    """

    def _audit(self, request, obj, verb, data=None):
        record_audit(
            action=f"admin.{verb}",
            actor=request.user,
            target=obj,
            summary=f"管理后台{ADMIN_VERBS[verb]}{obj._meta.verbose_name}：{obj}",
            data=data or {},
            request=request,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(
            request, obj, "changed" if change else "added", {"fields": sorted(form.changed_data)}
        )

    def delete_model(self, request, obj):
        self._audit(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted")
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "summary",
        "ip_address",
    )
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "action", "target_id", "summary")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "summary",
        "data",
        "ip_address",
        "prev_hash",
        "entry_hash",
    )
    readonly_fields = fields
    show_full_result_count = False  # the log grows without bound; skip the COUNT(*)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "kind",
        "file_type",
        "size",
        "organization",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("kind", "file_type")
    list_select_related = ("organization", "uploaded_by")
    search_fields = ("original_name", "sha256", "sm3", "organization__name")
    date_hierarchy = "created_at"
    # `file` is deliberately absent: its storage has no public URL.
    fields = (
        "uuid",
        "kind",
        "original_name",
        "file_type",
        "content_type",
        "size",
        "sha256",
        "sm3",
        "organization",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Inbox messages are written by `core.services.notify`; here they can be read or removed."""

    list_display = ("title", "recipient", "created_at", "is_read")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    list_select_related = ("recipient",)
    search_fields = ("title", "body", "recipient__username", "recipient__real_name")
    date_hierarchy = "created_at"
    fields = ("recipient", "title", "body", "link", "created_at", "read_at")
    readonly_fields = fields

    @admin.display(description=_("已读"), boolean=True)
    def is_read(self, obj):
        return obj.read_at is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
