"""Forms of the multi-step demand editor. Each step saves on its own (and by autosave)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiebang.calls.models import Industry
from jiebang.core.forms import BootstrapMixin
from jiebang.core.validators import validate_id_number, validate_phone
from jiebang.demands.enums import (
    ATTACHMENTS_BY_CATEGORY,
    AttachmentKind,
    Category,
    IPKind,
    ResearchLevel,
)
from jiebang.demands.models import Demand

STEPS = [
    ("basic", _("基本信息")),
    ("content", _("指标与要求")),
    ("funding", _("投入与周期")),
    ("team", _("项目团队")),
    ("special", _("类别专项")),
    ("attachments", _("附件材料")),
    ("submit", _("预检与提交")),
]
STEP_SLUGS = [slug for slug, _label in STEPS]

money_help = _("单位：元")


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("help_text", money_help)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "data-money": "1", "step": "0.01"})


class NewDemandForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("需求类别"), choices=Category.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("需求名称"), max_length=120)


class BasicForm(BootstrapMixin, forms.ModelForm):
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=32, required=False, validators=[validate_phone]
    )

    class Meta:
        model = Demand
        fields = [
            "title",
            "industry",
            "summary",
            "problem",
            "is_horse_race",
            "is_classified",
            "involves_ethics",
            "ethics_review_record",
            "priority_common_tech",
            "priority_first_set",
            "priority_public_benefit",
            "contact_name",
            "contact_email",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 6}),
            "ethics_review_record": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "is_classified": _(
                "经相关程序认定有涉密内容的项目不得网上申报，须报送至市科技局（申报指南 五（二）9）"
            ),
            "is_horse_race": _(
                "同一技术问题由多个团队、不同路径同步攻关，须分别明确每条路线的研发投入（申报指南 五（二）6）"
            ),
        }

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        industries = call.industries.all() if call is not None else Industry.objects.none()
        self.fields["industry"].queryset = (
            industries if industries.exists() else Industry.objects.all()
        )
        self.fields["title"].required = True
        self.fields["industry"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["contact_phone"] = self.instance.contact_phone


class ContentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["time_requirement", "ip_terms", "solver_conditions"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class FundingForm(BootstrapMixin, forms.ModelForm):
    total_investment = MoneyField(label=_("项目投入总额（元）"), required=False)

    class Meta:
        model = Demand
        fields = [
            "total_investment",
            "investment_breakdown",
            "period_months",
            "period_justification",
        ]
        widgets = {
            "investment_breakdown": forms.Textarea(attrs={"rows": 3}),
            "period_justification": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_period_months(self):
        months = self.cleaned_data.get("period_months")
        if months is not None and not 1 <= months <= 120:
            raise forms.ValidationError(_("实施周期应在1至120个月之间。"))
        return months


class TBSpecialForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["declares_end_user", "commits_funding", "support_conditions"]
        widgets = {"support_conditions": forms.Textarea(attrs={"rows": 4})}


class ATSpecialForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["success_cases", "transfer_team"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class IndicatorForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=200)
    target_value = forms.CharField(label=_("目标值"), max_length=200)
    unit = forms.CharField(label=_("单位"), max_length=32, required=False)
    test_method = forms.CharField(label=_("考核/检测方式"), max_length=300, required=False)


class RouteForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("技术路线"), max_length=200)
    description = forms.CharField(label=_("路线说明"), max_length=2000, required=False)
    rnd_investment = MoneyField(label=_("研发投入（元）"))


class ResearchTaskForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("任务名称"), max_length=200)
    level = forms.ChoiceField(label=_("级别"), choices=[("", _("请选择"))] + ResearchLevel.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1980, max_value=2100, required=False)
    role = forms.CharField(label=_("承担角色"), max_length=64, required=False)


class IPItemForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("请选择"))] + IPKind.choices)
    number = forms.CharField(label=_("授权号/登记号"), max_length=64)
    owner = forms.CharField(label=_("权利人"), max_length=200)
    legal_status = forms.CharField(label=_("法律状态"), max_length=64)


class TeamMemberForm(BootstrapMixin, forms.Form):
    """A team member. For a saved member the ID number may be left blank to keep it unchanged,
    so the full number is never sent back to the browser."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号"), max_length=18, required=False)
    kept_person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("职称/职务"), max_length=64, required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    responsibility = forms.CharField(label=_("分工"), max_length=200, required=False)

    def __init__(self, *args, allowed_people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_people = allowed_people or {}

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value:
            validate_id_number(value)
        return value

    def clean(self):
        data = super().clean()
        kept = data.get("kept_person")
        if not data.get("id_number"):
            if kept is None or kept not in self.allowed_people:
                self.add_error("id_number", _("请填写居民身份证号。"))
            else:
                data["id_number"] = self.allowed_people[kept]
        return data


class OrderedFormSet(forms.BaseFormSet):
    """Rows in page order; empty extra rows ignored; deleted rows dropped."""

    def rows(self) -> list[dict]:
        kept = []
        for index, form in enumerate(self.forms):
            is_blank_extra = index >= self.initial_form_count() and not form.has_changed()
            if is_blank_extra or (self.can_delete and self._should_delete_form(form)):
                continue
            kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


class TeamFormSet(OrderedFormSet):
    def __init__(self, *args, allowed_people=None, **kwargs):
        self.allowed_people = allowed_people or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"allowed_people": self.allowed_people}

    def clean(self):
        if any(self.errors):
            return
        if not self.rows():
            raise forms.ValidationError(_("请至少填写项目负责人（第1位成员）。"))


