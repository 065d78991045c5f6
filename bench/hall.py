"""Benchmark: the public list hall and search under 50 concurrent users, against hello-world.

Run: .venv/bin/python bench/hall.py [--demands 10000] [--users 50] [--duration 20]
     [--warmup 5] [--seed 1] [--workers N] [--client-procs 2] [--no-uncached] [--quick]
     [--reuse] [--keep-db] [--prepare-only] [--json FILE]

Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth; `--pg`) and Redis
(`--redis`, default redis://127.0.0.1:6379/15: database 15 is flushed at the start). Uses its
own database `jiebang_hall_bench`: dropped and created again (then migrated) unless
`--reuse` finds the demands of an earlier run in it, which it then keeps. The database is
dropped at the end unless `--keep-db` (or `--reuse`) is given.

Generated from `--seed` (bulk_create): 8 districts, 400 issuing units, one active call,
`--demands` published demands (numbers, titles and texts from a vocabulary of Xinjiang
industries, industry, category, investment, period, 2 indicators each; 90 % with the
solicitation deadline ahead, 10 % past), then the search index through `reindex_search`.

Served as in production: gunicorn with deploy/gunicorn.conf.py (gthread, 2 × cores + 1
workers, 4 threads, keep-alive 5 s, access log), DEBUG=false, PostgreSQL and the Redis
cache (HALL_CACHE_SECONDS default 300), through the bench-only WSGI module bench/hello.py,
which is jiebang.urls plus `/hello/`, a minimal Django view through the same middleware.

Load: `--users` closed-loop users (no think time, keep-alive connections; threads with
http.client spread over `--client-procs` processes) per scenario, `--warmup` s unmeasured,
then `--duration` s measured: /hello/; /hello-last/ (the same view routed after every
project URL, as `/` is); / (the hall, anonymous, cached); /?q=…&page=1|2 over
20 queries (40 URLs); /hall/<pk>/ over every demand in a shuffled order; then, after a
restart with HALL_CACHE_SECONDS=0, / and the searches uncached. It prints p50/p95/p99/max
latency, requests per second, errors and the share of X-Hall-Cache hits, the ratio of each
hall scenario's requests per second to hello-world's and whether the targets hold: cached
hall p95 < `--target-p95-ms` (150) and rps ≥ `--target-ratio` (0.40) × hello-world's.
The load generator runs on the same machine as the server and takes part of its CPU.
`--json FILE` writes the figures as JSON too (bench/common.py `write_summary`).
"""

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--target-p95-ms", type=float, default=150.0)
    parser.add_argument("--target-ratio", type=float, default=0.40)
    parser.add_argument("--no-uncached", action="store_true", help="skip HALL_CACHE_SECONDS=0")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db", default="jiebang_hall_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--quick", action="store_true", help="2,000 demands, 3 s + 8 s each")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the database (kept) and stop"
    )
    parser.add_argument("--json", help="write the figures to this file (make bench)")
    args = parser.parse_args(argv)
    if args.quick:
        args.demands, args.warmup, args.duration = 2_000, 3.0, 8.0
    return args


ARGS = parse_args()
MARKER = "榜单大厅负载基准"  # the title of the call: marks a generated database


HAVE_DATA = common.recreate_database(
    ARGS.pg,
    ARGS.db,
    reuse_marker_sql=(
        f"SELECT 1 FROM calls_call WHERE name = '{MARKER}'"  # noqa: S608 (a constant)
        if ARGS.reuse
        else None
    ),
)
MEDIA = tempfile.mkdtemp(prefix="jiebang-bench-hall-")
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "jiebang.settings",
    "DATABASE_URL": f"{ARGS.pg}/{ARGS.db}",
    "REDIS_URL": ARGS.redis,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "STATIC_MANIFEST": "false",
    "PRIVATE_MEDIA_ROOT": MEDIA,
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from jiebang.calls.models import Call, Industry  # noqa: E402
from jiebang.core import clock  # noqa: E402
from jiebang.core.validators import uscc_check_character  # noqa: E402
from jiebang.demands.enums import CATEGORY_CODES, Category, DemandState  # noqa: E402
from jiebang.demands.models import Demand, DemandIndicator, PublicationBatch  # noqa: E402
from jiebang.orgs.enums import OrgKind, VerificationState  # noqa: E402
from jiebang.orgs.models import District, Organization, User  # noqa: E402
from jiebang.portal.search import matching_demand_ids  # noqa: E402
from jiebang.portal.selectors import PUBLIC_STATES  # noqa: E402

