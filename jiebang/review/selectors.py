"""Reads for review rounds: the facts the conflict and affinity models need, the experts'
own assignments, and the ranking."""

from dataclasses import replace
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from jiebang.core import clock
from jiebang.orgs.enums import AccountState
from jiebang.review.aggregation import Criterion, aggregate
from jiebang.review.conflict_selectors import relation_groups, unit_names
from jiebang.review.conflicts import Affiliation, ExpertFacts, conflict_matrix, conflicts_for
from jiebang.review.enums import AssignmentState
from jiebang.review.models import (
    Assignment,
    DeclaredConflict,
    ExpertProfile,
    ReviewItem,
    ReviewRound,
)
from jiebang.review.targets import adapter_for


def expert_pool() -> QuerySet[ExpertProfile]:
    return (
        ExpertProfile.objects.select_related("person", "organization", "user")
        .prefetch_related("industries", "affiliations")
        .order_by("id")
    )


def available_experts() -> list[ExpertProfile]:
    """Experts who can be assigned: available, with an active expert account."""
    return [
        e
        for e in expert_pool().filter(is_available=True, user__isnull=False)
        if e.user.account_state == AccountState.ACTIVE and e.user.is_active
    ]


def expert_facts(expert: ExpertProfile) -> ExpertFacts:
    return ExpertFacts(
        expert_id=expert.pk,
        person_id=expert.person_id,
        user_id=expert.user_id,
        unit_id=expert.organization_id,
        affiliations=tuple(
            Affiliation(organization_id=a.organization_id, kind=a.kind, start=a.start, end=a.end)
            for a in expert.affiliations.all()
        ),
    )


def round_items(review_round: ReviewRound) -> list[ReviewItem]:
    return list(review_round.items.select_related("target_type").order_by("position"))


def item_targets(items: list[ReviewItem]) -> dict[int, object]:
    """The target object of each item (one query per target type, whatever the count)."""
    by_type: dict[int, list[ReviewItem]] = {}
    for item in items:
        by_type.setdefault(item.target_type_id, []).append(item)
    targets = {}
    for type_items in by_type.values():
        adapter = adapter_for(type_items[0].target_type)
        loaded = {t.pk: t for t in adapter.load([i.target_id for i in type_items])}
        for item in type_items:
            targets[item.pk] = loaded.get(item.target_id)
    return targets


def item_views(items: list[ReviewItem], targets: dict[int, object]) -> dict[int, object]:
    views = {}
    by_type: dict[int, list[ReviewItem]] = {}
    for item in items:
        by_type.setdefault(item.target_type_id, []).append(item)
    for type_items in by_type.values():
        adapter = adapter_for(type_items[0].target_type)
        target_views = adapter.views([targets[i.pk] for i in type_items if targets.get(i.pk)])
        for item in type_items:
            views[item.pk] = target_views.get(item.target_id)
    return views


def item_facts(items: list[ReviewItem], targets: dict[int, object]) -> list:
    """Conflict facts per item, keyed by the review item's id."""
    facts = []
    by_type: dict[int, list[ReviewItem]] = {}
    for item in items:
        by_type.setdefault(item.target_type_id, []).append(item)
    for type_items in by_type.values():
        content_type = type_items[0].target_type
        adapter = adapter_for(content_type)
        declared: dict[int, set[int]] = {}
        for row in DeclaredConflict.objects.filter(
            target_type=content_type, target_id__in=[i.target_id for i in type_items]
        ).values("target_id", "expert_id"):
            declared.setdefault(row["target_id"], set()).add(row["expert_id"])
        by_target = adapter.facts(
            [targets[i.pk] for i in type_items if targets.get(i.pk)],
            {k: frozenset(v) for k, v in declared.items()},
        )
        for item in type_items:
            if item.target_id in by_target:
                facts.append(replace(by_target[item.target_id], item_id=item.pk))
    return facts


def conflicts_in_round(
    review_round: ReviewRound,
    experts: list[ExpertProfile],
    items=None,
    targets=None,
    *,
    named=False,
):
    """{(expert_id, item_id): [Conflict, …]} for every conflicted pair of the round.
    With `named`, messages name the units (one more query) — for pages, not the optimiser."""
    items = items if items is not None else round_items(review_round)
    targets = targets if targets is not None else item_targets(items)
    facts = item_facts(items, targets)
    names = {}
    if named:
        unit_ids = {e.organization_id for e in experts} | {
            u for f in facts for u in f.applicant_unit_ids
        }
        names = unit_names(unit_ids)
    return conflict_matrix(
        [expert_facts(e) for e in experts],
        facts,
        groups=relation_groups(),
        today=clock.today(),
        lookback_years=review_round.call.conflict_lookback_years,
        unit_names=names,
    )


def pair_conflicts(review_round: ReviewRound, expert: ExpertProfile, item: ReviewItem) -> list:
    """The conflicts of one expert with one item, checked afresh (manual changes, scoring)."""
    targets = item_targets([item])
    facts = item_facts([item], targets)
    if not facts:
        return []
    unit_ids = {expert.organization_id, *facts[0].applicant_unit_ids} - {None}
    return conflicts_for(
        expert_facts(expert),
        facts[0],
        groups=relation_groups(),
        today=clock.today(),
        lookback_years=review_round.call.conflict_lookback_years,
        unit_names=unit_names(unit_ids),
    )


