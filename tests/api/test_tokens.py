"""Integration tokens: issued hashed, shown once, scoped, revocable; the token page lets an
org admin manage its own unit's tokens (and the bureau the government accounts') only."""

import hashlib

import pytest

from jiebang.api.models import ApiScope, UnitToken
from jiebang.api.services import issue_token, revoke_token
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import Role
from jiebang.orgs.services import disable_member
from tests.api.core_support import API, assert_error, auth, token_for
from tests.demands.builders import open_call
from tests.factories import DistrictFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PAGE = "/org/api-tokens/"


@pytest.fixture
def unit():
    org = OrganizationFactory()
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    applicant = UserFactory(organization=org, roles=[Role.APPLICANT])
    return org, admin, applicant


def test_a_token_is_stored_hashed_and_acts_as_its_account(client, unit):
    org, admin, applicant = unit
    token, key = issue_token(
        user=applicant, name="科研管理系统", scopes=["read", "write"], by=admin
    )
    assert key.startswith("jb_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:10]
    stored = UnitToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in stored.values()}
    assert token.organization_id == org.pk
    assert AuditEntry.objects.filter(action="api.token_issued").exists()

    response = client.get(f"{API}/units/", **auth(key))
    assert response.status_code == 200
    assert [u["id"] for u in response.json()["results"]] == [org.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_or_unknown_token_gets_401_with_the_error_shape(client, unit):
    _org, admin, applicant = unit
    token, key = issue_token(user=applicant, name="对接", scopes=["read"], by=admin)
    assert client.get(f"{API}/demands/", **auth(key)).status_code == 200
    revoke_token(token_id=token.pk, by=admin)
    body = assert_error(client.get(f"{API}/demands/", **auth(key)), 401, "AUTHENTICATION-FAILED")
    assert "撤销" in body["message"]
    assert_error(client.get(f"{API}/demands/", **auth("jb_nonsense")), 401, "AUTHENTICATION-FAILED")
    response = client.get(f"{API}/demands/")
    assert_error(response, 401, "NOT-AUTHENTICATED")
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_a_disabled_account_stops_working(client, unit):
    _org, admin, applicant = unit
    key = token_for(applicant)
    disable_member(admin=admin, member_id=applicant.pk, reason="离职")
    assert_error(client.get(f"{API}/demands/", **auth(key)), 401, "AUTHENTICATION-FAILED")


def test_a_read_scope_token_is_refused_on_post(client, unit):
    _org, _admin, applicant = unit
    open_call()
    reader = auth(token_for(applicant, scopes=[ApiScope.READ]))
    writer = auth(token_for(applicant, scopes=[ApiScope.READ, ApiScope.WRITE]))
    draft = {"category": "tech_breakthrough", "title": "需求"}
    assert client.get(f"{API}/demands/", **reader).status_code == 200
    body = assert_error(
        client.post(f"{API}/demands/", draft, content_type="application/json", **reader),
        403,
        "PERMISSION-DENIED",
    )
    assert "读取" in body["message"]
    assert not applicant.organization.demands.exists()
    response = client.post(f"{API}/demands/", draft, content_type="application/json", **writer)
    assert response.status_code == 201


# ---- the page ---------------------------------------------------------------------------------


def test_an_org_admin_issues_a_token_and_sees_the_key_once(client, unit):
    _org, admin, applicant = unit
    client.force_login(admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert f'value="{applicant.pk}"' in page.content.decode()
    response = client.post(
        PAGE, {"account": applicant.pk, "name": "科研管理系统对接", "scopes": ["read", "write"]}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["issued"]["key"]
    assert key in response.content.decode()
    token = UnitToken.objects.get(user=applicant)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.scopes == ["read", "write"]
    # Shown once: the next visit lists the token by prefix, never the key.
    again = client.get(PAGE).content.decode()
    assert key not in again
    assert token.prefix in again
    # The key works.
    assert client.get(f"{API}/demands/", **auth(key)).status_code == 200


def test_an_org_admin_revokes_its_units_token_on_the_page(client, unit):
    _org, admin, applicant = unit
    token, key = issue_token(user=applicant, name="对接", scopes=["read"], by=admin)
    client.force_login(admin)
    response = client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert_error(client.get(f"{API}/demands/", **auth(key)), 401)


def test_another_units_admin_cannot_issue_or_revoke_for_your_account(client, unit):
    _org, admin, applicant = unit
    token, _key = issue_token(user=applicant, name="对接", scopes=["read"], by=admin)
    other_admin = UserFactory(organization=OrganizationFactory(), roles=[Role.ORG_ADMIN])
    client.force_login(other_admin)
    page = client.get(PAGE).content.decode()
    assert f'value="{applicant.pk}"' not in page
    assert token.prefix not in page
    response = client.post(PAGE, {"account": applicant.pk, "name": "越权", "scopes": ["write"]})
    assert response.status_code == 403
    assert UnitToken.objects.filter(user=applicant).count() == 1
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_refuses_non_admins(client, unit):
    _org, admin, applicant = unit
    client.force_login(applicant)
    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, {"account": applicant.pk, "name": "自己", "scopes": ["write"]})
    assert response.status_code == 403
    assert not UnitToken.objects.exists()
    client.logout()
    assert client.get(PAGE).status_code == 302  # to the login page


def test_an_unverified_units_admin_cannot_issue(client):
    org = OrganizationFactory(verification_state="pending")
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    client.force_login(admin)
    assert client.get(PAGE).status_code == 403


def test_the_bureau_manages_government_accounts_tokens_only(client, unit):
    _org, _admin, applicant = unit
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    officer = UserFactory(district=DistrictFactory(), roles=[Role.DISTRICT_OFFICER])
    client.force_login(bureau)
    response = client.post(PAGE, {"account": officer.pk, "name": "区县系统", "scopes": ["read"]})
    assert response.status_code == 200
    assert UnitToken.objects.get(user=officer).organization_id is None
    response = client.post(PAGE, {"account": applicant.pk, "name": "越权", "scopes": ["read"]})
    assert response.status_code == 403
    assert not UnitToken.objects.filter(user=applicant).exists()


def test_issuing_needs_a_scope_and_a_name(client, unit):
    _org, admin, applicant = unit
    client.force_login(admin)
    response = client.post(PAGE, {"account": applicant.pk, "name": "", "scopes": []})
    assert response.status_code == 400
    assert response.context["issued"] is None
    assert not UnitToken.objects.exists()


def test_the_token_list_query_count_is_the_same_for_one_and_three(client, unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _org, admin, applicant = unit
    client.force_login(admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PAGE)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["page"].object_list)

    issue_token(user=applicant, name="一", scopes=["read"], by=admin)
    one, n = count()
    assert n == 1
    issue_token(user=admin, name="二", scopes=["read"], by=admin)
    token, _key = issue_token(user=applicant, name="三", scopes=["write"], by=admin)
    revoke_token(token_id=token.pk, by=admin)
    three, n = count()
    assert n == 3
    assert one == three