SUBJECTS = [
    "风电机组",
    "光伏组件",
    "储能电池",
    "氢燃料电池",
    "煤化工装置",
    "输变电设备",
    "智能电网",
    "棉花采摘机",
    "番茄加工线",
    "葡萄酒发酵",
    "畜牧养殖",
    "节水灌溉",
    "矿山设备",
    "稀土永磁",
    "硅基新材料",
    "生物医药",
    "中药材",
    "工业机器人",
    "北斗导航",
    "数据中心",
]
TOPICS = [
    "叶片覆冰监测",
    "故障诊断",
    "寿命预测",
    "低温性能提升",
    "高效节能",
    "智能控制",
    "在线检测",
    "关键部件国产化",
    "轻量化设计",
    "碳排放核算",
    "余热回收",
    "精准施肥",
    "病虫害识别",
    "数字孪生",
    "安全预警",
]
ENDINGS = ["技术攻关", "关键技术研究", "成果转化", "首台套研制", "示范应用"]
QUERIES = [
    "风电",
    "光伏",
    "储能",
    "氢燃料电池",
    "故障诊断",
    "寿命预测",
    "智能控制",
    "数字孪生",
    "新能源",
    "棉花",
    "番茄",
    "稀土永磁",
    "工业机器人",
    "北斗",
    "数据中心",
    "余热回收",
    "病虫害识别",
    "安全预警",
    "风电机组 故障诊断",
    "储能电池 低温",
]
INDUSTRIES = [
    ("new_energy", "新能源"),
    ("equipment", "装备制造"),
    ("materials", "新材料"),
    ("biomedicine", "生物医药"),
    ("digital", "数字经济"),
    ("agriculture", "现代都市农业"),
    ("chemicals", "煤化工"),
    ("mining", "矿产资源"),
]


