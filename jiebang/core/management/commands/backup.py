"""`manage.py backup`: one .tar.gz with the database dump, the attachments and a manifest.

See `_backup.py` for the layout and docs/design-notes.md ("Backup and restore") for why.
With PRIVATE_STORAGE=s3 the archive holds the database and MEDIA_ROOT only; the manifest
records the bucket and prefix of the private files, which the bucket's versioning and
replication keep (a bucket of any size is not copied through one machine's disk).
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiebang.core import clock
from jiebang.core.management.commands import _backup as b


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: backup API; PostgreSQL: pg_dump of one snapshot), "
        "PRIVATE_MEDIA_ROOT and MEDIA_ROOT into one .tar.gz with a SHA-256 manifest; every "
        "attachment is checked against the SHA-256 and SM3 digests its row stores. "
        "With PRIVATE_STORAGE=s3 the private files (attachments, export and import files) are "
        "NOT copied into the archive: the manifest records their bucket and prefix, every "
        "attachment's object is checked to exist with its recorded size (--verify-objects: "
        "downloaded and checked against SHA-256 and SM3), and keeping those objects is left "
        "to the bucket's versioning and replication."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="the archive to write (…/name.tar.gz) or a folder to write it in "
            "(default: var/backups/)",
        )
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--verify-objects",
            action="store_true",
            help="PRIVATE_STORAGE=s3 only: download every attachment object and check its "
            "SHA-256 and SM3 (slow; without it each object's presence and size are checked)",
        )

    def handle(self, *args, **options):
        self._verify_objects = options["verify_objects"]
        started = clock.now()
        stamp = f"jiebang-backup-{started.astimezone(clock.BEIJING):%Y%m%d-%H%M%S}"
        output = self._output_path(options.get("output"), stamp)
        roots = b.root_paths()
        for name, root in roots.items():
            if output.resolve().is_relative_to(root):
                raise CommandError(f"备份文件不能写在被备份的目录（{name}：{root}）之内。")
        output.parent.mkdir(parents=True, exist_ok=True)

        with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as tmp:
            work = Path(tmp) / output.name.removesuffix(".tar.gz")
            work.mkdir()
            snapshot = b.dump_database(work, options["database"])
            files, per_root = self._copy_roots(roots, work)
            if "private" in roots:
                attachments, problems = self._check_attachments(snapshot.attachments, files)
            else:  # in the bucket: checked where they are, not copied
                attachments, problems = b.check_objects(
                    snapshot.attachments, read=self._verify_objects
                )
            problems = snapshot.problems + problems
            database_entry = self._entry(work, snapshot.dump)
            manifest = {
                "format": b.FORMAT,
                "created_at": started.astimezone(clock.BEIJING).isoformat(timespec="seconds"),
                "engine": snapshot.engine,
                "database": {"path": snapshot.dump, "tool": snapshot.tool},
                "roots": {name: f"files/{name}" for name in roots},
                "private_storage": b.private_storage_manifest(),
                "migrations": snapshot.migrations,
                "counts": snapshot.counts,
                "audit": {"entries": snapshot.audit_entries, "head": snapshot.audit_head},
                "files": [database_entry] + [entry for entry, _ in files.values()],
                "attachments": attachments,
                "problems": problems,
            }
            (work / b.MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            partial = output.with_name(output.name + ".part")
            # Attachments hold personal data (licences, ID scans): owner-only from the start.
            partial.touch(mode=0o600)
            partial.chmod(0o600)
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(work, arcname=work.name)
            partial.replace(output)
        archive_sha256 = b.sha256_of(output)
        output.with_name(output.name + ".sha256").write_text(
            f"{archive_sha256}  {output.name}\n", encoding="utf-8"
        )
        self._summary(output, archive_sha256, snapshot, per_root, attachments, problems, manifest)
        if problems:
            raise CommandError(
                f"备份文件已写出，但发现 {len(problems)} 个问题（见上），请核查："
                + "；".join(problems[:5])
            )

    def _output_path(self, given: str | None, stamp: str) -> Path:
        if not given:
            return Path(settings.VAR_DIR) / "backups" / f"{stamp}.tar.gz"
        path = Path(given)
        if path.is_dir() or given.endswith(("/", "\\")):
            return path / f"{stamp}.tar.gz"
        if not path.name.endswith(".tar.gz"):
            raise CommandError("备份文件名应以 .tar.gz 结尾，或给出一个目录。")
        return path

    def _copy_roots(self, roots: dict[str, Path], work: Path):
        """Copy every file of each root into the archive folder, hashing the copied bytes.
        Returns ({archive path: (manifest entry, sm3)}, {root: (count, bytes)})."""
        files: dict[str, tuple[dict, str]] = {}
        per_root = {}
        for name, root in roots.items():
            target_root = work / "files" / name
            target_root.mkdir(parents=True)
            count = size = 0
            for path in b.walk_files(root):
                relative = path.relative_to(root).as_posix()
                archive_path = f"files/{name}/{relative}"
                digest = b.digest_file(path, copy_to=work / archive_path)
                shutil.copystat(path, work / archive_path)
                files[archive_path] = (
                    {"path": archive_path, "size": digest.size, "sha256": digest.sha256},
                    digest.sm3,
                )
                count += 1
                size += digest.size
            per_root[name] = (root, count, size)
        return files, per_root

    @staticmethod
    def _check_attachments(rows: list[dict], files: dict) -> tuple[list[dict], list[str]]:
        checked, problems = [], []
        for row in rows:
            path = f"files/private/{row['file']}"
            found = files.get(path)
            status = "ok"
            if found is None:
                status = "missing"
                problems.append(f"附件 {row['id']} 的文件不存在：{row['file']}")
            else:
                entry, sm3 = found
                if (entry["size"], entry["sha256"], sm3) != (
                    row["size"],
                    row["sha256"],
                    row["sm3"],
                ):
                    status = "mismatch"
                    problems.append(f"附件 {row['id']} 的文件与数据库记录的摘要不符：{row['file']}")
            checked.append(
                {
                    "id": row["id"],
                    "uuid": row["uuid"],
                    "path": path,
                    "size": row["size"],
                    "sha256": row["sha256"],
                    "sm3": row["sm3"],
                    "status": status,
                }
            )
        return checked, problems

    @staticmethod
    def _entry(work: Path, relative: str) -> dict:
        digest = b.digest_file(work / relative)
        return {"path": relative, "size": digest.size, "sha256": digest.sha256}

    def _summary(self, output, archive_sha256, snapshot, per_root, attachments, problems, manifest):
        ok = sum(1 for a in attachments if a["status"] in ("ok", "in-storage"))
        write = self.stdout.write
        write(f"备份完成：{output}（{b.human_size(output.stat().st_size)}）")
        write(f"  数据库：{snapshot.engine}，{snapshot.tool}")
        write(
            f"  数据表 {len(snapshot.counts)} 张，共 {sum(snapshot.counts.values())} 行；"
            f"审计日志 {snapshot.audit_entries} 条"
        )
        for name, (root, count, size) in per_root.items():
            write(f"  文件（{name}，{root}）：{count} 个，{b.human_size(size)}")
        where = manifest["private_storage"]
        if where["kind"] == "s3":
            checked = "SHA-256 / SM3" if self._verify_objects else "大小"
            write(
                f"  私有文件（附件、导出与导入文件）在{b.describe_bucket(where)}中，"
                "未复制进备份文件：请依靠存储桶的版本控制与跨区域复制保留它们"
            )
            write(f"  附件：{len(attachments)} 个，对象存在且{checked}与记录一致 {ok} 个")
        else:
            write(f"  附件：{len(attachments)} 个，与 SHA-256 / SM3 记录一致 {ok} 个")
        write(f"  备份文件 SHA-256：{archive_sha256}（另存于 {output.name}.sha256）")
        if problems:
            for problem in problems:
                self.stderr.write(f"  问题：{problem}")
