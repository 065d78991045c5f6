"""Benchmark: one eligibility check against 100,000 city projects and 1,000,000 persons.

Run: .venv/bin/python bench/eligibility_scale.py [--orgs 20000] [--persons 1000000]
     [--projects 100000] [--repeat 200] [--seed 1] [--target-ms 50] [--quick] [--reuse]
     [--json FILE]

Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth; `--pg` to change). Uses its
own database `jiebang_bench`: dropped and created again (then migrated) unless `--reuse`
finds the data of an earlier run in it, which it then keeps.

"An eligibility check" is what a submission runs, as `submit_demand` / `precheck` do: the
selector that loads the application (`demand_for_edit` / `proposal_for_check`), the one that
builds the snapshot from the database (`build_demand_check` / `build_proposal_check`:
units' credit records and city projects, each principal's ongoing city R&D projects,
credit records and this year's other applications by person) and the rules
(`engine.check_demand` / `check_proposal`, LIM-UNIT-OVERDUE, LIM-UNIT-ONGOING,
LIM-PERSON-LOAD, LIM-MISCONDUCT among them).

Generated from `--seed` (bulk_create in batches): `--orgs` units, `--persons` persons (ID
number sealed with AES-GCM by the model field, blind index with `core.crypto.blind_index`,
masked copy; no phone), `--projects` city projects of random units (20 % with a partner
unit; 10 % ongoing, 2 % ongoing and overdue, the rest accepted, concluded, terminated or
failed; 90 % R&D) with 1–3 random principals each, credit records for 1 % of the units and
0.5 % of the persons. Then, through the test builders (tests/demands/builders.py,
tests/proposals/builders.py: the services, as a unit would), a complete draft demand and a
complete proposal to a published demand, and history of their own for their units and
team members that keeps them eligible (ongoing projects under the limits, accepted
projects, expired credit records). It asserts both checks have no blocking finding, then
times each check `--repeat` times (after 3 warm-up runs) and prints p50/p95/p99/max in ms,
the queries per check and whether p95 < `--target-ms`; with `--json FILE`, the figures as
JSON too (bench/common.py `write_summary`).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine_line, recreate_database, write_summary  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db", default="jiebang_bench")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 units, 50,000 persons, 5,000 projects, 50 runs"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--json", help="write the figures to this file (make bench)")
    args = parser.parse_args(argv)
    if args.quick:
        args.orgs, args.persons, args.projects, args.repeat = 2_000, 50_000, 5_000, 50
    return args


ARGS = parse_args()
MARKER = "资格审查规模基准"  # the title of the benchmarked demand: marks a generated database


def prepare_database(args) -> bool:
    """Create the database (dropped first unless --reuse finds the data); True if data is there."""
    marker_sql = f"SELECT 1 FROM demands_demand WHERE title = '{MARKER}'"  # noqa: S608 (constant)
    return recreate_database(args.pg, args.db, reuse_marker_sql=marker_sql if args.reuse else None)


HAVE_DATA = prepare_database(ARGS)
os.environ["DATABASE_URL"] = f"{ARGS.pg}/{ARGS.db}"
os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jiebang-bench-eligibility-")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jiebang.core import clock  # noqa: E402
from jiebang.core.crypto import blind_index, encrypt  # noqa: E402
from jiebang.core.masking import mask_id_number  # noqa: E402
from jiebang.core.validators import id_check_digit, uscc_check_character  # noqa: E402
from jiebang.demands import selectors as demand_selectors  # noqa: E402
from jiebang.demands.models import Demand  # noqa: E402
from jiebang.eligibility.engine import blocking, check_demand, check_proposal  # noqa: E402
from jiebang.orgs.enums import CityProjectStatus, CreditKind  # noqa: E402
from jiebang.orgs.models import (  # noqa: E402
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    Organization,
    Person,
    User,
)
from jiebang.proposals import selectors as proposal_selectors  # noqa: E402
from jiebang.proposals.models import Proposal  # noqa: E402

KINDS = ["enterprise", "enterprise", "enterprise", "university", "research_institute"]
STATUSES = (
    [CityProjectStatus.ACCEPTED] * 70
    + [CityProjectStatus.CONCLUDED] * 10
    + [CityProjectStatus.TERMINATED] * 5
    + [CityProjectStatus.FAILED] * 3
    + ["ongoing"] * 10
    + ["overdue"] * 2
)


def person_id_number(n: int) -> str:
    """Area 650104 (the factories use 650102, so the builders' people never collide)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"650104{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def batches(total: int, size: int):
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def generate_history(args, rng: random.Random) -> dict:
    now = clock.now()
    today = clock.today()
    seconds = {}

    start = time.perf_counter()
    districts = [
        District.objects.get_or_create(
            code=f"B{i:02d}", defaults={"name": f"基准区{i}", "office_name": f"基准区{i}科技局"}
        )[0]
        for i in range(8)
    ]
    org_ids = []
    for chunk in batches(args.orgs, args.batch):
        rows = []
        for n in chunk:
            first17 = f"91650200{n + 1:09d}"  # area 650200: the factories use 650100
            rows.append(
                Organization(
                    name=f"基准单位{n}",
                    uscc=first17 + uscc_check_character(first17),
                    kind=rng.choice(KINDS),
                    district=districts[n % len(districts)],
                    registered_in_city_on=dt.date(2000 + n % 20, 1, 1),
                    address="乌鲁木齐市",
                    contact_name="张联系",
                    verification_state="verified",
                    created_at=now,
                )
            )
        org_ids += [o.pk for o in Organization.objects.bulk_create(rows)]
    seconds["units"] = time.perf_counter() - start

    # Per-row crypto, measured alone on a sample, then done for real by bulk_create.
    sample = [person_id_number(n) for n in range(min(10_000, args.persons))]
    start = time.perf_counter()
    for value in sample:
        encrypt(value), blind_index(value)
    crypto_us = (time.perf_counter() - start) / len(sample) * 1e6

    start = time.perf_counter()
    person_ids = []
    for chunk in batches(args.persons, args.batch):
        rows = []
        for n in chunk:
            number = person_id_number(n)
            rows.append(
                Person(
                    name=f"人员{n}",
                    id_number=number,  # sealed by EncryptedCharField.get_prep_value
                    id_index=blind_index(number),
                    id_masked=mask_id_number(number),
                    title="高级工程师",
                    organization_id=org_ids[rng.randrange(len(org_ids))],
                )
            )
        person_ids += [p.pk for p in Person.objects.bulk_create(rows)]
    seconds["persons"] = time.perf_counter() - start

    start = time.perf_counter()
    principals = 0
    for chunk in batches(args.projects, args.batch):
        projects = []
        for n in chunk:
            kind = rng.choice(STATUSES)
            year = rng.randint(2012, today.year)
            if kind == "ongoing":
                status, planned_end = "ongoing", today + dt.timedelta(days=rng.randint(30, 900))
            elif kind == "overdue":
                status, planned_end = "ongoing", today - dt.timedelta(days=rng.randint(400, 1500))
            else:
                status, planned_end = kind, dt.date(min(year + 3, today.year), 12, 31)
            projects.append(
                CityProject(
                    code=f"BENCH-{year}-{n:06d}",
                    title=f"历史市级科技项目{n}",
                    organization_id=org_ids[rng.randrange(len(org_ids))],
                    partner_id=org_ids[rng.randrange(len(org_ids))] if rng.random() < 0.2 else None,
                    year=year,
                    is_rnd=rng.random() < 0.9,
                    status=status,
                    planned_end=planned_end,
                    accepted_on=planned_end if status == CityProjectStatus.ACCEPTED else None,
                )
            )
        projects = CityProject.objects.bulk_create(projects)
        roles = []
        for project in projects:
            for position, person in enumerate(rng.sample(person_ids, rng.randint(1, 3)), 1):
                roles.append(
                    CityProjectPrincipal(project=project, person_id=person, position=position)
                )
        CityProjectPrincipal.objects.bulk_create(roles)
        principals += len(roles)
    seconds["projects"] = time.perf_counter() - start

    start = time.perf_counter()
    records = [
        credit_record(rng, today, now, organization_id=o)
        for o in rng.sample(org_ids, max(1, args.orgs // 100))
    ] + [
        credit_record(rng, today, now, person_id=p)
        for p in rng.sample(person_ids, max(1, args.persons // 200))
    ]
    CreditRecord.objects.bulk_create(records, batch_size=args.batch)
    seconds["credit"] = time.perf_counter() - start
    return {"seconds": seconds, "crypto_us": crypto_us, "principals": principals}


def credit_record(rng, today, now, *, expired=None, **subject) -> CreditRecord:
    if expired:  # the applications' own: decided more than 4 years ago, penalty over
        start = today - dt.timedelta(days=rng.randint(1500, 3000))
    else:
        start = today - dt.timedelta(days=rng.randint(30, 3000))
        expired = rng.random() < 0.5
    end = (start + dt.timedelta(days=rng.randint(1, 20))) if expired else None
    if end and end >= today:
        end = today - dt.timedelta(days=1)
        start = min(start, end)
    return CreditRecord(
        kind=rng.choice(list(CreditKind.values)),
        decided_on=start,
        penalty_start=start,
        penalty_end=end,
        bars_city_fiscal_projects=rng.random() < 0.5,
        source_document=f"基准信用文件{rng.randrange(10**6)}",
        recorded_at=now,
        **subject,
    )


def own_history(rng, units, people, *, ongoing_each: int, tag: str) -> None:
    """History that leaves the applications eligible: per unit `ongoing_each` ongoing R&D
    projects (limit 3), 8 accepted ones and an expired credit record; per person (the
    principals) one ongoing project of another unit (load 1 + this application = 2, the
    limit) and three accepted ones; an expired credit record for the first person."""
    today, now = clock.today(), clock.now()
    for u, unit in enumerate(units):
        for n in range(ongoing_each + 8):
            ongoing = n < ongoing_each
            project = CityProject.objects.create(
                code=f"OWN-{tag}-U{u}-{n}",
                title=f"本单位市级项目{n}",
                organization=unit,
                year=today.year - 1 - n % 5,
                status="ongoing" if ongoing else "accepted",
                planned_end=today + dt.timedelta(days=200) if ongoing else dt.date(2020, 12, 31),
                accepted_on=None if ongoing else dt.date(2021, 3, 1),
            )
            CityProjectPrincipal.objects.create(
                project=project, person_id=rng.randrange(1, 1000), position=1
            )
        credit_record(rng, today, now, expired=True, organization=unit).save()
    for p, person in enumerate(people):
        for n in range(4):
            ongoing = n == 0
            project = CityProject.objects.create(
                code=f"OWN-{tag}-P{p}-{n}",
                title=f"个人承担市级项目{n}",
                organization_id=rng.randint(1, 1000),  # a generated unit, not the applicant
                year=today.year - 1,
                status="ongoing" if ongoing else "accepted",
                planned_end=today + dt.timedelta(days=300) if ongoing else dt.date(2019, 12, 31),
                accepted_on=None if ongoing else dt.date(2020, 3, 1),
            )
            CityProjectPrincipal.objects.create(project=project, person=person, position=1)
    credit_record(rng, today, now, expired=True, person=people[0]).save()


def build_applications(rng) -> None:
    from tests.demands.builders import valid_tb_demand
    from tests.proposals.builders import complete_proposal, published_demand

    published = published_demand(title="资格审查规模基准榜单", team_start=700)
    proposal, _, partner = complete_proposal(published, team_start=900)
    demand, _ = valid_tb_demand(call=published.call, title=MARKER, team_start=300)
    own_history(
        rng,
        [demand.organization],
        [m.person for m in demand.team.all()],
        ongoing_each=2,
        tag="D",
    )
    own_history(
        rng,
        [proposal.lead, partner, published.organization],
        [m.person for m in proposal.team.all()],
        ongoing_each=2,
        tag="P",
    )


def analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def sizes() -> tuple[str, dict]:
    """The printed line of table sizes, and the row count of each table by label."""
    tables = {
        "units": Organization,
        "persons": Person,
        "city projects": CityProject,
        "principals": CityProjectPrincipal,
        "credit records": CreditRecord,
    }
    parts, counts = [], {}
    with connection.cursor() as cursor:
        for label, model in tables.items():
            cursor.execute(f"SELECT pg_total_relation_size('{model._meta.db_table}')")
            size = cursor.fetchone()[0] / 1048576
            counts[label] = model.objects.count()
            parts.append(f"{counts[label]:,} {label} ({size:,.0f} MB)")
        cursor.execute("SELECT pg_database_size(current_database())")
        parts.append(f"database {cursor.fetchone()[0] / 1048576:,.0f} MB")
    return ", ".join(parts), counts


def time_check(label: str, once, repeat: int, target_ms: float) -> dict:
    """Print and return p50/p95/p99/max in ms over `repeat` runs and the queries per check."""
    findings = once()
    blockers = blocking(findings)
    if blockers:
        for f in blockers:
            print(f"  blocking: {f.code} {f.message}")
        raise SystemExit(f"{label}: the application is not eligible; the benchmark is void")
    for _ in range(2):
        once()
    with CaptureQueriesContext(connection) as ctx:
        once()
    queries = len(ctx.captured_queries)
    timed = []  # (seconds, sql) of each query of one more run, timed at the driver

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(timer):
        once()
    sql_ms = sum(t for t, _ in timed) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        once()
        times.append((time.perf_counter() - start) * 1000)
        reset_queries()
    times.sort()
    q = statistics.quantiles(times, n=100, method="inclusive")
    p50, p95, p99 = statistics.median(times), q[94], q[98]
    ok = p95 < target_ms
    print(
        f"{label}: {repeat} checks, p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {times[-1]:.1f} ms, min {times[0]:.1f} ms; {queries} queries per check "
        f"taking {sql_ms:.1f} ms together (one run) "
        f"({len(findings)} findings, none blocking); target p95 < {target_ms:.0f} ms: "
        f"{'met' if ok else 'MISSED'}"
    )
    for seconds, sql in sorted(timed, reverse=True)[:3]:
        print(f"  slowest query {seconds * 1000:.2f} ms: {sql[:110]}")
    return {"p50": p50, "p95": p95, "p99": p99, "max": times[-1], "queries": queries}


def versions() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {"Django": django.__version__, "PostgreSQL": server}


def main() -> None:
    args = ARGS
    rng = random.Random(args.seed)  # noqa: S311 (reproducible test data, not secrets)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(machine_line(**versions()))
    print(f"migrate ({args.db}): {time.perf_counter() - start:.1f} s")
    if HAVE_DATA:
        print(f"reusing the data in {args.db} (--reuse)")
    else:
        start = time.perf_counter()
        made = generate_history(args, rng)
        build_applications(rng)
        analyse()
        s = made["seconds"]
        print(
            f"generated (seed {args.seed}) in {time.perf_counter() - start:.1f} s: units "
            f"{s['units']:.1f} s, persons {s['persons']:.1f} s (crypto alone "
            f"{made['crypto_us']:.0f} µs a person: AES-GCM + HMAC-SM3 blind index), city "
            f"projects with {made['principals']:,} principals {s['projects']:.1f} s, credit "
            f"records {s['credit']:.1f} s; then the two applications and VACUUM ANALYZE"
        )
    sizes_line, counts = sizes()
    print("data:", sizes_line)

    demand = Demand.objects.get(title=MARKER)
    demand_user = User.objects.filter(organization=demand.organization).first()
    proposal = Proposal.objects.get(demand__title="资格审查规模基准榜单")
    proposal_user = User.objects.filter(organization_id=proposal.lead_id).first()

    def demand_once():
        loaded = demand_selectors.demand_for_edit(demand.pk)
        check, params = demand_selectors.build_demand_check(loaded, user=demand_user)
        return check_demand(check, params)

    def proposal_once():
        loaded = proposal_selectors.proposal_for_check(proposal.pk)
        check, params = proposal_selectors.build_proposal_check(loaded, user=proposal_user)
        return check_proposal(check, params)

    print(
        f"demand {demand.pk}: team {demand.team.count()}; proposal {proposal.pk}: "
        f"{proposal.members.count()} consortium member(s), team {proposal.team.count()}"
    )
    checks = {
        "demand": time_check("demand check", demand_once, args.repeat, args.target_ms),
        "proposal": time_check("proposal check", proposal_once, args.repeat, args.target_ms),
    }
    ok = all(figures["p95"] < args.target_ms for figures in checks.values())
    print(f"load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("OK" if ok else "FAILED: a check's p95 is over the target")
    write_summary(
        args.json,
        {
            "bench": "eligibility",
            "units": counts["units"],
            "persons": counts["persons"],
            "projects": counts["city projects"],
            "repeat": args.repeat,
            "checks": checks,
            "target_ms": args.target_ms,
            "ok": ok,
            "versions": versions(),
        },
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
