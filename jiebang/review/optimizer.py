"""Exact expert assignment as a maximum flow of maximum affinity (pure: no Django, no ORM).

Problem
-------
Experts review items (demands or proposals). Each item needs ``k`` experts, each expert
reviews at most ``capacity`` items, a conflicting (回避) pair is never used, and an item
gets at most one expert from any unit (an expert without a unit is a unit of their own).
Manual assignments by the bureau (``fixed``) are kept and count toward all of these limits.
Among all valid assignments we want the largest number of pairs and, among those, the
largest total affinity (pairs missing from the affinity mapping count 0).

Formulation
-----------
A min-cost flow network solved by OR-Tools' ``SimpleMinCostFlow``::

    source ──cap = capacity──▶ expert ──cap 1, cost −round(affinity·10⁶)──▶ (unit, item)
           (unit, item) ──cap 1──▶ item ──cap = k──▶ sink

There is one ``(unit, item)`` node per unit-item combination that some unconflicted
expert with spare capacity can reach; its outgoing capacity of 1 enforces "one expert per
unit on an item". Fixed pairs are taken out beforehand: they reduce the expert's capacity
and the item's ``k`` and close their ``(unit, item)`` node. ``solve_max_flow_with_min_cost``
first finds the maximum flow and then the minimum cost among maximum flows, i.e. the most
pairs and, among those, the largest total (integer-scaled) affinity. The network is a
bipartite-like DAG with integral capacities, so the flow optimum is integral and exact;
affinities are compared at a resolution of 10⁻⁶.

Arrays are built in bulk with numpy (``add_arcs_with_capacity_and_unit_cost``), so
2,000 experts × 1,000 items (2 M candidate pairs) builds and solves in seconds.
``assign`` = ``solve_network(build_network(...))``; the two steps are public so that a
benchmark can time them separately.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

#: Affinities are scaled to integer costs with this factor.
COST_SCALE = 1_000_000

_SOURCE, _SINK = 0, 1


@dataclass(frozen=True)
class ExpertNode:
    """An expert: ``capacity`` is the most items they may review in the round."""

    id: int
    unit_id: int | None
    capacity: int


@dataclass(frozen=True)
class ItemNode:
    """An item to review: ``k`` experts are required on it."""

    id: int
    k: int


@dataclass(frozen=True)
class Shortfall:
    """An item that got fewer than ``required`` experts, with why (``reason``, Chinese)."""

    item_id: int
    required: int
    assigned: int
    eligible_experts: int  # experts not in conflict with the item
    eligible_units: int  # distinct units among those experts
    reason: str


@dataclass(frozen=True)
class AssignmentResult:
    """The chosen ``(expert_id, item_id)`` pairs (sorted, fixed pairs included)."""

    pairs: tuple[tuple[int, int], ...]
    total_affinity: float
    feasible: bool  # every item got its k experts
    shortfalls: tuple[Shortfall, ...]


@dataclass
class FlowNetwork:
    """The arrays of the flow network plus what is needed to read the solution back."""

    expert_ids: np.ndarray  # (E,) int64
    item_ids: np.ndarray  # (I,) int64
    k: np.ndarray  # (I,) int64, as required (before fixed pairs)
    unit_of: np.ndarray  # (E,) int64 unit code; experts without a unit get their own code
    allowed: np.ndarray  # (E, I) bool, not in conflict
    affinity: np.ndarray  # (E, I) float64, 0 where missing
    fixed_e: np.ndarray  # expert indices of the fixed pairs
    fixed_i: np.ndarray  # item indices of the fixed pairs
    pair_e: np.ndarray  # expert index of each candidate arc expert → (unit, item)
    pair_i: np.ndarray  # item index of each candidate arc
    tails: np.ndarray  # all arcs; the candidate arcs come first, in pair_e/pair_i order
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supply: int  # upper bound of the flow (sum of the remaining k)

    @property
    def num_arcs(self) -> int:
        return int(self.tails.size)


def _pairs_array(pairs: Iterable[tuple[int, int]], count: int | None = None) -> np.ndarray:
    flat = itertools.chain.from_iterable(pairs)
    n = -1 if count is None else 2 * count
    return np.fromiter(flat, dtype=np.int64, count=n).reshape(-1, 2)


def _lookup(ids: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each ``query`` value in ``ids`` and whether it was found (vectorised)."""
    if ids.size == 0:
        return np.zeros(query.size, dtype=np.int64), np.zeros(query.size, dtype=bool)
    order = np.argsort(ids, kind="stable")
    pos = np.clip(np.searchsorted(ids[order], query), 0, ids.size - 1)
    return order[pos], ids[order][pos] == query


