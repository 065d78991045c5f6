"""Parts shared by the benchmarks that serve the application over HTTP.

Nothing here imports Django: the scripts set their environment (DATABASE_URL, REDIS_URL…)
before `django.setup()`, and the servers run in their own processes.
"""

import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------


def recreate_database(pg: str, db: str, *, reuse_marker_sql: str | None = None) -> bool:
    """Create `db` on the server `pg`, dropping it first.

    With `reuse_marker_sql` (a query returning a row when the database holds usable data),
    an existing database that answers it is kept: returns True. Otherwise returns False
    after (re)creating it empty.
    """
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone()
        if exists and reuse_marker_sql:
            with psycopg.connect(f"{pg}/{db}") as existing:
                try:
                    if existing.execute(reuse_marker_sql).fetchone():
                        return True
                except psycopg.errors.UndefinedTable:
                    pass
        if exists:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    return False


def drop_database(pg: str, db: str) -> None:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, url: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """One gunicorn node with deploy/gunicorn.conf.py, in its own process group.

    `app` is the WSGI entry point (`jiebang.wsgi:application`, or `bench.hello:application`
    for the hello-world baseline); `probe` a URL that answers 200 once the node is up.
    """

    def __init__(
        self,
        *,
        env: dict,
        workers: int,
        app: str = "jiebang.wsgi:application",
        probe: str = "/",
        port: int | None = None,
        extra_env: dict | None = None,
    ):
        self.port = port or free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        full_env = dict(os.environ)
        full_env.update(env)
        full_env.update(extra_env or {})
        full_env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
        full_env["GUNICORN_WORKERS"] = str(workers)
        self.proc = subprocess.Popen(  # noqa: S603 (fixed argv)
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", app],
            cwd=ROOT,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.tail()
                self.stop()
                raise SystemExit(f"gunicorn did not start:\n{log}")
            try:
                status, _ = http_get(self.port, probe)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        time.sleep(2)  # let every worker finish importing

    def tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def boots(self) -> int:
        """Workers started so far (max_requests recycles them under load)."""
        self.log.seek(0)
        return self.log.read().count(b"Booting worker")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a node that dies, not one that stops."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if not self.log.closed:
            self.log.close()


# ---------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of seconds, in ms."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank] * 1000


def latency_figures(latencies: list[float]) -> dict:
    """p50/p95/p99/max in ms of a list of seconds."""
    values = sorted(latencies)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1] * 1000 if values else float("nan"),
    }


def memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as meminfo:
            total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        return None
    return total_kb / 1048576


def machine_facts() -> dict:
    """Cores, memory, load average and Python: the line every benchmark prints first."""
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib() or 0, 1),
        "load": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def machine_line(**versions) -> str:
    facts = machine_facts()
    extra = "".join(f", {name} {version}" for name, version in versions.items())
    return (
        f"machine: {facts['cores']} cores, {facts['memory_gib']:.1f} GiB memory, load average "
        f"{' / '.join(f'{x:.2f}' for x in facts['load'])}; Python {facts['python']}{extra}"
    )


def write_summary(path: str | None, summary: dict) -> None:
    """The figures as JSON for `make bench` (bench/run_all.py), when `--json` is given."""
    if not path:
        return
    summary = {"machine": machine_facts(), **summary}
    Path(path).write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
