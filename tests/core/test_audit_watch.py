"""Audit (docs/security.md "Audit"): the chain verified daily with an alert on tampering, the
retention floor enforced by a system check, and every display of unmasked personal data
recorded."""

import logging

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.checks import run_checks
from django.db import connection
from django.utils.module_loading import import_string

from jiebang.core import checks
from jiebang.core.models import AuditEntry, Notification
from jiebang.core.services import record_audit
from jiebang.core.sms import MemorySmsBackend
from jiebang.core.tasks import verify_audit_daily
from jiebang.orgs.enums import AccountState, Role
from tests.demands.builders import valid_tb_demand
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.integration

TABLE = AuditEntry._meta.db_table


def _tamper(entry: AuditEntry, summary: str = "已删除的导出记录") -> None:
    """Edit a row behind the application's back (as tests/core/test_audit.py does)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", [summary, entry.pk])  # noqa: S608


# --- daily verification ----------------------------------------------------------------------


def test_the_task_is_scheduled_daily():
    job = django_settings.CELERY_BEAT_SCHEDULE["audit-verify"]
    assert import_string(job["task"]) is verify_audit_daily
    assert job["schedule"].hour == {3} and job["schedule"].minute == {30}


@pytest.mark.django_db
def test_an_intact_chain_passes_quietly(caplog):
    UserFactory(roles=[Role.BUREAU_OFFICER])
    for i in range(3):
        record_audit(action=f"test.{i}")
    with caplog.at_level(logging.ERROR, logger="jiebang.audit"):
        assert verify_audit_daily.delay().get() is True
    assert Notification.objects.count() == 0
    assert caplog.records == []


@pytest.mark.django_db
def test_a_tampered_entry_is_detected_logged_and_reported_to_the_bureau_s_admins(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "jiebang.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    officer = UserFactory(
        roles=[Role.BUREAU_OFFICER], email="bureau@example.com", mobile_number="13899100001"
    )
    superuser = UserFactory(is_superuser=True, is_staff=True, email="admin@example.com")
    disabled = UserFactory(roles=[Role.BUREAU_OFFICER])
    type(disabled).objects.filter(pk=disabled.pk).update(account_state=AccountState.DISABLED)
    applicant = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    entries = [record_audit(action=f"test.{i}", summary=f"第{i}条") for i in range(4)]
    _tamper(entries[1])

    with (
        caplog.at_level(logging.ERROR, logger="jiebang.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert verify_audit_daily.delay().get() is False

    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert f"第 {entries[1].pk} 条记录" in caplog.records[0].getMessage()
    alerts = Notification.objects.filter(title="安全告警：审计日志校验未通过")
    assert {n.recipient for n in alerts} == {officer, superuser}
    assert not Notification.objects.filter(recipient__in=[disabled, applicant]).exists()
    body = alerts.first().body
    assert f"审计日志第 {entries[1].pk} 条记录内容被篡改（哈希不符）" in body
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "bureau@example.com"]
    assert [mobile for mobile, _text in MemorySmsBackend.outbox] == ["13899100001"]


@pytest.mark.django_db
def test_deleted_latest_entries_are_reported_too():
    UserFactory(roles=[Role.BUREAU_OFFICER])
    entries = [record_audit(action=f"test.{i}") for i in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])  # noqa: S608
    assert verify_audit_daily() is False
    assert "末尾的记录缺失" in Notification.objects.get().body


# --- retention -------------------------------------------------------------------------------


def test_retention_defaults_to_three_years():
    assert django_settings.AUDIT_RETENTION_DAYS == 1095


@pytest.mark.parametrize(("days", "ok"), [(179, False), (180, True), (1095, True), (0, False)])
def test_a_retention_below_180_days_is_refused_by_a_system_check(settings, days, ok):
    settings.AUDIT_RETENTION_DAYS = days
    errors = [e for e in run_checks() if e.id == "jiebang.E001"]
    assert (errors == []) is ok
    assert checks.audit_retention(None) == errors


@pytest.mark.django_db
def test_old_entries_cannot_be_purged_through_the_orm():
    """Retention is a floor, never a purge: the log is append-only (tests/core/test_audit.py)."""
    record_audit(action="test.old")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(action="test.old").delete()
    assert AuditEntry.objects.count() == 1


# --- personal data reads -----------------------------------------------------------------------


def _reads(**filters):
    return AuditEntry.objects.filter(action="personal_data.read", **filters)


@pytest.mark.django_db
def test_the_unit_edit_form_records_its_clear_contact_phone(client):
    org = OrganizationFactory()
    org.contact_phone = "0991-2824158"
    org.save()
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    client.force_login(admin)

    page = client.get("/org/edit/")
    assert page.status_code == 200
    assert "0991-2824158" in page.content.decode()  # shown in clear: so it is audited
    read = _reads().get()
    assert read.actor == admin
    assert read.target_type == "orgs.organization"
    assert read.target_id == str(org.pk)
    assert read.data == {"fields": ["contact_phone"], "purpose": "org_edit"}
    assert read.ip_address == "127.0.0.1"
    assert "0991-2824158" not in read.summary + str(read.data)  # the value is not copied

    client.get("/org/")  # the profile shows the masked phone only
    assert _reads().count() == 1


@pytest.mark.django_db
def test_the_demand_basic_step_records_its_clear_contact_phone(client):
    demand, user = valid_tb_demand()
    demand.contact_phone = "13812345678"
    demand.save()
    client.force_login(user)

    page = client.get(f"/demands/{demand.pk}/edit/basic/")
    assert "13812345678" in page.content.decode()
    read = _reads(target_type="demands.demand", target_id=str(demand.pk)).get()
    assert read.actor == user
    assert read.data == {"fields": ["contact_phone"], "purpose": "demand_edit"}

    # Other steps and the autosave (the phone typed by the user) are not reads.
    client.get(f"/demands/{demand.pk}/edit/content/")
    client.post(
        f"/demands/{demand.pk}/edit/basic/",
        {"summary": "修改"},
        HTTP_HX_REQUEST="true",
        HTTP_X_AUTOSAVE="1",
    )
    assert _reads().count() == 1


@pytest.mark.django_db
def test_an_empty_phone_is_no_read(client):
    demand, user = valid_tb_demand()
    demand.contact_phone = ""
    demand.save()
    client.force_login(user)
    client.get(f"/demands/{demand.pk}/edit/basic/")
    assert _reads().count() == 0
