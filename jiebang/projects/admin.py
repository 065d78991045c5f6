from django.contrib import admin

from jiebang.projects.models import Disbursement, Project


class ReadOnlyAdmin(admin.ModelAdmin):
    """Projects change only through their services (audited, notified): the admin reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "solver", "issuer", "state", "fiscal_total", "planned_end")
    list_filter = ("state", "is_race", "call")
    search_fields = ("code", "title", "solver__name", "issuer__name")


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("project", "trigger", "amount", "state", "approved_at", "paid_on")
    list_filter = ("state", "trigger")
