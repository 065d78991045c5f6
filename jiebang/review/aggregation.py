"""Expert review scores: one expert's weighted total, and the panel's result per item.

Pure: no ORM (selectors hand in plain mappings). Rules from domain.md §7 (专家评榜):

- `weighted_total`: an expert's score sheet -> a total on the 0-100 scale,
  sum(score / max_score × weight) / sum(weights) × 100.
- `aggregate`: per item, with n scores, when n ≥ `drop_extremes_from` (default 5) ONE
  highest and ONE lowest score are dropped (去掉一个最高分和一个最低分), the mean of the
  rest is the item's result; spread = max − min over ALL its scores; spread strictly
  greater than `spread_threshold` (default 20 points) flags the item for a consensus
  discussion (needs_consensus).

Arithmetic is exact: Decimals are turned into Fractions, and each published number is
rounded ONCE to 0.01 with ROUND_HALF_UP (85.005 -> 85.01; negative values, which only a
normalised mean can take, round half away from zero like Decimal's ROUND_HALF_UP). No
intermediate rounding, so 13/15 × 15 is exactly 13.

Normalisation (optional, `normalise=True`) corrects for lenient and harsh experts:

1. For each expert e, over all the items e scored: mean_e and the POPULATION standard
   deviation std_e; z = (s − mean_e) / std_e. An expert with a single score, or whose
   scores are all equal (std_e = 0), gets z = 0 for every score (says nothing about the
   ranking, only about the level).
2. Per item, the same drop rule is applied to the item's z-scores (one highest and one
   lowest z dropped when n ≥ drop_extremes_from) and the rest are averaged: z_item.
3. Mapped back to the 0-100 scale with the global mean G and population standard
   deviation S of ALL scores of all items (every expert × item score counted once):
   normalised_mean = G + z_item × S (= G when S = 0). It can fall outside 0..100 in
   extreme cases; it is for ranking and display next to the raw mean, not a score.

std is a square root: it is computed in Decimal with 40 significant digits (then the
result is rounded to 0.01), which is exact for every practical purpose.

Ranking: by normalised_mean when `normalise` else by mean, descending, on the rounded
values (what is published); equal values share a rank and the next rank skips
(competition ranking 1, 1, 3). Items without scores have rank None. The result list is
ordered by rank, then item id; unranked items last (by item id).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from fractions import Fraction

CENT = Decimal("0.01")
_SQRT_DIGITS = 40


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: Decimal
    max_score: Decimal


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    n: int
    scores: tuple[Decimal, ...]  # all scores, ascending
    used: tuple[Decimal, ...]  # the scores averaged, ascending
    dropped: tuple[Decimal, ...]  # () or (lowest, highest)
    mean: Decimal | None  # of `used`, 0.01 ROUND_HALF_UP; None without scores
    normalised_mean: Decimal | None  # only when aggregate(normalise=True)
    spread: Decimal | None  # max − min over all scores
    needs_consensus: bool  # spread > spread_threshold
    rank: int | None


def _decimal(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what}不是有效数字：{value}")
    return value


def round_half_up(value: Fraction) -> Decimal:
    """`value` rounded once to 0.01, half away from zero (Decimal's ROUND_HALF_UP)."""
    cents = abs(value) * 100
    rounded = math.floor(cents + Fraction(1, 2))
    if value < 0:
        rounded = -rounded
    return (Decimal(rounded) / 100).quantize(CENT)


def weighted_total(scores: Mapping[str, Decimal], criteria: Sequence[Criterion]) -> Decimal:
    """One expert's total on the 0-100 scale; see the module doc.

    Raises ValueError (Chinese message, shown to the expert) when a criterion has no
    score, a score is outside 0..max_score, or a score is given for an unknown criterion;
    and for a malformed criteria list (none, duplicate names, weight < 0, all weights 0,
    max_score ≤ 0).
    """
    if not criteria:
        raise ValueError("评分标准为空")
    names = [c.name for c in criteria]
    if len(set(names)) != len(names):
        raise ValueError("评分标准中有重复的评分项")
    unknown = sorted(set(scores) - set(names))
    if unknown:
        raise ValueError(f"未知的评分项：{'、'.join(unknown)}")
    weighted = Fraction(0)
    weight_sum = Fraction(0)
    for criterion in criteria:
        weight = _decimal(criterion.weight, f"评分项“{criterion.name}”的权重")
        maximum = _decimal(criterion.max_score, f"评分项“{criterion.name}”的满分")
        if weight < 0:
            raise ValueError(f"评分项“{criterion.name}”的权重不能为负数")
        if maximum <= 0:
            raise ValueError(f"评分项“{criterion.name}”的满分必须大于 0")
        if criterion.name not in scores or scores[criterion.name] is None:
            raise ValueError(f"缺少评分项“{criterion.name}”的分数")
        score = _decimal(scores[criterion.name], f"评分项“{criterion.name}”的分数")
        if not 0 <= score <= maximum:
            raise ValueError(f"评分项“{criterion.name}”的分数 {score} 超出范围 0～{maximum}")
        weighted += Fraction(score) / Fraction(maximum) * Fraction(weight)
        weight_sum += Fraction(weight)
    if weight_sum == 0:
        raise ValueError("评分项的权重之和必须大于 0")
    return round_half_up(weighted / weight_sum * 100)


def _drop_extremes(values: list, drop_from: int) -> tuple[list, list]:
    """(used, dropped) of ascending `values`: drops one lowest and one highest when n ≥ drop_from."""
    if len(values) >= drop_from:
        return values[1:-1], [values[0], values[-1]]
    return values, []


def _mean(values: Sequence) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def _sqrt(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = _SQRT_DIGITS
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


def _population_std(values: Sequence[Decimal]) -> tuple[Fraction, Decimal]:
    """(mean, population std) of `values` (at least one)."""
    mean = _mean(values)
    variance = sum(((Fraction(v) - mean) ** 2 for v in values), Fraction(0)) / len(values)
    return mean, _sqrt(variance)


def _z_scores(totals: Mapping[int, Mapping[int, Decimal]]) -> dict[tuple[int, int], Decimal]:
    """z[(item_id, expert_id)] of every score, per expert (see the module doc)."""
    by_expert: dict[int, list[tuple[int, Decimal]]] = {}
    for item_id, sheet in totals.items():
        for expert_id, score in sheet.items():
            by_expert.setdefault(expert_id, []).append((item_id, score))
    z: dict[tuple[int, int], Decimal] = {}
    for expert_id, pairs in by_expert.items():
        mean, std = _population_std([score for _, score in pairs])
        for item_id, score in pairs:
            if len(pairs) < 2 or std == 0:
                z[(item_id, expert_id)] = Decimal(0)
            else:
                with localcontext() as context:
                    context.prec = _SQRT_DIGITS
                    deviation = Fraction(score) - mean
                    z[(item_id, expert_id)] = (
                        Decimal(deviation.numerator) / Decimal(deviation.denominator) / std
                    )
    return z


def aggregate(
    totals: Mapping[int, Mapping[int, Decimal]],
    *,
    drop_extremes_from: int = 5,
    spread_threshold: Decimal = Decimal("20"),
    normalise: bool = False,
) -> list[ItemResult]:
    """The panel's result per item. `totals`: item_id -> {expert_id: total (0-100)}.

    See the module doc for the rules, the normalisation and the ranking. Every item in
    `totals` gets a result, also one with an empty mapping (n = 0, rank None).
    `drop_extremes_from` must be at least 3 (something must be left to average).
    """
    if drop_extremes_from < 3:
        raise ValueError("drop_extremes_from must be at least 3")
    threshold = _decimal(spread_threshold, "spread_threshold")
    checked: dict[int, dict[int, Decimal]] = {
        item_id: {
            expert_id: _decimal(score, f"专家 {expert_id} 对评审对象 {item_id} 的总分")
            for expert_id, score in sheet.items()
        }
        for item_id, sheet in totals.items()
    }

    z_scores: dict[tuple[int, int], Decimal] = {}
    global_mean = Fraction(0)
    global_std = Decimal(0)
    if normalise:
        z_scores = _z_scores(checked)
        everything = [score for sheet in checked.values() for score in sheet.values()]
        if everything:
            global_mean, global_std = _population_std(everything)

    unranked: list[ItemResult] = []
    for item_id, sheet in checked.items():
        scores = sorted(sheet.values())
        if not scores:
            unranked.append(ItemResult(item_id, 0, (), (), (), None, None, None, False, None))
            continue
        used, dropped = _drop_extremes(scores, drop_extremes_from)
        spread = scores[-1] - scores[0]
        normalised_mean = None
        if normalise:
            z_used, _ = _drop_extremes(
                sorted(z_scores[(item_id, e)] for e in sheet), drop_extremes_from
            )
            z_item = _mean(z_used)
            normalised_mean = round_half_up(global_mean + z_item * Fraction(global_std))
        unranked.append(
            ItemResult(
                item_id=item_id,
                n=len(scores),
                scores=tuple(scores),
                used=tuple(used),
                dropped=tuple(dropped),
                mean=round_half_up(_mean(used)),
                normalised_mean=normalised_mean,
                spread=spread,
                needs_consensus=spread > threshold,
                rank=None,
            )
        )
    return _rank(unranked, normalise)


def _rank(results: list[ItemResult], normalise: bool) -> list[ItemResult]:
    def key(result: ItemResult) -> Decimal | None:
        return result.normalised_mean if normalise else result.mean

    scored = sorted((r for r in results if key(r) is not None), key=lambda r: (-key(r), r.item_id))
    unscored = sorted((r for r in results if key(r) is None), key=lambda r: r.item_id)
    ranked: list[ItemResult] = []
    for position, result in enumerate(scored):
        if position and key(result) == key(scored[position - 1]):
            rank = ranked[-1].rank
        else:
            rank = position + 1
        ranked.append(replace(result, rank=rank))
    return ranked + unscored
