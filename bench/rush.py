"""Benchmark: the deadline rush — applicants pre-check and submit their proposals at once.

Run: .venv/bin/python bench/rush.py [--applicants 200] [--demands 20] [--double-click 0.1]
     [--workers N] [--seed 1] [--quick] [--reuse] [--keep-db] [--json FILE]

Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth; `--pg`) and Redis (`--redis`,
default redis://127.0.0.1:6379/12, flushed at the start). Uses its own database
`jiebang_rush_bench`, dropped and created again (then migrated) for every run: a rush
submits every draft, so there is nothing to reuse; `--keep-db` keeps it afterwards.

Generated through the services, as units would (the test builders tests/demands/builders.py
and tests/proposals/builders.py): one open call, `--demands` published demands, and
`--applicants` solver units, each with its own account and a complete draft proposal (lead +
one partner, a team of 3, indicator answers, IP, 4 PDF attachments) to one of the demands,
spread evenly. Each account gets a signed-in session (the database session store, as in
production), so the rush measures submitting, not password hashing.

Served as in production: gunicorn with deploy/gunicorn.conf.py (gthread, 2 × cores + 1
workers × 4 threads), `jiebang.wsgi`, DEBUG=false, PostgreSQL, Redis (cache and Celery
broker).

The rush: every applicant waits at one barrier, then does what the browser does on the last
step of the proposal form — GET `/proposals/<pk>/edit/submit/` (the page runs the
pre-check), GET `/proposals/<pk>/precheck/` (the live panel, HTMX), POST
`/proposals/<pk>/submit/` with the CSRF token, and follows the redirect to the receipt page,
where it reads the receipt number. `--double-click` of the applicants send the POST twice at
the same moment on two connections, as a double click does without JavaScript.

Acknowledged: the receipt page answered 200 with a receipt number. Afterwards the database
is read: every acknowledged proposal must be submitted with exactly one ProposalVersion whose
receipt number is the one the applicant saw; receipt numbers must be unique. Prints p50 /
p95 / p99 / max of each step and of the whole flow, errors by step and status, submissions
acknowledged, persisted and lost, and exits 1 when one is lost, a request failed, or the
submit p95 reaches `--target-submit-p95-ms` (500).
"""

import argparse
import http.client
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    drop_database,
    latency_figures,
    machine_line,
    recreate_database,
    write_summary,
)

RECEIPT = re.compile(r"JB-\d{4}-P[A-Z]{2}-\d{6}")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PRECHECK_ON_LOAD = re.compile(r'hx-get="/proposals/\d+/precheck/" hx-trigger="load')
MARKER = "截止前揭榜高峰基准"  # the name of the call: marks a generated database


