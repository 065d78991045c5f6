"""What `manage.py backup` and `manage.py restore` share: the archive layout, the manifest,
the database dump and load per engine, and the checks.

An archive is one `.tar.gz` holding a single folder:

    manifest.json            every other file with its size and SHA-256; the attachments with
                             the digests their rows store; row counts of every table
    database/db.sqlite3      SQLite: a page-level copy made with the sqlite3 backup API
    database/postgres.dump   PostgreSQL: `pg_dump --format=custom` of one exported snapshot
    files/private/…          PRIVATE_MEDIA_ROOT (attachments, export and import files)
    files/media/…            MEDIA_ROOT

With PRIVATE_STORAGE=s3 the private files are not in the archive (there is no files/private):
a bucket is not copied into a tar. The manifest's `private_storage` names the bucket and
prefix they live in, and each attachment row is checked against its object there; the
bucket's own versioning and replication keep those files (deploy/README.md).

The dump is the engine's own, byte for byte (see docs/design-notes.md, "Backup and restore"):
a JSON `dumpdata` would round datetimes to milliseconds and so break the SM3 audit chain,
whose hashes cover microseconds.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader

from jiebang.core import storage
from jiebang.core.models import Attachment, AuditChainHead, AuditEntry

FORMAT = "jiebang-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
SQLITE_DUMP = "database/db.sqlite3"
POSTGRES_DUMP = "database/postgres.dump"
# Archive folder of each file root → the setting naming where it lives.
ROOTS = {"private": "PRIVATE_MEDIA_ROOT", "media": "MEDIA_ROOT"}


@dataclass
class Digest:
    size: int
    sha256: str
    sm3: str


def digest_stream(source, out=None) -> Digest:
    """Size, SHA-256 and SM3 of an open binary file read once to its end (each chunk also
    written to `out` when given)."""
    sha256, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    while chunk := source.read(CHUNK):
        sha256.update(chunk)
        sm3.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return Digest(size, sha256.hexdigest(), sm3.hexdigest())


def digest_file(path: Path, copy_to: Path | None = None) -> Digest:
    """Size, SHA-256 and SM3 of a file read once (and written to `copy_to` on the way, so
    the digests describe exactly the bytes that were copied)."""
    out = None
    if copy_to is not None:
        copy_to.parent.mkdir(parents=True, exist_ok=True)
        out = copy_to.open("wb")
    try:
        with path.open("rb") as source:
            return digest_stream(source, out)
    finally:
        if out is not None:
            out.close()


def root_paths() -> dict[str, Path]:
    """The file roots to back up, refusing a layout where one contains the other. With the
    private files in an S3 bucket only MEDIA_ROOT is a root."""
    roots = {"media": "MEDIA_ROOT"} if storage.uses_s3() else ROOTS
    paths = {name: Path(getattr(settings, setting)).resolve() for name, setting in roots.items()}
    if "private" not in paths:
        return paths
    private, media = paths["private"], paths["media"]
    if private == media or private.is_relative_to(media) or media.is_relative_to(private):
        raise CommandError(
            f"PRIVATE_MEDIA_ROOT（{private}）与 MEDIA_ROOT（{media}）不能相同或互相包含。"
        )
    return paths


# ---- private files in an S3 bucket ---------------------------------------------------------


def private_storage_manifest() -> dict:
    """Where the private files of this backup live, for the manifest."""
    if not storage.uses_s3():
        return {"kind": "filesystem", "root": "files/private"}
    return {"kind": "s3", **storage.s3_location()}


def describe_bucket(where: dict) -> str:
    prefix = where.get("prefix") or "（无）"
    endpoint = f"，地址 {where['endpoint']}" if where.get("endpoint") else ""
    return f"S3 存储桶 {where.get('bucket')}，前缀 {prefix}{endpoint}"


def object_uri(name: str) -> str:
    if not storage.uses_s3():
        return f"files/private/{name}"
    where = storage.s3_location()
    key = "/".join(part for part in (where["prefix"], name) if part)
    return f"s3://{where['bucket']}/{key}"


def check_objects(rows: list[dict], *, read: bool) -> tuple[list[dict], list[str]]:
    """Check each attachment row against its object in the private storage, through the
    storage API: present and of the recorded size (one HEAD request each), and with `read`
    also the SHA-256 and SM3 of the bytes (each object downloaded and hashed as it streams).
    Returns (manifest rows, problems); a row's status is `in-storage`, `missing`, `mismatch`
    or `unreadable` (the request itself failed, e.g. access denied)."""
    backend = storage.private_backend()
    checked, problems = [], []
    for row in rows:
        name = row["file"]
        status, problem = "in-storage", None
        try:
            if read:
                with backend.open(name, "rb") as handle:
                    digest = digest_stream(handle)
                found = (digest.size, digest.sha256, digest.sm3)
                expected = (row["size"], row["sha256"], row["sm3"])
            else:
                found, expected = backend.size(name), row["size"]
            if found != expected:
                status = "mismatch"
                what = "SHA-256 / SM3" if read else "大小"
                problem = f"附件 {row['id']} 的文件与数据库记录的{what}不符：{name}"
        except FileNotFoundError:
            status, problem = "missing", f"附件 {row['id']} 的文件不存在：{name}"
        except storage.storage_errors() as error:
            status, problem = "unreadable", f"附件 {row['id']} 的文件无法读取：{name}（{error}）"
        if problem:
            problems.append(problem)
        checked.append(
            {
                "id": row["id"],
                "uuid": row["uuid"],
                "path": object_uri(name),
                "size": row["size"],
                "sha256": row["sha256"],
                "sm3": row["sm3"],
                "status": status,
            }
        )
    return checked, problems


def walk_files(root: Path) -> list[Path]:
    """Every regular file under `root`, sorted; symbolic links are not followed."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# ---- the database ------------------------------------------------------------------------


