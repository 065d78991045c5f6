"""TOTP (django-otp) for staff accounts: who must use it, enrolment with the QR code and
the key, verification at each login, the API and htmx answers, and the audited reset.

Codes are computed from the device's key (django_otp.oath.totp) at a frozen time; a code
is accepted once, so a second use moves the clock to the next 30-second step.
"""

import datetime as dt
from base64 import b32decode
from urllib.parse import quote

import pytest
import time_machine
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiebang.core.clock import BEIJING
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import Role
from jiebang.orgs.security.middleware import requires_totp
from tests.factories import DistrictFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "Jiebang!2024"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
SETUP = "/account/2fa/setup/"
VERIFY = "/account/2fa/verify/"


@pytest.fixture(autouse=True)
def _totp_required(settings):
    settings.REQUIRE_TOTP = True


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def code_for(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def bureau_officer(**kwargs):
    return UserFactory(roles=[Role.BUREAU_OFFICER], **kwargs)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)


@pytest.mark.parametrize(
    ("make", "needed"),
    [
        (lambda: bureau_officer(), True),
        (lambda: UserFactory(district=DistrictFactory(), roles=[Role.DISTRICT_OFFICER]), True),
        (lambda: UserFactory(roles=[Role.AUDITOR]), True),
        (lambda: UserFactory(is_staff=True, is_superuser=True), True),
        (lambda: UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]), False),
        (lambda: UserFactory(organization=OrganizationFactory(), roles=[Role.ORG_ADMIN]), False),
        (lambda: UserFactory(roles=[Role.EXPERT]), False),
    ],
)
def test_who_must_use_totp(make, needed):
    assert requires_totp(make()) is needed


def test_an_unenrolled_bureau_officer_is_sent_to_setup_and_an_applicant_is_not(client):
    client.force_login(bureau_officer())
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={quote('/work/', safe='')}"
    # Every page, public ones too.
    assert client.get("/").status_code == 302
    assert client.get("/bureau/units/")["Location"].startswith(SETUP)

    client.force_login(UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]))
    assert client.get("/work/").status_code == 200


def test_without_require_totp_nobody_is_redirected(client, settings):
    settings.REQUIRE_TOTP = False
    client.force_login(bureau_officer())
    assert client.get("/work/").status_code == 200