def parse_args(
    argv=None,
    *,
    description=None,
    db="jiebang_rush_bench",
    redis="redis://127.0.0.1:6379/12",
    workers=None,
    extend=None,
) -> argparse.Namespace:
    """The rush's options; bench/multinode.py changes the defaults and adds its own
    (`extend(parser)`)."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--demands", type=int, default=20)
    parser.add_argument("--double-click", type=float, default=0.1, help="share of applicants")
    parser.add_argument(
        "--arrive-within", type=float, default=10.0, help="s: all applicants open the page within"
    )
    parser.add_argument(
        "--think", default="20-40", help="s between the page and the click on 提交 (uniform)"
    )
    parser.add_argument(
        "--no-burst", action="store_true", help="skip the worst case (all at once, no thinking)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=workers or 2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers a node",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-submit-p95-ms", type=float, default=500.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="client socket timeout, s")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db", default=db)
    parser.add_argument("--redis", default=redis)
    parser.add_argument("--quick", action="store_true", help="40 applicants, 4 demands")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--prepare-only", action="store_true", help="generate the drafts, keep the database, stop"
    )
    parser.add_argument("--json", help="write the figures to this file (make bench)")
    if extend:
        extend(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.applicants, args.demands = 40, 4
    return args


def server_env(args) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "jiebang.settings",
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "REDIS_URL": args.redis,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "PRIVATE_MEDIA_ROOT": args.media,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "REQUIRE_TOTP": "false",
    }


def setup_django(args) -> None:
    """Create the database, point this process at it and start Django."""
    recreate_database(args.pg, args.db)
    args.media = tempfile.mkdtemp(prefix="jiebang-bench-rush-")
    os.environ.update(server_env(args))
    import django

    django.setup()


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


class Applicant:
    """One applicant of the rush: their proposal, session and what they saw."""

    def __init__(self, index: int, proposal_id: int, cookies: dict, double_click: bool):
        self.index = index
        self.proposal_id = proposal_id
        self.cookies = dict(cookies)
        self.double_click = double_click
        self.start_offset = 0.0  # seconds after the rush begins
        self.think = 0.0  # seconds between the page and the click on 提交
        self.clear()

    def clear(self) -> None:
        self.receipt = None  # the receipt number read on the receipt page
        self.steps = {}  # step → seconds
        self.errors = []  # (step, what)
        self.node_log = []  # (node label, step, outcome, when) for the multi-node run
        self.started_at = self.ended_at = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def remember(self, response) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value


def generate(args) -> list[Applicant]:
    """The call, the published demands, the applicants' complete drafts and their sessions."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from tests.demands.builders import open_call
    from tests.proposals.builders import complete_proposal, published_demand

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)  # noqa: S311 (reproducible test data, not secrets)
    # The accounts are never signed in by password; a fast hasher keeps generation short.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call = open_call(name=MARKER, expert_review_of_demands=False)
        demands = [
            published_demand(call, title=f"揭榜高峰基准榜单{i + 1}", team_start=700 + 3 * i)
            for i in range(args.demands)
        ]
        drafts = []
        for k in range(args.applicants):
            proposal, user, _partner = complete_proposal(
                demands[k % len(demands)], team_start=3 * k
            )
            # An address, so the submit's notification e-mail goes through Celery as in use.
            user.email = f"applicant{k}@example.com"
            user.save(update_fields=["email"])
            drafts.append((proposal.pk, user))
    applicants = []
    double = set(rng.sample(range(len(drafts)), round(args.double_click * len(drafts))))
    for k, (proposal_id, user) in enumerate(drafts):
        client = Client()
        client.force_login(user)
        cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        applicants.append(Applicant(k, proposal_id, cookies, k in double))
    return applicants


# ---------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------


class NodeDown(Exception):
    """The node refused or dropped the connection (or did not answer in time)."""


class Nodes:
    """The nodes an applicant may use. One node here; bench/multinode.py gives two and lets
    an applicant whose node fails go on with the next one, as nginx would."""

    def __init__(self, ports: dict[str, int]):
        self.ports = ports
        self.labels = list(ports)

    def first_for(self, applicant: Applicant) -> str:
        return self.labels[applicant.index % len(self.labels)]

    def next_after(self, label: str) -> str:
        return self.labels[(self.labels.index(label) + 1) % len(self.labels)]


def request(port: int, applicant: Applicant, method: str, url: str, *, timeout: float, **kw):
    """One request on a new connection (the rush is one flow a user, so keep-alive buys
    little); returns (status, headers, body). Connection failures raise NodeDown."""
    headers = {"Cookie": applicant.cookie_header(), "Accept-Language": "zh-hans"}
    headers.update(kw.get("headers", {}))
    body = kw.get("body")
    if body is not None:  # a form POST, with the Origin a browser sends (CSRF checks it)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise NodeDown(type(error).__name__) from error
    finally:
        conn.close()
    applicant.remember(response)
    return response.status, response, data


