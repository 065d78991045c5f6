"""The append-only, SM3 hash-chained audit log and its verification command (domain.md §6)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from jiebang.core.models import AuditChainHead, AuditEntry
from jiebang.core.services import GENESIS_HASH, compute_entry_hash, record_audit
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.integration

TABLE = AuditEntry._meta.db_table


def _entries(n: int) -> list[AuditEntry]:
    return [
        record_audit(action=f"test.action{i}", summary=f"第{i}条", data={"i": i}) for i in range(n)
    ]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_migration_creates_the_chain_head_at_genesis():
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_hash == GENESIS_HASH
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_entries_link_to_their_predecessor_and_the_head_follows():
    user = UserFactory()
    org = OrganizationFactory()
    first = record_audit(action="org.verify", actor=user, target=org, summary="认证通过")
    second = record_audit(action="export.people", actor=user, data={"rows": 3})
    third = record_audit(action="login")

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    assert AuditChainHead.objects.get(pk=1).last_hash == third.entry_hash

    stored = AuditEntry.objects.get(pk=first.pk)
    assert stored.actor == user
    assert stored.actor_label == user.username
    assert stored.target_type == "orgs.organization"
    assert stored.target_id == str(org.pk)
    # The stored row re-hashes to its stored hash.
    assert compute_entry_hash(GENESIS_HASH, stored) == stored.entry_hash
    assert compute_entry_hash(first.entry_hash, AuditEntry.objects.get(pk=second.pk)) == (
        second.entry_hash
    )


@pytest.mark.django_db
def test_anonymous_actor_is_recorded_without_user():
    from django.contrib.auth.models import AnonymousUser

    entry = record_audit(action="login.failed", actor=AnonymousUser(), summary="登录失败")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor is None
    assert stored.actor_label == ""


@pytest.mark.django_db(transaction=True)
def test_a_missing_chain_head_is_recreated_at_genesis():
    # A transactional test flushes the tables, the migration's head row included.
    AuditChainHead.objects.all().delete()
    entry = record_audit(action="first")
    assert entry.prev_hash == GENESIS_HASH
    assert AuditChainHead.objects.get(pk=1).last_hash == entry.entry_hash
    assert "1 条记录" in _verify()


@pytest.mark.django_db
def test_entries_cannot_be_updated_or_deleted_through_the_orm():
    entry = record_audit(action="test", summary="原始")
    stored = AuditEntry.objects.get(pk=entry.pk)

    stored.summary = "篡改"
    with pytest.raises(PermissionError):
        stored.save()
    with pytest.raises(PermissionError):
        stored.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.get(pk=entry.pk).summary == "原始"
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_verify_audit_passes_on_an_intact_chain_and_prints_the_count():
    _entries(4)
    output = _verify()
    assert "4 条记录" in output
    assert "校验通过" in output


@pytest.mark.django_db
def test_verify_audit_passes_on_an_empty_log():
    assert "0 条记录" in _verify()


@pytest.mark.django_db
def test_verify_audit_names_the_entry_edited_in_the_database():
    """Acceptance: a row edited behind the application's back is detected and named."""
    entries = _entries(5)
    tampered = entries[2]
    assert "5 条记录" in _verify()

    _raw(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", ["已删除的导出记录", tampered.pk])  # noqa: S608
    assert AuditEntry.objects.get(pk=tampered.pk).summary == "已删除的导出记录"

    with pytest.raises(CommandError) as excinfo:
        _verify()
    message = str(excinfo.value)
    assert f"第 {tampered.pk} 条记录" in message
    assert "篡改" in message
    # Only the first broken link is named, not the later (still consistent) entries.
    for other in entries[3:]:
        assert f"第 {other.pk} 条" not in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "login"),
        ("actor_label", "someone_else"),
        ("target_id", "999"),
        ("data", '{"i": 99}'),
        ("created_at", "2020-01-01 00:00:00"),
    ],
)
def test_verify_audit_detects_an_edit_of_any_hashed_column(column, value):
    entries = _entries(3)
    _raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, entries[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=rf"第 {entries[1].pk} 条记录"):
        _verify()


@pytest.mark.django_db
def test_verify_audit_detects_a_rewritten_hash_at_the_following_entry():
    entries = _entries(4)
    # An attacker edits a row and recomputes its own hash: the next entry no longer links.
    _raw(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", ["改", entries[1].pk])  # noqa: S608
    edited = AuditEntry.objects.get(pk=entries[1].pk)
    new_hash = compute_entry_hash(edited.prev_hash, edited)
    _raw(f"UPDATE {TABLE} SET entry_hash = %s WHERE id = %s", [new_hash, edited.pk])  # noqa: S608

    with pytest.raises(CommandError) as excinfo:
        _verify()
    assert f"第 {entries[2].pk} 条记录" in str(excinfo.value)
    assert "链接断开" in str(excinfo.value)


@pytest.mark.django_db
def test_verify_audit_reports_a_deleted_middle_row_at_the_following_entry():
    entries = _entries(5)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608
    assert AuditEntry.objects.count() == 4

    with pytest.raises(CommandError) as excinfo:
        _verify()
    message = str(excinfo.value)
    assert f"第 {entries[3].pk} 条记录" in message
    assert "链接断开" in message


@pytest.mark.django_db
def test_verify_audit_reports_deleted_latest_rows():
    entries = _entries(4)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entries[3].pk])  # noqa: S608
    # What is left still chains from genesis; only the head remembers the lost entry.
    with pytest.raises(CommandError) as excinfo:
        _verify()
    assert "末尾" in str(excinfo.value)


@pytest.mark.django_db
def test_verify_audit_reports_a_deleted_first_row():
    entries = _entries(3)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entries[0].pk])  # noqa: S608
    with pytest.raises(CommandError, match=rf"第 {entries[1].pk} 条记录"):
        _verify()


@pytest.mark.django_db
def test_chain_verifies_with_a_frozen_clock_and_unicode_data(time_machine):
    time_machine.move_to(dt.datetime(2024, 8, 30, 11, 30, tzinfo=dt.UTC), tick=False)
    record_audit(action="a", summary="揭榜挂帅 “引号” \u2028", data={"名称": "测试", "n": [1, 2.5]})
    record_audit(action="b", data={"when": dt.date(2024, 8, 30)})
    assert "2 条记录" in _verify()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "remote_addr",
    ["203.0.113.7", "2001:db8::1", "2001:0DB8:0000:0000:0000:0000:0000:0001", "::ffff:10.0.0.1"],
)
def test_chain_verifies_whatever_form_the_client_address_takes(remote_addr):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    entry = record_audit(action="login", request=request)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.ip_address
    assert stored.entry_hash == compute_entry_hash(stored.prev_hash, stored)
    assert "1 条记录" in _verify()
