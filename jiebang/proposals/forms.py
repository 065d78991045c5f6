"""Forms of the multi-step proposal editor (揭榜申请). Each step saves on its own (and by
autosave); saving goes through proposals.services only (see editor.py)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.core.validators import validate_uscc
from jiebang.demands.enums import IPKind
from jiebang.demands.forms import (
    IPItemForm,
    MemberFormSet,
    MoneyField,
    OrderedFormSet,
    ReasonForm,
    row_formset,
)
from jiebang.orgs.models import Organization
from jiebang.proposals.enums import PerformanceKind, ProposalAttachmentKind

__all__ = [
    "STEPS",
    "STEP_SLUGS",
    "ATTACHMENT_KINDS",
    "PlanForm",
    "ConsortiumFormSet",
    "MemberFormSet",
    "AnswersForm",
    "IPItemFormSet",
    "AttachmentUploadForm",
    "ReasonForm",
]

STEPS = [
    ("plan", _("揭榜方案")),
    ("consortium", _("联合体")),
    ("team", _("项目团队")),
    ("indicators", _("指标实现")),
    ("ip", _("知识产权与业绩")),
    ("attachments", _("附件材料")),
    ("submit", _("预检与提交")),
]
STEP_SLUGS = [slug for slug, _label in STEPS]

# The kinds a solver uploads, in the order shown (申报指南 五（二）3 and the consortium rule).
ATTACHMENT_KINDS = [
    ProposalAttachmentKind.PLAN,
    ProposalAttachmentKind.CONSORTIUM_AGREEMENT,
    ProposalAttachmentKind.COMMIT_UNIT,
    ProposalAttachmentKind.COMMIT_LEADER,
    ProposalAttachmentKind.OTHER,
]


class PlanForm(BootstrapMixin, forms.Form):
    """Step 1: the plan. The route is offered only for a horse-race demand, and only that
    demand's routes."""

    technical_plan = forms.CharField(
        label=_("技术方案概述"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "说明攻克关键核心技术（或成果转化应用）的技术路径、创新点和可行性"
            "（申报指南 二（三）3、二（四）1）"
        ),
    )
    schedule = forms.CharField(
        label=_("进度安排与里程碑"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    budget_total = MoneyField(label=_("预算总额（元）"), required=False)
    budget_breakdown = forms.CharField(
        label=_("预算构成"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如设备费、材料费、测试化验加工费、人员劳务费等，单位：元"),
    )

    def __init__(self, *args, proposal=None, **kwargs):
        demand = proposal.demand
        kwargs.setdefault(
            "initial",
            {
                "technical_plan": proposal.technical_plan,
                "schedule": proposal.schedule,
                "budget_total": proposal.budget_total,
                "budget_breakdown": proposal.budget_breakdown,
                "route": proposal.route_id,
            },
        )
        super().__init__(*args, **kwargs)
        if demand.is_horse_race:
            self.fields["route"] = forms.ModelChoiceField(
                label=_("选择的技术路线"),
                queryset=demand.routes.all(),
                empty_label=_("请选择本方案采用的技术路线"),
                help_text=_("本榜单为赛马制，须选定一条技术路线（申报指南 五（二）6）"),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields["route"].label_from_instance = lambda route: route.name
            self.order_fields(["route"])


class ConsortiumMemberForm(BootstrapMixin, forms.Form):
    """A consortium member besides the lead, identified by its USCC (it must be registered)."""

    uscc = forms.CharField(
        label=_("成员单位统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    work_share = forms.DecimalField(
        label=_("任务分工占比（%）"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99.99"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    budget_share = MoneyField(label=_("经费分配（元）"), required=False)
    tasks = forms.CharField(label=_("承担任务"), max_length=500, required=False)

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip().upper()
        validate_uscc(value)
        organization = Organization.objects.filter(uscc=value).only("pk", "name").first()
        if organization is None:
            raise forms.ValidationError(
                _("未找到该统一社会信用代码对应的注册单位，成员单位须先在平台注册。")
            )
        self.organization = organization
        return value


class BaseConsortiumFormSet(OrderedFormSet):
    """The members besides the lead: distinct, not the lead, shares leaving the lead a part."""

    def __init__(self, *args, lead=None, **kwargs):
        self.lead = lead
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        usccs = [row["uscc"] for row in rows]
        if self.lead is not None and self.lead.uscc in usccs:
            raise forms.ValidationError(
                _("牵头单位（%(name)s）已列在第1位，无需作为成员重复填写。")
                % {"name": self.lead.name}
            )
        if len(set(usccs)) != len(usccs):
            raise forms.ValidationError(_("同一成员单位不能填写两次。"))
        total = sum((row["work_share"] for row in rows), Decimal("0"))
        if total >= 100:
            raise forms.ValidationError(
                _(
                    "联合体成员的分工比例合计为%(total)s%%，牵头单位须承担其余部分，"
                    "成员合计应小于100%%。"
                )
                % {"total": f"{total.normalize():f}"}
            )

    def lead_share(self) -> Decimal | None:
        """The lead's share implied by the typed rows (None while they are invalid)."""
        if not self.is_bound or not self.is_valid():
            return None
        return Decimal("100") - sum((row["work_share"] for row in self.rows()), Decimal("0"))


ConsortiumFormSet = forms.formset_factory(
    ConsortiumMemberForm, formset=BaseConsortiumFormSet, extra=1, can_delete=True
)


class AnswersForm(BootstrapMixin, forms.Form):
    """Step 4: one answer per indicator of the demand, labelled with the indicator and its
    target."""

    def __init__(self, *args, indicators=(), answers=None, **kwargs):
        answers = answers or {}
        kwargs.setdefault(
            "initial", {self.field_name(i): answers.get(i.pk, "") for i in indicators}
        )
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            target = f"{indicator.target_value}{indicator.unit}".strip()
            help_text = _("考核/检测方式：%(m)s") % {"m": indicator.test_method or "—"}
            field = forms.CharField(
                label=_("%(n)s（目标值：%(t)s）") % {"n": indicator.name, "t": target},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                help_text=help_text,
            )
            self.fields[self.field_name(indicator)] = field

    @staticmethod
    def field_name(indicator) -> str:
        return f"answer_{indicator.pk}"

    def valid_answers(self) -> dict[int, str]:
        """{indicator_id: text} of the fields that validated."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            i.pk: data[self.field_name(i)]
            for i in self.indicators
            if self.field_name(i) in data and self.field_name(i) not in self.errors
        }


class ProposalIPItemForm(IPItemForm):
    """An IP item; the kind starts blank so an untouched extra row stays blank (and is
    ignored) instead of failing validation."""

    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—")] + IPKind.choices)


IPItemFormSet = row_formset(ProposalIPItemForm)


class AttachmentUploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("材料类别"), choices=[(k.value, k.label) for k in ATTACHMENT_KINDS]
    )
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、图片、Word、Excel 或 OFD，单个文件不超过20MB")
    )


class PerformanceForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "—")] + PerformanceKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=1980, max_value=2100, required=False)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)


PerformanceFormSet = row_formset(PerformanceForm)
