"""Excel exports of the filtered lists (architecture.md rules 4 and 9; domain.md §6).

- `write_xlsx`: a streaming writer. An openpyxl write-only workbook is fed one row at a
  time from an iterator (the rows are read with `QuerySet.iterator(chunk_size=…)`), so
  memory stays flat whatever the number of rows (bench/export_50k.py).
- `Export` / `Column`: one spec per list page, defined in each app's `exports` module and
  registered here: the page's permission, the queryset built by the page's own selector
  from the page's query string, the columns, and which columns hold personal data.
- Personal data (ID numbers, phones) is exported masked unless the exporter holds
  `core.export_personal_data`; a masked export never loads the encrypted columns.
- `run_export` (the page's button) writes small lists at once and turns lists above
  `EXPORT_SYNC_MAX_ROWS` into an `ExportJob` run by a task with visible progress.
  Every download is audited (`export.downloaded`: list, filters, row count, masked or not).
- `purge_export_jobs` (daily): a job's file is kept `EXPORT_JOB_KEEP_DAYS` days after it
  finished, then deleted; the row stays, `expired`, so its page says to export again.
"""

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jiebang.core import clock
from jiebang.core.models import ExportJob, ExportJobState
from jiebang.core.services import record_audit
from jiebang.core.storage import storage_errors

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSONAL_DATA_PERM = "core.export_personal_data"

# Column kinds: how a value is written and shown.
TEXT, MONEY, DATE, DATETIME, INT, NUMBER, BOOL = (
    "text",
    "money",
    "date",
    "datetime",
    "int",
    "number",
    "bool",
)
NUMBER_FORMATS = {
    MONEY: "#,##0.00",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    INT: "0",
    NUMBER: "0.00",
}


def _getter(accessor: str | Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A callable as is; a dotted path read attribute by attribute, None once a link is None."""
    if callable(accessor):
        return accessor
    getters = [attrgetter(part) for part in accessor.split(".")]

    def read(obj):
        for get in getters:
            if obj is None:
                return None
            obj = get(obj)
        return obj

    return read


@dataclass(frozen=True)
class Column:
    """One column: its Chinese title and how to read it from a row.

    A personal-data column gives `unmasked` (the clear value, read only for exporters who hold
    `core.export_personal_data`) beside `value` (the masked value everybody else gets).
    A column with `choices` shows the label of the stored value (the labels are translated
    once per export, not once per row as `get_FOO_display()` would).
    """

    title: str
    value: str | Callable[[Any], Any]
    kind: str = TEXT
    unmasked: str | Callable[[Any], Any] | None = None
    width: int = 16
    number_format: str = ""
    choices: tuple | list = ()

    @property
    def personal(self) -> bool:
        return self.unmasked is not None

    def reader(self, masked: bool) -> Callable[[Any], Any]:
        read = _getter(self.unmasked if self.personal and not masked else self.value)
        if not self.choices:
            return read
        labels = {value: str(label) for value, label in self.choices}

        def label(obj):
            value = read(obj)
            return labels.get(value, value)

        return label

    @property
    def format(self) -> str:
        return self.number_format or NUMBER_FORMATS.get(self.kind, "")


@dataclass(frozen=True)
class Export:
    """An export of one list page.

    `build(user, params, masked=…)` returns the page's rows for its query string through the
    page's own selector (same filters, same scoping, same order); it may add `select_related`
    / `prefetch_related` for the columns and must `defer` the encrypted columns when
    `masked`. `rows(queryset, params)` may wrap the iteration (default: a chunked iterator).
    """

    name: str
    title: str
    permission: str
    build: Callable[..., QuerySet]
    columns: tuple[Column, ...]
    filter_keys: tuple[str, ...] = ()
    rows: Callable[[QuerySet, Mapping[str, str]], Iterable] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def params_from(self, query: Mapping[str, str]) -> dict[str, str]:
        """The page's filter parameters in a query string (empty values kept: a page may read
        `state=` differently from no `state` at all)."""
        return {key: str(query.get(key))[:100] for key in self.filter_keys if key in query}

    def iter_rows(self, queryset: QuerySet, params: Mapping[str, str]) -> Iterable:
        if self.rows is not None:
            return self.rows(queryset, params)
        return queryset.iterator(chunk_size=settings.EXPORT_CHUNK_SIZE)

    def filename(self) -> str:
        return f"{self.title}-{clock.today():%Y%m%d}.xlsx"

    def describe_filters(self, params: Mapping[str, str]) -> str:
        if not params:
            return "无"
        return "，".join(f"{self.labels.get(k, k)}={v or '（空）'}" for k, v in params.items())


_REGISTRY: dict[str, Export] = {}


def register(export: Export) -> Export:
    if export.name in _REGISTRY and _REGISTRY[export.name] is not export:
        raise ValueError(f"export {export.name!r} registered twice")
    _REGISTRY[export.name] = export
    return export


def get_export(name: str) -> Export:
    """The registered export called `name` (apps register theirs in `<app>/exports.py`,
    imported when Django starts); Http404 for an unknown name."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404 from None


