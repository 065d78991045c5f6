"""Benchmark: a 50,000-row Excel export (jiebang.core.exports) stays in constant memory.

Run: .venv/bin/python bench/export_50k.py [--rows 50000] [--small 5000] [--bound-mb 64]
     [--no-job] [--keep DIR] [--json FILE]

(~15 min in all, most of it the 50,000-row export run again under tracemalloc, which slows
Python ~3×; `--keep DIR` keeps the database in DIR and reuses it on the next run.)

Builds a throwaway SQLite database in a temporary folder (migrated from scratch; removed at
the end, like the file written), with `--rows` non-draft demands of one call, each with a
contact phone and a leader (a person with an encrypted ID number and phone), `--small` of
them 成果转化类 and the rest 技术攻关类. Then exports the bureau desk list as an auditor
(unmasked: every ID number and phone is decrypted) through `core.exports.run_export`, the
view's own path (selector, filters, chunked iterator, streaming write-only workbook, audit
entry), twice with the page's filters:

- `?state=all&category=achievement_transfer` → `--small` rows,
- `?state=all` → all `--rows` rows,

each once for time and once under `tracemalloc` for the peak of traced Python memory, and,
unless `--no-job`, the same full export as a background job (`run_export_job`, progress
written every 500 rows). Prints rows, seconds, rows/s, file size, peak traced memory and
the process's peak RSS, and fails (exit 1) if the full export's peak traced memory reaches
`--bound-mb` or is not within 1.5× (+ 4 MB) of the small export's: memory must not grow
with the number of rows. `--json FILE` writes the figures as JSON too (bench/common.py
`write_summary`).

Measured 2026-11-29 (bench/RESULTS.md): 50,000 rows in 46.6 s on a quiet machine (103 s at
load average 6–8), peak traced Python memory 30.1 MB for 50,000 rows and 22.4 MB for 5,000
(two 2,000-row chunks alive at a chunk boundary; between chunks ~9.7 MB whatever the row
reached); process peak RSS 123–161 MB. Stated bound: 64 MB of peak traced memory.
"""

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine_line, write_summary  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--bound-mb", type=float, default=64.0)
    parser.add_argument("--no-job", action="store_true")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the database in DIR and keep it; reuse it on the next run (same --rows)",
    )
    parser.add_argument("--json", help="write the figures to this file (make bench)")
    return parser.parse_args(argv)