def generate(args, rng: random.Random) -> None:
    now = clock.now()
    districts = [
        District.objects.get_or_create(
            code=f"HB{i:02d}", defaults={"name": f"基准区{i}", "office_name": f"基准区{i}科技局"}
        )[0]
        for i in range(8)
    ]
    industries = [
        Industry.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i})[0]
        for i, (code, name) in enumerate(INDUSTRIES)
    ]
    call = Call.objects.create(
        year=clock.today().year,
        name=MARKER,
        submission_opens_at=now - dt.timedelta(days=90),
        submission_closes_at=now - dt.timedelta(days=60),
        recommendation_deadline=now - dt.timedelta(days=55),
        resubmission_deadline=now - dt.timedelta(days=57),
    )
    call.industries.add(*industries)
    orgs = []
    for i in range(400):
        first17 = f"91650100{800_000_000 + i:09d}"
        orgs.append(
            Organization(
                name=f"乌鲁木齐基准科技有限公司{i}",
                uscc=first17 + uscc_check_character(first17),
                kind=rng.choice([OrgKind.ENTERPRISE] * 4 + [OrgKind.UNIVERSITY]),
                district=rng.choice(districts) if i % 20 else None,
                registered_in_city_on=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000)),
                address="乌鲁木齐市新市区基准路1号",
                contact_name="王联系",
                verification_state=VerificationState.VERIFIED,
                created_at=now,
            )
        )
    orgs = Organization.objects.bulk_create(orgs)
    creator = User.objects.create_user(username="hall-bench", password=None, real_name="基准")
    batches = [
        PublicationBatch.objects.create(
            call=call,
            title=f"第{i + 1}批榜单",
            published_at=now - dt.timedelta(days=40 - 10 * i),
            solicitation_deadline=now + dt.timedelta(days=10 + 10 * i),
            created_by=creator,
            created_at=now,
        )
        for i in range(4)
    ]
    demands = []
    for n in range(args.demands):
        subject, topic, ending = rng.choice(SUBJECTS), rng.choice(TOPICS), rng.choice(ENDINGS)
        category = (
            Category.TECH_BREAKTHROUGH if rng.random() < 0.7 else (Category.ACHIEVEMENT_TRANSFER)
        )
        published = now - dt.timedelta(days=rng.uniform(1, 60))
        closed = rng.random() < 0.10
        deadline = (
            now - dt.timedelta(days=rng.uniform(1, 20))
            if closed
            else now + dt.timedelta(days=rng.uniform(5, 60))
        )
        other = rng.choice(SUBJECTS)
        demands.append(
            Demand(
                call=call,
                organization=rng.choice(orgs),
                created_by=creator,
                category=category,
                state=DemandState.PUBLISHED,
                number=f"{call.year}{CATEGORY_CODES[category]}{n + 1:05d}",
                title=f"{subject}{topic}{ending}",
                industry=rng.choice(industries),
                summary=(
                    f"针对{subject}在新疆高寒、干旱、风沙环境下的{topic}难题，开展{ending}，"
                    f"形成可推广的技术方案，并与{other}领域协同示范，服务乌鲁木齐重点产业链。"
                ),
                problem=(
                    f"目前{subject}的{topic}依赖进口设备，成本高、响应慢；"
                    f"需突破{rng.choice(TOPICS)}与{rng.choice(TOPICS)}等关键环节，"
                    "攻关目标为性能指标达到国内先进水平，并在本地企业完成中试验证。"
                ),
                time_requirement="24个月内完成",
                ip_terms="双方约定",
                solver_conditions="具有相关领域研发基础",
                total_investment=Decimal(rng.randrange(500, 5000) * 10_000),
                period_months=rng.choice([12, 18, 24, 36]),
                declares_end_user=True,
                commits_funding=True,
                contact_name="李联系",
                contact_email="contact@example.com",
                current_version=1,
                edit_version=1,
                created_at=published - dt.timedelta(days=60),
                updated_at=published,
                submitted_at=published - dt.timedelta(days=50),
                publication=rng.choice(batches),
                published_at=published,
                solicitation_deadline=deadline,
            )
        )
    demands = Demand.objects.bulk_create(demands, batch_size=2_000)
    DemandIndicator.objects.bulk_create(
        [
            DemandIndicator(
                demand=demand,
                position=position,
                name=name,
                target_value=value,
                unit=unit,
                test_method="第三方检测",
            )
            for demand in demands
            for position, (name, value, unit) in enumerate(
                [("识别准确率", "≥95", "%"), ("连续运行时间", "≥2000", "小时")], start=1
            )
        ],
        batch_size=5_000,
    )


def start_server(args, *, cache_seconds: int | None) -> common.Server:
    """gunicorn serving bench/hello.py (the project plus /hello/), as in production."""
    return common.Server(
        env=SERVER_ENV,
        workers=args.workers,
        app="bench.hello:application",
        probe="/hello/",
        extra_env={} if cache_seconds is None else {"HALL_CACHE_SECONDS": str(cache_seconds)},
    )


# ---------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------


