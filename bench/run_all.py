"""`make bench`: run every benchmark, print its figures, record them in bench/RESULTS.md.

Run: .venv/bin/python bench/run_all.py [--only rush,hall,...] [--quick] [--no-write]

Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth) and Redis (127.0.0.1:6379)
running; each benchmark builds and drops its own database. In order (see bench/README.md):

  rush         a. the deadline rush: 200 applicants pre-check and submit (one node)
  multinode    a. the same rush over two nodes, one killed mid-run
  hall         b. list hall and search, 10,000 published demands, against hello-world
  eligibility  c. the eligibility check with 100,000 city projects and 1,000,000 persons
  assignment   d. expert assignment, 2,000 experts × 1,000 items (LP bound on a sample)
  export       e. Excel export of 50,000 rows: time and peak memory

Each script streams its own output and writes its figures as JSON to bench/results/<name>.json;
then the section between the `make bench` markers of bench/RESULTS.md is written again from
every JSON there (a benchmark not run this time keeps its last recorded figures, with its
date). `--quick` runs the small sizes and, unless `--write`, leaves RESULTS.md and the JSON
alone. Exits 1 when a benchmark fails or misses its target. About 25 minutes on 2 cores.
"""

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine_facts  # noqa: E402

RESULTS_MD = ROOT / "bench" / "RESULTS.md"
RESULTS_DIR = ROOT / "bench" / "results"
START = "<!-- make bench: start — written by bench/run_all.py from bench/results/*.json -->"
END = "<!-- make bench: end -->"

