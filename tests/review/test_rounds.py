"""Review rounds end to end through the services: assignment, declarations, scores, ranking,
decisions, and the refusals."""

from decimal import Decimal

import pytest

from jiebang.core.errors import DomainError
from jiebang.core.models import Notification
from jiebang.demands.enums import DemandState
from jiebang.review import selectors, services
from jiebang.review.enums import AssignmentState, RoundState
from jiebang.review.models import Assignment, DeclaredConflict, ExpertAffiliation
from tests.review.builders import expert, issuer_unit_expert, world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

GOOD = {"产业带动": "22", "研究基础": "20", "技术指标": "23", "财务指标": "21"}


def score_all(w, item_scores: dict[int, list[dict]]):
    """Declare and score: item index → list of score dicts, one per assigned expert."""
    for index, score_list in item_scores.items():
        item = w["round"].items.get(position=index + 1)
        for assignment, scores in zip(item.assignments.order_by("id"), score_list, strict=False):
            user = assignment.expert.user
            services.declare(assignment_id=assignment.pk, user=user, no_conflict=True)
            services.submit_score(
                assignment_id=assignment.pk,
                user=user,
                scores=scores,
                comment="指标明确，建议支持。",
                recommendation="support",
            )


def test_auto_assign_fills_every_item_without_conflicts_and_one_per_unit():
    w = world()
    same_unit = issuer_unit_expert(w["demands"][0])
    result = services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    assert result.feasible
    for item in w["round"].items.all():
        assigned = list(item.assignments.select_related("expert"))
        assert len(assigned) == 3
        units = [a.expert.organization_id for a in assigned]
        assert len(units) == len(set(units))
    first_item = w["round"].items.get(position=1)
    assert not first_item.assignments.filter(expert=same_unit).exists()
    top = first_item.assignments.order_by("-affinity").first()
    assert top.affinity > 0 and top.shared_terms  # explained by shared words


def test_affinity_prefers_the_matching_expert():
    w = world(n_demands=1, n_experts=7, k=1)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    chosen = Assignment.objects.get(round=w["round"]).expert
    assert "覆冰" in chosen.keywords or "叶片" in chosen.keywords


def test_manual_assignment_of_a_conflicted_expert_is_refused_with_the_reason():
    w = world()
    item = w["round"].items.get(position=1)
    same_unit = issuer_unit_expert(w["demands"][0])
    with pytest.raises(DomainError) as refused:
        services.assign_expert(
            round_id=w["round"].pk, item_id=item.pk, expert_id=same_unit.pk, by=w["bureau"]
        )
    assert refused.value.code == "CONFLICT" and "SAME-UNIT" in {
        d["code"] for d in refused.value.details
    }
    assert not Assignment.objects.filter(expert=same_unit).exists()


def test_affiliation_and_team_member_conflicts_block_manual_assignment():
    w = world()
    demand = w["demands"][0]
    item = w["round"].items.get(position=1)
    advisor = expert("风电")
    from tests.factories import beijing

    ExpertAffiliation.objects.create(
        expert=advisor,
        organization=demand.organization,
        kind="advisor",
        start=beijing(2023, 1, 1).date(),
        end=None,
    )
    with pytest.raises(DomainError) as refused:
        services.assign_expert(
            round_id=w["round"].pk, item_id=item.pk, expert_id=advisor.pk, by=w["bureau"]
        )
    assert "AFFILIATION" in {d["code"] for d in refused.value.details}
    member = expert("风电")
    member.person = demand.team.get(position=2).person
    member.save()
    with pytest.raises(DomainError) as refused:
        services.assign_expert(
            round_id=w["round"].pk, item_id=item.pk, expert_id=member.pk, by=w["bureau"]
        )
    assert "TEAM-MEMBER" in {d["code"] for d in refused.value.details}


def test_infeasible_round_reports_the_items_lacking_experts():
    w = world(n_demands=2, n_experts=2, k=3)
    result = services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    assert not result.feasible
    assert {s.item_id for s in result.shortfalls} == set(
        w["round"].items.values_list("pk", flat=True)
    )
    assert all("少于" in s.reason for s in result.shortfalls)


