"""Browser: a bureau officer's first login with TOTP required — the password, then the
enrolment page (QR code and key), a code computed from the key shown, and the work desk."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiebang.orgs.enums import Role
from jiebang.orgs.models import LoginEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_bureau_officer_enrols_an_authenticator_and_lands_on_the_desk(page, settings):
    settings.REQUIRE_TOTP = True
    officer = UserFactory(username="bureau_2fa", real_name="赵局员", roles=[Role.BUREAU_OFFICER])

    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill("bureau_2fa")
    page.get_by_label("密码").fill("Jiebang!2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/2fa/setup/**")
    assert page.get_by_role("heading", name="绑定动态口令（双因素认证）").is_visible()
    assert page.locator("svg.jb-totp-qr").is_visible()

    secret = page.get_by_test_id("totp-secret").inner_text()
    code = TOTP(b32decode(secret.replace(" ", ""))).token()
    page.get_by_label("动态口令").fill(f"{code:06d}")
    page.get_by_role("button", name="确认绑定").click()
    page.wait_for_url("**/work/")
    assert page.get_by_text("动态口令已绑定").is_visible()
    assert page.get_by_text("赵局员").first.is_visible()
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert LoginEvent.objects.filter(user=officer, kind="login").count() == 1