def registered_exports() -> dict[str, Export]:
    return dict(_REGISTRY)


def personal_data_masked(user) -> bool:
    """Personal data is exported masked unless the exporter holds the right (domain.md §6)."""
    return not user.has_perm(PERSONAL_DATA_PERM)


# ---- the writer ----------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, str):
        text = value
    elif hasattr(value, "label"):  # a TextChoices member
        text = str(value.label)
    else:
        text = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _converter(kind: str) -> Callable[[Any], Any]:
    """Value as written: Decimal stays exact, datetimes become Beijing wall-clock time (Excel
    has no time zones), booleans read 是/否, text loses characters XML cannot hold."""

    def money(value):
        if value is None or value == "":
            return None
        return Decimal(value).quantize(Decimal("0.01"))

    def date(value):
        if isinstance(value, dt.datetime):
            return clock.beijing(value).date() if value.tzinfo else value.date()
        return value

    def datetime(value):
        if isinstance(value, dt.datetime) and value.tzinfo:
            return clock.beijing(value).replace(tzinfo=None)
        return value

    def boolean(value):
        if value is None:
            return None
        return "是" if value else "否"

    def number(value):
        return value

    def text(value):
        if value is None or value == "":
            return None
        return _text(value)

    return {
        MONEY: money,
        DATE: date,
        DATETIME: datetime,
        BOOL: boolean,
        INT: number,
        NUMBER: number,
    }.get(kind, text)


