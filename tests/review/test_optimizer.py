"""The exact expert-assignment optimiser (jiebang.review.optimizer): pure, no database."""

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiebang.review.optimizer import (
    AssignmentResult,
    ExpertNode,
    ItemNode,
    Shortfall,
    assign,
)

pytestmark = pytest.mark.unit

# 2 items × 4 experts: experts 1 and 2 share unit 10, expert 3 is in unit 20, expert 4 has none.
EXPERTS = [
    ExpertNode(1, 10, 2),
    ExpertNode(2, 10, 2),
    ExpertNode(3, 20, 2),
    ExpertNode(4, None, 1),
]
ITEMS = [ItemNode(100, 2), ItemNode(200, 2)]
AFFINITY = {
    (1, 100): 0.9,
    (2, 100): 0.8,
    (3, 100): 0.5,
    (4, 100): 0.7,
    (1, 200): 0.3,
    (2, 200): 0.6,
    (3, 200): 0.9,
    (4, 200): 0.2,
}


def check_valid(result: AssignmentResult, experts, items, conflicts, fixed=()):
    """Every constraint of the problem holds for the result."""
    unit = {e.id: (e.unit_id if e.unit_id is not None else ("solo", e.id)) for e in experts}
    cap = {e.id: e.capacity for e in experts}
    k = {t.id: t.k for t in items}
    pairs = result.pairs
    assert list(pairs) == sorted(set(pairs))
    assert all(e in cap and i in k for e, i in pairs)
    assert not set(pairs) & set(conflicts)
    assert set(fixed) <= set(pairs)
    per_expert = Counter(e for e, _ in pairs)
    per_item = Counter(i for _, i in pairs)
    assert all(per_expert[e] <= cap[e] for e in cap)
    assert all(per_item[i] <= k[i] for i in k)
    assert len({(unit[e], i) for e, i in pairs}) == len(pairs)
    short = {s.item_id: s for s in result.shortfalls}
    assert set(short) == {i for i in k if per_item[i] < k[i]}
    assert result.feasible == (not short)
    for s in short.values():
        assert (s.required, s.assigned) == (k[s.item_id], per_item[s.item_id])


# --- hand examples -----------------------------------------------------------------------


def test_hand_example_best_assignment():
    result = assign(EXPERTS, ITEMS, AFFINITY, set())
    # 100 ← {1 (0.9), 4 (0.7)}; 200 ← {3 (0.9), 2 (0.6)}: 3.1. Experts 1 and 2 may not share
    # item 100 (same unit), and expert 4 has room for only one item.
    assert result.pairs == ((1, 100), (2, 200), (3, 200), (4, 100))
    assert result.total_affinity == pytest.approx(3.1)
    assert result.feasible and result.shortfalls == ()
    check_valid(result, EXPERTS, ITEMS, set())


def test_hand_example_with_conflicts():
    conflicts = {(1, 100), (3, 200)}
    result = assign(EXPERTS, ITEMS, AFFINITY, conflicts)
    # Item 200 can only have unit 10 and expert 4 (expert 3 conflicts), so four pairs need
    # expert 4 on item 200, and item 100 (expert 1 conflicts) ← {2, 3}. Expert 2 (capacity 2)
    # then beats expert 1 on item 200: 0.8 + 0.5 + 0.6 + 0.2 = 2.1 (vs 1.8). The greedy
    # 100 ← {2, 4} = 1.5 would leave item 200 one short: fewer pairs lose.
    assert result.pairs == ((2, 100), (2, 200), (3, 100), (4, 200))
    assert result.total_affinity == pytest.approx(2.1)
    assert result.feasible
    check_valid(result, EXPERTS, ITEMS, conflicts)


def test_max_count_before_affinity():
    experts = [ExpertNode(1, None, 1), ExpertNode(2, None, 1)]
    items = [ItemNode(100, 1), ItemNode(200, 1)]
    affinity = {(1, 100): 1.0, (1, 200): 0.1}  # expert 2 has no affinity at all
    result = assign(experts, items, affinity, {(2, 200)})
    # Expert 1 on item 100 would score 1.0 but leave item 200 empty: more pairs win.
    assert result.pairs == ((1, 200), (2, 100))
    assert result.total_affinity == pytest.approx(0.1)
    assert result.feasible


def test_missing_affinity_counts_zero_and_experts_still_used():
    result = assign(EXPERTS, ITEMS, {}, set())
    assert len(result.pairs) == 4 and result.total_affinity == 0.0 and result.feasible


# --- hard constraints ----------------------------------------------------------------------


def test_conflicts_never_assigned_even_with_top_affinity():
    conflicts = {(1, 100), (3, 200), (4, 100)}
    affinity = dict.fromkeys(conflicts, 5.0) | {(2, 200): 0.1}
    result = assign(EXPERTS, ITEMS, affinity, conflicts)
    assert not set(result.pairs) & conflicts
    check_valid(result, EXPERTS, ITEMS, conflicts)