def round_detail(round_id: int) -> ReviewRound:
    return ReviewRound.objects.select_related("call", "created_by").get(pk=round_id)


def round_assignments(review_round: ReviewRound) -> QuerySet[Assignment]:
    return review_round.assignments.select_related(
        "expert__person", "expert__organization", "item", "score"
    ).order_by("item__position", "-affinity", "id")


def assignments_for_expert(user) -> QuerySet[Assignment]:
    """An expert sees only their own assignments, never another expert's."""
    return (
        Assignment.objects.filter(expert__user=user)
        .exclude(state=AssignmentState.RECUSED)
        .select_related("round", "item", "score")
        .order_by("round__deadline", "item__position")
    )


def criteria_of(review_round: ReviewRound) -> list[Criterion]:
    return [
        Criterion(
            name=c["name"],
            weight=Decimal(str(c["weight"])),
            max_score=Decimal(str(c.get("max_score", c["weight"]))),
        )
        for c in review_round.criteria
    ]


def ranking(review_round: ReviewRound) -> list:
    """Aggregated results per item (drop high/low at ≥ N scores, mean, spread, rank)."""
    totals: dict[int, dict[int, Decimal]] = {item.pk: {} for item in review_round.items.all()}
    for assignment in Assignment.objects.filter(
        round=review_round, state=AssignmentState.SUBMITTED
    ).select_related("score"):
        totals.setdefault(assignment.item_id, {})[assignment.expert_id] = assignment.score.total
    return aggregate(
        totals,
        drop_extremes_from=review_round.drop_extremes_from,
        spread_threshold=review_round.spread_threshold,
        normalise=review_round.normalise,
    )


def rounds_list() -> QuerySet[ReviewRound]:
    return ReviewRound.objects.select_related("call").order_by("-created_at", "-id")


def items_with_assignments(review_round: ReviewRound):
    return (
        review_round.items.select_related("target_type")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "expert__person", "expert__organization", "score"
                ).order_by("-affinity"),
            )
        )
        .order_by("position")
    )


def review_work_items(user) -> list[dict]:
    """待办 items about reviews: an expert's open tasks; the bureau's rounds in progress."""
    from jiebang.orgs.enums import Role
    from jiebang.review.enums import RoundState

    items = []
    if user.has_role(Role.EXPERT):
        pending = Assignment.objects.filter(
            expert__user=user,
            round__state=RoundState.OPEN,
            state__in=(AssignmentState.ASSIGNED, AssignmentState.DECLARED),
        )
        first = pending.select_related("round").order_by("round__deadline").first()
        items.append(
            {
                "label": "待完成的评审",
                "count": pending.count(),
                "url": "/review/my/",
                "deadline": first.round.deadline if first else None,
            }
        )
    if user.has_role(Role.BUREAU_OFFICER):
        rounds = ReviewRound.objects.filter(
            state__in=(RoundState.DRAFT, RoundState.OPEN)
        ).aggregate(count=Count("id"), deadline=Min("deadline", filter=Q(state=RoundState.OPEN)))
        items.append(
            {
                "label": "进行中的专家评审",
                "count": rounds["count"],
                "url": "/review/rounds/",
                "deadline": rounds["deadline"],  # the open round that closes first
            }
        )
    return items


def _undecided_target_ids(call, model):
    """Ids of `model` objects already in a round of `call` without a decision (ids alone
    are ambiguous: a demand, a proposal and a project may share one)."""
    from django.contrib.contenttypes.models import ContentType

    return ReviewItem.objects.filter(
        round__call=call, decision="", target_type=ContentType.objects.get_for_model(model)
    ).values("target_id")


def round_candidates(call, kind: str) -> dict:
    """What a new round of `kind` may review in `call`, with the call's defaults: accepted
    demands not yet in an undecided round (需求论证), or proposals sent to review (专家评榜).
    验收评审 rounds start from the projects (projects.services.review)."""
    from jiebang.demands.enums import DemandState
    from jiebang.demands.models import Demand
    from jiebang.proposals.models import Proposal
    from jiebang.review.enums import RoundKind

    if kind == RoundKind.PROPOSAL_REVIEW:
        candidates = (
            Proposal.objects.filter(demand__call=call, state="under_review")
            .exclude(pk__in=_undecided_target_ids(call, Proposal))
            .select_related("demand", "lead")
            .order_by("demand_id", "number")
        )
        return {
            "kind": RoundKind.PROPOSAL_REVIEW,
            "candidates": candidates,
            "experts_per_item": call.proposal_review_experts,
            "criteria": call.proposal_review_criteria,
            "title": f"{call.year}年度揭榜挂帅专家评榜",
        }
    candidates = (
        Demand.objects.filter(call=call, state=DemandState.ACCEPTED)
        .exclude(pk__in=_undecided_target_ids(call, Demand))
        .select_related("organization", "industry")
        .order_by("number")
    )
    return {
        "kind": RoundKind.DEMAND_REVIEW,
        "candidates": candidates,
        "experts_per_item": call.demand_review_experts,
        "criteria": call.demand_review_criteria,
        "title": f"{call.year}年度揭榜挂帅需求论证",
    }
