"""Expert review aggregation (domain.md §7): hand-computed numbers, boundaries, properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiebang.review.aggregation import (
    Criterion,
    ItemResult,
    aggregate,
    round_half_up,
    weighted_total,
)

pytestmark = pytest.mark.unit

D = Decimal

# The 2024 defaults (domain.md §7): each criterion scored in points out of its weight.
DEFAULT_WEIGHTS = (
    ("研究基础", 15),
    ("目标", 15),
    ("技术路线", 20),
    ("团队", 15),
    ("进度安排", 10),
    ("预期成果", 15),
    ("经费预算", 10),
)
CRITERIA_2024 = [Criterion(name, D(w), D(w)) for name, w in DEFAULT_WEIGHTS]


def only(results: list[ItemResult], item_id: int) -> ItemResult:
    return next(r for r in results if r.item_id == item_id)


def panel(*scores) -> dict[int, dict[int, Decimal]]:
    """One item (id 1) scored by experts 1..n."""
    return {1: {expert: D(str(s)) for expert, s in enumerate(scores, start=1)}}


# --- weighted_total -------------------------------------------------------------------


def test_weighted_total_2024_defaults_points_out_of_weight():
    # max_score = weight and the weights sum to 100: the total is the plain sum of points.
    # 13 + 12 + 17 + 14 + 8 + 12 + 9 = 85 (13/15 × 15 is exactly 13: no float drift).
    points = (13, 12, 17, 14, 8, 12, 9)
    scores = {name: D(p) for (name, _), p in zip(DEFAULT_WEIGHTS, points, strict=True)}
    assert weighted_total(scores, CRITERIA_2024) == D("85.00")


def test_weighted_total_2024_weights_each_criterion_scored_out_of_100():
    criteria = [Criterion(name, D(w), D(100)) for name, w in DEFAULT_WEIGHTS]
    values = (80, 90, 85, 70, 100, 60, 75)
    scores = {name: D(v) for (name, _), v in zip(DEFAULT_WEIGHTS, values, strict=True)}
    # (80×15 + 90×15 + 85×20 + 70×15 + 100×10 + 60×15 + 75×10) / 100
    # = (1200 + 1350 + 1700 + 1050 + 1000 + 900 + 750) / 100 = 7950 / 100 = 79.50
    assert weighted_total(scores, criteria) == D("79.50")


def test_weighted_total_weights_not_summing_to_100():
    criteria = [Criterion("甲", D(1), D(10)), Criterion("乙", D(2), D(10))]
    # (7/10 × 1 + 8/10 × 2) / 3 × 100 = 2.3 / 3 × 100 = 76.666… -> 76.67
    assert weighted_total({"甲": D(7), "乙": D(8)}, criteria) == D("76.67")


def test_weighted_total_rounds_half_up_at_005():
    criteria = [Criterion(name, D(w), D(10)) for name, w in DEFAULT_WEIGHTS]
    scores = {name: D(8) for name, _ in DEFAULT_WEIGHTS}
    scores["研究基础"] = D("8.03")
    # (8.03×15 + 8×85) / 10 = (120.45 + 680) / 10 = 80.045 -> 80.05 (half-even would give 80.04)
    assert weighted_total(scores, criteria) == D("80.05")


def test_weighted_total_bounds_zero_and_max_are_accepted():
    zeros = {name: D(0) for name, _ in DEFAULT_WEIGHTS}
    full = {name: D(w) for name, w in DEFAULT_WEIGHTS}
    assert weighted_total(zeros, CRITERIA_2024) == D("0.00")
    assert weighted_total(full, CRITERIA_2024) == D("100.00")


def test_weighted_total_missing_criterion():
    scores = {name: D(10) for name, _ in DEFAULT_WEIGHTS[1:]}
    with pytest.raises(ValueError, match="缺少评分项“研究基础”"):
        weighted_total(scores, CRITERIA_2024)


@pytest.mark.parametrize("bad", ["15.01", "-0.01", "100"])
def test_weighted_total_score_out_of_range(bad):
    scores = {name: D(5) for name, _ in DEFAULT_WEIGHTS}
    scores["研究基础"] = D(bad)
    with pytest.raises(ValueError, match="超出范围"):
        weighted_total(scores, CRITERIA_2024)


def test_weighted_total_unknown_criterion_and_bad_criteria():
    scores = {name: D(5) for name, _ in DEFAULT_WEIGHTS} | {"颜值": D(5)}
    with pytest.raises(ValueError, match="未知的评分项"):
        weighted_total(scores, CRITERIA_2024)
    with pytest.raises(ValueError, match="评分标准为空"):
        weighted_total({}, [])
    with pytest.raises(ValueError, match="权重之和"):
        weighted_total({"甲": D(1)}, [Criterion("甲", D(0), D(10))])
    with pytest.raises(TypeError):
        weighted_total({"甲": 1.5}, [Criterion("甲", D(1), D(10))])


# --- the drop rule, mean, spread ------------------------------------------------------


def test_five_scores_drop_one_highest_and_one_lowest():
    (result,) = aggregate(panel(70, 80, 85, 90, 95))
    # drop 70 and 95 -> (80 + 85 + 90) / 3 = 85.00; spread 95 - 70 = 25 > 20
    assert result.used == (D(80), D(85), D(90))
    assert result.dropped == (D(70), D(95))
    assert result.mean == D("85.00")
    assert result.spread == D(25)
    assert result.needs_consensus is True
    assert result.n == 5
    assert result.rank == 1


def test_four_scores_no_drop():
    (result,) = aggregate(panel(70, 80, 85, 90))
    # (70 + 80 + 85 + 90) / 4 = 325 / 4 = 81.25; spread exactly 20 does not flag
    assert result.dropped == ()
    assert result.used == result.scores == (D(70), D(80), D(85), D(90))
    assert result.mean == D("81.25")
    assert result.spread == D(20)
    assert result.needs_consensus is False


def test_spread_just_above_threshold_flags():
    (result,) = aggregate(panel("70.00", "90.01"))
    assert result.spread == D("20.01")
    assert result.needs_consensus is True
    assert result.mean == D("80.01")  # (70.00 + 90.01) / 2 = 80.005 -> ROUND_HALF_UP


def test_mean_rounds_half_up():
    assert aggregate(panel("85.00", "85.01"))[0].mean == D("85.01")  # 85.005
    assert aggregate(panel("0.00", "0.01"))[0].mean == D("0.01")  # 0.005
    assert aggregate(panel("80.00", "80.00", "80.01"))[0].mean == D("80.00")  # 80.00333…
    assert aggregate(panel("80", "80", "80.02"))[0].mean == D("80.01")  # 80.00666…


def test_duplicates_drop_only_one_each_side():
    (result,) = aggregate(panel(80, 80, 80, 90, 90))
    # drop one 80 and one 90 -> (80 + 80 + 90) / 3 = 83.333… -> 83.33
    assert result.used == (D(80), D(80), D(90))
    assert result.dropped == (D(80), D(90))
    assert result.mean == D("83.33")


def test_custom_threshold_and_drop_from():
    (result,) = aggregate(panel(60, 70, 95), drop_extremes_from=3, spread_threshold=D(30))
    # drop 60 and 95 -> 70.00; spread 35 > 30
    assert result.used == (D(70),)
    assert result.mean == D("70.00")
    assert result.needs_consensus is True
    with pytest.raises(ValueError):
        aggregate(panel(60, 70), drop_extremes_from=2)


def test_single_score():
    (result,) = aggregate(panel(77))
    assert (result.mean, result.spread, result.needs_consensus) == (D("77.00"), D(0), False)


# --- ranking --------------------------------------------------------------------------


def test_ranking_ties_share_a_rank_and_unscored_come_last():
    totals = {
        1: {1: D(80), 2: D(90)},  # 85.00
        2: {1: D(70)},  # 70.00
        3: {},  # no scores
        4: {1: D(85), 2: D(85)},  # 85.00
        5: {1: D(82), 2: D(82)},  # 82.00
    }
    results = aggregate(totals)
    assert [(r.item_id, r.rank) for r in results] == [(1, 1), (4, 1), (5, 3), (2, 4), (3, None)]
    empty = only(results, 3)
    assert (empty.n, empty.mean, empty.spread, empty.needs_consensus) == (0, None, None, False)


def test_ties_are_on_the_rounded_mean():
    totals = {1: {1: D("85.00"), 2: D("85.01")}, 2: {1: D("85.01")}}
    # item 1: 85.005 -> 85.01, the same published mean as item 2 -> both rank 1
    assert [r.rank for r in aggregate(totals)] == [1, 1]


# --- normalisation --------------------------------------------------------------------


def test_normalisation_hand_computed_three_experts_three_items():
    # Expert 1 (harsh):   item 1: 50, item 2: 55   mean 52.5, std 2.5 -> z -1, +1
    # Expert 2:           item 2: 65, item 3: 55   mean 60,   std 5   -> z +1, -1
    # Expert 3 (lenient): item 1: 95, item 3: 70   mean 82.5, std 12.5 -> z +1, -1
    # All six scores: 50 55 65 55 95 70, sum 390, G = 65;
    #   deviations -15 -10 0 -10 30 5, squares 225 100 0 100 900 25 = 1350; / 6 = 225; S = 15
    # Raw means:  item 1 (50+95)/2 = 72.50, item 2 (55+65)/2 = 60.00, item 3 (55+70)/2 = 62.50
    # z means:    item 1 (-1+1)/2 = 0, item 2 (1+1)/2 = 1, item 3 (-1-1)/2 = -1
    # Normalised: 65 + 0×15 = 65.00, 65 + 1×15 = 80.00, 65 - 15 = 50.00
    totals = {
        1: {1: D(50), 3: D(95)},
        2: {1: D(55), 2: D(65)},
        3: {2: D(55), 3: D(70)},
    }
    raw = aggregate(totals)
    assert [(r.item_id, r.mean, r.rank, r.normalised_mean) for r in raw] == [
        (1, D("72.50"), 1, None),
        (3, D("62.50"), 2, None),
        (2, D("60.00"), 3, None),
    ]
    normalised = aggregate(totals, normalise=True)
    assert [(r.item_id, r.normalised_mean, r.rank) for r in normalised] == [
        (2, D("80.00"), 1),
        (1, D("65.00"), 2),
        (3, D("50.00"), 3),
    ]
    assert only(normalised, 1).mean == D("72.50")  # the raw mean is still reported


def test_normalisation_single_score_or_constant_expert_gets_z_zero():
    # Expert 1: one score only (item 1: 90) -> z 0.
    # Expert 2: item 1: 70, item 2: 70 -> std 0 -> z 0, 0.
    # Expert 3: item 1: 80, item 2: 60 -> mean 70, std 10 -> z +1, -1.
    # All: 90 70 70 80 60, sum 370, G = 74; deviations 16 -4 -4 6 -14,
    #   squares 256 16 16 36 196 = 520; / 5 = 104; S = sqrt(104) = 10.19803902718557 …
    # item 1: z (0 + 0 + 1) / 3 = 1/3 -> 74 + 10.198039…/3 = 77.399346… -> 77.40
    # item 2: z (0 - 1) / 2 = -1/2 -> 74 - 5.0990195… = 68.900980… -> 68.90
    totals = {1: {1: D(90), 2: D(70), 3: D(80)}, 2: {2: D(70), 3: D(60)}}
    results = aggregate(totals, normalise=True)
    assert only(results, 1).normalised_mean == D("77.40")
    assert only(results, 2).normalised_mean == D("68.90")


def test_normalisation_applies_the_drop_rule_to_z_scores():
    # Five experts each score items 1 and 2; z is ±1 for every expert with two different
    # scores. Item 1 gets z +1 from experts 1-4 and -1 from expert 5: sorted z
    # (-1, 1, 1, 1, 1), drop -1 and one 1 -> mean of (1, 1, 1) = 1 (without the drop: 0.6).
    totals = {
        1: {1: D(80), 2: D(80), 3: D(80), 4: D(80), 5: D(60)},
        2: {1: D(60), 2: D(60), 3: D(60), 4: D(60), 5: D(80)},
    }
    # G = 70, S = 10 (every score is 70 ± 10) -> item 1: 80.00, item 2: 60.00
    results = aggregate(totals, normalise=True)
    assert only(results, 1).normalised_mean == D("80.00")
    assert only(results, 2).normalised_mean == D("60.00")


def test_normalisation_with_all_scores_equal():
    results = aggregate({1: {1: D(75), 2: D(75)}, 2: {1: D(75)}}, normalise=True)
    assert [(r.normalised_mean, r.rank) for r in results] == [(D("75.00"), 1), (D("75.00"), 1)]


# --- properties -----------------------------------------------------------------------

SCORE = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(SCORE, min_size=1, max_size=12), st.integers(min_value=3, max_value=8))
def test_property_mean_within_used_and_drop_only_from_threshold(scores, drop_from):
    (result,) = aggregate({7: dict(enumerate(scores))}, drop_extremes_from=drop_from)
    assert min(result.used) <= result.mean <= max(result.used)
    assert result.scores == tuple(sorted(scores))
    assert result.spread == max(scores) - min(scores)
    assert result.needs_consensus == (result.spread > 20)
    if len(scores) < drop_from:
        assert result.dropped == ()
        assert result.used == result.scores
    else:
        assert result.dropped == (min(scores), max(scores))
        assert len(result.used) == len(scores) - 2


@given(
    st.dictionaries(
        st.integers(min_value=1, max_value=30),
        st.dictionaries(st.integers(min_value=1, max_value=8), SCORE, max_size=6),
        max_size=10,
    )
)
def test_property_ranking_is_competition_ranking(totals):
    results = aggregate(totals)
    assert len(results) == len(totals)
    ranked = [r for r in results if r.rank is not None]
    assert all(r.n == 0 and r.rank is None for r in results[len(ranked) :])
    for r in ranked:
        assert r.rank == 1 + sum(1 for other in ranked if other.mean > r.mean)


@given(
    st.lists(SCORE, min_size=3, max_size=6, unique=True),
    st.lists(st.integers(min_value=-10, max_value=10), min_size=2, max_size=5),
)
def test_property_normalisation_removes_expert_leniency(base, offsets):
    # Every expert gives base[item] + its own offset: all experts agree on the order, so
    # the z-scores of an item are equal and the normalised order follows `base`.
    totals = {
        item: {expert: b + offset for expert, offset in enumerate(offsets)}
        for item, b in enumerate(base)
    }
    results = {r.item_id: r for r in aggregate(totals, normalise=True)}
    for i, bi in enumerate(base):
        for j, bj in enumerate(base):
            if bi > bj:
                assert results[i].normalised_mean >= results[j].normalised_mean


def test_round_half_up_negative_and_positive():
    from fractions import Fraction

    assert round_half_up(Fraction(-1, 200)) == D("-0.01")
    assert round_half_up(Fraction(1, 200)) == D("0.01")
    assert round_half_up(Fraction(1, 300)) == D("0.00")
