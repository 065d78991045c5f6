"""`manage.py backup` / `restore` with the private files in an S3 bucket (PRIVATE_STORAGE=s3):
the archive holds the database and MEDIA_ROOT but no private files, the manifest names the
bucket and prefix, every attachment is checked against its object; a restore leaves the
bucket alone and proves each attachment's object against its row; an archive and a
configuration that disagree on where the private files live are refused before anything is
touched."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from jiebang.core.models import Attachment
from jiebang.demands import services
from jiebang.demands.models import Demand
from tests.core.s3_support import BUCKET, PREFIX, keys, object_bytes
from tests.core.test_backup_restore import PNG, manifest_of, table_counts
from tests.demands.builders import valid_tb_demand

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    (root / "logos").mkdir(parents=True)
    (root / "logos" / "局徽.png").write_bytes(PNG)
    with override_settings(MEDIA_ROOT=root):
        yield root


def backup(tmp_path, **options) -> tuple[str, dict]:
    out = StringIO()
    archive = tmp_path / "backups" / "jiebang.tar.gz"
    call_command("backup", output=str(archive), stdout=out, stderr=StringIO(), **options)
    printed = out.getvalue()
    manifest, _ = manifest_of(archive, tmp_path / f"peek-{uuid.uuid4().hex}")
    return printed, manifest


def test_backup_records_the_bucket_and_restore_checks_every_object(s3, media, tmp_path):
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    attachments = list(Attachment.objects.order_by("pk"))
    assert len(attachments) > 5
    objects_before = {key: object_bytes(s3, key) for key in keys(s3)}
    assert set(objects_before) == {f"{PREFIX}/{a.file.name}" for a in attachments}
    counts_before = table_counts()

    printed, manifest = backup(tmp_path)
    assert "备份完成" in printed
    assert f"S3 存储桶 {BUCKET}，前缀 {PREFIX}" in printed and "未复制进备份文件" in printed
    assert f"对象存在且大小与记录一致 {len(attachments)} 个" in printed
    assert manifest["private_storage"] == {
        "kind": "s3",
        "bucket": BUCKET,
        "prefix": PREFIX,
        "endpoint": "",
    }
    assert manifest["roots"] == {"media": "files/media"}
    archived = [entry["path"] for entry in manifest["files"]]
    assert "files/media/logos/局徽.png" in archived
    assert not [p for p in archived if p.startswith("files/private")]
    assert {a["status"] for a in manifest["attachments"]} == {"in-storage"}
    assert [a["path"] for a in manifest["attachments"]] == [
        f"s3://{BUCKET}/{PREFIX}/{a.file.name}" for a in attachments
    ]
    assert manifest["problems"] == []

    call_command("flush", interactive=False, verbosity=0)
    assert not Demand.objects.exists()

    out = StringIO()
    call_command(
        "restore", str(tmp_path / "backups" / "jiebang.tar.gz"), interactive=False, stdout=out
    )
    printed = out.getvalue()
    assert (
        "恢复完成" in printed
        and f"附件：{len(attachments)} 个，已逐个核对 SHA-256 与 SM3" in printed
    )
    assert f"{BUCKET}" in printed and "未改动" in printed
    assert table_counts() == counts_before
    # The bucket was read, never written.
    assert {key: object_bytes(s3, key) for key in keys(s3)} == objects_before


def test_objects_that_no_longer_match_their_rows_are_reported(s3, media, tmp_path):
    valid_tb_demand()
    changed, gone = Attachment.objects.order_by("pk")[:2]
    key = f"{PREFIX}/{changed.file.name}"
    data = bytearray(object_bytes(s3, key))
    data[len(data) // 2] ^= 0x01  # same size, other bytes
    s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(data))

    # Without reading the objects only the size is compared: the flipped byte passes.
    printed, manifest = backup(tmp_path)
    assert {a["status"] for a in manifest["attachments"]} == {"in-storage"}

    # --verify-objects reads every object and catches it.
    with pytest.raises(CommandError, match="1 个问题"):
        backup(tmp_path, verify_objects=True)
    manifest, _ = manifest_of(tmp_path / "backups" / "jiebang.tar.gz", tmp_path / "peek-verify")
    statuses = {a["id"]: a["status"] for a in manifest["attachments"]}
    assert statuses[changed.pk] == "mismatch"

    s3.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{gone.file.name}")
    with pytest.raises(CommandError, match="1 个问题"):
        backup(tmp_path)
    manifest, _ = manifest_of(tmp_path / "backups" / "jiebang.tar.gz", tmp_path / "peek-gone")
    statuses = {a["id"]: a["status"] for a in manifest["attachments"]}
    assert statuses[gone.pk] == "missing" and statuses[changed.pk] == "in-storage"

    # A restore proves every object in full: both are reported after the database is back.
    archive = tmp_path / "backups" / "jiebang.tar.gz"
    err = StringIO()
    with pytest.raises(CommandError, match="恢复后校验发现 2 个问题"):
        call_command("restore", str(archive), interactive=False, stdout=StringIO(), stderr=err)
    assert f"附件 {gone.pk} 的文件不存在" in err.getvalue()
    assert f"附件 {changed.pk} 的文件与数据库记录的SHA-256 / SM3不符" in err.getvalue()


def test_an_archive_and_a_configuration_that_disagree_are_refused(s3, media, tmp_path, settings):
    valid_tb_demand()
    backup(tmp_path)
    s3_archive = tmp_path / "backups" / "jiebang.tar.gz"
    s3_storages = settings.STORAGES

    # The bucket's archive, restored with the files configured in a folder.
    settings.PRIVATE_STORAGE = "filesystem"
    settings.STORAGES = {
        **s3_storages,
        "private": {"BACKEND": "jiebang.core.storage.PrivateFileSystemStorage"},
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    counts = table_counts()
    with pytest.raises(CommandError, match=f"而在S3 存储桶 {BUCKET}.*未做任何恢复"):
        call_command("restore", str(s3_archive), interactive=False, stdout=StringIO())
    assert table_counts() == counts
    assert not (tmp_path / "private").exists()

    # A folder's archive, restored with the files configured in a bucket.
    folder_archive = tmp_path / "folder" / "jiebang.tar.gz"
    with pytest.raises(CommandError, match="个问题"):  # its attachments are in the bucket
        call_command("backup", output=str(folder_archive), stdout=StringIO(), stderr=StringIO())
    settings.PRIVATE_STORAGE = "s3"
    settings.STORAGES = s3_storages
    objects = keys(s3)
    with pytest.raises(CommandError, match="不会把文件上传到存储桶.*未做任何恢复"):
        call_command("restore", str(folder_archive), interactive=False, stdout=StringIO())
    assert table_counts() == counts
    assert keys(s3) == objects