@dataclass
class Snapshot:
    """What one consistent read of the database yields besides the dump file."""

    engine: str
    tool: str
    dump: str
    counts: dict[str, int]
    migrations: dict[str, list[str]]
    attachments: list[dict]
    audit_entries: int
    audit_head: str
    problems: list[str] = field(default_factory=list)


ATTACHMENT_COLUMNS = ["id", "uuid", "file", "size", "sha256", "sm3"]


def _attachment_sql() -> str:
    meta = Attachment._meta
    columns = ", ".join(meta.get_field(name).column for name in ATTACHMENT_COLUMNS)
    return f"SELECT {columns} FROM {meta.db_table} ORDER BY id"  # noqa: S608  (model metadata)


def _audit_sql() -> tuple[str, str]:
    return (
        f"SELECT COUNT(*) FROM {AuditEntry._meta.db_table}",  # noqa: S608
        f"SELECT last_hash FROM {AuditChainHead._meta.db_table} WHERE id = 1",  # noqa: S608
    )


def _read_snapshot(cursor, tables: list[str], quote) -> tuple[dict, list, int, str]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  (introspected)
        counts[table] = cursor.fetchone()[0]
    cursor.execute(_attachment_sql())
    attachments = [dict(zip(ATTACHMENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    for row in attachments:
        row["uuid"] = str(row["uuid"])
    count_sql, head_sql = _audit_sql()
    cursor.execute(count_sql)
    audit_entries = cursor.fetchone()[0]
    cursor.execute(head_sql)
    head = cursor.fetchone()
    return counts, attachments, audit_entries, head[0] if head else ""


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in cursor.fetchall()]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dump_database(work: Path, alias: str = "default") -> Snapshot:
    """Write the database dump under `work` and read, from the same snapshot, the row count of
    every table, the attachment rows and the audit chain's length and head."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise CommandError("不能在事务中备份：请在事务之外运行。")
    connection.ensure_connection()
    (work / "database").mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        return _dump_sqlite(connection, work)
    if connection.vendor == "postgresql":
        return _dump_postgres(connection, work)
    raise CommandError(f"不支持的数据库：{connection.vendor}")


def _dump_sqlite(connection, work: Path) -> Snapshot:
    target_path = work / SQLITE_DUMP
    target = sqlite3.connect(target_path)
    try:
        # A consistent page-level copy, taken while the application may keep writing.
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        counts, attachments, audit_entries, head = _read_snapshot(
            cursor, _sqlite_tables(cursor), _sqlite_quote
        )
        migrations = applied_migrations(cursor)
        (integrity,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        target.close()
    problems = [] if integrity == "ok" else [f"SQLite 完整性检查未通过：{integrity}"]
    return Snapshot(
        engine="sqlite",
        tool=f"sqlite3 backup API (SQLite {sqlite3.sqlite_version})",
        dump=SQLITE_DUMP,
        counts=counts,
        migrations=migrations,
        attachments=attachments,
        audit_entries=audit_entries,
        audit_head=head,
        problems=problems,
    )


def _pg_env(connection) -> dict[str, str]:
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[name] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    if params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = params["OPTIONS"]["sslmode"]
    env["PGDATABASE"] = params["NAME"]
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"找不到 {name}：请安装与数据库服务器主版本一致的 PostgreSQL 客户端（postgresql-client）。"
        )
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise CommandError(f"{what}失败（退出码 {done.returncode}）：{done.stderr.strip()[:2000]}")
    return done.stdout


def _dump_postgres(connection, work: Path) -> Snapshot:
    pg_dump = _pg_tool("pg_dump")
    env = _pg_env(connection)
    version = _run([pg_dump, "--version"], env, "pg_dump --version").strip()
    # One REPEATABLE READ transaction exports its snapshot; pg_dump reads the same snapshot,
    # so the counts and attachment rows below describe exactly what the dump holds.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={work / POSTGRES_DUMP}",
            ],
            env,
            "pg_dump",
        )
        tables = connection.introspection.table_names(cursor)
        counts, attachments, audit_entries, head = _read_snapshot(
            cursor, tables, connection.ops.quote_name
        )
        migrations = applied_migrations(cursor)
    return Snapshot(
        engine="postgresql",
        tool=version,
        dump=POSTGRES_DUMP,
        counts=counts,
        migrations=migrations,
        attachments=attachments,
        audit_entries=audit_entries,
        audit_head=head,
    )


def current_counts(tables, alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    quote = _sqlite_quote if connection.vendor == "sqlite" else connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            try:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            except DatabaseError:  # a missing table is reported, not raised
                counts[table] = None
                continue
            counts[table] = cursor.fetchone()[0]
    return counts


def load_database(dump: Path, engine: str, alias: str = "default") -> None:
    """Replace the whole database with the dump, in one step: the SQLite backup API copies
    every page into the live database; pg_restore drops and recreates every object of the
    dump in a single transaction (all or nothing)."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise CommandError("不能在事务中恢复：请在事务之外运行。")
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    pg_restore = _pg_tool("pg_restore")
    env = _pg_env(connection)
    # Our own session must not hold anything the restore drops.
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


# ---- the archive -------------------------------------------------------------------------


def safe_member(path: str) -> bool:
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts


def verify_tree(folder: Path) -> tuple[dict, list[str]]:
    """Read the manifest of an extracted archive and check every file against it: present,
    same size, same SHA-256; nothing unlisted; each attachment's bytes still carry the SHA-256
    and SM3 its row stores. Returns (manifest, problems)."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return {}, ["缺少 manifest.json，这不是本平台的备份文件。"]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as bad:
        return {}, [f"manifest.json 无法解析：{bad}"]
    if manifest.get("format") != FORMAT:
        return manifest, [f"备份格式为 {manifest.get('format')!r}，本程序只识别 {FORMAT}。"]
    problems = []
    listed = {}
    for entry in manifest.get("files", []):
        path = entry.get("path", "")
        if not safe_member(path):
            problems.append(f"清单中的路径不安全：{path}")
            continue
        listed[path] = entry
        on_disk = folder / path
        if not on_disk.is_file():
            problems.append(f"缺少文件：{path}")
            continue
        digest = digest_file(on_disk)
        if digest.size != entry.get("size"):
            problems.append(f"文件大小不符：{path}（清单 {entry.get('size')}，实际 {digest.size}）")
        elif digest.sha256 != entry.get("sha256"):
            problems.append(f"SHA-256 不符：{path}")
        entry["_sm3"] = digest.sm3
    for path in walk_files(folder):
        relative = path.relative_to(folder).as_posix()
        if relative != MANIFEST and relative not in listed:
            problems.append(f"清单之外的文件：{relative}")
    if manifest.get("database", {}).get("path") not in listed:
        problems.append("清单中没有数据库文件。")
    for row in manifest.get("attachments", []):
        entry = listed.get(row.get("path"))
        if row.get("status") != "ok" or entry is None or "_sm3" not in entry:
            continue
        if entry["sha256"] != row.get("sha256") or entry["_sm3"] != row.get("sm3"):
            problems.append(f"附件 {row.get('id')} 的文件与数据库记录的摘要不符：{row.get('path')}")
    for entry in listed.values():
        entry.pop("_sm3", None)
    return manifest, problems


def archive_root(extracted: Path) -> Path:
    """The folder holding manifest.json: the extraction itself or its single sub-folder."""
    if (extracted / MANIFEST).is_file():
        return extracted
    children = [c for c in extracted.iterdir() if c.is_dir()]
    if len(children) == 1 and (children[0] / MANIFEST).is_file():
        return children[0]
    return extracted


def extract(archive: Path, into: Path) -> Path:
    """Unpack a backup safely (no absolute paths, no `..`, no links leaving the folder)."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as bad:
        raise CommandError(f"备份文件无法解开（可能已损坏或被截断），未做任何恢复：{bad}") from bad
    return archive_root(into)


def sha256_of(path: Path) -> str:
    return digest_file(path).sha256


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