def test_one_expert_per_unit_on_an_item():
    experts = [ExpertNode(e, 7, 5) for e in range(1, 5)] + [ExpertNode(5, None, 5)]
    items = [ItemNode(100, 3)]
    result = assign(experts, items, {(e, 100): 1.0 for e in range(1, 6)}, set())
    assert len(result.pairs) == 2  # one from unit 7, plus the unit-less expert 5
    assert (5, 100) in result.pairs
    assert result.shortfalls == (
        Shortfall(
            item_id=100,
            required=3,
            assigned=2,
            eligible_experts=5,
            eligible_units=2,
            reason="可回避后可用专家 5 人仅来自 2 个单位（同一单位至多 1 人），少于每项所需的 3 人",
        ),
    )


def test_unitless_experts_are_each_their_own_unit():
    experts = [ExpertNode(e, None, 1) for e in range(1, 4)]
    result = assign(experts, [ItemNode(100, 3)], {}, set())
    assert result.pairs == ((1, 100), (2, 100), (3, 100)) and result.feasible


def test_capacities_respected():
    experts = [ExpertNode(1, 1, 1), ExpertNode(2, 2, 2), ExpertNode(3, 3, 0)]
    items = [ItemNode(i, 1) for i in (100, 200, 300, 400)]
    affinity = {(e, i): i / 1000 for e in (1, 2, 3) for i in (100, 200, 300, 400)}
    result = assign(experts, items, affinity, set())
    assert Counter(e for e, _ in result.pairs) == {1: 1, 2: 2}
    assert not result.feasible
    assert [s.item_id for s in result.shortfalls] == [100]  # the least affine item is left
    check_valid(result, experts, items, set())


def test_fixed_pairs_kept_and_counted():
    fixed = [(2, 100), (4, 200)]  # low affinity, but the bureau chose them
    result = assign(EXPERTS, ITEMS, AFFINITY, set(), fixed)
    assert set(fixed) <= set(result.pairs)
    # 100 has unit 10 through expert 2, so expert 1 may not join; expert 4 is full; expert 3
    # (0.5 and 0.9) completes both items, beating expert 1 or 2 (0.3 / 0.6) on item 200.
    assert result.pairs == ((2, 100), (3, 100), (3, 200), (4, 200))
    assert result.total_affinity == pytest.approx(0.8 + 0.5 + 0.9 + 0.2)
    check_valid(result, EXPERTS, ITEMS, set(), fixed)


def test_fixed_pair_in_conflict_raises():
    with pytest.raises(ValueError, match="conflict"):
        assign(EXPERTS, ITEMS, AFFINITY, {(1, 100)}, [(1, 100)])


@pytest.mark.parametrize(
    "fixed",
    [
        [(4, 100), (4, 200)],  # expert 4 has capacity 1
        [(1, 100), (2, 100)],  # same unit on one item
        [(9, 100)],  # unknown expert
    ],
)
def test_fixed_pairs_breaking_a_rule_raise(fixed):
    with pytest.raises(ValueError):
        assign(EXPERTS, ITEMS, AFFINITY, set(), fixed)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="duplicate"):
        assign([ExpertNode(1, None, 1)] * 2, ITEMS, {}, set())
    with pytest.raises(ValueError):
        assign(EXPERTS, [ItemNode(100, -1)], {}, set())
    with pytest.raises(ValueError, match="finite"):
        assign(EXPERTS, ITEMS, {(1, 100): float("nan")}, set())


def test_empty_instances():
    assert assign([], [], {}, set()) == AssignmentResult((), 0.0, True, ())
    result = assign([], [ItemNode(1, 2)], {}, set())
    assert result.shortfalls[0].eligible_experts == 0 and not result.feasible


# --- infeasible instances ---------------------------------------------------------------------


def test_infeasible_lists_exact_items_counts_and_reasons():
    # Units: 1 (experts 1, 2), 2 (expert 3), 3/4/5 (experts 4/5/6, capacity 1 each).
    experts = [
        ExpertNode(1, 1, 3),
        ExpertNode(2, 1, 3),
        ExpertNode(3, 2, 3),
        ExpertNode(4, 3, 1),
        ExpertNode(5, 4, 1),
        ExpertNode(6, 5, 1),
    ]
    items = [ItemNode(100, 5), ItemNode(200, 5), ItemNode(300, 5)]
    # Item 100: experts 4, 5, 6 conflict → 3 experts from 2 units are left.
    conflicts = {(4, 100), (5, 100), (6, 100)}
    # Experts 4, 5, 6 prefer item 200, so item 300 is the one left short of capacity.
    affinity = {(4, 200): 1.0, (5, 200): 1.0, (6, 200): 1.0}
    result = assign(experts, items, affinity, conflicts)
    check_valid(result, experts, items, conflicts)
    assert not result.feasible
    assert len(result.pairs) == 2 + 5 + 2  # units 1 and 2 everywhere; 4, 5, 6 once
    assert result.total_affinity == pytest.approx(3.0)
    assert result.shortfalls == (
        Shortfall(
            item_id=100,
            required=5,
            assigned=2,
            eligible_experts=3,
            eligible_units=2,
            reason="可回避后可用专家仅 3 人（来自 2 个单位），少于每项所需的 5 人",
        ),
        Shortfall(
            item_id=300,
            required=5,
            assigned=2,
            eligible_experts=6,
            eligible_units=5,
            reason="可用专家的评审量已满（可回避后可用专家 6 人，来自 5 个单位；已分配 2 人）",
        ),
    )


