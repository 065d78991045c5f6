from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from jiebang.core.forms import BootstrapMixin
from jiebang.orgs.security import services


def code_field():
    return forms.CharField(
        label=_("动态口令"),
        min_length=6,
        max_length=8,
        help_text=_("打开手机上的身份验证器应用，输入当前显示的6位数字。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        error_messages={"required": _("请输入动态口令。")},
    )


class TotpCodeForm(BootstrapMixin, forms.Form):
    code = code_field()

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("动态口令为6位数字。"))
        return code


class ReauthForm(BootstrapMixin, forms.Form):
    """The password again (through `authenticate`, so django-axes counts failures here as
    at the login page), and the TOTP code when the account has an authenticator."""

    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入登录密码。")},
    )

    def __init__(self, *args, request, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if with_code:
            self.fields["code"] = code_field()
            self.fields["code"].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password is None:
            return cleaned
        user = self.request.user
        confirmed = authenticate(self.request, username=user.get_username(), password=password)
        if confirmed is None or confirmed.pk != user.pk:
            raise forms.ValidationError(_("密码不正确。"), code="invalid_password")
        if "code" in self.fields:
            code = (cleaned.get("code") or "").replace(" ", "")
            if not code or not services.check_totp(request=self.request, token=code):
                self.add_error("code", _("动态口令不正确或已使用，请输入新的动态口令。"))
        return cleaned
