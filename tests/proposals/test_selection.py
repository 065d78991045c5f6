"""Selection: eligibility, 专家评榜 through the review engine, public notice choice, the
horse-race rule, and closing a demand as matched or 流榜."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.demands import services as demand_services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, RaceRoute
from jiebang.orgs.enums import Role
from jiebang.proposals import selection, services
from jiebang.proposals.enums import ProposalState
from jiebang.review import services as review_services
from jiebang.review.models import Assignment
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import UserFactory
from tests.proposals.builders import complete_proposal, published_demand
from tests.review.builders import expert

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
SCORES = {
    "研究基础": "13",
    "目标任务": "13",
    "技术路线": "18",
    "团队实力": "13",
    "进度安排": "9",
    "预期成果": "13",
    "经费预算": "9",
}


def race_demand():
    call = open_call(expert_review_of_demands=False)
    demand, user = valid_tb_demand(call=call, title="主轴承国产化赛马制攻关", team_start=720)
    demand_services.update_demand(demand=demand, by=user, fields={"is_horse_race": True})
    demand_services.replace_rows(
        demand=demand,
        by=user,
        kind="routes",
        rows=[
            {"name": "滚动轴承路线", "description": "", "rnd_investment": Decimal("3000000")},
            {"name": "滑动轴承路线", "description": "", "rnd_investment": Decimal("2500000")},
        ],
    )
    demand_services.submit_demand(demand_id=demand.pk, by=user)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    demand_services.recommend_demand(
        demand_id=demand.pk,
        by=UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER]),
    )
    demand_services.accept_demand(demand_id=demand.pk, by=bureau)
    demand_services.publish_demands(
        call=call,
        demand_ids=[demand.pk],
        title="赛马榜",
        solicitation_deadline=clock.now() + dt.timedelta(days=10),
        by=bureau,
    )
    demand.refresh_from_db()
    return demand, bureau


def submitted_proposal(demand, route=None, team_start=900):
    proposal, user, _partner = complete_proposal(demand, team_start=team_start)
    if route is not None:
        services.update_proposal(proposal=proposal, by=user, fields={"route": route})
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    proposal.refresh_from_db()
    return proposal


def to_shortlist(proposal, bureau):
    selection.confirm_eligibility(proposal_id=proposal.pk, eligible=True, reason="", by=bureau)
    selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
    selection.record_review_outcome(proposal_id=proposal.pk, shortlisted=True, reason="", by=bureau)


def test_expert_review_of_proposals_runs_on_the_same_engine_and_shortlists():
    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    proposals = [submitted_proposal(demand, team_start=900 + 10 * i) for i in range(2)]
    for p in proposals:
        selection.confirm_eligibility(proposal_id=p.pk, eligible=True, reason="", by=bureau)
    selection.send_to_review(proposal_ids=[p.pk for p in proposals], by=bureau)
    for i in range(4):
        expert("风电 叶片 覆冰 识别 深度学习" if i % 2 else "多光谱 成像 检测")
    conflicted = expert("风电", organization=proposals[0].lead)  # works at a solver: SAME-UNIT
    review_round = review_services.create_round(
        call=demand.call,
        kind="proposal_review",
        title="专家评榜",
        targets=proposals,
        experts_per_item=2,
        max_load=5,
        blind=True,
        criteria=demand.call.proposal_review_criteria,
        deadline=clock.now() + dt.timedelta(days=5),
        by=bureau,
    )
    review_services.auto_assign(round_id=review_round.pk, by=bureau)
    first_item = review_round.items.get(target_id=proposals[0].pk)
    assert not first_item.assignments.filter(expert=conflicted).exists()
    review_services.open_round(round_id=review_round.pk, by=bureau)
    for a in Assignment.objects.filter(round=review_round).select_related("expert__user"):
        review_services.declare(assignment_id=a.pk, user=a.expert.user, no_conflict=True)
        review_services.submit_score(
            assignment_id=a.pk,
            user=a.expert.user,
            scores=SCORES,
            comment="方案可行",
            recommendation="support",
        )
    review_services.close_round(round_id=review_round.pk, by=bureau)
    review_services.decide_item(item_id=first_item.pk, approved=True, reason="", by=bureau)
    second_item = review_round.items.get(target_id=proposals[1].pk)
    review_services.decide_item(
        item_id=second_item.pk, approved=False, reason="技术路线论证不足", by=bureau
    )
    states = dict(
        type(proposals[0])
        .objects.filter(pk__in=[p.pk for p in proposals])
        .values_list("pk", "state")
    )
    assert states == {
        proposals[0].pk: ProposalState.SHORTLISTED,
        proposals[1].pk: ProposalState.NOT_SELECTED,
    }


def test_a_horse_race_needs_two_teams_on_different_routes():
    demand, bureau = race_demand()
    rolling, sliding = RaceRoute.objects.filter(demand=demand).order_by("position")
    a = submitted_proposal(demand, route=rolling, team_start=940)
    b = submitted_proposal(demand, route=rolling, team_start=950)
    c = submitted_proposal(demand, route=sliding, team_start=960)
    for p in (a, b, c):
        to_shortlist(p, bureau)
    with pytest.raises(DomainError) as one_team:
        selection.publicize(demand_id=demand.pk, proposal_ids=[a.pk], by=bureau)
    assert one_team.value.code == "RACE-SELECTION"
    with pytest.raises(DomainError) as same_route:
        selection.publicize(demand_id=demand.pk, proposal_ids=[a.pk, b.pk], by=bureau)
    assert same_route.value.code == "RACE-SELECTION" and "1 条路线" in same_route.value.message
    selection.publicize(demand_id=demand.pk, proposal_ids=[a.pk, c.pk], by=bureau)
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(days=8), tick=False):
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert Demand.objects.get(pk=demand.pk).state == DemandState.MATCHED
    states = dict(type(a).objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "state"))
    assert states == {
        a.pk: ProposalState.SELECTED,
        b.pk: ProposalState.SHORTLISTED,
        c.pk: ProposalState.SELECTED,
    }


def test_a_demand_without_selected_solvers_is_unsolved_and_not_before_its_deadline():
    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    with pytest.raises(DomainError) as early:
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert early.value.code == "TOO-EARLY"
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(seconds=1), tick=False):
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert Demand.objects.get(pk=demand.pk).state == DemandState.UNSOLVED


def test_ineligible_needs_a_reason():
    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    proposal = submitted_proposal(demand)
    with pytest.raises(DomainError):
        selection.confirm_eligibility(proposal_id=proposal.pk, eligible=False, reason="", by=bureau)
    selection.confirm_eligibility(
        proposal_id=proposal.pk, eligible=False, reason="联合体协议未盖章", by=bureau
    )
    proposal.refresh_from_db()
    assert (
        proposal.state == ProposalState.INELIGIBLE and proposal.state_reason == "联合体协议未盖章"
    )


def test_publicizing_opens_the_notice_and_open_is_refused_until_it_is_over():
    from jiebang.notices.models import NoticeState, PublicNotice

    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    proposal = submitted_proposal(demand)
    after_deadline = demand.solicitation_deadline + dt.timedelta(minutes=1)
    with time_machine.travel(after_deadline, tick=False):
        to_shortlist(proposal, bureau)
        selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
    notice = PublicNotice.objects.get(subject_id=demand.pk)
    assert proposal.number in notice.body and notice.state == NoticeState.OPEN
    with time_machine.travel(notice.ends_at, tick=False), pytest.raises(DomainError) as early:
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert early.value.code == "NOTICE-NOT-ENDED"
    assert Demand.objects.get(pk=demand.pk).state == DemandState.PUBLISHED
    assert type(proposal).objects.get(pk=proposal.pk).state == ProposalState.PUBLICIZED
    with time_machine.travel(notice.ends_at + dt.timedelta(seconds=1), tick=False):
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert PublicNotice.objects.get(pk=notice.pk).state == NoticeState.CLOSED
    assert Demand.objects.get(pk=demand.pk).state == DemandState.MATCHED


def test_opening_without_a_notice_is_refused():
    from jiebang.notices.models import PublicNotice

    demand = published_demand()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    proposal = submitted_proposal(demand)
    to_shortlist(proposal, bureau)
    selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
    PublicNotice.objects.filter(subject_id=demand.pk).delete()
    closing_day = demand.solicitation_deadline + dt.timedelta(days=8)
    with time_machine.travel(closing_day, tick=False), pytest.raises(DomainError) as missing:
        selection.close_demand(demand_id=demand.pk, by=bureau)
    assert missing.value.code == "NOTICE-MISSING"
    assert type(proposal).objects.get(pk=proposal.pk).state == ProposalState.PUBLICIZED