def run_flow(applicant: Applicant, nodes: Nodes, barrier: threading.Barrier, args, events):
    """The last step of the form (which runs the pre-check), the submit, the receipt.

    A step that meets a dead node is sent again to the next node (nginx retries a GET on the
    other upstream; a POST the applicant sends again — the submit answers an already
    submitted proposal with its receipt, so a second POST never makes a second version).
    """
    pk = applicant.proposal_id
    node = nodes.first_for(applicant)

    def step(name, method, url, expect, **kw):
        nonlocal node
        for _attempt in range(len(nodes.labels) + 1):
            target = node  # a double click's two requests share `node`
            started = time.perf_counter()
            try:
                status, response, data = request(
                    nodes.ports[target], applicant, method, url, timeout=args.timeout, **kw
                )
            except NodeDown as error:
                applicant.node_log.append((target, name, f"down:{error}", time.perf_counter()))
                applicant.errors.append((name, f"{target} {error} (retried on the next node)"))
                events.add("failovers")
                node = nodes.next_after(target)
                continue
            applicant.steps[name] = applicant.steps.get(name, 0) + time.perf_counter() - started
            applicant.node_log.append((target, name, status, time.perf_counter()))
            if status != expect:
                applicant.errors.append((name, f"HTTP {status}"))
                return None
            return response, data
        applicant.errors.append((name, "every node failed"))
        return None

    barrier.wait()
    time.sleep(applicant.start_offset)
    applicant.started_at = time.perf_counter()
    try:
        got = step("page", "GET", f"/proposals/{pk}/edit/submit/", 200)
        if got is None:
            return
        page = got[1].decode()
        match = CSRF_FIELD.search(page)
        if not match:
            applicant.errors.append(("page", "no CSRF token on the page"))
            return
        form = urlencode({"csrfmiddlewaretoken": match.group(1)})
        if PRECHECK_ON_LOAD.search(page):  # the browser would load the panel with HTMX
            step(
                "precheck", "GET", f"/proposals/{pk}/precheck/", 200, headers={"HX-Request": "true"}
            )
        time.sleep(applicant.think)  # reads the findings, clicks 提交, confirms the dialog
        submit = ("POST", f"/proposals/{pk}/submit/", 302)
        if applicant.double_click:
            twin = threading.Thread(
                target=step, args=("submit-twin", *submit), kwargs={"body": form}
            )
            twin.start()
        got = step("submit", *submit, body=form)
        if applicant.double_click:
            twin.join()
        if got is None:
            return
        location = got[0].getheader("Location", "")
        if not location.endswith(f"/proposals/{pk}/receipt/"):
            applicant.errors.append(("submit", f"redirected to {location}"))
            return
        got = step("receipt", "GET", location, 200)
        if got is None:
            return
        found = RECEIPT.search(got[1].decode())
        if found:
            applicant.receipt = found.group(0)
            events.add("acknowledged")
        else:
            applicant.errors.append(("receipt", "no receipt number on the page"))
    finally:
        applicant.ended_at = time.perf_counter()
        applicant.steps["flow"] = applicant.ended_at - applicant.started_at - applicant.think


