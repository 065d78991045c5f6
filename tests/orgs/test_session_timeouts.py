"""Session limits: 30 minutes without activity (29:59 still in, 30:00 and 30:01 out) and
12 hours since login however active; the logout is recorded, the user is told why, htmx
gets HX-Redirect and the API a JSON 401."""

import datetime as dt

import pytest
import time_machine

from jiebang.core.clock import BEIJING
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import LoginEventKind, Role
from jiebang.orgs.models import LoginEvent
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
PAGE = "/account/logins/"
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录。"


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 3600


@pytest.fixture
def signed_in(client):
    """A unit user who logged in through the login page at T0 (frozen)."""
    with time_machine.travel(T0, tick=False) as traveller:
        user = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
        client.post("/login/", {"username": user.username, "password": "Jiebang!2024"})
        assert client.session["_auth_user_id"] == str(user.pk)
        yield user, traveller


def at(traveller, **delta):
    traveller.move_to(T0 + dt.timedelta(**delta))


def test_29_minutes_59_seconds_idle_is_still_signed_in(client, signed_in):
    _user, traveller = signed_in
    at(traveller, minutes=29, seconds=59)
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("idle", [dt.timedelta(minutes=30), dt.timedelta(minutes=30, seconds=1)])
def test_30_minutes_idle_logs_out_with_the_reason(client, signed_in, idle):
    user, traveller = signed_in
    traveller.move_to(T0 + idle)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Faccount%2Flogins%2F"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert IDLE_MESSAGE in login_page
    event = LoginEvent.objects.filter(user=user).latest("id")
    assert event.kind == LoginEventKind.LOGOUT and event.detail == "idle_timeout"
    audit = AuditEntry.objects.filter(action="auth.logout").latest("id")
    assert audit.actor == user and "长时间未操作" in audit.summary


def test_activity_restarts_the_idle_clock(client, signed_in):
    _user, traveller = signed_in
    at(traveller, minutes=29, seconds=59)
    assert client.get(PAGE).status_code == 200
    at(traveller, minutes=59, seconds=30)  # 29:31 after the last request
    assert client.get(PAGE).status_code == 200
    at(traveller, minutes=89, seconds=31)  # 30:01 after it
    assert client.get(PAGE).status_code == 302


def test_12_hours_after_login_ends_the_session_however_active(client, signed_in):
    _user, traveller = signed_in
    minutes = 0
    while minutes + 25 < 12 * 60:
        minutes += 25
        at(traveller, minutes=minutes)
        assert client.get(PAGE).status_code == 200
    at(traveller, hours=11, minutes=59, seconds=59)
    assert client.get(PAGE).status_code == 200
    at(traveller, hours=12)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "登录时间已超过上限" in client.get("/login/").content.decode()
    event = LoginEvent.objects.latest("id")
    assert event.detail == "absolute_timeout"


def test_htmx_gets_hx_redirect_and_the_api_a_json_401(client, signed_in):
    user, traveller = signed_in
    at(traveller, minutes=31)
    htmx = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == "/login/"

    at(traveller, minutes=32)
    client.force_login(user)  # a new session at 0:32
    at(traveller, minutes=63)
    api = client.get("/api/v1/calls/")
    assert api.status_code == 401
    assert api.json()["code"] == "SESSION-EXPIRED" and "_auth_user_id" not in client.session


def test_a_posted_form_after_the_limit_is_not_carried_out(client, signed_in):
    _user, traveller = signed_in
    at(traveller, minutes=45)
    response = client.post("/password/", {"old_password": "Jiebang!2024"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_zero_turns_a_limit_off(client, signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    _user, traveller = signed_in
    at(traveller, hours=3)
    assert client.get(PAGE).status_code == 200