def test_capacity_shortfall_reason_text():
    experts = [ExpertNode(e, e, 1) for e in range(1, 4)]
    items = [ItemNode(100, 3), ItemNode(200, 3)]
    result = assign(experts, items, {(e, 100): 1.0 for e in range(1, 4)}, set())
    assert result.pairs == ((1, 100), (2, 100), (3, 100))
    assert result.shortfalls == (
        Shortfall(
            item_id=200,
            required=3,
            assigned=0,
            eligible_experts=3,
            eligible_units=3,
            reason="可用专家的评审量已满（可回避后可用专家 3 人，来自 3 个单位；已分配 0 人）",
        ),
    )


# --- property: equals brute force ------------------------------------------------------------


def brute_force(experts, items, affinity, conflicts, fixed):
    """Best (count, affinity) over every valid assignment containing ``fixed``."""
    unit = {e.id: (e.unit_id if e.unit_id is not None else ("solo", e.id)) for e in experts}
    fixed = set(fixed)
    choices = []
    for item in items:
        must = {e for e, i in fixed if i == item.id}
        free = [e.id for e in experts if (e.id, item.id) not in conflicts and e.id not in must]
        options = []
        for size in range(item.k - len(must) + 1):
            for extra in itertools.combinations(free, size):
                chosen = must | set(extra)
                if len({unit[e] for e in chosen}) == len(chosen):
                    options.append([(e, item.id) for e in chosen])
        choices.append(options)
    best = (-1, 0.0)
    cap = {e.id: e.capacity for e in experts}
    for combo in itertools.product(*choices):
        pairs = [p for option in combo for p in option]
        load = Counter(e for e, _ in pairs)
        if any(load[e] > cap[e] for e in load):
            continue
        score = (len(pairs), sum(affinity.get(p, 0.0) for p in pairs))
        if score[0] > best[0] or (score[0] == best[0] and score[1] > best[1] + 1e-9):
            best = score
    return best


@st.composite
def instances(draw):
    n_e = draw(st.integers(1, 5))
    n_i = draw(st.integers(1, 3))
    experts = [
        ExpertNode(e, draw(st.sampled_from([None, 1, 2, 3])), draw(st.integers(0, 3)))
        for e in range(1, n_e + 1)
    ]
    items = [ItemNode(100 + i, draw(st.integers(0, 2))) for i in range(n_i)]
    all_pairs = [(e.id, t.id) for e in experts for t in items]
    affinity = {}
    for pair in all_pairs:
        step = draw(st.one_of(st.none(), st.integers(0, 24)))
        if step is not None:
            affinity[pair] = step * 0.05
    conflicts = {p for p in all_pairs if draw(st.integers(0, 99)) < 25}
    # Fixed pairs: a random valid subset (greedy: drop those that would break a rule).
    unit = {e.id: (e.unit_id if e.unit_id is not None else ("solo", e.id)) for e in experts}
    cap, k = {e.id: e.capacity for e in experts}, {t.id: t.k for t in items}
    fixed, load, need, seen = [], Counter(), Counter(), set()
    for e, i in all_pairs:
        if (e, i) in conflicts or draw(st.integers(0, 99)) >= 15:
            continue
        if load[e] < cap[e] and need[i] < k[i] and (unit[e], i) not in seen:
            fixed.append((e, i))
            load[e], need[i] = load[e] + 1, need[i] + 1
            seen.add((unit[e], i))
    return experts, items, affinity, conflicts, fixed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_equals_brute_force(instance):
    experts, items, affinity, conflicts, fixed = instance
    result = assign(experts, items, affinity, conflicts, fixed)
    check_valid(result, experts, items, conflicts, fixed)
    expected_affinity = sum(affinity.get(p, 0.0) for p in result.pairs)
    assert result.total_affinity == pytest.approx(expected_affinity, abs=1e-9)
    count, best = brute_force(experts, items, affinity, conflicts, fixed)
    assert len(result.pairs) == count
    assert abs(result.total_affinity - best) <= 1e-6


def test_medium_instance_is_valid_and_deterministic():
    experts = [ExpertNode(e, e % 13, 1 + e % 4) for e in range(80)]
    items = [ItemNode(1000 + i, 5) for i in range(40)]
    affinity = {(e.id, t.id): ((e.id * 7 + t.id * 3) % 20) / 20 for e in experts for t in items}
    conflicts = {(e.id, t.id) for e in experts for t in items if (e.id + t.id) % 9 == 0}
    first = assign(experts, items, affinity, conflicts)
    check_valid(first, experts, items, conflicts)
    assert first.feasible and len(first.pairs) == 200
    assert assign(experts, items, affinity, conflicts) == first