ARGS = parse_args()
WORKDIR = Path(ARGS.keep) if ARGS.keep else Path(tempfile.mkdtemp(prefix="jiebang-bench-export-"))
WORKDIR.mkdir(parents=True, exist_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["PRIVATE_MEDIA_ROOT"] = str(WORKDIR / "private")
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402

from jiebang.calls.models import Call  # noqa: E402
from jiebang.core import clock  # noqa: E402
from jiebang.core.crypto import blind_index  # noqa: E402
from jiebang.core.exports import get_export, run_export  # noqa: E402
from jiebang.core.masking import mask_id_number, mask_phone  # noqa: E402
from jiebang.core.models import ExportJob  # noqa: E402
from jiebang.core.validators import id_check_digit, uscc_check_character  # noqa: E402
from jiebang.demands.models import Demand, DemandTeamMember  # noqa: E402
from jiebang.orgs.enums import Role  # noqa: E402
from jiebang.orgs.models import District, Organization, Person, User  # noqa: E402

BATCH = 2000


def id_number(n: int) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"650102{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def build(rows: int, small: int) -> User:
    now = clock.now()
    call = Call.objects.create(
        year=2024,
        name="基准测试批次",
        submission_opens_at=now - dt.timedelta(days=30),
        submission_closes_at=now + dt.timedelta(days=30),
        recommendation_deadline=now + dt.timedelta(days=33),
        resubmission_deadline=now + dt.timedelta(days=32),
        min_total_investment=Decimal("5000000.00"),
    )
    district = District.objects.create(code="BENCH", name="基准区", office_name="基准区科技局")
    orgs = []
    for i in range(20):
        first17 = f"91650100{i + 1:09d}"
        orgs.append(
            Organization.objects.create(
                name=f"基准测试科技有限公司{i}",
                uscc=first17 + uscc_check_character(first17),
                kind="enterprise",
                district=district,
                registered_in_city_on=dt.date(2015, 3, 1),
                address="乌鲁木齐市",
                contact_name="张联系",
                verification_state="verified",
                created_at=now,
            )
        )
    author = User.objects.create(username="bench-applicant", organization=orgs[0])
    auditor = User.objects.create(username="bench-auditor", real_name="审计")
    auditor.groups.add(Group.objects.get_or_create(name=str(Role.AUDITOR))[0])

    for start in range(0, rows, BATCH):
        stop = min(rows, start + BATCH)
        people = Person.objects.bulk_create(
            [
                Person(
                    name=f"负责人{n}",
                    id_number=id_number(n),
                    id_index=blind_index(id_number(n)),
                    id_masked=mask_id_number(id_number(n)),
                    phone=f"139{n:08d}",
                    phone_masked=mask_phone(f"139{n:08d}"),
                    organization=orgs[n % len(orgs)],
                )
                for n in range(start, stop)
            ]
        )
        demands = Demand.objects.bulk_create(
            [
                Demand(
                    call=call,
                    organization=orgs[n % len(orgs)],
                    created_by=author,
                    category="achievement_transfer" if n < small else "tech_breakthrough",
                    state="submitted",
                    number=f"TB2024-{n:06d}",
                    title=f"风电机组叶片覆冰监测与智能运维关键技术攻关需求第{n}号",
                    total_investment=Decimal("5000000.00") + n,
                    period_months=24,
                    contact_name=f"联系人{n}",
                    contact_phone=f"138{n:08d}",
                    contact_phone_masked=mask_phone(f"138{n:08d}"),
                    created_at=now,
                    updated_at=now,
                    submitted_at=now - dt.timedelta(minutes=n),
                )
                for n in range(start, stop)
            ]
        )
        DemandTeamMember.objects.bulk_create(
            [
                DemandTeamMember(demand=d, position=1, person=p, title="高级工程师")
                for d, p in zip(demands, people, strict=True)
            ]
        )
    return auditor


def export_once(user, params: dict, *, traced: bool) -> dict:
    export = get_export("bureau-demands")
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start = time.perf_counter()
    result = run_export(export=export, user=user, params=params)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    size = os.fstat(result.file.fileno()).st_size
    result.file.close()
    return {"rows": result.rows, "seconds": seconds, "peak": peak, "size": size, "job": result.job}


def machine() -> str:
    import openpyxl

    return machine_line(openpyxl=openpyxl.__version__, chunk=f"{settings.EXPORT_CHUNK_SIZE} rows")


def mb(value: float) -> str:
    return f"{value / 1048576:6.1f} MB"


def main() -> None:
    args = ARGS
    settings.EXPORT_SYNC_MAX_ROWS = args.rows + 1  # the synchronous path, for both sizes

    print(machine())
    try:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate (SQLite in {WORKDIR}): {time.perf_counter() - start:.1f} s")
        auditor = User.objects.filter(username="bench-auditor").first()
        if auditor is None:
            start = time.perf_counter()
            auditor = build(args.rows, args.small)
            print(
                f"created {args.rows:,} demands with leaders (bulk_create, encrypted personal "
                f"data): {time.perf_counter() - start:.1f} s"
            )
        else:
            print(f"reusing {Demand.objects.count():,} demands in {WORKDIR}")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        filters = {
            "small": {"state": "all", "category": "achievement_transfer"},
            "full": {"state": "all"},
        }
        figures = {
            label: export_once(auditor, params, traced=False) for label, params in filters.items()
        }
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for label, params in filters.items():
            traced = export_once(auditor, params, traced=True)
            assert traced["rows"] == figures[label]["rows"]
            figures[label].update(peak=traced["peak"], traced_seconds=traced["seconds"])
            f = figures[label]
            print(
                f"export {f['rows']:>7,} rows: {f['seconds']:6.2f} s "
                f"({f['rows'] / f['seconds']:,.0f} rows/s), file {mb(f['size'])}, "
                f"peak traced Python memory {mb(f['peak'])} "
                f"(the run under tracemalloc: {f['traced_seconds']:.1f} s)"
            )
        print(
            f"peak RSS of the process: {rss_before:,.0f} MB before the exports, "
            f"{rss_after:,.0f} MB after both (untraced) exports"
        )

        job_seconds = None
        if not args.no_job:
            settings.EXPORT_SYNC_MAX_ROWS = 0
            result = run_export(
                export=get_export("bureau-demands"), user=auditor, params={"state": "all"}
            )
            job = ExportJob.objects.get(pk=result.job.pk)  # ran eagerly on commit
            job_seconds = (job.finished_at - job.started_at).total_seconds()
            print(
                f"as a background job: {job.state}, {job.done:,}/{job.total:,} rows, "
                f"{job_seconds:.2f} s "
                f"(progress written every {settings.EXPORT_PROGRESS_EVERY} rows), "
                f"file {mb(job.file.size)}"
            )
            assert job.state == "done" and job.done == args.rows

        small, full = figures["small"]["peak"], figures["full"]["peak"]
        bound = args.bound_mb * 1048576
        print(
            f"bound: peak traced memory < {args.bound_mb:.0f} MB and not growing with rows "
            f"(full ≤ 1.5 × small + 4 MB): full {mb(full)}, small {mb(small)}"
        )
        ok = full < bound and full <= 1.5 * small + 4 * 1048576
        print("OK" if ok else "FAILED: the export's memory exceeds the stated bound")
        big = figures["full"]
        write_summary(
            args.json,
            {
                "bench": "export",
                "rows": big["rows"],
                "small_rows": figures["small"]["rows"],
                "seconds": big["seconds"],
                "rows_per_s": big["rows"] / big["seconds"],
                "peak_mb": full / 1048576,
                "peak_mb_small": small / 1048576,
                "bound_mb": args.bound_mb,
                "file_mb": big["size"] / 1048576,
                "job_seconds": job_seconds,
                "ok": ok,
            },
        )
        if not ok:
            sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
