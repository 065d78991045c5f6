"""Forms of the project pages. They check shape and types; the services decide the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core import clock
from jiebang.core.forms import BootstrapMixin
from jiebang.projects.enums import (
    AcceptanceOutcome,
    BudgetCategory,
    ChangeKind,
    FundSource,
    MidtermOutcome,
    Trigger,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **MONEY, **kwargs
    )


def file_field(label, required=True):
    return forms.FileField(label=label, required=required)


class InitiationForm(BootstrapMixin, forms.Form):
    contract_amount = money_field(_("技术合同金额（元）"))
    total_investment = money_field(_("项目投入总额（元）"))
    start_on = date_field(_("项目开始日期"))
    period_months = forms.IntegerField(label=_("实施周期（月）"), min_value=1, max_value=120)
    period_justification = forms.CharField(
        label=_("超期理由（周期超过一般上限时必填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
    )
    agreement_signed_on = date_field(_("三方协议签订日期"))
    agreement_file = file_field(_("三方协议扫描件（发榜方、揭榜方、市科技局盖章）"))

    MILESTONE_ROWS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.MILESTONE_ROWS + 1):
            self.fields[f"milestone_{n}_title"] = forms.CharField(
                label=_("里程碑%(n)d") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"milestone_{n}_due_on"] = date_field(_("计划完成日期"), required=False)
            self.fields[f"milestone_{n}_deliverable"] = forms.CharField(
                label=_("考核成果"), required=False, max_length=500
            )
        for category, category_label in BudgetCategory.choices:
            for source, source_label in FundSource.choices:
                self.fields[f"budget_{category}_{source}"] = money_field(
                    f"{category_label}（{source_label}）", required=False
                )
        # Fields added after BootstrapMixin styled the declared ones.
        for name, field in self.fields.items():
            if name.startswith(("milestone_", "budget_")):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def milestone_rows(self):
        return [
            (
                self[f"milestone_{n}_title"],
                self[f"milestone_{n}_due_on"],
                self[f"milestone_{n}_deliverable"],
            )
            for n in range(1, self.MILESTONE_ROWS + 1)
        ]

    def budget_rows(self):
        return [
            (label, [self[f"budget_{category}_{source}"] for source in FundSource.values])
            for category, label in BudgetCategory.choices
        ]

    def milestones(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "title": data.get(f"milestone_{n}_title") or "",
                "due_on": data.get(f"milestone_{n}_due_on"),
                "deliverable": data.get(f"milestone_{n}_deliverable") or "",
            }
            for n in range(1, self.MILESTONE_ROWS + 1)
        ]

    def budget(self) -> dict:
        return {
            (category, source): self.cleaned_data.get(f"budget_{category}_{source}") or 0
            for category in BudgetCategory.values
            for source in FundSource.values
        }


class TechContractForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("技术合同登记号"), max_length=40)
    registered_on = date_field(_("登记日期"))
    file = file_field(_("技术合同登记证明（可选）"), required=False)


class PaymentForm(BootstrapMixin, forms.Form):
    amount = money_field(_("支付金额（元）"))
    paid_on = date_field(_("支付日期"))
    reference = forms.CharField(label=_("银行流水号/凭证号"), max_length=64)
    voucher = file_field(_("支付凭证（银行回单）"))


class PaymentCheckForm(BootstrapMixin, forms.Form):
    payment_id = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.TypedChoiceField(
        label=_("核实结果"),
        choices=[("1", _("核实无误")), ("0", _("不予认定"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("核实意见"), required=False, max_length=500)


class DisbursementForm(BootstrapMixin, forms.Form):
    trigger = forms.ChoiceField(label=_("拨付节点"), choices=Trigger.choices)
    amount = money_field(_("本次拨付金额（元）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class DisbursementPaidForm(BootstrapMixin, forms.Form):
    disbursement_id = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = date_field(_("拨付日期"))
    voucher = file_field(_("拨付凭证"))


class DisbursementCancelForm(BootstrapMixin, forms.Form):
    disbursement_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("撤销理由"), max_length=300)


class ExpenditureForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("预算科目"), choices=BudgetCategory.choices)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    amount = money_field(_("金额（元）"))
    spent_on = date_field(_("支出日期"))
    description = forms.CharField(label=_("摘要"), max_length=300)
    voucher = file_field(_("支出凭证"))


class RefundSettleForm(BootstrapMixin, forms.Form):
    refund_id = forms.IntegerField(widget=forms.HiddenInput)
    amount_returned = money_field(_("退回金额（元）"))
    returned_on = date_field(_("退回日期"))
    voucher = file_field(_("退款凭证"))


class MilestoneForm(BootstrapMixin, forms.Form):
    milestone_id = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = date_field(_("实际完成日期"))
    note = forms.CharField(label=_("完成情况"), max_length=1000)


class ProgressReportForm(BootstrapMixin, forms.Form):
    report_id = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.CharField(
        label=_("工作进展"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    problems = forms.CharField(
        label=_("存在问题及措施"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=3000,
    )
    next_steps = forms.CharField(
        label=_("下一步计划"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=3000,
    )
    file = file_field(_("附件（可选）"), required=False)


class ReportReviewForm(BootstrapMixin, forms.Form):
    report_id = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("审阅意见"), max_length=1000)


class ChangeRequestForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("变更类型"), choices=ChangeKind.choices)
    extension_months = forms.IntegerField(
        label=_("延期月数（仅延期填写）"), required=False, min_value=1, max_value=60
    )
    reason = forms.CharField(
        label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class ChangeDecisionForm(BootstrapMixin, forms.Form):
    change_id = forms.IntegerField(widget=forms.HiddenInput)
    approved = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("1", _("批准")), ("0", _("不予批准"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=1000)


class MidtermForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("评估结论"), choices=MidtermOutcome.choices)
    evaluated_on = date_field(_("评估日期"))
    rectify_deadline = date_field(_("整改期限（限期整改时填写）"), required=False)
    opinion = forms.CharField(
        label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            from jiebang.projects.enums import ORDINARY_MIDTERM_OUTCOMES, RACE_MIDTERM_OUTCOMES

            allowed = RACE_MIDTERM_OUTCOMES if project.is_race else ORDINARY_MIDTERM_OUTCOMES
            self.fields["outcome"].choices = [(o.value, o.label) for o in allowed]


class TerminateForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=3000
    )


class AchievementForm(BootstrapMixin, forms.Form):
    indicator_id = forms.IntegerField(widget=forms.HiddenInput)
    achieved_value = forms.CharField(label=_("实际完成值"), max_length=200)
    achieved = forms.TypedChoiceField(
        label=_("是否达到目标"),
        choices=[("1", _("达到")), ("0", _("未达到"))],
        coerce=lambda v: v == "1",
    )
    explanation = forms.CharField(label=_("说明"), required=False, max_length=1000)
    evidence = file_field(_("佐证材料（检测报告等）"), required=False)


class FinalReportForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=_("总结报告"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000
    )
    outputs = forms.CharField(
        label=_("成果与效益"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    file = file_field(_("验收材料附件（可选）"), required=False)


class AcceptanceDecisionForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("验收结论"),
        choices=[
            (AcceptanceOutcome.PASSED.value, AcceptanceOutcome.PASSED.label),
            (AcceptanceOutcome.REWORK.value, AcceptanceOutcome.REWORK.label),
            (AcceptanceOutcome.CONCLUDED.value, AcceptanceOutcome.CONCLUDED.label),
            (AcceptanceOutcome.FAILED.value, AcceptanceOutcome.FAILED.label),
        ],
    )
    opinion = forms.CharField(
        label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class AssistantPostForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    openings = forms.IntegerField(label=_("岗位数"), min_value=1, max_value=100)
    created_on = date_field(_("设岗日期"))


class AssistantHireForm(BootstrapMixin, forms.Form):
    post_id = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=64)
    school = forms.CharField(label=_("毕业院校"), max_length=200)
    graduation_year = forms.IntegerField(label=_("毕业年份"), min_value=1990, max_value=2100)
    hired_on = date_field(_("聘用日期"))


class AcceptanceRoundForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("评审名称"), max_length=200)
    deadline = forms.DateTimeField(
        label=_("评审截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    experts_per_item = forms.IntegerField(label=_("每项专家人数"), min_value=1, initial=5)
    blind = forms.BooleanField(label=_("盲评"), required=False)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value <= clock.now():
            raise forms.ValidationError(_("评审截止时间应晚于当前时间。"))
        return value
