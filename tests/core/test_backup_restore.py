"""`manage.py backup` / `manage.py restore`: a round trip that loses nothing (rows, files,
attachment digests, the audit chain), and a tampered archive that is refused before anything
is touched. Runs on SQLite and, in the PostgreSQL pass, with pg_dump / pg_restore."""

import hashlib
import json
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from jiebang.core.crypto import sm3_hex
from jiebang.core.models import Attachment, AuditEntry
from jiebang.demands import services
from jiebang.demands.models import Demand, DemandVersion
from tests.demands.builders import valid_at_demand, valid_tb_demand

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def roots(tmp_path):
    """Private attachments and public media in this test's own folders."""
    private, media = tmp_path / "private", tmp_path / "media"
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "局徽.png").write_bytes(PNG)
    with override_settings(PRIVATE_MEDIA_ROOT=private, MEDIA_ROOT=media):
        yield private, media


def build_world():
    """Two units' demands with their attachments: one submitted (a version, a receipt, audit
    entries), one still a draft."""
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    valid_at_demand()
    assert Attachment.objects.count() > 10


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def files_under(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def backup(tmp_path) -> tuple[Path, str]:
    out = StringIO()
    archive = tmp_path / "backups" / "jiebang.tar.gz"
    call_command("backup", output=str(archive), stdout=out)
    return archive, out.getvalue()


def manifest_of(archive: Path, into: Path) -> tuple[dict, Path]:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    (folder,) = [p for p in into.iterdir() if p.is_dir()]
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8")), folder


def wipe(private: Path, media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(private, ignore_errors=True)
    shutil.rmtree(media, ignore_errors=True)


def test_backup_then_wipe_then_restore_gives_everything_back(roots, tmp_path):
    private, media = roots
    build_world()
    counts_before = table_counts()
    files_before = {"private": files_under(private), "media": files_under(media)}
    attachments_before = list(Attachment.objects.values_list("pk", "sha256", "sm3").order_by("pk"))
    audit_before = AuditEntry.objects.count()

    archive, printed = backup(tmp_path)
    assert "备份完成" in printed and "与 SHA-256 / SM3 记录一致" in printed
    assert archive.with_name("jiebang.tar.gz.sha256").read_text().split()[0] == (
        hashlib.sha256(archive.read_bytes()).hexdigest()
    )
    manifest, _ = manifest_of(archive, tmp_path / "peek")
    assert manifest["engine"] == connection.vendor
    assert {a["status"] for a in manifest["attachments"]} == {"ok"}
    assert len(manifest["attachments"]) == len(attachments_before)
    assert manifest["problems"] == []

    wipe(private, media)
    assert not Attachment.objects.exists() and not Demand.objects.exists()
    assert not private.exists() and not media.exists()

    out = StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)
    assert "恢复完成" in out.getvalue() and "哈希链校验通过" in out.getvalue()

    # Every table has its rows again, and the files are byte for byte those backed up.
    assert table_counts() == counts_before
    assert {"private": files_under(private), "media": files_under(media)} == files_before
    for entry in manifest["files"]:
        if entry["path"].startswith("files/"):
            _, name, relative = entry["path"].split("/", 2)
            data = ((private if name == "private" else media) / relative).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    # Each attachment row's stored digests match its restored file.
    assert list(Attachment.objects.values_list("pk", "sha256", "sm3").order_by("pk")) == (
        attachments_before
    )
    for attachment in Attachment.objects.all():
        data = (Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == attachment.sha256
        assert sm3_hex(data) == attachment.sm3
    assert AuditEntry.objects.count() == audit_before
    audit = StringIO()
    call_command("verify_audit", stdout=audit)
    assert "哈希链校验通过" in audit.getvalue()
    # The application carries on: numbering continues after the restored rows.
    version = DemandVersion.objects.get()
    demand = Demand.objects.exclude(pk=version.demand_id).get()
    services.submit_demand(demand_id=demand.pk, by=demand.created_by)
    call_command("verify_audit", stdout=StringIO())


def test_a_tampered_archive_is_refused_and_nothing_is_touched(roots, tmp_path):
    private, media = roots
    build_world()
    archive, _ = backup(tmp_path)

    # One byte changed in one attachment inside the archive.
    manifest, folder = manifest_of(archive, tmp_path / "unpacked")
    victim = folder / manifest["attachments"][0]["path"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)

    # The live system moves on after the backup; the refused restore must not touch it.
    valid_tb_demand(title="备份之后新建的需求", team_start=300)
    counts_before = table_counts()
    files_before = {"private": files_under(private), "media": files_under(media)}

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tampered), interactive=False, stdout=StringIO())
    message = str(refused.value)
    assert "备份校验未通过，未做任何恢复" in message
    assert f"SHA-256 不符：{manifest['attachments'][0]['path']}" in message

    assert table_counts() == counts_before
    assert {"private": files_under(private), "media": files_under(media)} == files_before
    assert Demand.objects.filter(title="备份之后新建的需求").exists()
    leftovers = [p.name for p in tmp_path.iterdir() if "restore" in p.name]
    assert leftovers == []

    # An archive that does not match the SHA-256 recorded when it was made is refused too.
    with pytest.raises(CommandError, match="SHA-256 与记录不符"):
        call_command("restore", str(archive), sha256="0" * 64, interactive=False, stdout=StringIO())
    assert table_counts() == counts_before


def test_backup_reports_an_attachment_whose_file_no_longer_matches_its_row(roots, tmp_path):
    private, _media = roots
    demand, _user = valid_tb_demand()
    attachment = Attachment.objects.order_by("pk").first()
    path = private / attachment.file.name
    path.write_bytes(path.read_bytes() + b"\n")

    with pytest.raises(CommandError, match="1 个问题"):
        backup(tmp_path)
    archive = tmp_path / "backups" / "jiebang.tar.gz"
    assert archive.exists()  # written anyway: a backup with a known problem beats none
    manifest, _ = manifest_of(archive, tmp_path / "peek")
    statuses = {a["id"]: a["status"] for a in manifest["attachments"]}
    assert statuses[attachment.pk] == "mismatch"
    assert set(statuses.values()) == {"ok", "mismatch"}
    assert demand.pk