BENCHES = {
    "rush": ["bench/rush.py"],
    "multinode": ["bench/multinode.py"],
    "hall": ["bench/hall.py"],
    "eligibility": ["bench/eligibility_scale.py"],
    "assignment": ["bench/assignment.py", "--lp", "sample"],
    "export": ["bench/export_50k.py"],
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHES))
    parser.add_argument("--quick", action="store_true", help="small sizes (not recorded)")
    parser.add_argument("--write", action="store_true", help="record a --quick run anyway")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md alone")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="write RESULTS.md from bench/results, run nothing",
    )
    args = parser.parse_args(argv)
    args.names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = set(args.names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    args.record = not args.no_write and (args.write or not args.quick)
    return args


def services_up() -> str | None:
    """Why the benchmarks cannot run, or None."""
    import psycopg
    import redis

    try:
        psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at 127.0.0.1:5432 as postgres: {error}"
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at 127.0.0.1:6379: {error}"
    return None


def cpu_reference_ms() -> float:
    """A fixed piece of pure Python work (best of 5): the same commit measured on the same
    virtual machine on two days differed by 4×, so every run records how fast the CPU was."""
    import timeit

    return round(min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000, 1)


def run(name: str, args, out: Path) -> dict:
    command = [sys.executable, *BENCHES[name], "--json", str(out)]
    if args.quick:
        command.append("--quick")
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    code = subprocess.call(command, cwd=ROOT)  # noqa: S603 (fixed argv)
    seconds = time.perf_counter() - started
    try:
        summary = json.loads(out.read_text())
    except (OSError, ValueError):
        summary = {"bench": name, "ok": False, "failed": f"no figures (exit code {code})"}
    summary.update(
        {
            "exit_code": code,
            "wall_s": round(seconds, 1),
            "finished": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
            "quick": args.quick,
            "cpu_reference_ms": args.cpu_reference_ms,
            "command": " ".join(BENCHES[name] + (["--quick"] if args.quick else [])),
        }
    )
    print(f"=== {name}: exit code {code}, {seconds:.0f} s", flush=True)
    return summary


# ---------------------------------------------------------------------------------------
# RESULTS.md
# ---------------------------------------------------------------------------------------


def ms(value) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def verdict(summary: dict) -> str:
    if summary.get("failed"):
        return f"**failed** ({summary['failed']})"
    return "met" if summary.get("ok") else "**missed**"


def none_lost(run: dict) -> bool:
    out = run["outcome"]
    return out["lost"] == 0 and out["acknowledged"] == out["persisted"] == out["applicants"]


def rows_rush(s: dict) -> list[tuple]:
    rows = []
    for name, run in s["scenarios"].items():
        steps, out = run["steps"], run["outcome"]
        if name == "rush":
            ok = none_lost(run) and not run["errors"]
            ok = ok and steps["submit"]["p95"] < s["targets"]["submit_p95_ms"]
        else:
            ok = none_lost(run)
        think = run["think_s"]
        label = (
            f"a. deadline rush, one node: {s['applicants']} applicants open the submit step "
            f"within {run['arrive_within_s']:g} s, think {think[0]:g}–{think[1]:g} s, submit"
            if name == "rush"
            else f"a. burst (worst case): all {s['applicants']} at the same instant, no thinking"
        )
        figure = (
            f"submit p50 / p95 / p99 {ms(steps['submit']['p50'])} / "
            f"**{ms(steps['submit']['p95'])}** / {ms(steps['submit']['p99'])}; pre-check page "
            f"p95 {ms(steps['page']['p95'])}; at most {run['most_at_once']} applicants in their "
            f"flow at once; failed requests {run['errors']}; acknowledged "
            f"{out['acknowledged']} = persisted {out['persisted']}, lost {out['lost']}, "
            f"duplicate versions {max(0, out['versions_per_proposal_max'] - 1)}"
        )
        target = (
            f"submit p95 < {s['targets']['submit_p95_ms']:g} ms, none lost"
            if name == "rush"
            else "none lost (no latency target)"
        )
        rows.append((label, figure, target, "met" if ok else "**missed**"))
    return rows


def rows_multinode(s: dict) -> list[tuple]:
    run = s["scenario"]
    out = run["outcome"]
    failovers = ", ".join(f"{k} {v}" for k, v in s["failovers"].items()) or "none"
    figure = (
        f"node A killed (SIGKILL) after {s['killed_after_receipts']} receipts; "
        f"{sum(s['failovers'].values())} requests met the dead node and went to node B "
        f"({failovers}; {s['retried_submits']} of them submits); node B after the kill: "
        f"{sum(s['node_b_after_kill'].values())} answers, {s['node_b_failed']} failed; "
        f"acknowledged {out['acknowledged']} = persisted {out['persisted']} of "
        f"{s['applicants']}, lost {out['lost']}; submit p95 {ms(run['steps']['submit']['p95'])}; "
        f"Celery worker {s['celery_done']} tasks, {s['celery_left']} left"
    )
    return [
        (
            f"multi-node: the rush over two nodes ({s['workers_per_node']} workers each), "
            "one killed mid-run",
            figure,
            "acknowledged = persisted, the other node keeps serving",
            verdict(s),
        )
    ]


def rows_hall(s: dict) -> list[tuple]:
    rows = []
    hello = s["hello_rps"]
    for label, r in s["scenarios"].items():
        if label.startswith("hello-world /hello/"):
            continue
        is_hall = label.startswith("hall / (cached)")
        figure = (
            f"p95 **{ms(r['p95'])}** (p50 {ms(r['p50'])}, p99 {ms(r['p99'])}), "
            f"{r['rps']:,.0f} req/s = **{r['ratio']:.0%}** of hello-world's {hello:,.0f}; "
            f"errors {r['errors']}"
            + (f"; cache hits {r['hit']:.0%}" if r.get("hit") is not None else "")
        )
        target = (
            f"p95 < {s['targets']['p95_ms']:g} ms and ≥ {s['targets']['ratio']:.0%} of hello-world"
            if is_hall
            else "— (recorded)"
        )
        rows.append(
            (
                f"b. {label}, {s['demands']:,} demands, {s['users']} users",
                figure,
                target,
                verdict(s) if is_hall else "",
            )
        )
    return rows


def rows_eligibility(s: dict) -> list[tuple]:
    checks = s["checks"]
    figure = "; ".join(
        f"{name} p95 **{ms(c['p95'])}** (p50 {ms(c['p50'])}, p99 {ms(c['p99'])}, "
        f"{c['queries']} queries)"
        for name, c in checks.items()
    )
    return [
        (
            f"c. eligibility check, {s['persons']:,} persons, {s['projects']:,} city projects",
            figure,
            f"p95 < {s['target_ms']:g} ms",
            verdict(s),
        )
    ]


def rows_assignment(s: dict) -> list[tuple]:
    lp = s.get("lp") or {}
    gap = lp.get("gap")
    figure = (
        f"optimiser {s['build_s'] + s['solve_s']:.2f} s (build {s['build_s']:.2f} s, solve "
        f"{s['solve_s']:.2f} s); {s['assigned']:,} / {s['required']:,} pairs; affinity "
        f"{s['affinity']:.4f} (greedy {s['greedy_affinity']:.4f}); LP bound on "
        f"{lp.get('scope', 'none')} {lp.get('size', '')}: gap "
        f"{'—' if gap is None else f'{gap:.1e}'}"
    )
    return [
        (
            f"d. expert assignment, {s['experts']:,} experts × {s['items']:,} items, k = {s['k']}",
            figure,
            "every pair assigned, optimal (gap 0)",
            verdict(s),
        )
    ]


def rows_export(s: dict) -> list[tuple]:
    job = f"; as a background job {s['job_seconds']:.1f} s" if s.get("job_seconds") else ""
    figure = (
        f"{s['seconds']:.1f} s ({s['rows_per_s']:,.0f} rows/s), file {s['file_mb']:.1f} MB, "
        f"peak traced memory **{s['peak_mb']:.1f} MB** ({s['small_rows']:,} rows: "
        f"{s['peak_mb_small']:.1f} MB){job}"
    )
    return [
        (
            f"e. Excel export of {s['rows']:,} rows",
            figure,
            f"peak < {s['bound_mb']:g} MB, not growing with rows",
            verdict(s),
        )
    ]


RENDER = {
    "rush": rows_rush,
    "multinode": rows_multinode,
    "hall": rows_hall,
    "eligibility": rows_eligibility,
    "assignment": rows_assignment,
    "export": rows_export,
}


def render_section(summaries: dict[str, dict]) -> str:
    """The `make bench` section of RESULTS.md from the benchmarks' JSON summaries."""
    lines = [START, "## Latest `make bench` run", ""]
    machines = {json.dumps(s.get("machine", {}).get("cores")) for s in summaries.values()}
    for name in BENCHES:
        s = summaries.get(name)
        if not s:
            continue
        m = s.get("machine", {})
        versions = ", ".join(f"{k} {v}" for k, v in (s.get("versions") or {}).items())
        lines.append(
            f"- **{name}** — `{s.get('command', '')}`, finished {s.get('finished', '?')} "
            f"after {s.get('wall_s', '?')} s; {m.get('cores', '?')} cores, "
            f"{m.get('memory_gib', '?')} GiB memory, load average at the end "
            f"{' / '.join(str(x) for x in m.get('load', []))}; Python {m.get('python', '?')}"
            + (f", {versions}" if versions else "")
            + (f"; CPU reference {s['cpu_reference_ms']} ms" if s.get("cpu_reference_ms") else "")
            + ("; **quick sizes**" if s.get("quick") else "")
        )
    if len(machines) > 1:
        lines.append("- The summaries come from machines with different core counts.")
    lines += ["", "| benchmark | figures | target | result |", "|---|---|---|---|"]
    for name in BENCHES:
        s = summaries.get(name)
        if not s:
            continue
        try:
            rows = RENDER[name](s) if not s.get("failed") else [(name, "—", "—", verdict(s))]
        except (KeyError, TypeError) as error:
            rows = [(name, f"figures incomplete ({error!r})", "—", "**failed**")]
        for row in rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    lines += [
        "",
        "Figures in ms are latencies measured by the client, on the same machine as the "
        "server. *CPU reference*: `sum(range(10**6))` in the benchmarks' Python, best of 5 — "
        "compare it before comparing two runs. See the sections below for how each benchmark "
        "works and for earlier runs.",
        END,
    ]
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """Put `section` between the markers of `text` (after the title and intro when the
    markers are missing); everything outside the markers is kept as it was."""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        return before + section + after
    head, sep, tail = text.partition("\n## ")
    return head.rstrip("\n") + "\n\n" + section + "\n\n" + sep.lstrip("\n") + tail


def load_recorded() -> dict[str, dict]:
    summaries = {}
    for name in BENCHES:
        path = RESULTS_DIR / f"{name}.json"
        if path.exists():
            summaries[name] = json.loads(path.read_text())
    return summaries


def write_results(summaries: dict[str, dict]) -> None:
    RESULTS_MD.write_text(replace_section(RESULTS_MD.read_text(), render_section(summaries)))
    print(f"\nwrote {RESULTS_MD.relative_to(ROOT)} from bench/results/*.json")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.render_only:
        write_results(load_recorded())
        return 0
    problem = services_up()
    if problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 2
    facts = machine_facts()
    args.cpu_reference_ms = cpu_reference_ms()
    print(
        f"make bench: {', '.join(args.names)}{' (quick)' if args.quick else ''} on "
        f"{facts['cores']} cores, {facts['memory_gib']} GiB; load average "
        f"{' / '.join(map(str, facts['load']))}; CPU reference {args.cpu_reference_ms} ms"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    fresh = {}
    for name in args.names:
        out = RESULTS_DIR / f".{name}.running.json"
        out.unlink(missing_ok=True)
        fresh[name] = run(name, args, out)
        out.unlink(missing_ok=True)
    if args.record:
        for name, summary in fresh.items():
            (RESULTS_DIR / f"{name}.json").write_text(
                json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
            )
        write_results(load_recorded())
    print()
    print(render_section(fresh).replace(START, "").replace(END, "").strip())
    failed = [name for name, s in fresh.items() if not s.get("ok") or s.get("exit_code")]
    print(f"\nmake bench: {'all targets met' if not failed else 'FAILED: ' + ', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