def _client_process(port, urls, users, offsets, start_at, measure_at, end_at, queue):
    """`users` threads, each a closed-loop user with one keep-alive connection."""
    results = []

    def user(offset: int) -> None:
        latencies, statuses, hits, size = [], Counter(), Counter(), 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            t0 = time.time()
            if t0 >= end_at:
                break
            url = urls[i % len(urls)]
            i += 1
            try:
                conn.request("GET", url, headers={"Accept-Language": "zh-hans"})
                response = conn.getresponse()
                size += len(response.read())
                status, hit = response.status, response.getheader("X-Hall-Cache", "-")
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                status, hit = type(error).__name__, "-"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t1 = time.time()
            if t0 >= measure_at and t1 <= end_at:
                latencies.append(t1 - t0)
                statuses[status] += 1
                hits[hit] += 1
        conn.close()
        results.append((latencies, statuses, hits, size, i - offset))

    threads = [threading.Thread(target=user, args=(offset,)) for offset in offsets[:users]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies, statuses, hits, size, count = [], Counter(), Counter(), 0, 0
    for part in results:
        latencies += part[0]
        statuses.update(part[1])
        hits.update(part[2])
        size += part[3]
        count += part[4]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((latencies, statuses, hits, usage.ru_utime + usage.ru_stime, size, count))


def run_load(args, port: int, urls: list[str], rng: random.Random) -> dict:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 1.0
    measure_at = start_at + args.warmup
    end_at = measure_at + args.duration
    offsets = [rng.randrange(len(urls)) for _ in range(args.users)]
    procs, first = [], 0
    for p in range(args.client_procs):
        count = args.users // args.client_procs + (p < args.users % args.client_procs)
        procs.append(
            ctx.Process(
                target=_client_process,
                args=(
                    port,
                    urls,
                    count,
                    offsets[first : first + count],
                    start_at,
                    measure_at,
                    end_at,
                    queue,
                ),
            )
        )
        first += count
    for proc in procs:
        proc.start()
    latencies, statuses, hits, client_cpu, size, count = [], Counter(), Counter(), 0.0, 0, 0
    for _ in procs:
        part = queue.get()
        latencies += part[0]
        statuses.update(part[1])
        hits.update(part[2])
        client_cpu += part[3]
        size += part[4]
        count += part[5]
    for proc in procs:
        proc.join()
    ok = statuses.get(200, 0)
    return {
        **common.latency_figures(latencies),
        "rps": ok / args.duration,
        "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(v for k, v in statuses.items() if k != 200),
        "statuses": dict(statuses),
        "hit": hits.get("hit", 0) / max(1, sum(hits.values())),
        "cached": hits.get("hit", 0) + hits.get("miss", 0) > 0,
        "kb": size / max(1, count) / 1024,
        "client_cpu": client_cpu / (args.warmup + args.duration + 1.0),
    }


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def versions() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    redis_version = cache._cache.get_client().info().get("redis_version", "?")
    return {"Django": django.__version__, "PostgreSQL": server, "Redis": redis_version}


def machine() -> str:
    return common.machine_line(**versions())


def row(label: str, r: dict, hello_rps: float | None) -> str:
    ratio = f"{r['rps'] / hello_rps:6.1%}" if hello_rps else "     -"
    hit = f"{r['hit']:5.0%}" if r["cached"] else "    -"
    return (
        f"{label:<28} {r['rps']:8.1f} {r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} "
        f"{r['max']:7.1f} {r['errors']:6d} {hit} {ratio} {r['kb']:6.1f} {r['client_cpu']:5.2f} {r['restarts']:4d}"
    )


def main() -> None:
    args = ARGS
    rng = random.Random(args.seed)  # noqa: S311 (reproducible test data, not secrets)
    print(machine())
    print(
        f"load: {args.users} users, closed loop, {args.warmup:g} s warm-up + "
        f"{args.duration:g} s measured per scenario, {args.client_procs} client processes; "
        f"gunicorn {args.workers} workers × {os.environ.get('GUNICORN_THREADS', 4)} threads"
    )
    if HAVE_DATA:
        print(f"reusing {args.db}")
    else:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate ({args.db}): {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        generate(args, rng)
        print(f"generate {args.demands:,} published demands: {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        call_command("reindex_search", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"reindex_search: {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    public = list(
        Demand.objects.filter(state__in=PUBLIC_STATES).order_by("pk").values_list("pk", flat=True)
    )
    print(f"public demands: {len(public):,}")
    print(
        "search hits per query (the hall keeps the first 1,000): "
        + ", ".join(f"{q}={len(matching_demand_ids(q) or [])}" for q in QUERIES)
    )
    if args.prepare_only:
        print(f"kept database {args.db}: run again with --reuse")
        return
    cache.clear()  # FLUSHDB on the bench's Redis database
    connection.close()  # before forking the clients

    rng.shuffle(public)
    scenarios = [
        ("hello-world /hello/", ["/hello/"]),
        ("hello-world /hello-last/", ["/hello-last/"]),
        ("hall / (cached)", ["/"]),
        (
            "search /?q=…&page=1|2",
            [f"/?q={quote(q)}&page={page}" for q in QUERIES for page in (1, 2)],
        ),
        ("detail /hall/<pk>/", [f"/hall/{pk}/" for pk in public]),
    ]
    uncached = [
        ("hall / (uncached)", ["/"]),
        ("search (uncached)", scenarios[3][1]),
    ]
    results = {}

    def measure(cache_seconds, runs):
        server = start_server(args, cache_seconds=cache_seconds)
        try:
            for label, urls in runs:
                boots = server.boots()
                results[label] = run_load(args, server.port, urls, rng)
                results[label]["restarts"] = server.boots() - boots
                print(f"  {label}: {results[label]['rps']:.0f} rps", flush=True)
        finally:
            server.stop()

    measure(None, scenarios)
    if not args.no_uncached:
        measure(0, uncached)

    hello = results["hello-world /hello/"]["rps"]
    print()
    print(
        f"{'scenario':<28} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'errors':>6} {'hits':>5} {'/hello':>6} {'KiB':>6} {'client CPU':>5} {'restarts':>4}"
    )
    for label, r in results.items():
        print(row(label, r, None if label == "hello-world /hello/" else hello))
        if r["errors"]:
            print(f"    statuses: {r['statuses']}")
    print(
        "(hits: X-Hall-Cache hit share; /hello: req/s relative to hello-world; KiB: mean body;"
        " client CPU: cores used by the load generator on the same machine; restarts: workers"
        " booted during the scenario, max_requests recycling)"
    )
    hall = results["hall / (cached)"]
    print()
    ok_p95 = hall["p95"] < args.target_p95_ms
    ok_ratio = hall["rps"] >= args.target_ratio * hello
    print(
        f"hall / p95 {hall['p95']:.1f} ms < {args.target_p95_ms:g} ms: "
        f"{'yes' if ok_p95 else 'NO'}; hall rps / hello rps = {hall['rps']:.0f} / {hello:.0f} "
        f"= {hall['rps'] / hello:.1%} ≥ {args.target_ratio:.0%}: {'yes' if ok_ratio else 'NO'}"
    )
    search = results["search /?q=…&page=1|2"]
    print(
        f"search p95 {search['p95']:.1f} ms, {search['rps'] / hello:.1%} of hello; "
        f"detail p95 {results['detail /hall/<pk>/']['p95']:.1f} ms, "
        f"{results['detail /hall/<pk>/']['rps'] / hello:.1%} of hello"
    )
    last = results["hello-world /hello-last/"]["rps"]
    print(f"hall rps / hello-last rps (same URL resolution as the hall) = {hall['rps'] / last:.1%}")
    print(machine().replace("machine:", "after:"))
    common.write_summary(
        args.json,
        {
            "bench": "hall",
            "demands": len(public),
            "users": args.users,
            "duration_s": args.duration,
            "workers": args.workers,
            "hello_rps": hello,
            "scenarios": {
                label: {
                    **{key: r[key] for key in ("rps", "p50", "p95", "p99", "max", "errors")},
                    "hit": r["hit"] if r["cached"] else None,
                    "ratio": r["rps"] / hello if hello else None,
                }
                for label, r in results.items()
            },
            "targets": {"p95_ms": args.target_p95_ms, "ratio": args.target_ratio},
            "ok": ok_p95 and ok_ratio,
            "versions": versions(),
        },
    )
    if not (args.keep_db or args.reuse):
        connection.close()
        common.drop_database(args.pg, args.db)
        print(f"dropped database {args.db}")
    sys.exit(0 if ok_p95 and ok_ratio else 1)


if __name__ == "__main__":
    main()
