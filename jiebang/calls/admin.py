"""Django admin for calls (年度征集批次) and key industries.

A call's rule parameters are grouped as domain.md §4 and §7 group them, so the bureau can
find "the horse-race cap" or "the notice period" without scrolling through forty fields.
All times are entered and shown in Beijing time (TIME_ZONE = Asia/Shanghai).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiebang.calls.models import Call, Industry
from jiebang.core.admin import AuditedAdminMixin
from jiebang.core.clock import format_beijing


@admin.register(Industry)
class IndustryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")
    ordering = ("sort_order", "id")


@admin.register(Call)
class CallAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "year",
        "is_active",
        "opens",
        "closes",
        "recommendation",
        "min_total_investment",
    )
    list_filter = ("is_active", "year", "accepts_tech_breakthrough", "accepts_achievement_transfer")
    search_fields = ("name", "guide_reference")
    filter_horizontal = ("industries",)
    save_as = True  # "保存为新的": next year's call starts as a copy of this one
    fieldsets = (
        (
            _("批次"),
            {
                "fields": (
                    "year",
                    "name",
                    "guide_reference",
                    "is_active",
                    "accepts_tech_breakthrough",
                    "accepts_achievement_transfer",
                    "industries",
                )
            },
        ),
        (
            _("申报时间窗口（北京时间，含端点，精确到秒）"),
            {
                "description": _("“9月2日24:00”请填写为9月3日 00:00:00。"),
                "fields": (
                    "submission_opens_at",
                    "submission_closes_at",
                    "recommendation_deadline",
                    "resubmission_deadline",
                ),
            },
        ),
        (
            _("投入与周期（指南三）"),
            {"fields": ("min_total_investment", "normal_max_period_months")},
        ),
        (
            _("申报资格与限制（指南二、四）"),
            {
                "fields": (
                    "issuer_min_registration_years",
                    "credit_lookback_years",
                    "credit_check_extends_to_transfer",
                    "overdue_threshold_years",
                    "unit_max_ongoing_projects",
                    "principal_count",
                    "person_max_load",
                    "audit_years",
                )
            },
        ),
        (
            _("赛马制（指南五（二）6）"),
            {"fields": ("race_first_phase_cap_percent", "race_min_routes")},
        ),
        (
            _("专家评审"),
            {
                "fields": (
                    "expert_review_of_demands",
                    "demand_review_experts",
                    "demand_review_criteria",
                    "proposal_review_experts",
                    "proposal_review_criteria",
                    "score_spread_threshold",
                    "conflict_lookback_years",
                )
            },
        ),
        (_("公示"), {"fields": ("notice_working_days",)}),
        (
            _("资金拨付"),
            {
                "fields": (
                    "subsidy_ratio_percent",
                    "subsidy_cap",
                    "issuer_matching_ratio_percent",
                    "instalment_plan",
                )
            },
        ),
        (
            _("项目管理"),
            {
                "fields": (
                    "midterm_after_months",
                    "progress_report_interval_months",
                    "progress_report_due_days",
                    "change_request_min_months_before_end",
                    "max_extension_months",
                    "acceptance_rework_months",
                    "failed_acceptance_writes_credit",
                )
            },
        ),
    )

    @admin.display(description=_("填报开始"), ordering="submission_opens_at")
    def opens(self, obj):
        return format_beijing(obj.submission_opens_at)

    @admin.display(description=_("填报截止"), ordering="submission_closes_at")
    def closes(self, obj):
        return format_beijing(obj.submission_closes_at)

    @admin.display(description=_("推荐截止"), ordering="recommendation_deadline")
    def recommendation(self, obj):
        return format_beijing(obj.recommendation_deadline)