class Events:
    """Counts shared by the applicants' threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()

    def add(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


def rush(applicants: list[Applicant], nodes: Nodes, args, on_progress=None) -> tuple[float, Events]:
    """Run every applicant's flow from one barrier; returns the wall-clock seconds and the
    counts of acknowledgements and fail-overs."""
    events = Events()
    barrier = threading.Barrier(len(applicants) + 1)
    threads = [
        threading.Thread(target=run_flow, args=(a, nodes, barrier, args, events), daemon=True)
        for a in applicants
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    while any(t.is_alive() for t in threads):
        if on_progress:
            on_progress(events)
        time.sleep(0.05)
    return time.perf_counter() - started, events


# ---------------------------------------------------------------------------------------
# Verification and report
# ---------------------------------------------------------------------------------------


def verify(applicants: list[Applicant]) -> dict:
    """What the database holds, against what the applicants were told."""
    from django.db import connection
    from django.db.models import Count

    from jiebang.proposals.enums import ProposalState
    from jiebang.proposals.models import Proposal, ProposalVersion

    connection.close()  # a fresh connection: nothing cached from before the rush
    ids = [a.proposal_id for a in applicants]
    rows = {
        pk: (state, number)
        for pk, state, number in Proposal.objects.filter(pk__in=ids).values_list(
            "pk", "state", "number"
        )
    }
    versions = dict(
        ProposalVersion.objects.filter(proposal_id__in=ids)
        .values_list("proposal_id")
        .annotate(n=Count("pk"))
        .values_list("proposal_id", "n")
    )
    receipts = list(
        ProposalVersion.objects.filter(proposal_id__in=ids).values_list("receipt_number", flat=True)
    )
    acknowledged = [a for a in applicants if a.receipt]
    persisted = [pk for pk, (state, _n) in rows.items() if state == ProposalState.SUBMITTED]
    lost = [
        a.proposal_id
        for a in acknowledged
        if rows[a.proposal_id][0] != ProposalState.SUBMITTED
        or versions.get(a.proposal_id, 0) != 1
        or rows[a.proposal_id][1] != a.receipt
    ]
    return {
        "applicants": len(applicants),
        "acknowledged": len(acknowledged),
        "persisted": len(persisted),
        "lost": len(lost),
        "versions_per_proposal_max": max(versions.values(), default=0),
        "duplicate_receipts": len(receipts) - len(set(receipts)),
        "persisted_not_acknowledged": len(set(persisted) - {a.proposal_id for a in acknowledged}),
    }


STEPS = [
    ("page", "submit step page (runs the pre-check)"),
    ("precheck", "pre-check panel (HTMX)"),
    ("submit", "submit POST (→ 302)"),
    ("receipt", "receipt page"),
    ("flow", "whole flow without the thinking"),
]


def step_figures(applicants: list[Applicant]) -> dict:
    return {
        name: latency_figures([a.steps[name] for a in applicants if name in a.steps])
        for name, _label in STEPS
    }


def most_at_once(applicants: list[Applicant]) -> int:
    """The most applicants that were in their flow (page opened, receipt not yet seen) at
    the same moment."""
    edges = sorted(
        [(a.started_at, 1) for a in applicants if a.started_at]
        + [(a.ended_at, -1) for a in applicants if a.ended_at]
    )
    now = best = 0
    for _moment, change in edges:
        now += change
        best = max(best, now)
    return best


def print_steps(figures: dict) -> None:
    print(f"  {'step':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, label in STEPS:
        f = figures[name]
        if f["n"]:
            print(
                f"  {label:<40} {f['n']:5d} {f['p50']:8.1f} {f['p95']:8.1f} {f['p99']:8.1f} "
                f"{f['max']:8.1f}"
            )


def print_errors(applicants: list[Applicant]) -> Counter:
    errors = Counter(f"{step}: {what}" for a in applicants for step, what in a.errors)
    for what, n in errors.most_common(12):
        print(f"    {n:4d} × {what}")
    return errors


def print_outcome(outcome: dict) -> None:
    print(
        f"  applicants {outcome['applicants']}, acknowledged {outcome['acknowledged']}, "
        f"persisted {outcome['persisted']}, lost (acknowledged but not persisted as told) "
        f"{outcome['lost']}; versions per proposal at most {outcome['versions_per_proposal_max']}, "
        f"duplicate receipt numbers {outcome['duplicate_receipts']}, persisted without "
        f"acknowledgement {outcome['persisted_not_acknowledged']}"
    )


def versions_line() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0].split()[0]
    return {"Django": django.__version__, "PostgreSQL": server}


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def scenarios(args) -> list[tuple[str, float, tuple[float, float]]]:
    """(name, arrive within s, think range s). The rush is the target's scenario; the burst
    the worst case, reported without a target."""
    runs = [("rush", args.arrive_within, think_range(args.think))]
    if not args.no_burst:
        runs.append(("burst", 0.0, (0.0, 0.0)))
    return runs


def plan(applicants: list[Applicant], arrive_within: float, think: tuple, rng) -> None:
    for applicant in applicants:
        applicant.clear()
        applicant.start_offset = rng.uniform(0, arrive_within)
        applicant.think = rng.uniform(*think)


def snapshot_drafts(applicants: list[Applicant]) -> list[tuple]:
    from jiebang.proposals.models import Proposal

    ids = [a.proposal_id for a in applicants]
    return list(Proposal.objects.filter(pk__in=ids).values_list("pk", "number", "updated_at"))


def reset_drafts(snapshot: list[tuple]) -> None:
    """Put the submitted proposals back to their drafts for the next scenario: versions
    deleted, state, number and dates restored (bench only; nothing else does this)."""
    from django.db import transaction

    from jiebang.proposals.enums import ProposalState
    from jiebang.proposals.models import Proposal, ProposalVersion

    with transaction.atomic():
        ProposalVersion.objects.filter(proposal_id__in=[pk for pk, *_ in snapshot]).delete()
        for pk, number, updated_at in snapshot:
            Proposal.objects.filter(pk=pk).update(
                state=ProposalState.DRAFT, number=number, submitted_at=None, updated_at=updated_at
            )


def warm_up(applicants: list[Applicant], nodes: Nodes, args) -> None:
    """Every worker of every node renders the pages once before the measurement (template
    compilation, imports, connections): a node in the last hour has long been warm. Read-only
    GETs of the submit step with the applicants' own sessions."""
    slots = args.workers * int(os.environ.get("GUNICORN_THREADS", 4))
    for label, port in nodes.ports.items():
        sample = applicants[: min(len(applicants), 2 * slots)]

        def visit(applicant, port=port, label=label):
            try:
                request(
                    port,
                    applicant,
                    "GET",
                    f"/proposals/{applicant.proposal_id}/edit/submit/",
                    timeout=args.timeout,
                )
            except NodeDown as error:
                raise SystemExit(f"warm-up: node {label} is down ({error})") from error

        threads = [threading.Thread(target=visit, args=(a,)) for a in sample]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def run_scenario(name, applicants, nodes, args, arrive_within, think, rng, on_progress=None):
    """Plan, rush, verify; prints the scenario's figures and returns them."""
    plan(applicants, arrive_within, think, rng)
    seconds, events = rush(applicants, nodes, args, on_progress)
    outcome = verify(applicants)
    figures = step_figures(applicants)
    print(
        f"{name}: {len(applicants)} applicants opening the submit step within "
        f"{arrive_within:g} s, thinking {think[0]:g}–{think[1]:g} s before 提交; "
        f"{seconds:.1f} s wall clock, at most {most_at_once(applicants)} in their flow at once"
    )
    print_steps(figures)
    errors = print_errors(applicants)
    print_outcome(outcome)
    return {
        "arrive_within_s": arrive_within,
        "think_s": list(think),
        "seconds": seconds,
        "most_at_once": most_at_once(applicants),
        "steps": figures,
        "errors": sum(errors.values()),
        "failovers": events["failovers"],
        "outcome": outcome,
    }


