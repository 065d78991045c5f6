"""`make bench` records the figures of every benchmark in bench/RESULTS.md (bench/run_all.py).

The benchmarks themselves are timed scripts, never tests; this checks what the recording does
with their summaries: every figure reaches the table, a missed target says so, and the text
around the generated section is kept.
"""

import pytest

from bench import run_all

pytestmark = pytest.mark.unit

MACHINE = {"cores": 2, "memory_gib": 23.5, "load": [1.0, 1.2, 1.3], "python": "3.11.7"}


def steps(submit_p95):
    figure = {"n": 200, "p50": 80.0, "p95": submit_p95, "p99": submit_p95 + 50, "max": 900.0}
    return {name: dict(figure) for name in ("page", "precheck", "submit", "receipt", "flow")}


def rush_summary(*, submit_p95=312.4, ok=True, lost=0):
    outcome = {
        "applicants": 200,
        "acknowledged": 200,
        "persisted": 200 - lost,
        "lost": lost,
        "versions_per_proposal_max": 1,
        "duplicate_receipts": 0,
        "persisted_not_acknowledged": 0,
    }
    run = {
        "arrive_within_s": 10.0,
        "think_s": [20.0, 40.0],
        "seconds": 51.0,
        "most_at_once": 200,
        "steps": steps(submit_p95),
        "errors": 0,
        "failovers": 0,
        "outcome": outcome,
    }
    return {
        "bench": "rush",
        "machine": MACHINE,
        "applicants": 200,
        "scenarios": {"rush": run, "burst": dict(run, arrive_within_s=0.0, think_s=[0.0, 0.0])},
        "targets": {"submit_p95_ms": 500.0},
        "ok": ok,
        "command": "bench/rush.py",
        "finished": "2026-11-29T07:40+00:00",
        "wall_s": 240.0,
    }


def eligibility_summary(p95=11.6):
    check = {"p50": 10.0, "p95": p95, "p99": 13.5, "max": 13.7, "queries": 15}
    return {
        "bench": "eligibility",
        "machine": MACHINE,
        "units": 20004,
        "persons": 1000009,
        "projects": 100064,
        "repeat": 200,
        "checks": {"demand": check, "proposal": dict(check, p95=15.1, queries=20)},
        "target_ms": 50.0,
        "ok": p95 < 50,
    }


def test_every_figure_of_the_rush_reaches_the_table():
    section = run_all.render_section({"rush": rush_summary()})

    assert "**312.4 ms**" in section
    assert "acknowledged 200 = persisted 200, lost 0" in section
    assert "submit p95 < 500 ms, none lost" in section
    assert "a. burst (worst case): all 200 at the same instant" in section
    assert "2 cores, 23.5 GiB memory" in section
    assert section.startswith(run_all.START) and section.endswith(run_all.END)


def test_a_missed_target_or_a_failed_benchmark_says_so():
    section = run_all.render_section(
        {
            "rush": rush_summary(submit_p95=812.0, ok=False, lost=1),
            "eligibility": eligibility_summary(p95=61.0),
            "export": {"bench": "export", "ok": False, "failed": "no figures (exit code 1)"},
        }
    )

    rush_rows = [line for line in section.splitlines() if line.startswith("| a. deadline")]
    assert "**812.0 ms**" in rush_rows[0] and rush_rows[0].endswith("**missed** |")
    assert "persisted 199, lost 1" in rush_rows[0]
    assert "p95 **61.0 ms**" in section
    assert "| export | — | — | **failed** (no figures (exit code 1)) |" in section


def test_incomplete_figures_are_reported_not_crashed_on():
    section = run_all.render_section({"hall": {"bench": "hall", "ok": True, "machine": MACHINE}})

    assert "figures incomplete" in section


def test_the_section_is_replaced_and_the_rest_of_results_is_kept():
    document = "# Benchmark results\n\nIntro.\n\n## Expert assignment\n\nOld run.\n"
    section = run_all.render_section({"eligibility": eligibility_summary()})

    first = run_all.replace_section(document, section)
    assert first.index("Intro.") < first.index(run_all.START) < first.index("## Expert")
    assert "Old run." in first

    newer = run_all.render_section({"eligibility": eligibility_summary(p95=12.9)})
    second = run_all.replace_section(first, newer)
    assert "**12.9 ms**" in second and "**11.6 ms**" not in second
    assert second.count(run_all.START) == 1 and "Old run." in second


def test_a_quick_run_is_not_recorded_unless_asked():
    assert run_all.parse_args(["--quick"]).record is False
    assert run_all.parse_args(["--quick", "--write"]).record is True
    assert run_all.parse_args([]).record is True
    assert run_all.parse_args(["--no-write"]).record is False
    assert run_all.parse_args(["--only", "rush,hall"]).names == ["rush", "hall"]
    with pytest.raises(SystemExit):
        run_all.parse_args(["--only", "rush,nonsense"])


def test_the_burst_is_judged_on_lost_submissions_only():
    section = run_all.render_section({"rush": rush_summary(submit_p95=812.0, ok=False)})

    rows = [line for line in section.splitlines() if line.startswith("| a. ")]
    assert rows[0].startswith("| a. deadline rush") and rows[0].endswith("**missed** |")
    assert rows[1].startswith("| a. burst") and rows[1].endswith("| met |")


def test_the_cpu_reference_is_recorded_with_each_benchmark():
    summary = dict(eligibility_summary(), cpu_reference_ms=17.5, command="bench/e.py")

    assert "CPU reference 17.5 ms" in run_all.render_section({"eligibility": summary})