def _unique_ids(ids: np.ndarray, what: str) -> None:
    if np.unique(ids).size != ids.size:
        raise ValueError(f"duplicate {what} ids")


def build_network(
    experts: Sequence[ExpertNode],
    items: Sequence[ItemNode],
    affinity: Mapping[tuple[int, int], float],
    conflicts: Set[tuple[int, int]],
    fixed: Iterable[tuple[int, int]] = (),
) -> FlowNetwork:
    """Validate the input and build the arc arrays (see the module docstring).

    Affinity and conflict pairs naming unknown experts or items are ignored. Raises
    ``ValueError`` for duplicate ids, negative capacities or ``k``, non-finite affinities,
    and fixed pairs that name unknown ids, are conflicts, or on their own exceed a
    capacity, a ``k`` or the one-per-unit rule.
    """
    experts, items = list(experts), list(items)
    n_e, n_i = len(experts), len(items)
    expert_ids = np.array([e.id for e in experts], dtype=np.int64)
    item_ids = np.array([t.id for t in items], dtype=np.int64)
    _unique_ids(expert_ids, "expert")
    _unique_ids(item_ids, "item")
    cap = np.array([e.capacity for e in experts], dtype=np.int64)
    k = np.array([t.k for t in items], dtype=np.int64)
    if (cap < 0).any() or (k < 0).any():
        raise ValueError("capacities and k must be >= 0")

    codes: dict[int, int] = {}
    unit_of = np.empty(n_e, dtype=np.int64)
    for j, e in enumerate(experts):  # a unit-less expert is a unit of their own
        key = ("solo", j) if e.unit_id is None else e.unit_id
        unit_of[j] = codes.setdefault(key, len(codes))

    allowed = np.ones((n_e, n_i), dtype=bool)
    c = _pairs_array(conflicts, len(conflicts))
    ce, ce_ok = _lookup(expert_ids, c[:, 0])
    ci, ci_ok = _lookup(item_ids, c[:, 1])
    ok = ce_ok & ci_ok
    allowed[ce[ok], ci[ok]] = False

    aff = np.zeros((n_e, n_i), dtype=np.float64)
    if affinity:
        a = _pairs_array(affinity.keys(), len(affinity))
        values = np.fromiter(affinity.values(), dtype=np.float64, count=len(affinity))
        if not np.isfinite(values).all():
            raise ValueError("affinities must be finite")
        ae, ae_ok = _lookup(expert_ids, a[:, 0])
        ai, ai_ok = _lookup(item_ids, a[:, 1])
        ok = ae_ok & ai_ok
        aff[ae[ok], ai[ok]] = values[ok]

    f = _pairs_array(sorted(set(fixed)))
    fe, fe_ok = _lookup(expert_ids, f[:, 0])
    fi, fi_ok = _lookup(item_ids, f[:, 1])
    if not (fe_ok & fi_ok).all():
        raise ValueError(f"fixed pairs with unknown ids: {f[~(fe_ok & fi_ok)].tolist()}")
    bad = ~allowed[fe, fi]
    if bad.any():
        raise ValueError(f"fixed pairs in conflict: {f[bad].tolist()}")
    rem_cap = cap - np.bincount(fe, minlength=n_e)
    rem_k = k - np.bincount(fi, minlength=n_i)
    fixed_units = unit_of[fe] * n_i + fi
    if (rem_cap < 0).any() or (rem_k < 0).any() or np.unique(fixed_units).size != f.shape[0]:
        raise ValueError("fixed pairs exceed a capacity, a k or the one-per-unit rule")

    candidate = allowed & (rem_cap > 0)[:, None] & (rem_k > 0)[None, :]
    candidate[fe, fi] = False
    pe, pi = np.nonzero(candidate)
    ukey = unit_of[pe] * n_i + pi
    if fixed_units.size:  # a unit already on an item through a fixed pair is closed there
        keep = ~np.isin(ukey, fixed_units)
        pe, pi, ukey = pe[keep], pi[keep], ukey[keep]
    ui_keys, ui_of_pair = np.unique(ukey, return_inverse=True)

    expert_node = 2 + np.arange(n_e, dtype=np.int64)
    item_node = 2 + n_e + np.arange(n_i, dtype=np.int64)
    ui_node = 2 + n_e + n_i + np.arange(ui_keys.size, dtype=np.int64)
    n_pairs, n_ui = pe.size, ui_keys.size
    # Arcs, in this order: expert → (unit, item) [the candidate pairs], (unit, item) → item,
    # source → expert, item → sink.
    ui_item_node = item_node[ui_keys % max(n_i, 1)]
    source, sink = np.full(n_e, _SOURCE), np.full(n_i, _SINK)
    tails = np.concatenate([expert_node[pe], ui_node, source, item_node]).astype(np.int32)
    heads = np.concatenate([ui_node[ui_of_pair], ui_item_node, expert_node, sink]).astype(np.int32)
    capacities = np.concatenate([np.ones(n_pairs + n_ui, dtype=np.int64), rem_cap, rem_k])
    costs = np.zeros(tails.size, dtype=np.int64)
    costs[:n_pairs] = -np.rint(aff[pe, pi] * COST_SCALE).astype(np.int64)
    return FlowNetwork(
        expert_ids=expert_ids,
        item_ids=item_ids,
        k=k,
        unit_of=unit_of,
        allowed=allowed,
        affinity=aff,
        fixed_e=fe,
        fixed_i=fi,
        pair_e=pe,
        pair_i=pi,
        tails=tails,
        heads=heads,
        capacities=capacities,
        costs=costs,
        supply=int(rem_k.sum()),
    )


