"""Account security at its boundaries: the password policy (7 characters, 8 with 2 or 3
classes), the lockout after the 5th consecutive failed login (not the 4th), its Chinese
page, the audited unlock, and the login history with its audit entries."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core import clock
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import LoginEventKind, Role
from jiebang.orgs.models import LoginEvent
from jiebang.orgs.security.passwords import CharacterClassesValidator
from tests.factories import OrganizationFactory, UserFactory
from tests.orgs.support import login_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "Jiebang!2024"
LOCKED_TEXT = "登录失败次数过多（连续 5 次），账号已锁定"


def post_login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def fail(client, username, times):
    for _ in range(times):
        response = post_login(client, username, "Wrong#Password1")
        assert "_auth_user_id" not in client.session
    return response


def messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# ---- password policy ---------------------------------------------------------------------


@pytest.mark.unit
def test_seven_characters_are_refused_even_with_all_four_classes():
    with pytest.raises(ValidationError) as refused:
        CharacterClassesValidator().validate("Ab1!xyz")
    assert messages_of(refused.value) == ["密码太短，至少需要 8 个字符。"]


@pytest.mark.unit
def test_eight_characters_with_three_classes_are_accepted():
    CharacterClassesValidator().validate("Kunlunx7")  # upper, lower, digit
    CharacterClassesValidator().validate("kunlun#7")  # lower, symbol, digit


@pytest.mark.unit
@pytest.mark.parametrize("password", ["kunlunx7", "KUNLUN#!", "12345678", "kunlun!!"])
def test_eight_characters_with_two_classes_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        CharacterClassesValidator().validate(password)
    assert messages_of(refused.value) == ["密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"]


@pytest.mark.unit
def test_a_short_simple_password_gets_both_reasons():
    with pytest.raises(ValidationError) as refused:
        CharacterClassesValidator().validate("abc")
    assert len(refused.value.messages) == 2


@pytest.mark.parametrize(
    "password", ["Jiebang@2024", "Jiebang!2024", "Urumqi@2024x", "Xinjiang#2024"]
)
def test_demo_and_test_passwords_pass_the_configured_validators(password):
    user = UserFactory.build(username="policy", real_name="测试")
    validate_password(password, user)


def test_the_policy_is_configured_and_explained_in_chinese():
    texts = password_validators_help_texts()
    assert "密码至少 8 个字符，且包含大写字母、小写字母、数字、符号中的至少 3 类。" in texts
    with pytest.raises(ValidationError) as refused:
        validate_password("kunlunxx")
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in refused.value.messages


def test_changing_to_a_two_class_password_is_refused(client):
    user = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(user)
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "kunlunxx9", "new_password2": "kunlunxx9"},
    )
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# ---- lockout -----------------------------------------------------------------------------


def test_four_failures_do_not_lock(client):
    user = UserFactory()
    response = fail(client, user.username, 4)
    assert response.status_code == 200 and LOCKED_TEXT not in response.content.decode()
    ok = post_login(client, user.username, PASSWORD)
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    # A success starts the count again (consecutive failures).
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_the_fifth_failure_locks_and_the_login_page_says_so_in_chinese(client):
    user = UserFactory()
    fail(client, user.username, 4)
    fifth = post_login(client, user.username, "Wrong#Password1")
    assert fifth.status_code == 403
    text = fifth.content.decode()
    assert LOCKED_TEXT in text and "请联系市科技局系统管理员解锁" in text
    assert 'name="username"' in text and "登录" in text  # the login page, not a bare 403
    # The right password no longer opens the account.
    refused = post_login(client, user.username, PASSWORD)
    assert refused.status_code == 403 and LOCKED_TEXT in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_mobile_number_and_the_username_share_one_counter(client):
    user = UserFactory(mobile_number="13900001111")
    fail(client, user.username, 3)
    fail(client, "13900001111", 2)
    refused = post_login(client, "13900001111", PASSWORD)
    assert refused.status_code == 403 and "_auth_user_id" not in client.session
    refused = post_login(client, user.username, PASSWORD)
    assert refused.status_code == 403


def test_locking_is_per_account_not_per_address(client):
    """Another account from the same address (one office NAT) still logs in."""
    locked, colleague = UserFactory(), UserFactory()
    fail(client, locked.username, 5)
    ok = post_login(client, colleague.username, PASSWORD)
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(colleague.pk)


def test_lockout_is_json_for_scripted_clients(client):
    user = UserFactory()
    fail(client, user.username, 5)
    response = post_login(client, user.username, PASSWORD, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    assert response.json()["code"] == "ACCOUNT-LOCKED"


def test_authenticate_by_username_or_mobile_still_works():
    user = UserFactory(mobile_number="13900002222")
    assert authenticate(login_request(), username="13900002222", password=PASSWORD) == user
    assert authenticate(login_request(), username=user.username, password=PASSWORD) == user


def test_the_bureau_unlocks_an_account_and_it_is_audited(client):
    user = UserFactory(real_name="王被锁")
    fail(client, user.username, 5)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(bureau)
    detail = client.get(f"/bureau/accounts/{user.pk}/").content.decode()
    assert "已锁定" in detail and "解除锁定" in detail
    listed = client.get("/bureau/accounts/?locked=1").content.decode()
    assert user.username in listed
    response = client.post(f"/bureau/accounts/{user.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    entry = AuditEntry.objects.get(action="auth.unlocked")
    assert entry.actor == bureau and entry.target_id == str(user.pk)
    assert "王被锁" in entry.summary
    client.logout()
    ok = post_login(client, user.username, PASSWORD)
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_an_auditor_sees_the_lock_but_cannot_unlock(client):
    user = UserFactory()
    fail(client, user.username, 5)
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    detail = client.get(f"/bureau/accounts/{user.pk}/").content.decode()
    assert "已锁定" in detail and "解除锁定" not in detail
    assert client.post(f"/bureau/accounts/{user.pk}/unlock/").status_code == 403
    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert not AuditEntry.objects.filter(action="auth.unlocked").exists()


def test_units_cannot_open_account_pages(client):
    user = UserFactory()
    applicant = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(applicant)
    assert client.get("/bureau/accounts/").status_code == 403
    assert client.get(f"/bureau/accounts/{user.pk}/").status_code == 403
    assert client.post(f"/bureau/accounts/{user.pk}/unlock/").status_code == 403


def test_an_admin_action_unlocks_and_is_audited(client):
    user = UserFactory()
    fail(client, user.username, 5)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/django-admin/orgs/user/",
        {"action": "unlock_login", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert AuditEntry.objects.get(action="auth.unlocked").actor == admin


# ---- login history -----------------------------------------------------------------------


def test_a_login_and_a_logout_are_recorded_with_address_and_browser(client):
    user = UserFactory()
    post_login(client, user.username, PASSWORD, HTTP_USER_AGENT="Mozilla/5.0 测试浏览器")
    client.post("/logout/")
    events = list(LoginEvent.objects.filter(user=user).order_by("id"))
    assert [e.kind for e in events] == [LoginEventKind.LOGIN, LoginEventKind.LOGOUT]
    assert events[0].ip_address == "127.0.0.1"
    assert events[0].user_agent == "Mozilla/5.0 测试浏览器"
    assert events[0].username == user.username
    actions = list(
        AuditEntry.objects.filter(actor=user).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["auth.login", "auth.logout"]


def test_failures_and_the_lockout_are_recorded_and_audited(client):
    user = UserFactory(mobile_number="13900003333")
    fail(client, "13900003333", 5)
    post_login(client, user.username, PASSWORD)  # refused while locked
    kinds = list(LoginEvent.objects.filter(user=user).order_by("id").values_list("kind", "detail"))
    assert kinds == [("login_failed", "")] * 5 + [("locked_out", ""), ("login_failed", "locked")]
    # The mobile number typed is stored masked.
    assert set(LoginEvent.objects.filter(user=user).values_list("username", flat=True)) == {
        "139****3333",
        user.username,
    }
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 6
    locked = AuditEntry.objects.get(action="auth.locked_out")
    assert locked.target_id == str(user.pk) and "139****3333" in locked.summary
    assert "13900003333" not in str(locked.data)


def test_a_failure_with_an_unknown_name_is_recorded_without_an_account(client):
    post_login(client, "nobody-here", "Wrong#Password1")
    event = LoginEvent.objects.get()
    assert event.user is None and event.username == "nobody-here"
    assert event.kind == LoginEventKind.LOGIN_FAILED


def test_force_login_is_not_a_login_event(client):
    client.force_login(UserFactory())
    assert not LoginEvent.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="auth.").exists()


def test_the_user_sees_their_own_last_fifty(client):
    user = UserFactory()
    for _ in range(3):
        post_login(client, user.username, PASSWORD)
        client.post("/logout/")
    other = UserFactory(username="someone-else")
    post_login(client, other.username, "Wrong#Password1")
    client.force_login(user)
    page = client.get("/account/logins/").content.decode()
    assert "登录记录" in page
    assert page.count("登录成功") == 3 and page.count("退出登录") == 3
    assert "someone-else" not in page


def test_the_history_page_shows_fifty_rows_at_most(client):
    user = UserFactory()
    LoginEvent.objects.bulk_create(
        LoginEvent(user=user, kind="login", username=user.username, created_at=clock.now())
        for _ in range(60)
    )
    client.force_login(user)
    page = client.get("/account/logins/").content.decode()
    assert page.count("<tr>") == 1 + 50  # header + 50 rows


def test_bureau_reads_a_members_history_from_the_unit_page(client):
    unit = OrganizationFactory()
    member = UserFactory(organization=unit, roles=[Role.APPLICANT], real_name="李成员")
    post_login(client, member.username, "Wrong#Password1")
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(bureau)
    unit_page = client.get(f"/units/{unit.pk}/").content.decode()
    assert f"/bureau/accounts/{member.pk}/" in unit_page
    detail = client.get(f"/bureau/accounts/{member.pk}/").content.decode()
    assert "李成员" in detail and "登录失败" in detail
    # A district officer sees the unit but not the member accounts.
    officer = UserFactory(district=unit.district, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    assert f"/bureau/accounts/{member.pk}/" not in client.get(f"/units/{unit.pk}/").content.decode()
    assert client.get(f"/bureau/accounts/{member.pk}/").status_code == 403


def test_account_list_query_count_is_constant(client):
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER], username="aaa-bureau")
    client.force_login(bureau)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/bureau/accounts/?q=member")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    UserFactory(username="member-0", organization=OrganizationFactory())
    one = count()
    UserFactory(username="member-1", organization=OrganizationFactory())
    UserFactory(username="member-2")
    assert count() == one
