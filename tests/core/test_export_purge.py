"""Purging old background-export files (core.exports.purge_export_jobs): a job finished more
than EXPORT_JOB_KEEP_DAYS days ago loses its file and becomes `expired` (its download then
says so in Chinese), a job finished exactly that long ago or later is untouched, one audit
entry counts what was purged; the daily task, its beat entry and the cron command."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command

from jiebang.core import tasks
from jiebang.core.exports import purge_export_jobs
from jiebang.core.models import AuditEntry, ExportJob, ExportJobState, private_storage
from jiebang.orgs.enums import Role
from tests.factories import UserFactory, beijing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NOW = beijing(2026, 5, 20, 2, 15)
XLSX_BYTES = b"PK\x03\x04 an xlsx file"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner():
    return UserFactory(roles=[Role.BUREAU_OFFICER])


def finished_job(owner, finished_at, *, state=ExportJobState.DONE, title="需求清单"):
    """A job in `state`, finished at `finished_at`, with its file in private storage when
    done."""
    job = ExportJob.objects.create(
        user=owner,
        name="bureau-demands",
        title=title,
        params={"state": "all"},
        created_at=finished_at - dt.timedelta(minutes=2),
        started_at=finished_at - dt.timedelta(minutes=1),
        finished_at=finished_at,
        total=3,
        done=3,
    )
    if state == ExportJobState.DONE:
        job.file.save("export.xlsx", ContentFile(XLSX_BYTES), save=False)
    ExportJob.objects.filter(pk=job.pk).update(state=state, file=job.file.name)
    job.refresh_from_db()
    return job


def file_exists(name: str) -> bool:
    return bool(name) and private_storage().exists(name)


def test_the_setting_keeps_files_a_week():
    assert django_settings.EXPORT_JOB_KEEP_DAYS == 7


def test_an_old_job_loses_its_file_and_its_download_says_it_expired(client, owner):
    old = finished_job(owner, NOW - dt.timedelta(days=7, seconds=1))
    name = old.file.name
    assert file_exists(name)

    assert purge_export_jobs(now=NOW) == 1

    old.refresh_from_db()
    assert old.state == ExportJobState.EXPIRED
    assert not old.file
    assert not file_exists(name)

    client.force_login(owner)
    response = client.get(f"/exports/jobs/{old.pk}/download/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/exports/jobs/{old.pk}/", 302)]
    html = response.content.decode()
    assert "导出文件已过期，请重新导出。" in html
    assert 'data-state="expired"' in html and "hx-trigger" not in html  # no more polling
    assert "export-download" not in html
    assert not AuditEntry.objects.filter(action="export.downloaded").exists()


def test_jobs_inside_the_limit_are_untouched_the_boundary_included(client, owner):
    exactly = finished_job(owner, NOW - dt.timedelta(days=7), title="恰好7天")
    recent = finished_job(owner, NOW - dt.timedelta(days=1), title="昨天")

    assert purge_export_jobs(now=NOW) == 0

    for job in (exactly, recent):
        job.refresh_from_db()
        assert job.state == ExportJobState.DONE
        assert file_exists(job.file.name)
    assert not AuditEntry.objects.filter(action="export.purged").exists()

    client.force_login(owner)
    response = client.get(f"/exports/jobs/{exactly.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == XLSX_BYTES


def test_one_audit_entry_counts_the_purged_jobs_and_others_are_left_alone(owner):
    old = [finished_job(owner, NOW - dt.timedelta(days=d)) for d in (8, 30)]
    failed = finished_job(owner, NOW - dt.timedelta(days=30), state=ExportJobState.FAILED)
    queued = ExportJob.objects.create(
        user=owner, name="bureau-demands", title="排队中", created_at=NOW - dt.timedelta(days=9)
    )
    kept = finished_job(owner, NOW - dt.timedelta(days=2))

    assert purge_export_jobs(now=NOW) == 2

    states = dict(ExportJob.objects.values_list("pk", "state"))
    assert [states[j.pk] for j in old] == [ExportJobState.EXPIRED] * 2
    assert states[failed.pk] == ExportJobState.FAILED
    assert states[queued.pk] == ExportJobState.QUEUED
    assert states[kept.pk] == ExportJobState.DONE

    entry = AuditEntry.objects.get(action="export.purged")
    assert entry.actor is None
    assert entry.summary == "清理过期导出文件 2 个（完成后保留 7 天）"
    oldest_first = [old[1].pk, old[0].pk]
    assert entry.data == {"count": 2, "keep_days": 7, "jobs": oldest_first}

    # A second run finds nothing more to do and writes nothing.
    assert purge_export_jobs(now=NOW) == 0
    assert AuditEntry.objects.filter(action="export.purged").count() == 1


def test_the_limit_comes_from_the_setting(settings, owner):
    settings.EXPORT_JOB_KEEP_DAYS = 1
    job = finished_job(owner, NOW - dt.timedelta(days=2))
    assert purge_export_jobs(now=NOW) == 1
    job.refresh_from_db()
    assert job.state == ExportJobState.EXPIRED


def test_the_daily_task_and_the_command_purge_with_the_current_time(owner, time_machine):
    time_machine.move_to(NOW, tick=False)
    first = finished_job(owner, NOW - dt.timedelta(days=10))
    assert tasks.purge_export_jobs_daily.delay().get() == 1
    first.refresh_from_db()
    assert first.state == ExportJobState.EXPIRED

    finished_job(owner, NOW - dt.timedelta(days=10))
    out = StringIO()
    call_command("purge_export_jobs", stdout=out)
    assert "已清理过期导出文件 1 个（完成后保留 7 天）" in out.getvalue()


def test_the_purge_is_scheduled_daily_beside_the_other_daily_jobs():
    entry = django_settings.CELERY_BEAT_SCHEDULE["export-purge"]
    assert entry["task"] == "jiebang.core.tasks.purge_export_jobs_daily"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {15}