def test_setup_shows_a_qr_code_and_the_key_and_a_code_confirms_it(client, frozen):
    user = bureau_officer()
    client.force_login(user)
    page = client.get(f"{SETUP}?next=/bureau/units/")
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert "<svg" in text and "动态口令二维码" in text  # drawn here, inline
    secret = text.split('data-testid="totp-secret">')[1].split("<")[0]
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    # The same key on a second visit (a refreshed page does not invalidate a scan).
    assert secret in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(SETUP, {"code": "000000", "next": "/bureau/units/"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    frozen.shift(dt.timedelta(seconds=31))  # past the throttle's wait after one failure
    key = b32decode(secret.replace(" ", ""))
    code = f"{TOTP(key).token():06d}"  # as the user's app computes it from the key shown
    ok = client.post(SETUP, {"code": code, "next": "/bureau/units/"})
    assert ok.status_code == 302 and ok["Location"] == "/bureau/units/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/bureau/units/").status_code == 200
    assert AuditEntry.objects.get(action="auth.totp_enrolled").actor == user
    assert AuditEntry.objects.filter(action="auth.totp_failed").count() == 1


def test_an_enrolled_officer_verifies_at_each_login(client, frozen):
    user = bureau_officer()
    device = enrolled(user)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert sent.status_code == 302 and sent["Location"].startswith(VERIFY)
    # An enrolled account cannot enrol a second authenticator with the password alone.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    bad = client.post(VERIFY, {"code": "123456", "next": "/work/"})
    assert bad.status_code == 200 and "动态口令不正确" in bad.content.decode()
    frozen.shift(dt.timedelta(seconds=31))
    ok = client.post(VERIFY, {"code": code_for(device), "next": "/work/"})
    assert ok.status_code == 302 and ok["Location"] == "/work/"
    assert client.get("/work/").status_code == 200

    # The next login asks again; the code just used is not accepted twice.
    client.post("/logout/")
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/work/")["Location"].startswith(VERIFY)
    used = code_for(device)
    frozen.shift(dt.timedelta(seconds=1))
    assert client.post(VERIFY, {"code": used}).status_code == 200
    frozen.shift(dt.timedelta(seconds=60))
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302


def test_verify_refuses_an_offsite_next(client, frozen):
    user = bureau_officer()
    device = enrolled(user)
    client.force_login(user)
    ok = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/work/"


def test_api_session_calls_get_a_json_refusal_and_htmx_gets_hx_redirect(client):
    client.force_login(bureau_officer())
    api = client.get("/api/v1/calls/")
    assert api.status_code == 403
    assert api.json()["code"] == "OTP-REQUIRED" and api.json()["message"]
    htmx = client.get("/work/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == SETUP
    # A token header does not carry a session past the check outside the API …
    assert client.get("/work/", HTTP_AUTHORIZATION="Token x")["Location"].startswith(SETUP)
    # … and inside it DRF authenticates by the token alone (a bad one is refused).
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION="Token x").status_code == 401


def test_unit_tokens_bypass_totp_by_design(client):
    from tests.api.core_support import auth, token_for

    unit = OrganizationFactory()
    # A unit account that is also back-office staff would need TOTP on the pages …
    admin = UserFactory(organization=unit, roles=[Role.ORG_ADMIN], is_staff=True)
    key = token_for(admin)
    assert client.get("/api/v1/calls/", **auth(key)).status_code == 200
    client.force_login(admin)
    assert client.get("/api/v1/calls/").status_code == 403  # … and on the API by session


def test_unverified_users_may_still_log_out(client):
    client.force_login(bureau_officer())
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_bureau_resets_a_lost_authenticator_and_it_is_audited(client, frozen, settings):
    officer = UserFactory(district=DistrictFactory(), roles=[Role.DISTRICT_OFFICER])
    enrolled(officer)
    bureau = bureau_officer()
    bureau_device = enrolled(bureau)
    client.force_login(bureau)
    client.post(VERIFY, {"code": code_for(bureau_device)})
    detail = client.get(f"/bureau/accounts/{officer.pk}/").content.decode()
    assert "已绑定" in detail and "重置动态口令" in detail
    response = client.post(f"/bureau/accounts/{officer.pk}/reset-totp/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(action="auth.totp_reset")
    assert entry.actor == bureau and entry.target_id == str(officer.pk)
    # The officer enrols again at the next request.
    client.force_login(officer)
    assert client.get("/work/")["Location"].startswith(SETUP)


def test_nobody_resets_their_own_authenticator_and_only_superusers_reset_superusers(client):
    bureau = bureau_officer()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    enrolled(bureau)
    enrolled(superuser)
    assert not bureau.has_perm("orgs.manage_account_security", bureau)
    assert not bureau.has_perm("orgs.manage_account_security", superuser)
    assert superuser.has_perm("orgs.manage_account_security", bureau)
    auditor = UserFactory(roles=[Role.AUDITOR])
    assert not auditor.has_perm("orgs.manage_account_security", bureau)


def test_an_admin_action_resets_totp(client, settings):
    settings.REQUIRE_TOTP = False
    officer = bureau_officer()
    enrolled(officer)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/django-admin/orgs/user/", {"action": "reset_totp", "_selected_action": [officer.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.get(action="auth.totp_reset").actor == admin


def test_the_back_office_does_not_show_authenticator_keys(client, settings):
    settings.REQUIRE_TOTP = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/django-admin/otp_totp/totpdevice/").status_code == 404
