"""Private files on S3-compatible object storage (PRIVATE_STORAGE=s3, jiebang/core/storage.py),
against moto's in-process S3: attachments, export and import files go to the bucket under the
prefix, never with a public grant, and come back only through the permission-checked views;
the settings read the environment; a system check refuses an S3 set-up that cannot work."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from jiebang.core import checks
from jiebang.core.exports import get_export, purge_export_jobs, run_export_job, start_export_job
from jiebang.core.models import AuditEntry, ExportJobState, ImportJob, ImportJobState
from jiebang.core.services import store_attachment
from jiebang.core.storage import S3_BACKEND, private_backend
from jiebang.demands import services as demand_services
from jiebang.orgs.enums import Role
from jiebang.review.models import ExpertProfile
from tests.core.s3_support import (
    BUCKET,
    PREFIX,
    keys,
    object_bytes,
    public_grants,
    s3_storage_settings,
)
from tests.core.test_import_jobs import expert_row, workbook
from tests.demands.builders import valid_tb_demand
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import MINIMAL_PDF, pdf_upload

pytestmark = pytest.mark.integration


def local_files() -> list[Path]:
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---- attachments ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_attachment_is_stored_privately_in_the_bucket_and_served_only_by_the_view(client, s3):
    org = OrganizationFactory()
    owner = UserFactory(organization=org, roles=[Role.APPLICANT])
    doc = store_attachment(
        uploaded_file=pdf_upload(), kind="business_license", user=owner, organization=org
    )

    # In the bucket under the prefix, byte for byte, encrypted at rest, no public grant,
    # and nothing written to the local folder.
    key = f"{PREFIX}/{doc.file.name}"
    assert keys(s3) == [key]
    assert doc.file.name.endswith(f"{doc.uuid}.bin")
    assert object_bytes(s3, key) == MINIMAL_PDF
    head = s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert public_grants(s3, key) == []
    assert local_files() == []
    # No local path exists, and a URL, if anything ever asked for one, would be signed.
    with pytest.raises(NotImplementedError):
        doc.file.path  # noqa: B018
    assert "Signature=" in doc.file.url and "Expires=" in doc.file.url

    # Only the permission-checked view serves it.
    assert client.get(f"/files/{doc.uuid}/").status_code == 302  # to login
    client.force_login(UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]))
    assert client.get(f"/files/{doc.uuid}/").status_code == 403
    client.force_login(owner)
    response = client.get(f"/files/{doc.uuid}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(
        action="attachment.downloaded", target_id=str(doc.pk), actor=owner
    ).exists()


@pytest.mark.django_db
def test_an_object_gone_from_the_bucket_is_a_404_and_a_refused_upload_leaves_nothing(client, s3):
    org = OrganizationFactory()
    owner = UserFactory(organization=org, roles=[Role.APPLICANT])
    doc = store_attachment(
        uploaded_file=pdf_upload(), kind="business_license", user=owner, organization=org
    )
    s3.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{doc.file.name}")
    client.force_login(owner)
    assert client.get(f"/files/{doc.uuid}/").status_code == 404

    with pytest.raises(ValidationError):
        store_attachment(
            uploaded_file=pdf_upload("假的.pdf", b"not a pdf at all"),
            kind="business_license",
            user=owner,
            organization=org,
        )
    assert keys(s3) == []


# ---- export and import files ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_background_export_is_written_to_the_bucket_downloaded_and_purged(client, s3):
    demand, user = valid_tb_demand()
    demand_services.submit_demand(demand_id=demand.pk, by=user)
    demand.refresh_from_db()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    attachments_in_bucket = keys(s3)

    job = start_export_job(
        export=get_export("bureau-demands"), user=bureau, params={"state": "all"}
    )
    job = run_export_job(job.pk)
    assert job.state == ExportJobState.DONE, job.error
    key = f"{PREFIX}/{job.file.name}"
    assert key in keys(s3) and key not in attachments_in_bucket
    assert public_grants(s3, key) == []
    assert local_files() == []

    client.force_login(UserFactory(roles=[Role.BUREAU_OFFICER]))  # not the owner
    assert client.get(f"/exports/jobs/{job.pk}/download/").status_code == 403
    client.force_login(bureau)
    response = client.get(f"/exports/jobs/{job.pk}/download/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == object_bytes(s3, key)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    numbers = [row[header.index("需求编号")] for row in sheet.iter_rows(2, values_only=True)]
    assert numbers == [demand.number]
    assert AuditEntry.objects.filter(action="export.downloaded", target_id=str(job.pk)).exists()

    keep = dt.timedelta(days=django_settings.EXPORT_JOB_KEEP_DAYS)
    # The daily purge deletes the object from the bucket, not just the row's reference.
    assert purge_export_jobs(now=job.finished_at + keep + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.state == ExportJobState.EXPIRED
    assert key not in keys(s3)
    assert keys(s3) == attachments_in_bucket


@pytest.mark.django_db
def test_a_bucket_that_refuses_a_delete_leaves_the_export_job_done(s3, monkeypatch):
    from botocore.exceptions import ClientError

    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    job = start_export_job(export=get_export("bureau-demands"), user=bureau, params={})
    job = run_export_job(job.pk)
    key = f"{PREFIX}/{job.file.name}"

    def refuse(self, name):
        error = {"Code": "AccessDenied", "Message": "Access Denied"}
        raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, "Delete")

    monkeypatch.setattr(type(private_backend()), "delete", refuse)
    later = job.finished_at + dt.timedelta(days=django_settings.EXPORT_JOB_KEEP_DAYS + 1)
    assert purge_export_jobs(now=later) == 0
    job.refresh_from_db()
    # Rolled back with the refused delete: the next daily run tries again.
    assert job.state == ExportJobState.DONE and job.file.name
    assert key in keys(s3)


@pytest.mark.django_db
def test_an_import_file_is_kept_in_the_bucket_and_read_back_from_it(
    client, s3, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    upload = workbook([expert_row(1), expert_row(2)])
    sent = upload.read()
    upload.seek(0)
    client.force_login(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/experts/", {"file": upload})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    # The worker read the workbook back out of the bucket (openpyxl seeks in it).
    assert job.state == ImportJobState.DONE and job.created_count == 2
    assert ExpertProfile.objects.count() == 2
    key = f"{PREFIX}/{job.source.name}"
    assert keys(s3) == [key]
    assert object_bytes(s3, key) == sent
    assert public_grants(s3, key) == []
    assert local_files() == []


# ---- settings and the system check ------------------------------------------------------------


def _settings_in_a_fresh_process(env: dict) -> dict:
    """STORAGES["private"] and PRIVATE_STORAGE as jiebang/settings.py builds them from `env`
    (a new interpreter: the settings are read once, at import)."""
    code = (
        "import json; from jiebang import settings as s; "
        "print(json.dumps([s.PRIVATE_STORAGE, s.STORAGES['private']]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "PRIVATE_"))}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_settings_build_a_private_s3_storage_from_the_environment():
    kind, storage = _settings_in_a_fresh_process(
        {
            "PRIVATE_STORAGE": "S3",
            "S3_BUCKET": "jiebang-files",
            "S3_ENDPOINT_URL": "https://obs.cn-northwest-4.myhuaweicloud.com",
            "S3_REGION": "cn-northwest-4",
            "S3_ACCESS_KEY_ID": "AK",
            "S3_SECRET_ACCESS_KEY": "SK",
            "S3_PREFIX": "/jiebang/private/",
            "S3_SSE": "AES256",
        }
    )
    assert kind == "s3"
    assert storage["BACKEND"] == S3_BACKEND
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "jiebang-files"
    assert options["endpoint_url"] == "https://obs.cn-northwest-4.myhuaweicloud.com"
    assert options["region_name"] == "cn-northwest-4"
    assert (options["access_key"], options["secret_key"]) == ("AK", "SK")
    assert options["location"] == "jiebang/private"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}

    kind, storage = _settings_in_a_fresh_process({"PRIVATE_STORAGE": "s3"})
    # Defaults: the "private" prefix, boto3's own credential chain, the bucket's encryption.
    assert storage["OPTIONS"]["location"] == "private"
    assert storage["OPTIONS"]["access_key"] is None
    assert storage["OPTIONS"]["endpoint_url"] is None
    assert storage["OPTIONS"]["object_parameters"] == {}

    kind, storage = _settings_in_a_fresh_process({})
    assert kind == "filesystem"
    assert storage["BACKEND"] == "jiebang.core.storage.PrivateFileSystemStorage"


def _storage_errors() -> list:
    return [
        e
        for e in run_checks()
        if e.id in ("jiebang.E003", "jiebang.E004", "jiebang.E005", "jiebang.E006")
    ]


def test_the_system_check_refuses_an_s3_set_up_that_cannot_work(settings, monkeypatch):
    assert _storage_errors() == []  # the default, a folder

    settings.PRIVATE_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings()}
    assert _storage_errors() == []
    assert checks.private_storage(None) == []

    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(bucket_name="")}
    (error,) = _storage_errors()
    assert error.id == "jiebang.E006" and "S3_BUCKET is not set" in error.msg

    # django-storages missing (None in sys.modules makes its import fail).
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings()}
    monkeypatch.setitem(sys.modules, "storages.backends.s3", None)
    (error,) = _storage_errors()
    assert error.id == "jiebang.E004" and "django-storages" in error.msg
    assert ".[s3]" in error.hint
    monkeypatch.delitem(sys.modules, "storages.backends.s3")

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "jiebang.core.storage.PrivateFileSystemStorage"},
    }
    assert [e.id for e in _storage_errors()] == ["jiebang.E005"]

    settings.PRIVATE_STORAGE = "nfs"
    (error,) = _storage_errors()
    assert error.id == "jiebang.E003" and "'nfs'" in error.msg


def test_manage_py_check_fails_with_s3_and_no_bucket():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "PRIVATE_"))}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**clean, "PRIVATE_STORAGE": "s3"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "jiebang.E006" in done.stderr and "S3_BUCKET is not set" in done.stderr


@pytest.mark.django_db
def test_the_stand_in_follows_the_configured_backend(settings, s3):
    from jiebang.core.models import Attachment

    field_storage = Attachment._meta.get_field("file").storage
    assert field_storage.backend is private_backend()
    assert type(private_backend()).__name__ == "S3Storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "jiebang.core.storage.PrivateFileSystemStorage"},
    }
    assert type(field_storage.backend).__name__ == "PrivateFileSystemStorage"