def test_expert_declares_then_scores_and_the_round_ranks_and_decides():
    w = world(n_demands=2, n_experts=7, k=3)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    services.open_round(round_id=w["round"].pk, by=w["bureau"])
    some_expert = Assignment.objects.filter(round=w["round"]).first().expert
    assert Notification.objects.filter(
        recipient=some_expert.user, title__contains="评审任务"
    ).exists()
    assignment = Assignment.objects.filter(round=w["round"]).first()
    with pytest.raises(DomainError) as refused:
        services.submit_score(
            assignment_id=assignment.pk,
            user=assignment.expert.user,
            scores=GOOD,
            comment="x",
            recommendation="support",
        )
    assert refused.value.code == "DECLARE-FIRST"
    low = {"产业带动": "10", "研究基础": "10", "技术指标": "10", "财务指标": "10"}
    score_all(w, {0: [GOOD, GOOD, GOOD], 1: [low, low, GOOD]})
    ranking = {r.item_id: r for r in selectors.ranking(w["round"])}
    first, second = w["round"].items.order_by("position")
    assert ranking[first.pk].mean == Decimal("86.00") and ranking[first.pk].rank == 1
    assert ranking[second.pk].mean == Decimal("55.33") and ranking[second.pk].needs_consensus
    with pytest.raises(DomainError):
        services.decide_item(
            item_id=first.pk, approved=True, reason="", by=w["bureau"]
        )  # round still open
    services.close_round(round_id=w["round"].pk, by=w["bureau"])
    services.decide_item(item_id=first.pk, approved=True, reason="", by=w["bureau"])
    with pytest.raises(DomainError) as refused:
        services.decide_item(item_id=second.pk, approved=False, reason="", by=w["bureau"])
    assert refused.value.code == "REASON-REQUIRED"
    services.decide_item(
        item_id=second.pk, approved=False, reason="技术指标不够明确", by=w["bureau"]
    )
    demands = {d.pk: d for d in w["demands"]}
    for d in demands.values():
        d.refresh_from_db()
    assert demands[first.target_id].state == DemandState.APPROVED
    assert demands[second.target_id].state == DemandState.DECLINED


def test_an_expert_cannot_touch_someone_elses_assignment():
    w = world()
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    services.open_round(round_id=w["round"].pk, by=w["bureau"])
    mine, theirs = Assignment.objects.filter(round=w["round"]).order_by("id")[:2]
    stranger = theirs.expert.user if theirs.expert_id != mine.expert_id else expert("x").user
    with pytest.raises(DomainError) as refused:
        services.declare(assignment_id=mine.pk, user=stranger, no_conflict=True)
    assert refused.value.code == "FORBIDDEN"


def test_recusal_is_recorded_and_excludes_the_expert_next_time():
    w = world()
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    services.open_round(round_id=w["round"].pk, by=w["bureau"])
    assignment = Assignment.objects.filter(round=w["round"]).first()
    with pytest.raises(DomainError):
        services.declare(
            assignment_id=assignment.pk, user=assignment.expert.user, no_conflict=False, reason=""
        )
    services.declare(
        assignment_id=assignment.pk,
        user=assignment.expert.user,
        no_conflict=False,
        reason="曾参与该单位项目论证",
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.RECUSED
    assert DeclaredConflict.objects.filter(expert=assignment.expert).exists()
    with pytest.raises(DomainError) as refused:
        services.assign_expert(
            round_id=w["round"].pk,
            item_id=assignment.item_id,
            expert_id=assignment.expert_id,
            by=w["bureau"],
        )
    assert "DECLARED" in {d["code"] for d in refused.value.details}


def test_round_cannot_open_without_assignments_and_criteria_must_be_valid():
    w = world()
    with pytest.raises(DomainError) as refused:
        services.open_round(round_id=w["round"].pk, by=w["bureau"])
    assert refused.value.code == "NO-ASSIGNMENTS"
    assert w["round"].state == RoundState.DRAFT
    with pytest.raises(DomainError):
        services.validate_criteria([{"name": "", "weight": 10}])


def test_reminders_go_once_to_experts_with_unfinished_work_near_the_deadline(time_machine):
    import datetime as dt

    w = world(n_demands=1, n_experts=3, k=2)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    services.open_round(round_id=w["round"].pk, by=w["bureau"])
    done = Assignment.objects.filter(round=w["round"]).first()
    services.declare(assignment_id=done.pk, user=done.expert.user, no_conflict=True)
    services.submit_score(
        assignment_id=done.pk,
        user=done.expert.user,
        scores=GOOD,
        comment="好",
        recommendation="support",
    )
    assert services.remind_experts() == 0  # a week before the deadline
    time_machine.move_to(w["round"].deadline - dt.timedelta(hours=23))
    assert services.remind_experts() == 1  # only the expert who has not scored
    assert services.remind_experts() == 0  # never twice
    pending = Assignment.objects.filter(round=w["round"]).exclude(pk=done.pk).get()
    assert (
        Notification.objects.filter(
            recipient=pending.expert.user, title__contains="评审即将截止"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=done.expert.user, title__contains="评审即将截止"
    ).exists()
