from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.core.validators import validate_mobile, validate_phone, validate_uscc
from jiebang.orgs.enums import OrgKind, RelationKind, TechCertification
from jiebang.orgs.models import District, Organization
from jiebang.orgs.services import mobile_taken

ORG_FIELDS = [
    "name",
    "uscc",
    "kind",
    "is_independent_legal_person",
    "district",
    "registered_in_city_on",
    "address",
    "legal_representative",
    "contact_name",
    "tech_certification",
    "tech_certificate_number",
    "tech_certificate_valid_until",
    "expertise",
    "wants_recommendations",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.CharField(label=_("用户名或手机号"), max_length=150)
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确；待审批或已停用的账号不能登录。"),
        "inactive": _("该账号已停用。"),
    }


class OrganizationForm(BootstrapMixin, forms.ModelForm):
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, validators=[validate_phone])

    class Meta:
        model = Organization
        fields = ORG_FIELDS
        widgets = {
            "registered_in_city_on": DateInput(),
            "tech_certificate_valid_until": DateInput(),
        }
        help_texts = {
            "uscc": _("18位，见营业执照或法人证书"),
            "registered_in_city_on": _("在乌鲁木齐市登记注册的日期；市外单位可不填"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.order_by("sort_order", "id")
        self.fields["district"].empty_label = _("市外单位（不在本市）")
        self.fields["kind"].choices = OrgKind.choices
        self.fields["tech_certification"].choices = TechCertification.choices
        for name in ("name", "uscc", "kind", "contact_name", "address"):
            self.fields[name].required = True
        if self.instance.pk and self.instance.is_verified:
            for name in ("name", "uscc", "kind"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("已认证，如需变更请联系市科技局")

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip().upper()
        validate_uscc(value)
        clash = Organization.objects.filter(uscc=value).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("该统一社会信用代码已注册，请联系本单位管理员为您开通账号。")
            )
        return value

    def clean(self):
        data = super().clean()
        if data.get("district") and not data.get("registered_in_city_on"):
            self.add_error("registered_in_city_on", _("本市单位请填写在本市注册日期。"))
        if data.get("tech_certification"):
            if data.get("kind") != OrgKind.ENTERPRISE:
                self.add_error("tech_certification", _("只有企业可以登记科技型企业认定。"))
            if not data.get("tech_certificate_number"):
                self.add_error("tech_certificate_number", _("请填写认定证书编号。"))
        return data


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=30,
        min_length=4,
        regex=r"^[A-Za-z][A-Za-z0-9_]+$",
        error_messages={"invalid": _("用户名以字母开头，只能包含字母、数字和下划线。")},
    )
    real_name = forms.CharField(label=_("姓名"), max_length=64)
    mobile = forms.CharField(label=_("手机号码"), max_length=11, validators=[validate_mobile])
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password1 = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(render_value=True), strip=False
    )
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(render_value=True), strip=False
    )

    def clean_username(self):
        value = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=value).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"))
        return value

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if mobile_taken(value):
            raise forms.ValidationError(_("该手机号码已被其他账号使用。"))
        return value

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            probe = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def account_data(self) -> dict:
        d = self.cleaned_data
        return {
            "username": d["username"],
            "real_name": d["real_name"],
            "mobile": d["mobile"],
            "email": d.get("email", ""),
            "password": d["password1"],
        }


class UnitRegistrationForm(OrganizationForm):
    business_license = forms.FileField(
        label=_("营业执照或法人证书（扫描件）"),
        help_text=_("PDF、JPG或PNG，不超过20MB"),
    )


class ApplicantRegistrationForm(AccountForm):
    uscc = forms.CharField(label=_("所在单位统一社会信用代码"), max_length=18)

    field_order = ["uscc", "username", "real_name", "mobile", "email", "password1", "password2"]

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip().upper()
        validate_uscc(value)
        org = Organization.objects.filter(uscc=value).first()
        if org is None:
            raise forms.ValidationError(_("该单位尚未注册，请先由单位管理员完成单位注册。"))
        self.organization = org
        return value


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


class RelationForm(BootstrapMixin, forms.Form):
    other_uscc = forms.CharField(label=_("关联单位统一社会信用代码"), max_length=18)
    kind = forms.ChoiceField(label=_("关系类型"), choices=RelationKind.choices)
    direction = forms.ChoiceField(
        label=_("方向"),
        choices=[("out", _("本单位隶属于/持股对方")), ("in", _("对方隶属于/持股本单位"))],
        widget=forms.RadioSelect,
        initial="out",
    )
    percent = forms.DecimalField(
        label=_("持股比例（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    note = forms.CharField(label=_("说明"), max_length=255, required=False)

    def clean_other_uscc(self):
        value = self.cleaned_data["other_uscc"].strip().upper()
        validate_uscc(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == RelationKind.SHAREHOLDING and data.get("percent") is None:
            self.add_error("percent", _("股权关系请填写持股比例。"))
        return data


class StyledPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass
