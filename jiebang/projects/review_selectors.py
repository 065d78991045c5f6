"""Reads about a project's expert acceptance review (验收评审) for the project page."""

from django.contrib.contenttypes.models import ContentType

from jiebang.projects.models import Project
from jiebang.review.enums import AssignmentState, Recommendation, RoundKind, RoundState
from jiebang.review.models import ReviewItem
from jiebang.review.selectors import ranking


def acceptance_review_summary(project: Project) -> dict | None:
    """The panel's result in the project's latest acceptance round, or None without one.

    The numbers are the round's own aggregation (review.aggregation, as on the ranking
    page): `final_score` is the published result (the normalised mean when the round
    normalises, else the mean after dropping one highest and one lowest score at
    `drop_extremes_from` scores or more), `n_scores` the submitted scores, `spread` and
    `needs_consensus` the spread flag. No expert is named. While the round is in draft
    (no scores yet) the numbers are None / 0.
    """
    item = (
        ReviewItem.objects.filter(
            target_type=ContentType.objects.get_for_model(Project),
            target_id=project.pk,
            round__kind=RoundKind.ACCEPTANCE,
        )
        .select_related("round")
        .order_by("-round__created_at", "-round_id")
        .first()
    )
    if item is None:
        return None
    review_round = item.round
    result = None
    if review_round.state != RoundState.DRAFT:
        result = next((r for r in ranking(review_round) if r.item_id == item.pk), None)
    assignments = list(
        item.assignments.exclude(state=AssignmentState.RECUSED).select_related("score")
    )
    counts = dict.fromkeys(Recommendation.values, 0)
    for a in assignments:
        if a.state == AssignmentState.SUBMITTED:
            counts[a.score.recommendation] = counts.get(a.score.recommendation, 0) + 1
    mean = result.mean if result else None
    normalised = result.normalised_mean if result else None
    return {
        "round": review_round,
        "item": item,
        "code": item.code,
        "state": review_round.state,
        "state_display": review_round.get_state_display(),
        "blind": review_round.blind,
        "deadline": review_round.deadline,
        "n_experts": len(assignments),
        "n_scores": result.n if result else 0,
        "mean": mean,
        "normalised_mean": normalised,
        "final_score": normalised if review_round.normalise else mean,
        "dropped": result.dropped if result else (),
        "spread": result.spread if result else None,
        "spread_threshold": review_round.spread_threshold,
        "needs_consensus": bool(result and result.needs_consensus),
        "consensus_note": item.consensus_note,
        "recommendations": counts,
        "recommendation_rows": [(choice.label, counts[choice.value]) for choice in Recommendation],
        "decision": item.decision,
        "decision_display": item.get_decision_display(),
        "decision_reason": item.decision_reason,
        "url": f"/review/rounds/{review_round.pk}/",
    }
