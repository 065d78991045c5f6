from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.calls.models import Call
from jiebang.core.forms import BootstrapMixin

WINDOW_FIELDS = [
    "submission_opens_at",
    "submission_closes_at",
    "resubmission_deadline",
    "recommendation_deadline",
]
TRIGGERS = {"initiation": "立项", "midterm_passed": "中期评估通过", "acceptance": "验收通过"}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M:%S", attrs={"step": "1"}, **kwargs)


class CallForm(BootstrapMixin, forms.ModelForm):
    """Every parameter of a call, validated so that windows are in order and shares add up."""

    audit_years_text = forms.CharField(
        label=_("审计报告年度"),
        required=False,
        help_text=_("用逗号分隔，如 2022,2023；留空则为申报年度的前两年"),
    )
    instalment_plan_text = forms.CharField(
        label=_("拨付计划（%）"),
        help_text=_("立项/中期评估通过/验收通过的拨付比例，用逗号分隔，合计100，如 30,40,30"),
    )

    class Meta:
        model = Call
        fields = [
            "year",
            "name",
            "guide_reference",
            "is_active",
            "accepts_tech_breakthrough",
            "accepts_achievement_transfer",
            "industries",
            *WINDOW_FIELDS,
            "min_total_investment",
            "normal_max_period_months",
            "issuer_min_registration_years",
            "credit_lookback_years",
            "credit_check_extends_to_transfer",
            "overdue_threshold_years",
            "unit_max_ongoing_projects",
            "principal_count",
            "person_max_load",
            "race_first_phase_cap_percent",
            "race_min_routes",
            "expert_review_of_demands",
            "demand_review_experts",
            "proposal_review_experts",
            "score_spread_threshold",
            "conflict_lookback_years",
            "notice_working_days",
            "subsidy_ratio_percent",
            "subsidy_cap",
            "issuer_matching_ratio_percent",
            "midterm_after_months",
            "progress_report_interval_months",
            "progress_report_due_days",
            "change_request_min_months_before_end",
            "max_extension_months",
            "acceptance_rework_months",
            "failed_acceptance_writes_credit",
        ]
        widgets = {name: DateTimeInput() for name in WINDOW_FIELDS} | {
            "industries": forms.CheckboxSelectMultiple
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WINDOW_FIELDS:
            self.fields[name].help_text = _("北京时间，精确到秒；截止时刻当秒仍可提交")
        if self.instance.pk:
            self.fields["audit_years_text"].initial = ",".join(
                str(y) for y in self.instance.audit_years
            )
            self.fields["instalment_plan_text"].initial = ",".join(
                str(step["percent"]) for step in self.instance.instalment_plan
            )
        else:
            self.fields["instalment_plan_text"].initial = "30,40,30"

    def clean_audit_years_text(self):
        raw = self.cleaned_data["audit_years_text"].replace("，", ",").strip()
        if not raw:
            return []
        try:
            years = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as bad:
            raise forms.ValidationError(_("审计报告年度应为用逗号分隔的四位年份。")) from bad
        if any(y < 1990 or y > 2100 for y in years):
            raise forms.ValidationError(_("审计报告年度应为四位年份。"))
        return years

    def clean_instalment_plan_text(self):
        raw = self.cleaned_data["instalment_plan_text"].replace("，", ",")
        try:
            shares = [Decimal(part.strip()) for part in raw.split(",") if part.strip()]
        except ArithmeticError as bad:
            raise forms.ValidationError(_("拨付比例应为数字。")) from bad
        if len(shares) != len(TRIGGERS):
            raise forms.ValidationError(_("请依次填写立项、中期评估通过、验收通过三期的拨付比例。"))
        if any(s < 0 for s in shares) or sum(shares) != Decimal("100"):
            raise forms.ValidationError(
                _("三期拨付比例合计应为100%%，当前为%(total)s%%。") % {"total": sum(shares)}
            )
        return [{"trigger": t, "percent": str(s)} for t, s in zip(TRIGGERS, shares, strict=True)]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("submission_opens_at"), data.get("submission_closes_at")
        resubmit, recommend = data.get("resubmission_deadline"), data.get("recommendation_deadline")
        if opens and closes and opens >= closes:
            self.add_error("submission_closes_at", _("填报截止时间应晚于开始时间。"))
        if closes and recommend and recommend < closes:
            self.add_error("recommendation_deadline", _("区县推荐截止时间不能早于填报截止时间。"))
        if closes and resubmit and resubmit < closes:
            self.add_error("resubmission_deadline", _("重新提交截止时间不能早于填报截止时间。"))
        if resubmit and recommend and resubmit > recommend:
            self.add_error("resubmission_deadline", _("重新提交截止时间不能晚于区县推荐截止时间。"))
        if data.get("min_total_investment") is not None and data["min_total_investment"] <= 0:
            self.add_error("min_total_investment", _("投入总额下限应大于0。"))
        if data.get("subsidy_cap") is not None and data["subsidy_cap"] < 0:
            self.add_error("subsidy_cap", _("补助上限不能为负数。"))
        if not data.get("accepts_tech_breakthrough") and not data.get(
            "accepts_achievement_transfer"
        ):
            self.add_error("accepts_tech_breakthrough", _("至少征集一个类别。"))
        return data