def row_formset(form_class, formset=OrderedFormSet, extra=1):
    return forms.formset_factory(form_class, formset=formset, extra=extra, can_delete=True)


IndicatorFormSet = row_formset(IndicatorForm)
RouteFormSet = row_formset(RouteForm)
ResearchTaskFormSet = row_formset(ResearchTaskForm)
IPItemFormSet = row_formset(IPItemForm)
MemberFormSet = row_formset(TeamMemberForm, formset=TeamFormSet)


class FinancialForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    revenue = MoneyField(label=_("销售收入（元）"), required=False)
    rnd_spend = MoneyField(label=_("研发投入（元）"), required=False)


FinancialFormSet = forms.formset_factory(FinancialForm, extra=0)


class AttachmentUploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("材料类别"))
    year = forms.IntegerField(label=_("审计年度"), required=False)
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、图片、Word、Excel 或 OFD，单个文件不超过20MB")
    )

    def __init__(self, *args, demand=None, audit_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ATTACHMENTS_BY_CATEGORY[demand.category] if demand else list(AttachmentKind)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.audit_years = list(audit_years)
        self.fields["year"].widget = forms.Select(
            choices=[("", "—")] + [(y, f"{y}年度") for y in self.audit_years],
            attrs={"class": "form-select"},
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == AttachmentKind.AUDIT_REPORT:
            if data.get("year") not in self.audit_years:
                self.add_error("year", _("请选择审计报告对应的年度。"))
        else:
            data["year"] = None
        return data


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OfflineEntryForm(BootstrapMixin, forms.Form):
    """Metadata of a classified demand delivered offline; no content fields on purpose."""

    uscc = forms.CharField(label=_("申报单位统一社会信用代码"), max_length=18)
    category = forms.ChoiceField(label=_("需求类别"), choices=Category.choices)
    reference = forms.CharField(label=_("线下受理编号"), max_length=64)
    received_on = forms.DateField(
        label=_("接收日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    leader_name = forms.CharField(label=_("负责人姓名"), max_length=64)
    leader_id = forms.CharField(
        label=_("负责人身份证号"), max_length=18, validators=[validate_id_number]
    )
    second_name = forms.CharField(label=_("第2名成员姓名"), max_length=64, required=False)
    second_id = forms.CharField(
        label=_("第2名成员身份证号"), max_length=18, required=False, validators=[validate_id_number]
    )
    third_name = forms.CharField(label=_("第3名成员姓名"), max_length=64, required=False)
    third_id = forms.CharField(
        label=_("第3名成员身份证号"), max_length=18, required=False, validators=[validate_id_number]
    )
    note = forms.CharField(label=_("备注（不得填写涉密内容）"), max_length=255, required=False)

    def clean_uscc(self):
        from jiebang.orgs.models import Organization

        value = self.cleaned_data["uscc"].strip().upper()
        self.organization = Organization.objects.filter(uscc=value).first()
        if self.organization is None:
            raise forms.ValidationError(_("未找到该统一社会信用代码对应的注册单位。"))
        return value

    def clean_reference(self):
        from jiebang.demands.models import OfflineDemandEntry

        value = self.cleaned_data["reference"].strip()
        if OfflineDemandEntry.objects.filter(reference=value).exists():
            raise forms.ValidationError(_("该线下受理编号已登记。"))
        return value

    def clean(self):
        data = super().clean()
        for name_field, id_field in (("second_name", "second_id"), ("third_name", "third_id")):
            if bool(data.get(name_field)) != bool(data.get(id_field)):
                self.add_error(id_field, _("姓名和身份证号须同时填写。"))
        return data

    def principals(self) -> list[dict]:
        d = self.cleaned_data
        rows = [
            ("leader_name", "leader_id"),
            ("second_name", "second_id"),
            ("third_name", "third_id"),
        ]
        return [{"name": d[n], "id_number": d[i].upper()} for n, i in rows if d.get(n) and d.get(i)]


class PublishForm(BootstrapMixin, forms.Form):
    title = forms.CharField(
        label=_("榜单批次名称"), max_length=200, initial=_("揭榜挂帅榜单（第一批）")
    )
    solicitation_deadline = forms.DateTimeField(
        label=_("揭榜截止时间（北京时间）"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )
