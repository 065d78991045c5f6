"""Excel imports run as background jobs with a progress bar (domain.md §6; [7/9]).

- `Import`: one spec per import, declared in each app's `imports` module and registered
  here: who may import (a permission), what it is called, where its page is, and the
  function that reads the workbook and writes the rows, all or nothing, telling its progress.
- `start_import_job` (the page's form): checks the file by its bytes and size, stores it in
  private storage and queues the job on commit; the page then shows the job.
- `run_import_job` (the task's body): re-checks the importer's right, runs the import, and
  records the outcome. The rows are written in one transaction, so progress is reported
  through the cache (shared by the web nodes and the workers when REDIS_URL is set).
- Initial passwords of accounts an import creates are kept encrypted on the job and shown
  once to its owner, then erased.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from jiebang.core import antivirus, clock
from jiebang.core.errors import DomainError
from jiebang.core.files import archive_problem, sniff
from jiebang.core.models import ImportJob, ImportJobState
from jiebang.core.services import record_audit, safe_filename
from jiebang.core.upload_policy import policy_for

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class ImportOutcome:
    """What an import did: a one-line Chinese summary, counts, and secrets shown once."""

    summary: str
    created: int = 0
    updated: int = 0
    secrets: list[tuple[str, str]] = field(default_factory=list)  # (account, initial password)


@dataclass(frozen=True)
class Import:
    name: str  # in URLs: /imports/<name>/
    title: str  # 评审专家库
    permission: str
    run: Callable[..., ImportOutcome]  # (uploaded_file, by, progress) -> ImportOutcome
    back_url: str  # the page the import belongs to
    template_hint: str = ""  # the columns, shown on the form


_REGISTRY: dict[str, Import] = {}


def register(spec: Import) -> Import:
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise ValueError(f"import {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def get_import(name: str) -> Import:
    from django.http import Http404

    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404 from None


def registered_imports() -> dict[str, Import]:
    return dict(_REGISTRY)


def check_workbook(uploaded_file) -> None:
    """An .xlsx by its bytes (a zip holding a workbook that does not expand too far) and
    within IMPORT_MAX_BYTES; refused with a Chinese message otherwise."""
    max_bytes = policy_for("excel_import").max_bytes  # IMPORT_MAX_BYTES
    if uploaded_file.size > max_bytes:
        size = uploaded_file.size / 1024 / 1024
        limit = max_bytes // 1024 // 1024
        raise ValidationError(f"文件过大（{size:.1f} MB），导入文件不能超过 {limit} MB。")
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    if problem := archive_problem(data):
        raise ValidationError(f"该文件疑似压缩炸弹（{problem}），已拒绝导入。")
    if sniff(data, "xlsx") != "xlsx":
        raise ValidationError("请上传 Excel（.xlsx）文件：该文件的内容不是 Excel 工作簿。")
    antivirus.scan(data, safe_filename(uploaded_file.name))


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows written, rows in the file) of a running job, from the cache; the job's own
    figures once it has finished."""
    if job.state == ImportJobState.RUNNING:
        done, total = cache.get(progress_key(job.pk), (0, 0))
        return done, total
    return job.done, job.total


def start_import_job(*, spec: Import, uploaded_file, user, request=None) -> ImportJob:
    """Queue an import of `uploaded_file` (already checked by `check_workbook`).

    Side effects: the file in private storage, the ImportJob (queued), an `import.queued`
    audit entry, the task `core.tasks.run_import` queued on commit.
    """
    from jiebang.core.tasks import run_import as run_import_task

    if not user.has_perm(spec.permission):
        raise DomainError("FORBIDDEN", "您无权进行该导入。")
    with transaction.atomic():
        job = ImportJob(
            user=user,
            name=spec.name,
            title=spec.title,
            original_name=(uploaded_file.name or "import.xlsx")[-200:],
            created_at=clock.now(),
        )
        job.source.save("import.xlsx", uploaded_file, save=False)
        job.save()
        record_audit(
            action="import.queued",
            actor=user,
            target=job,
            summary=f"导入{spec.title}：{job.original_name}",
            data={"import": spec.name, "file": job.original_name, "size": uploaded_file.size},
            request=request,
        )
        transaction.on_commit(lambda: run_import_task.delay(job.pk))
    return job


def run_import_job(job_id: int) -> ImportJob | None:
    """Run a queued import (the task's body).

    The importer's right is checked again now. Side effects: state queued → running → done
    (or failed with the row errors; nothing imported), the progress in the cache while it
    runs, the rows the import writes, initial passwords stored encrypted for one showing, an
    `import.finished` or `import.failed` audit entry.
    """
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state != ImportJobState.QUEUED:
        return job
    job.started_at = clock.now()
    job.mark_running()
    job.save(update_fields=["state", "started_at"])

    def tell(done: int, total: int) -> None:
        cache.set(progress_key(job.pk), (done, total), 24 * 3600)

    outcome = None
    try:
        spec = get_import(job.name)
        if not job.user.is_active or not job.user.has_perm(spec.permission):
            raise DomainError("FORBIDDEN", "您已无权进行该导入。")
        with job.source.open("rb") as handle:
            outcome = spec.run(uploaded_file=handle, by=job.user, progress=tell)
    except DomainError as refused:
        job.error = refused.message[:500]
        job.errors = [str(d) for d in refused.details][:500]
    except Exception:  # the job records the failure; the worker stays up
        logger.exception("import job %s failed", job.pk)
        job.error = "导入失败，未导入任何数据。请稍后重试或联系管理员。"
    done, total = cache.get(progress_key(job.pk), (0, 0))
    cache.delete(progress_key(job.pk))
    job.finished_at = clock.now()
    if outcome is None:
        job.done, job.total = 0, total
        job.mark_failed()
        action, summary = "import.failed", f"导入{job.title}失败：{job.error}"
    else:
        job.done, job.total = total or done, total or done
        job.summary = outcome.summary[:300]
        job.created_count, job.updated_count = outcome.created, outcome.updated
        job.secrets = json.dumps(outcome.secrets, ensure_ascii=False) if outcome.secrets else ""
        job.mark_done()
        action, summary = "import.finished", f"导入{job.title}：{outcome.summary}"
    job.save()
    record_audit(
        action=action,
        actor=job.user,
        target=job,
        summary=summary[:500],
        data={
            "import": job.name,
            "rows": job.total,
            "created": job.created_count,
            "updated": job.updated_count,
            "errors": len(job.errors),
        },
    )
    return job


def take_secrets(job: ImportJob) -> list[Any]:
    """The initial passwords of a finished job, once: they are erased as they are read.

    Side effects: the job's secrets cleared and `secrets_shown_at` set; an
    `import.secrets_shown` audit entry (without the passwords).
    """
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not locked.secrets:
            return []
        secrets = json.loads(locked.secrets)
        locked.secrets = ""
        locked.secrets_shown_at = clock.now()
        locked.save(update_fields=["secrets", "secrets_shown_at"])
        record_audit(
            action="import.secrets_shown",
            actor=locked.user,
            target=locked,
            summary=f"查看导入新开账号的初始密码（{len(secrets)}个），已清除",
        )
    job.secrets = ""
    return secrets
