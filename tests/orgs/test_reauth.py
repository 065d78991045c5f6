"""Re-authentication before sensitive actions: unmasked personal-data exports, publishing
demands, approving and paying disbursements. A page goes to /reauth/?next=<itself>; a
posted form is refused (nothing done) and the user repeats it after confirming. The
password is fresh for REAUTH_MAX_AGE (10:00 still fresh, 10:01 not)."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiebang.core import clock
from jiebang.core.models import AuditEntry
from jiebang.demands import services as demand_services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, PublicationBatch
from jiebang.orgs.enums import LoginEventKind, Role
from jiebang.orgs.models import LoginEvent
from jiebang.projects.enums import DisbursementState
from jiebang.projects.models import Disbursement
from tests.demands.builders import open_call
from tests.demands.test_desk_pages import submitted
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import pdf_upload
from tests.projects.builders import initiate, pay, register_contract, selected_proposal

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "Jiebang!2024"
MESSAGE = "为保护数据安全，请先确认密码后再操作。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _reauth_on(settings):
    settings.REQUIRE_REAUTH = True


def reauth_url(next_url: str) -> str:
    return f"/reauth/?next={quote(next_url, safe='')}"


def confirm(client, next_url, password=PASSWORD, **extra):
    return client.post("/reauth/", {"password": password, "next": next_url, **extra})


# ---- the page ----------------------------------------------------------------------------


def test_reauth_checks_the_password_records_it_and_goes_back(client):
    user = UserFactory(roles=[Role.AUDITOR])
    client.force_login(user)
    page = client.get("/reauth/?next=/bureau/demands/").content.decode()
    assert "确认身份" in page and 'name="password"' in page and 'name="code"' not in page
    wrong = confirm(client, "/bureau/demands/", password="Wrong#Password1")
    assert wrong.status_code == 200 and "密码不正确。" in wrong.content.decode()
    assert LoginEvent.objects.get(user=user).kind == LoginEventKind.LOGIN_FAILED
    ok = confirm(client, "/bureau/demands/")
    assert ok.status_code == 302 and ok["Location"] == "/bureau/demands/"
    assert AuditEntry.objects.get(action="auth.reauthenticated").actor == user


def test_next_must_stay_on_the_site(client):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        assert confirm(client, target)["Location"] == "/work/"


def test_with_an_authenticator_the_code_is_asked_too(client):
    user = UserFactory(roles=[Role.BUREAU_OFFICER])
    device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
    client.force_login(user)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING), tick=False):
        assert 'name="code"' in client.get("/reauth/").content.decode()
        refused = confirm(client, "/bureau/publish/")
        assert refused.status_code == 200 and "请输入动态口令" in refused.content.decode()
        code = f"{totp(device.bin_key):06d}"
        ok = confirm(client, "/bureau/publish/", code=code)
        assert ok.status_code == 302 and ok["Location"] == "/bureau/publish/"


def test_wrong_passwords_on_reauth_count_towards_the_lockout(client):
    user = UserFactory(roles=[Role.AUDITOR])
    client.force_login(user)
    for _ in range(4):
        assert confirm(client, "/work/", password="Wrong#Password1").status_code == 200
    locked = confirm(client, "/work/", password="Wrong#Password1")
    assert locked.status_code == 403 and "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(user=user, kind=LoginEventKind.LOCKED_OUT).exists()


# ---- unmasked exports --------------------------------------------------------------------


def test_an_unmasked_export_asks_for_the_password_then_downloads(client):
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    url = "/exports/bureau-demands.xlsx?state=all"
    asked = client.get(url)
    assert asked.status_code == 302 and asked["Location"] == reauth_url(url)
    assert MESSAGE in client.get(asked["Location"]).content.decode()
    assert not AuditEntry.objects.filter(action__startswith="export").exists()
    back = confirm(client, url)
    assert back["Location"] == url
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert AuditEntry.objects.get(action="export.downloaded").data["masked"] is False


def test_a_masked_export_needs_no_password(client):
    applicant = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(applicant)
    response = client.get("/exports/demands.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX


def test_the_login_password_is_fresh_for_ten_minutes(client):
    auditor = UserFactory(roles=[Role.AUDITOR])
    url = "/exports/bureau-demands.xlsx"
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING)
    with time_machine.travel(t0, tick=False) as traveller:
        client.post("/login/", {"username": auditor.username, "password": PASSWORD})
        traveller.move_to(t0 + dt.timedelta(minutes=10))
        assert client.get(url).status_code == 200
        traveller.move_to(t0 + dt.timedelta(minutes=10, seconds=1))
        assert client.get(url)["Location"] == reauth_url(url)
        confirm(client, url)
        traveller.move_to(t0 + dt.timedelta(minutes=20, seconds=1))
        assert client.get(url).status_code == 200


# ---- publishing demands ------------------------------------------------------------------


def test_publishing_asks_for_the_password_and_a_refused_post_publishes_nothing(client):
    call = open_call(expert_review_of_demands=False)
    demand = submitted(call, "待发布需求", 10)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    demand_services.recommend_demand(demand_id=demand.pk, by=officer)
    demand_services.accept_demand(demand_id=demand.pk, by=bureau)
    client.force_login(bureau)

    assert client.get("/bureau/publish/")["Location"] == reauth_url("/bureau/publish/")
    deadline = clock.beijing(clock.now() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%S")
    form = {"title": "第一批榜单", "solicitation_deadline": deadline, "ids": [demand.pk]}
    refused = client.post("/bureau/publish/", form)
    assert refused.status_code == 302 and refused["Location"] == reauth_url("/bureau/publish/")
    assert not PublicationBatch.objects.exists()
    assert Demand.objects.get(pk=demand.pk).state != DemandState.PUBLISHED

    assert confirm(client, "/bureau/publish/")["Location"] == "/bureau/publish/"
    done = client.post("/bureau/publish/", form, follow=True)
    assert "已发布 1 项需求" in done.content.decode()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.PUBLISHED


def test_htmx_is_sent_to_reauth_with_hx_redirect(client):
    client.force_login(UserFactory(roles=[Role.BUREAU_OFFICER]))
    response = client.post("/bureau/publish/", {}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reauth_url("/bureau/publish/")


# ---- disbursements -----------------------------------------------------------------------


def test_approving_and_paying_a_disbursement_ask_for_the_password(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    register_contract(project)
    pay(project, Decimal("6000000.00"))
    client.force_login(bureau)
    back = f"/projects/{project.pk}/#money"

    data = {"trigger": "initiation", "amount": "540000.00"}
    refused = client.post(f"/projects/{project.pk}/disburse/", data)
    assert refused.status_code == 302 and refused["Location"] == reauth_url(back)
    assert not Disbursement.objects.exists()

    assert confirm(client, back)["Location"] == back
    ok = client.post(f"/projects/{project.pk}/disburse/", data)
    assert ok.status_code == 302
    disbursement = Disbursement.objects.get(project=project)

    # Eleven minutes later the password is stale again for recording the payment.
    with time_machine.travel(clock.now() + dt.timedelta(minutes=11), tick=False):
        paid = {
            "disbursement_id": disbursement.pk,
            "paid_on": clock.today().isoformat(),
            "voucher": pdf_upload("拨付凭证.pdf"),
        }
        refused = client.post(f"/projects/{project.pk}/disbursement_paid/", paid)
        assert refused["Location"] == reauth_url(back)
        disbursement.refresh_from_db()
        assert disbursement.state != DisbursementState.PAID
        confirm(client, back)
        paid["voucher"] = pdf_upload("拨付凭证.pdf")
        assert client.post(f"/projects/{project.pk}/disbursement_paid/", paid).status_code == 302
        disbursement.refresh_from_db()
        assert disbursement.state == DisbursementState.PAID


def test_other_project_actions_and_refusals_come_first(client):
    proposal, bureau = selected_proposal()
    project = initiate(proposal, bureau)
    stranger = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(stranger)
    # No permission: a 404/403 as before, not a password prompt.
    response = client.post(f"/projects/{project.pk}/disburse/", {"amount": "1"})
    assert response.status_code in (403, 404)
    client.force_login(bureau)
    # Not a money action: no password asked (the form's own refusal answers).
    response = client.post(f"/projects/{project.pk}/midterm/", {})
    assert response.status_code == 400


def test_unlocking_an_account_asks_for_the_password(client):
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    user = UserFactory()
    client.force_login(bureau)
    response = client.post(f"/bureau/accounts/{user.pk}/unlock/")
    assert response["Location"] == reauth_url(f"/bureau/accounts/{user.pk}/")
    assert not AuditEntry.objects.filter(action="auth.unlocked").exists()
