"""`manage.py restore ARCHIVE`: check a backup completely, then put back the database and the
files, then prove the result (row counts, every file digest, every attachment's SHA-256 and
SM3 against its row, the audit hash chain).

Nothing is touched until the whole archive has been verified against its manifest. Files
already in PRIVATE_MEDIA_ROOT / MEDIA_ROOT are moved aside (`<root>.before-restore-<time>`),
never deleted. Stop the application (all nodes and workers) before restoring.

With PRIVATE_STORAGE=s3 the archive holds no private files (see backup.py): the bucket is
not touched. The operator first brings the bucket back to the backup's time with its own
versioning if needed; after the database, every attachment's object is read through the
storage API and checked against its row's SHA-256 and SM3. An archive and a configuration
that disagree on where the private files live are refused before anything is touched.
"""

import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jiebang.core import clock
from jiebang.core.management.commands import _backup as b
from jiebang.core.models import Attachment


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (a .tar.gz or its extracted folder): "
        "verify the manifest first, then replace the database and the file roots, then verify "
        "row counts, attachment digests and the audit chain. With PRIVATE_STORAGE=s3 the "
        "archive holds no private files and the bucket is not touched (restore earlier object "
        "versions with the bucket's own versioning first); every attachment's object is then "
        "read from the bucket and checked against its row. An archive made with the other kind "
        "of private storage is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `backup`, or its folder")
        parser.add_argument(
            "--sha256",
            help="the archive's SHA-256 as recorded when it was made (the .sha256 file); "
            "checked before anything else",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.exists():
            raise CommandError(f"找不到备份：{archive}")
        expected = (options.get("sha256") or "").strip().lower()
        if expected:
            if archive.is_dir():
                raise CommandError("--sha256 只能用于 .tar.gz 备份文件。")
            actual = b.sha256_of(archive)
            if actual != expected:
                raise CommandError(
                    f"备份文件的 SHA-256 与记录不符，未做任何恢复（记录 {expected}，实际 {actual}）。"
                )
        roots = b.root_paths()
        with tempfile.TemporaryDirectory(prefix=".restore-") as tmp:
            folder = archive if archive.is_dir() else b.extract(archive, Path(tmp))
            folder = b.archive_root(folder)
            manifest, problems = b.verify_tree(folder)
            if problems:
                raise CommandError(
                    f"备份校验未通过，未做任何恢复（{len(problems)} 个问题）：\n  "
                    + "\n  ".join(problems[:20])
                )
            self._check_compatible(manifest, options["database"])
            self.stdout.write(
                f"备份校验通过：{manifest['created_at']}，{len(manifest['files'])} 个文件，"
                f"数据库 {manifest['engine']}。"
            )
            if options["interactive"] and not self._confirmed(roots, options["database"]):
                raise CommandError("已取消，未做任何恢复。")
            self._restore(folder, manifest, roots, options["database"])
        self._verify_and_report(manifest, roots, options["database"])

    # ---- before touching anything ---------------------------------------------------------

    def _check_compatible(self, manifest: dict, alias: str) -> None:
        # Archives from before S3 support have no `private_storage`: their files are inside.
        backed_up = manifest.get("private_storage") or {"kind": "filesystem"}
        current = b.private_storage_manifest()
        if backed_up["kind"] == "s3" and current["kind"] != "s3":
            raise CommandError(
                f"备份中的私有文件不在备份文件里，而在{b.describe_bucket(backed_up)}中；"
                "当前配置为本地目录（PRIVATE_STORAGE=filesystem），恢复后附件将全部缺失。"
                "请设置 PRIVATE_STORAGE=s3 及该存储桶后再恢复，未做任何恢复。"
            )
        if backed_up["kind"] != "s3" and current["kind"] == "s3":
            raise CommandError(
                "备份中的私有文件在备份文件里（来自本地目录），当前配置为 S3 存储桶"
                f"（{b.describe_bucket(current)}），本命令不会把文件上传到存储桶。"
                "请先以 PRIVATE_STORAGE=filesystem 恢复，再把 PRIVATE_MEDIA_ROOT 原样复制到"
                "存储桶的前缀下（见 deploy/README.md），未做任何恢复。"
            )
        if backed_up["kind"] == "s3" and (backed_up["bucket"], backed_up["prefix"]) != (
            current["bucket"],
            current["prefix"],
        ):
            # A replica in another region may carry another name: said, not refused.
            self.stdout.write(
                f"注意：备份时私有文件在{b.describe_bucket(backed_up)}，"
                f"当前配置为{b.describe_bucket(current)}；恢复后将按当前配置核对附件。"
            )
        vendor = connections[alias].vendor
        if manifest["engine"] != vendor:
            raise CommandError(
                f"备份来自 {manifest['engine']} 数据库，当前数据库为 {vendor}，不能直接恢复，未做任何恢复。"
            )
        backed_up = {(app, name) for app, names in manifest["migrations"].items() for name in names}
        unknown = sorted(backed_up - b.known_migrations())
        if unknown:
            listed = "、".join(f"{app}.{name}" for app, name in unknown[:5])
            raise CommandError(
                f"备份来自更新版本的程序（本程序没有这些迁移：{listed}），请先升级程序，未做任何恢复。"
            )

    def _confirmed(self, roots, alias) -> bool:
        name = connections[alias].settings_dict["NAME"]
        where = b.private_storage_manifest()
        bucket = (
            f"私有文件所在的{b.describe_bucket(where)}不会被改动。\n"
            if where["kind"] == "s3"
            else ""
        )
        answer = input(
            f"将用备份替换数据库 {name} 的全部内容，并替换目录 "
            f"{'、'.join(str(r) for r in roots.values())}（原有文件会移到旁边保留）。\n"
            f"{bucket}请确认应用已停止。输入 yes 继续："
        )
        return answer.strip().lower() == "yes"

    # ---- the restore ------------------------------------------------------------------------

    def _restore(self, folder: Path, manifest: dict, roots: dict[str, Path], alias: str) -> None:
        stamp = f"{clock.now().astimezone(clock.BEIJING):%Y%m%d-%H%M%S}"
        # 1. Stage the files next to their roots (same file system, so the swap is a rename).
        staged = {}
        try:
            for name, root in roots.items():
                root.parent.mkdir(parents=True, exist_ok=True)
                staging = root.parent / f".{root.name}.restore-{stamp}"
                source = folder / manifest["roots"].get(name, f"files/{name}")
                staged[name] = staging
                if source.is_dir():
                    shutil.copytree(source, staging)
                else:
                    staging.mkdir()
        except OSError as bad:
            for staging in staged.values():
                shutil.rmtree(staging, ignore_errors=True)
            raise CommandError(f"附件暂存失败，未做任何恢复：{bad}") from bad
        # 2. The database, all or nothing.
        try:
            b.load_database(folder / manifest["database"]["path"], manifest["engine"], alias)
        except Exception:
            for staging in staged.values():
                shutil.rmtree(staging, ignore_errors=True)
            raise
        # 3. Swap the roots: what was there is kept beside, never deleted.
        for name, root in roots.items():
            if root.exists():
                if root.is_dir() and not any(root.iterdir()):
                    root.rmdir()
                else:
                    aside = root.with_name(f"{root.name}.before-restore-{stamp}")
                    root.rename(aside)
                    self.stdout.write(f"  原有文件（{name}）已移至：{aside}")
            staged[name].rename(root)

    # ---- after --------------------------------------------------------------------------

    def _verify_and_report(self, manifest: dict, roots: dict[str, Path], alias: str) -> None:
        problems = []
        counts = b.current_counts(manifest["counts"].keys(), alias)
        differing = [
            f"{table}（备份 {manifest['counts'][table]} 行，恢复后 {counts[table]} 行）"
            for table in sorted(manifest["counts"])
            if counts[table] != manifest["counts"][table]
        ]
        problems += [f"行数不符：{d}" for d in differing]

        restored_files = 0
        for entry in manifest["files"]:
            path = entry["path"]
            if not path.startswith("files/"):
                continue
            _, name, relative = path.split("/", 2)
            on_disk = roots[name] / relative
            if not on_disk.is_file():
                problems.append(f"恢复后缺少文件：{on_disk}")
                continue
            digest = b.digest_file(on_disk)
            if (digest.size, digest.sha256) != (entry["size"], entry["sha256"]):
                problems.append(f"恢复后文件摘要不符：{on_disk}")
            restored_files += 1

        # Read through the storage API, so the same check covers a folder and a bucket.
        rows = [
            {**row, "uuid": str(row["uuid"])}
            for row in Attachment.objects.using(alias)
            .order_by("id")
            .values(*b.ATTACHMENT_COLUMNS)
            .iterator()
        ]
        _, attachment_problems = b.check_objects(rows, read=True)
        problems += attachment_problems
        attachments = len(rows)

        audit = StringIO()
        try:
            call_command("verify_audit", stdout=audit)
        except CommandError as broken:
            problems.append(f"审计日志校验未通过：{broken}")

        write = self.stdout.write
        write("恢复完成：")
        write(
            f"  数据库：{manifest['engine']}，{len(counts)} 张表共 "
            f"{sum(c or 0 for c in counts.values())} 行，行数与备份一致 "
            f"{len(counts) - len(differing)} 张"
        )
        write(f"  文件：{restored_files} 个，已逐个核对 SHA-256")
        where = b.private_storage_manifest()
        if where["kind"] == "s3":
            write(f"  私有文件：{b.describe_bucket(where)}（未改动）")
        write(f"  附件：{attachments} 个，已逐个核对 SHA-256 与 SM3")
        if audit.getvalue().strip():
            write(f"  {audit.getvalue().strip()}")
        pending = sorted(
            b.known_migrations()
            - {(app, n) for app, names in manifest["migrations"].items() for n in names}
        )
        if pending:
            write(f"  本程序有 {len(pending)} 个迁移尚未在备份中应用：请运行 manage.py migrate。")
        if problems:
            for problem in problems:
                self.stderr.write(f"  问题：{problem}")
            raise CommandError(f"恢复后校验发现 {len(problems)} 个问题（见上）。")
