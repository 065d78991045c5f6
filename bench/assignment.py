"""Benchmark of the exact expert-assignment optimiser (jiebang.review.optimizer).

    .venv/bin/python bench/assignment.py                  # 2,000 experts × 1,000 items, k = 5
    .venv/bin/python bench/assignment.py --quick          # 200 × 100, LP on the whole instance
    .venv/bin/python bench/assignment.py --experts 500 --items 300 --k 3 --conflict-rate 0.2

A reproducible random instance (numpy seed): experts in ~300 units (5 % without a unit),
capacities ceil(items·k/experts)+1 ± 1, eight industries (each expert has 1–2, each item
1), affinity = uniform(0, 0.6) + 0.4 if an industry matches, and random conflicts.

Figures: build and solve times of the optimiser (separately), assigned pairs vs required,
total affinity, a greedy baseline (best affinity first) and the optimum of the LP
relaxation (x ∈ [0, 1]) solved independently with GLOP in two phases (max count, then max
affinity with the count fixed). The constraint matrix is a network matrix, so the LP
optimum is integral and the optimality gap should be 0 up to the 10⁻⁶ affinity resolution.
The LP of the full instance is solved when ``--lp full`` or, by default (``--lp auto``),
when it has at most ``--lp-max-vars`` variables (2.5 M: the default instance's 1.8 M take
4–7 min and ~3 GiB on 2 cores); otherwise, or with ``--lp sample``, it is solved on a
sampled sub-instance (``--sample 400x200``) on which the optimiser is run as well.
With ``--json FILE`` the figures are written as JSON too (bench/common.py ``write_summary``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import write_summary  # noqa: E402
from jiebang.review.optimizer import (  # noqa: E402
    AssignmentResult,
    ExpertNode,
    ItemNode,
    build_network,
    solve_network,
)

N_INDUSTRIES = 8


class Instance:
    """Experts, items, affinity and conflicts of one random instance (plus numpy views)."""

    def __init__(self, experts, items, aff: np.ndarray, conflict: np.ndarray):
        self.experts, self.items = experts, items
        self.aff, self.conflict = aff, conflict  # (E, I) float, (E, I) bool
        e_ids = np.array([e.id for e in experts])
        i_ids = np.array([t.id for t in items])
        ee, ii = np.meshgrid(e_ids, i_ids, indexing="ij")
        keys = zip(ee.ravel().tolist(), ii.ravel().tolist(), strict=True)
        self.affinity = dict(zip(keys, aff.ravel().tolist(), strict=True))
        ce, ci = np.nonzero(conflict)
        self.conflicts = set(zip(e_ids[ce].tolist(), i_ids[ci].tolist(), strict=True))

    @property
    def required(self) -> int:
        return sum(t.k for t in self.items)

    def sub(self, n_e: int, n_i: int, rng: np.random.Generator) -> Instance:
        es = np.sort(rng.choice(len(self.experts), size=min(n_e, len(self.experts)), replace=False))
        its = np.sort(rng.choice(len(self.items), size=min(n_i, len(self.items)), replace=False))
        return Instance(
            [self.experts[j] for j in es],
            [self.items[j] for j in its],
            self.aff[np.ix_(es, its)],
            self.conflict[np.ix_(es, its)],
        )


def generate(n_e: int, n_i: int, k: int, conflict_rate: float, units: int, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    base = math.ceil(n_i * k / n_e) + 1
    capacity = rng.integers(max(base - 1, 1), base + 2, size=n_e)
    unit = rng.integers(0, units, size=n_e)
    no_unit = rng.random(n_e) < 0.05
    experts = [
        ExpertNode(1 + j, None if no_unit[j] else int(unit[j]), int(capacity[j]))
        for j in range(n_e)
    ]
    items = [ItemNode(100_001 + i, k) for i in range(n_i)]
    expert_ind = np.zeros((n_e, N_INDUSTRIES), dtype=bool)
    expert_ind[np.arange(n_e), rng.integers(0, N_INDUSTRIES, n_e)] = True
    second = rng.random(n_e) < 0.5
    expert_ind[np.flatnonzero(second), rng.integers(0, N_INDUSTRIES, int(second.sum()))] = True
    item_ind = rng.integers(0, N_INDUSTRIES, n_i)
    match = expert_ind[:, item_ind]
    aff = np.round(rng.uniform(0.0, 0.6, size=(n_e, n_i)) + 0.4 * match, 4)
    conflict = rng.random((n_e, n_i)) < conflict_rate
    return Instance(experts, items, aff, conflict)


def run_optimiser(inst: Instance) -> tuple[AssignmentResult, float, float, int]:
    t0 = time.perf_counter()
    net = build_network(inst.experts, inst.items, inst.affinity, inst.conflicts)
    t1 = time.perf_counter()
    result = solve_network(net)
    t2 = time.perf_counter()
    return result, t1 - t0, t2 - t1, net.num_arcs


def greedy(inst: Instance) -> tuple[int, float]:
    """Baseline: take unconflicted pairs by descending affinity while every rule allows."""
    cap = np.array([e.capacity for e in inst.experts])
    need = np.array([t.k for t in inst.items])
    unit = [e.unit_id if e.unit_id is not None else ("solo", e.id) for e in inst.experts]
    pe, pi = np.nonzero(~inst.conflict)
    order = np.argsort(-inst.aff[pe, pi], kind="stable")
    seen: set = set()
    count, total = 0, 0.0
    for e, i in zip(pe[order].tolist(), pi[order].tolist(), strict=True):
        if cap[e] and need[i] and (unit[e], i) not in seen:
            cap[e] -= 1
            need[i] -= 1
            seen.add((unit[e], i))
            count += 1
            total += inst.aff[e, i]
    return count, total


def lp_optimum(inst: Instance, time_limit_s: float) -> dict:
    """Two-phase LP relaxation with GLOP: max Σx, then max Σ affinity·x with Σx fixed."""
    from ortools.linear_solver import pywraplp

    t0 = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetTimeLimit(int(time_limit_s * 1000))
    inf = solver.infinity()
    n_e, n_i = len(inst.experts), len(inst.items)
    unit = [e.unit_id if e.unit_id is not None else ("solo", e.id) for e in inst.experts]
    row_e = [solver.RowConstraint(-inf, e.capacity, "") for e in inst.experts]
    row_i = [solver.RowConstraint(-inf, t.k, "") for t in inst.items]
    row_u: dict = {}
    count_row = solver.RowConstraint(-inf, inf, "")
    pe, pi = np.nonzero(~inst.conflict)
    weights = inst.aff[pe, pi].tolist()
    xs = []
    for e, i in zip(pe.tolist(), pi.tolist(), strict=True):
        x = solver.NumVar(0.0, 1.0, "")
        xs.append(x)
        row_e[e].SetCoefficient(x, 1)
        row_i[i].SetCoefficient(x, 1)
        key = (unit[e], i)
        if key not in row_u:
            row_u[key] = solver.RowConstraint(-inf, 1, "")
        row_u[key].SetCoefficient(x, 1)
        count_row.SetCoefficient(x, 1)
    objective = solver.Objective()
    for x in xs:
        objective.SetCoefficient(x, 1)
    objective.SetMaximization()
    t1 = time.perf_counter()
    status1 = solver.Solve()
    count = objective.Value()
    t2 = time.perf_counter()
    count_row.SetLb(count - 1e-6)
    for x, w in zip(xs, weights, strict=True):
        objective.SetCoefficient(x, w)
    status2 = solver.Solve()
    t3 = time.perf_counter()
    ok = status1 == status2 == pywraplp.Solver.OPTIMAL
    values = np.array([x.solution_value() for x in xs]) if ok else np.zeros(0)
    return {
        "ok": ok,
        "status": (status1, status2),
        "vars": len(xs),
        "rows": n_e + n_i + len(row_u) + 1,
        "count": count,
        "affinity": objective.Value() if ok else float("nan"),
        "fractional": int(((values > 1e-6) & (values < 1 - 1e-6)).sum()),
        "build_s": t1 - t0,
        "phase1_s": t2 - t1,
        "phase2_s": t3 - t2,
    }


def machine() -> dict:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    import ortools

    return {
        "cores": os.cpu_count(),
        "memory": mem,
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "ortools": ortools.__version__,
    }


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    lines = [f"| {'figure':<{width}} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


def relative_gap(result: AssignmentResult, lp: dict) -> float:
    """(LP bound − optimiser) / LP bound: 0 when the optimiser is optimal (NaN if LP failed)."""
    return (lp["affinity"] - result.total_affinity) / max(lp["affinity"], 1e-12)


def compare(label: str, inst: Instance, result: AssignmentResult, lp: dict) -> list:
    gap = relative_gap(result, lp)
    return [
        (f"{label}: size", f"{len(inst.experts)} experts × {len(inst.items)} items"),
        (f"{label}: LP variables / rows", f"{lp['vars']:,} / {lp['rows']:,}"),
        (
            f"{label}: LP build / phase 1 / phase 2",
            f"{lp['build_s']:.2f} s / {lp['phase1_s']:.2f} s / {lp['phase2_s']:.2f} s",
        ),
        (f"{label}: LP status", "optimal" if lp["ok"] else f"NOT optimal {lp['status']}"),
        (f"{label}: LP max pairs", f"{lp['count']:.4f} (optimiser {len(result.pairs)})"),
        (
            f"{label}: LP max affinity",
            f"{lp['affinity']:.6f} (optimiser {result.total_affinity:.6f})",
        ),
        (f"{label}: LP fractional variables", str(lp["fractional"])),
        (
            f"{label}: optimality gap",
            f"{gap:.2e} relative, {lp['affinity'] - result.total_affinity:.2e} absolute "
            "(LP bound − optimiser)",
        ),
    ]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--experts", type=int, default=2000)
    p.add_argument("--items", type=int, default=1000)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--conflict-rate", type=float, default=0.1)
    p.add_argument("--units", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="200 × 100, LP on the whole instance")
    p.add_argument("--lp", choices=["auto", "full", "sample", "none"], default="auto")
    p.add_argument("--lp-max-vars", type=int, default=2_500_000, help="auto: full LP up to this")
    p.add_argument("--sample", default="400x200", help="experts×items of the LP sub-instance")
    p.add_argument("--lp-time-limit", type=float, default=600.0, help="seconds per LP phase")
    p.add_argument("--no-greedy", action="store_true")
    p.add_argument("--json", help="write the figures to this file (make bench)")
    a = p.parse_args(argv)
    if a.quick:
        a.experts, a.items = 200, 100

    info = machine()
    print(f"# expert assignment benchmark — {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"machine: {info['cores']} cores, {info['memory']} memory, {info['cpu']}, "
        f"Python {info['python']}, OR-Tools {info['ortools']}\n"
    )
    t0 = time.perf_counter()
    inst = generate(a.experts, a.items, a.k, a.conflict_rate, a.units, a.seed)
    gen_s = time.perf_counter() - t0
    result, build_s, solve_s, arcs = run_optimiser(inst)
    unit_ids = {e.unit_id for e in inst.experts if e.unit_id is not None}
    rows = [
        ("instance", f"{a.experts} experts ({len(unit_ids)} units) × {a.items} items, k = {a.k}"),
        ("conflicts", f"{len(inst.conflicts):,} ({a.conflict_rate:.0%} of pairs), seed {a.seed}"),
        ("capacity total", f"{sum(e.capacity for e in inst.experts):,}"),
        ("instance generation", f"{gen_s:.2f} s (not timed below)"),
        ("flow network arcs", f"{arcs:,}"),
        ("optimiser build", f"{build_s:.3f} s"),
        ("optimiser solve", f"{solve_s:.3f} s"),
        ("optimiser total", f"{build_s + solve_s:.3f} s"),
        ("assigned / required", f"{len(result.pairs):,} / {inst.required:,}"),
        ("feasible", f"{result.feasible} ({len(result.shortfalls)} items short)"),
        ("total affinity", f"{result.total_affinity:.6f}"),
        ("mean affinity per pair", f"{result.total_affinity / max(len(result.pairs), 1):.4f}"),
    ]
    g_aff = None
    if not a.no_greedy:
        t0 = time.perf_counter()
        g_count, g_aff = greedy(inst)
        rows.append(
            (
                "greedy baseline",
                f"{g_count:,} pairs, affinity {g_aff:.4f} "
                f"({time.perf_counter() - t0:.2f} s; optimiser +{result.total_affinity - g_aff:.4f})",
            )
        )

    n_vars = int((~inst.conflict).sum())
    mode = a.lp
    if mode == "auto":
        mode = "full" if n_vars <= a.lp_max_vars else "sample"
    lp_summary = {"scope": mode, "size": None, "gap": None, "fractional": None}
    if mode == "full":
        rows.append(("LP comparison", "on the FULL instance"))
        lp_inst, lp_result = inst, result
    elif mode == "sample":
        s_e, s_i = (int(x) for x in a.sample.lower().split("x"))
        lp_inst = inst.sub(s_e, s_i, np.random.default_rng(a.seed + 1))
        lp_result, sub_build, sub_solve, _ = run_optimiser(lp_inst)
        rows.append(
            (
                "LP comparison",
                f"on a SAMPLED sub-instance ({len(lp_inst.experts)} × {len(lp_inst.items)}; the "
                f"full LP would have {n_vars:,} variables)",
            )
        )
        rows.append(("sample: optimiser build + solve", f"{sub_build:.3f} s + {sub_solve:.3f} s"))
    if mode != "none":
        lp = lp_optimum(lp_inst, a.lp_time_limit)
        rows += compare(mode, lp_inst, lp_result, lp)
        lp_summary.update(
            size=f"{len(lp_inst.experts)}x{len(lp_inst.items)}",
            gap=relative_gap(lp_result, lp),
            fractional=lp["fractional"],
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    rows.append(("peak memory (RSS)", f"{peak:.2f} GiB"))
    print(table(rows))
    gap = lp_summary["gap"]
    write_summary(
        a.json,
        {
            "bench": "assignment",
            "experts": a.experts,
            "items": a.items,
            "k": a.k,
            "build_s": build_s,
            "solve_s": solve_s,
            "assigned": len(result.pairs),
            "required": inst.required,
            "affinity": result.total_affinity,
            "greedy_affinity": g_aff,
            "lp": lp_summary,
            "peak_rss_gib": peak,
            "ok": len(result.pairs) == inst.required and (gap is None or abs(gap) < 1e-6),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