def main() -> None:
    args = parse_args()
    setup_django(args)
    print(machine_line(**versions_line()))
    started = time.perf_counter()
    applicants = generate(args)
    print(
        f"generated {args.demands} published demands and {len(applicants)} complete drafts "
        f"with signed-in sessions in {time.perf_counter() - started:.1f} s; "
        f"{sum(a.double_click for a in applicants)} applicants double-click"
    )
    import redis
    from django.db import connection

    if args.prepare_only:
        print(f"kept database {args.db} with the drafts")
        return
    snapshot = snapshot_drafts(applicants)
    redis.Redis.from_url(args.redis).flushdb()
    connection.close()
    server = Server(env=server_env(args), workers=args.workers)
    print(f"gunicorn: {args.workers} workers × {os.environ.get('GUNICORN_THREADS', 4)} threads")
    rng = random.Random(args.seed + 1)  # noqa: S311 (reproducible load, not secrets)
    results = {}
    try:
        warm_up(applicants, Nodes({"node": server.port}), args)
        for index, (name, arrive_within, think) in enumerate(scenarios(args)):
            if index:
                reset_drafts(snapshot)
                connection.close()
            results[name] = run_scenario(
                name, applicants, Nodes({"node": server.port}), args, arrive_within, think, rng
            )
        restarts = server.boots() - args.workers
    finally:
        server.stop()
    main_run = results["rush"]
    submit_p95 = main_run["steps"]["submit"]["p95"]
    ok_p95 = submit_p95 < args.target_submit_p95_ms
    ok_lost = all(
        r["outcome"]["lost"] == 0 and r["outcome"]["acknowledged"] == r["outcome"]["persisted"]
        for r in results.values()
    )
    ok_errors = not any(r["errors"] for r in results.values())
    print(
        f"rush submit p95 {submit_p95:.1f} ms < {args.target_submit_p95_ms:g} ms: "
        f"{'yes' if ok_p95 else 'NO'}; acknowledged = persisted, none lost (every scenario): "
        f"{'yes' if ok_lost else 'NO'}; failed requests: "
        f"{sum(r['errors'] for r in results.values())}; worker restarts: {restarts}"
    )
    print(machine_line().replace("machine:", "after:"))
    write_summary(
        args.json,
        {
            "bench": "rush",
            "applicants": len(applicants),
            "demands": args.demands,
            "double_click": sum(a.double_click for a in applicants),
            "workers": args.workers,
            "scenarios": results,
            "targets": {"submit_p95_ms": args.target_submit_p95_ms},
            "ok": ok_p95 and ok_lost and ok_errors,
            "versions": versions_line(),
        },
    )
    if not args.keep_db:
        connection.close()
        drop_database(args.pg, args.db)
    sys.exit(0 if ok_p95 and ok_lost and ok_errors else 1)


if __name__ == "__main__":
    main()