def _reason(required: int, assigned: int, experts: int, units: int) -> str:
    """Why an item is short, in Chinese: too few unconflicted units, or capacity used up."""
    available = f"可回避后可用专家 {experts} 人"
    if units >= required:
        return f"可用专家的评审量已满（{available}，来自 {units} 个单位；已分配 {assigned} 人）"
    if experts < required:
        return (
            f"可回避后可用专家仅 {experts} 人（来自 {units} 个单位），少于每项所需的 {required} 人"
        )
    return f"{available}仅来自 {units} 个单位（同一单位至多 1 人），少于每项所需的 {required} 人"


def solve_network(net: FlowNetwork) -> AssignmentResult:
    """Solve the network (maximum flow, then minimum cost) and read the assignment back."""
    chosen_e, chosen_i = net.fixed_e, net.fixed_i
    if net.pair_e.size and net.supply > 0:
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.capacities, net.costs)
        flow.set_nodes_supplies(
            np.array([_SOURCE, _SINK], dtype=np.int32),
            np.array([net.supply, -net.supply], dtype=np.int64),
        )
        status = flow.solve_max_flow_with_min_cost()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed: {status}")
        used = flow.flows(np.arange(net.pair_e.size, dtype=np.int32)) > 0
        chosen_e = np.concatenate([chosen_e, net.pair_e[used]])
        chosen_i = np.concatenate([chosen_i, net.pair_i[used]])

    order = np.lexsort((net.item_ids[chosen_i], net.expert_ids[chosen_e]))
    chosen_e, chosen_i = chosen_e[order], chosen_i[order]
    pairs = tuple(
        zip(net.expert_ids[chosen_e].tolist(), net.item_ids[chosen_i].tolist(), strict=True)
    )
    total = float(math.fsum(net.affinity[chosen_e, chosen_i].tolist()))

    assigned = np.bincount(chosen_i, minlength=net.item_ids.size)
    shortfalls = []
    for i in np.flatnonzero(assigned < net.k).tolist():
        eligible = net.allowed[:, i]
        n_experts = int(eligible.sum())
        n_units = int(np.unique(net.unit_of[eligible]).size)
        required, got = int(net.k[i]), int(assigned[i])
        shortfalls.append(
            Shortfall(
                item_id=int(net.item_ids[i]),
                required=required,
                assigned=got,
                eligible_experts=n_experts,
                eligible_units=n_units,
                reason=_reason(required, got, n_experts, n_units),
            )
        )
    return AssignmentResult(
        pairs=pairs,
        total_affinity=total,
        feasible=not shortfalls,
        shortfalls=tuple(shortfalls),
    )


def assign(
    experts: Sequence[ExpertNode],
    items: Sequence[ItemNode],
    affinity: Mapping[tuple[int, int], float],
    conflicts: Set[tuple[int, int]],
    fixed: Iterable[tuple[int, int]] = (),
) -> AssignmentResult:
    """Assign experts to items: the most pairs, then the largest total affinity.

    Constraints: an item gets at most ``k`` experts; an expert at most ``capacity`` items;
    pairs in ``conflicts`` are never used; at most one expert per unit on an item (experts
    with ``unit_id=None`` are each their own unit); ``fixed`` pairs are always kept and
    count toward all of these. A fixed pair that is a conflict raises ``ValueError`` (the
    caller rechecks conflicts before calling). Items left with fewer than ``k`` experts are
    listed in ``shortfalls`` and ``feasible`` is False. See the module docstring for the
    min-cost flow formulation.
    """
    return solve_network(build_network(experts, items, affinity, conflicts, fixed))
