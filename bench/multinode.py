"""Benchmark: the deadline rush on two application nodes, one of which dies mid-run.

Run: .venv/bin/python bench/multinode.py [--applicants 200] [--kill-at 0.33]
     [--workers 3] [--arrive-within 10] [--think 20-40] [--quick] [--keep-db] [--json FILE]

The deployment of deploy/ on one machine: two gunicorn nodes (deploy/gunicorn.conf.py,
`jiebang.wsgi`) on two ports, one Celery worker, PostgreSQL and Redis shared by all. The data
and the applicants' flow are those of bench/rush.py (its options apply; its own database
`jiebang_multinode_bench`, Redis database 13 flushed at the start).

Applicants are spread over the nodes alternately, as nginx's round robin would. When
`--kill-at` of the applicants have their receipt, node A is killed with SIGKILL — the master
and every worker at once, in the middle of their requests, as when a machine is lost. An
applicant whose request meets the dead node (connection refused, or reset in flight) sends it
again to node B: nginx does that for a GET (`proxy_next_upstream`), and for the submit the
applicant clicks again — a submit that had committed before the node died answers with the
same receipt, so the second click never makes a second version.

Afterwards it reads the database and prints: acknowledged (receipt seen) and persisted
(submitted, one version, the receipt number the applicant saw) submissions, lost ones,
requests that failed over and how, what node B served after the kill (and its errors), node
A's state, and the Celery queue drained by the worker (the submit's notification e-mails).
Exits 1 when an acknowledged submission is lost, a submission is missing at the end, or
node B failed a request after the kill.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import rush  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    Server,
    drop_database,
    http_get,
    machine_line,
    write_summary,
)


def parse_args():
    def extend(parser):
        parser.add_argument(
            "--kill-at", type=float, default=1 / 3, help="share of receipts when node A dies"
        )

    args = rush.parse_args(
        description=__doc__.splitlines()[0],
        db="jiebang_multinode_bench",
        redis="redis://127.0.0.1:6379/13",
        # Two nodes share this machine's cores; a node on a machine of its own would run
        # 2 × cores + 1 workers (deploy/gunicorn.conf.py).
        workers=(os.cpu_count() or 1) + 1,
        extend=extend,
    )
    args.no_burst = True
    return args


class CeleryWorker:
    def __init__(self, env: dict):
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        full_env = dict(os.environ)
        full_env.update(env)
        self.proc = subprocess.Popen(  # noqa: S603 (fixed argv)
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "jiebang",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def succeeded(self) -> int:
        self.log.seek(0)
        return self.log.read().count(b"succeeded in")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def queued(redis_url: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen("celery")


def main() -> None:
    args = parse_args()
    rush.setup_django(args)
    print(machine_line(**rush.versions_line()))
    started = time.perf_counter()
    applicants = rush.generate(args)
    print(
        f"generated {args.demands} published demands and {len(applicants)} complete drafts "
        f"in {time.perf_counter() - started:.1f} s; "
        f"{sum(a.double_click for a in applicants)} applicants double-click"
    )
    import redis
    from django.db import connection

    redis.Redis.from_url(args.redis).flushdb()
    connection.close()
    env = rush.server_env(args)
    node_a = Server(env=env, workers=args.workers)
    node_b = Server(env=env, workers=args.workers)
    worker = CeleryWorker(env)
    nodes = rush.Nodes({"A": node_a.port, "B": node_b.port})
    print(
        f"node A :{node_a.port} and node B :{node_b.port}, each gunicorn {args.workers} workers × "
        f"{os.environ.get('GUNICORN_THREADS', 4)} threads; one Celery worker; PostgreSQL and "
        f"Redis shared"
    )
    kill = {}

    def on_progress(events):
        if not kill and events["acknowledged"] >= args.kill_at * len(applicants):
            kill["at"] = time.perf_counter()
            kill["acknowledged"] = events["acknowledged"]
            node_a.kill()
            print(f"  killed node A (SIGKILL) after {kill['acknowledged']} receipts", flush=True)

    rng = random.Random(args.seed + 1)  # noqa: S311 (reproducible load, not secrets)
    try:
        rush.warm_up(applicants, nodes, args)
        result = rush.run_scenario(
            "rush over two nodes",
            applicants,
            nodes,
            args,
            args.arrive_within,
            rush.think_range(args.think),
            rng,
            on_progress,
        )
        # Node B still serves, node A is gone.
        b_status = http_get(node_b.port, "/")[0]
        try:
            http_get(node_a.port, "/", timeout=3)
            a_state = "still answering"
        except OSError as error:
            a_state = f"down ({type(error).__name__})"
        deadline = time.monotonic() + 60
        while queued(args.redis) and time.monotonic() < deadline:
            time.sleep(0.5)
        left, done = queued(args.redis), worker.succeeded()
    finally:
        node_a.stop()
        node_b.stop()
        worker.stop()

    kill_at = kill.get("at", float("inf"))
    after = [entry for a in applicants for entry in a.node_log if entry[3] >= kill_at]
    b_after = Counter(str(outcome) for node, _step, outcome, _when in after if node == "B")
    b_failed = sum(n for outcome, n in b_after.items() if outcome not in {"200", "302"})
    failovers = Counter(
        outcome.removeprefix("down:")
        for a in applicants
        for node, _step, outcome, _when in a.node_log
        if str(outcome).startswith("down:")
    )
    retried_submits = sum(
        1
        for a in applicants
        for node, step, outcome, _when in a.node_log
        if step.startswith("submit") and str(outcome).startswith("down:")
    )
    outcome = result["outcome"]
    print(
        f"node A killed {('at ' + str(kill.get('acknowledged')) + ' receipts') if kill else 'NEVER'};"
        f" requests that met the dead node and were sent to node B: {sum(failovers.values())} "
        f"({', '.join(f'{k} {v}' for k, v in failovers.items()) or 'none'}), of which submits "
        f"{retried_submits}"
    )
    print(
        f"node B after the kill: {sum(b_after.values())} answers "
        f"({', '.join(f'HTTP {k} × {v}' for k, v in sorted(b_after.items()))}), failed {b_failed}; "
        f"GET / on node B at the end: {b_status}; node A: {a_state}"
    )
    print(f"Celery: {done} tasks done by the worker, {left} left in the queue")
    ok = (
        bool(kill)
        and outcome["lost"] == 0
        and outcome["acknowledged"] == outcome["persisted"] == len(applicants)
        and b_failed == 0
        and b_status == 200
    )
    print(
        f"acknowledged {outcome['acknowledged']} = persisted {outcome['persisted']} of "
        f"{len(applicants)}, lost {outcome['lost']}, node B kept serving: "
        f"{'yes' if b_failed == 0 and b_status == 200 else 'NO'} → {'PASS' if ok else 'FAIL'}"
    )
    print(machine_line().replace("machine:", "after:"))
    write_summary(
        args.json,
        {
            "bench": "multinode",
            "applicants": len(applicants),
            "workers_per_node": args.workers,
            "killed_after_receipts": kill.get("acknowledged"),
            "failovers": dict(failovers),
            "retried_submits": retried_submits,
            "node_b_after_kill": dict(b_after),
            "node_b_failed": b_failed,
            "celery_done": done,
            "celery_left": left,
            "scenario": result,
            "ok": ok,
            "versions": rush.versions_line(),
        },
    )
    if not args.keep_db:
        connection.close()
        drop_database(args.pg, args.db)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