def write_xlsx(
    target: BinaryIO | str,
    *,
    sheet_title: str,
    columns: tuple[Column, ...],
    rows: Iterable,
    masked: bool,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> int:
    """Write `rows` to an .xlsx file in constant memory; returns the number of data rows.

    Header row bold on a grey fill and frozen; money as numbers with two decimals
    (`#,##0.00`), dates as dates, datetimes in Beijing time. A text starting with "=" is
    written as text, never as a formula. `on_progress(n)` is called every `progress_every`
    rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", sheet_title)[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)

    readers = [column.reader(masked) for column in columns]
    converters = [_converter(column.kind) for column in columns]
    # One styled cell per formatted column, reused row after row: the write-only sheet
    # serialises each row as soon as it is appended.
    styled: list[WriteOnlyCell | None] = []
    for column in columns:
        if column.format:
            cell = WriteOnlyCell(sheet)
            cell.number_format = column.format
            styled.append(cell)
        else:
            styled.append(None)
    plain = WriteOnlyCell(sheet)
    triples = list(zip(readers, converters, styled, strict=True))

    count = 0
    for obj in rows:
        values = []
        for read, convert, cell in triples:
            value = convert(read(obj))
            if value is None:
                values.append(None)
            elif cell is not None:
                cell.value = value
                values.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                plain.value = value
                plain.data_type = "s"  # text, never a formula
                values.append(plain)
            else:
                values.append(value)
        sheet.append(values)
        count += 1
        if on_progress is not None and count % progress_every == 0:
            on_progress(count)
    workbook.save(target)
    return count


# ---- services: run an export, the export job, the audit --------------------------------------


@dataclass
class ExportResult:
    """What `run_export` produced: an open file to serve, or a job queued for later."""

    export: Export
    rows: int
    masked: bool
    file: BinaryIO | None = None
    job: ExportJob | None = None


def _audit_data(export: Export, params, rows: int, masked: bool, job=None) -> dict:
    return {
        "export": export.name,
        "filters": dict(params),
        "rows": rows,
        "masked": masked,
        "job": job.pk if job is not None else None,
    }


def _audit_summary(verb: str, export: Export, params, rows: int, masked: bool) -> str:
    privacy = "个人信息已脱敏" if masked else "含未脱敏个人信息"
    return (
        f"{verb}：{export.title}，{rows} 行，{privacy}；筛选条件：{export.describe_filters(params)}"
    )


def record_export_download(
    *, export: Export, user, params, rows: int, masked: bool, job=None, request=None
):
    """The audit entry of one download (`export.downloaded`)."""
    return record_audit(
        action="export.downloaded",
        actor=user,
        target=job,
        summary=_audit_summary("导出Excel", export, params, rows, masked),
        data=_audit_data(export, params, rows, masked, job),
        request=request,
    )


def run_export(*, export: Export, user, params: Mapping[str, str], request=None) -> ExportResult:
    """Export a list for `user` with the page's filters `params`.

    Up to `EXPORT_SYNC_MAX_ROWS` rows: the file is written now into a temporary file
    (returned open, at position 0) and the download is audited. Above: an `ExportJob` is
    queued instead (see `start_export_job`). The caller has checked `export.permission`.
    """
    masked = personal_data_masked(user)
    queryset = export.build(user, params, masked=masked)
    total = queryset.count()
    if total > settings.EXPORT_SYNC_MAX_ROWS:
        job = start_export_job(export=export, user=user, params=params, request=request)
        return ExportResult(export=export, rows=total, masked=job.masked, job=job)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (handed over to the response)
    try:
        rows = write_xlsx(
            handle,
            sheet_title=export.title,
            columns=export.columns,
            rows=export.iter_rows(queryset, params),
            masked=masked,
        )
        record_export_download(
            export=export, user=user, params=params, rows=rows, masked=masked, request=request
        )
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return ExportResult(export=export, rows=rows, masked=masked, file=handle)


def start_export_job(*, export: Export, user, params: Mapping[str, str], request=None) -> ExportJob:
    """Queue a long export.

    Side effects: the ExportJob row (queued), an `export.queued` audit entry, the task
    `core.tasks.run_export` queued on commit.
    """
    from jiebang.core.tasks import run_export as run_export_task

    masked = personal_data_masked(user)
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            name=export.name,
            title=export.title,
            params=dict(params),
            masked=masked,
            created_at=clock.now(),
        )
        record_audit(
            action="export.queued",
            actor=user,
            target=job,
            summary=_audit_summary("后台导出Excel", export, params, 0, masked)[:500],
            data=_audit_data(export, params, 0, masked, job),
            request=request,
        )
        transaction.on_commit(lambda: run_export_task.delay(job.pk))
    return job


_FAILURES = {
    PermissionError: "您已无权导出该清单。",
    Http404: "要导出的清单或评审轮次已不存在。",
}


def _set_progress(job_id: int, done: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(done=done)


def run_export_job(job_id: int) -> ExportJob | None:
    """Write a queued job's file (the task's body).

    The exporter's rights are checked again now: without the list's permission any more the
    job fails; without the personal-data right the file is masked. Side effects: state
    queued → running → done (or failed), `total`, `done` every `EXPORT_PROGRESS_EVERY` rows,
    the file in private storage.
    """
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state != ExportJobState.QUEUED:
        return job
    user = job.user
    job.masked = job.masked or personal_data_masked(user)
    job.started_at = clock.now()
    job.mark_running()
    job.save(update_fields=["state", "masked", "started_at"])
    try:
        export = get_export(job.name)
        if not user.is_active or not user.has_perm(export.permission):
            raise PermissionError("the exporter no longer holds the list's permission")
        queryset = export.build(user, job.params, masked=job.masked)
        job.total = queryset.count()
        job.save(update_fields=["total"])
        with tempfile.TemporaryFile() as handle:
            rows = write_xlsx(
                handle,
                sheet_title=export.title,
                columns=export.columns,
                rows=export.iter_rows(queryset, job.params),
                masked=job.masked,
                on_progress=lambda n: _set_progress(job.pk, n),
                progress_every=settings.EXPORT_PROGRESS_EVERY,
            )
            handle.seek(0)
            job.file.save("export.xlsx", File(handle, name="export.xlsx"), save=False)
    except Exception as error:  # the job records the failure; the worker stays up
        if type(error) in _FAILURES:
            logger.warning("export job %s refused: %s", job.pk, error)
        else:
            logger.exception("export job %s failed", job.pk)
        job.refresh_from_db(fields=["done"])
        job.error = _FAILURES.get(type(error), "导出失败，请稍后重试或联系管理员。")
        job.finished_at = clock.now()
        job.mark_failed()
        job.save(update_fields=["state", "error", "finished_at"])
        return job
    job.done = rows
    job.total = max(job.total, rows)
    job.finished_at = clock.now()
    job.mark_done()
    job.save(update_fields=["state", "done", "total", "file", "finished_at"])
    return job


def job_download(*, job: ExportJob, user, request=None) -> BinaryIO:
    """Open a finished job's file for its owner and audit the download. Http404 when the job
    has no file (not finished, failed, or the file is gone)."""
    if job.state != ExportJobState.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    with transaction.atomic():
        record_export_download(
            export=get_export(job.name),
            user=user,
            params=job.params,
            rows=job.done,
            masked=job.masked,
            job=job,
            request=request,
        )
    return handle


EXPIRED_MESSAGE = "导出文件已过期，请重新导出。"


def purge_export_jobs(now: dt.datetime | None = None) -> int:
    """Daily: delete the files of export jobs finished more than `EXPORT_JOB_KEEP_DAYS`
    days before `now` (a job finished exactly that long ago is kept until the next run).

    Side effects per job: done → expired, its file deleted from private storage (in one
    transaction with the state change: a file that cannot be deleted leaves its job done);
    then one `export.purged` audit entry (no actor) with the count and the job ids, when any
    was purged. Failed jobs have no file and are left as they are. Returns how many jobs
    were purged.
    """
    now = now or clock.now()
    keep_days = settings.EXPORT_JOB_KEEP_DAYS
    cutoff = now - dt.timedelta(days=keep_days)
    purged: list[int] = []
    stale = ExportJob.objects.filter(state=ExportJobState.DONE, finished_at__lt=cutoff)
    for job_id in list(stale.order_by("finished_at", "id").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                job = (
                    ExportJob.objects.select_for_update()
                    .filter(pk=job_id, state=ExportJobState.DONE)
                    .first()
                )
                if job is None:  # purged meanwhile by a concurrent run
                    continue
                name = job.file.name
                job.mark_expired()
                job.file = ""
                job.save(update_fields=["state", "file"])
                if name:
                    job.file.storage.delete(name)
        # The file stays, and so does the job: the next run tries again. (An S3 backend
        # fails with botocore's errors, not OSError.)
        except storage_errors():
            logger.exception("export job %s: its file could not be deleted", job_id)
            continue
        purged.append(job_id)
    if purged:
        record_audit(
            action="export.purged",
            summary=f"清理过期导出文件 {len(purged)} 个（完成后保留 {keep_days} 天）",
            data={"count": len(purged), "keep_days": keep_days, "jobs": purged},
        )
    return len(purged)
