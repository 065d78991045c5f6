"""A small world for the dashboard, built through the services at fixed dates.

One active call (2026) holds a demand in every stage of the funnel:

| demand      | state            | category | industry | district     | proposals / project         |
|-------------|------------------|----------|----------|--------------|-----------------------------|
| draft       | draft            | TB       | 新能源   | own          | —                           |
| withdrawn   | withdrawn        | TB       | 新能源   | own          | —                           |
| transfer    | submitted        | AT       | 装备制造 | none (市外)  | —                           |
| recommended | recommended      | TB       | 新能源   | own          | —                           |
| published   | published        | TB       | 新能源   | own          | one draft proposal          |
| taken       | published        | TB       | 新能源   | own          | one proposal, publicized    |
| accepted    | matched          | TB       | 新能源   | own          | project A: accepted         |
| running     | matched          | TB       | 新能源   | own          | project B: in progress      |

Project A: contract 6,000,000.00, total investment 8,000,000.00 → fiscal 1,800,000.00;
contract paid 6,000,000.00 (confirmed); 540,000.00 disbursed (paid) and 720,000.00
approved but not paid. Project B: contract 5,000,000.00, total 7,000,000.00 → fiscal
1,500,000.00; nothing paid.

A demand review round (open) has four assignments, one in each state; a second round is
still being prepared (draft). An older, inactive call (2025) holds one submitted demand.
"""

import datetime as dt
from decimal import Decimal

import time_machine

from jiebang.core import clock
from jiebang.core.clock import BEIJING
from jiebang.demands import services as demand_services
from jiebang.orgs.enums import OrgKind, Role
from jiebang.projects import services as project_services
from jiebang.proposals import selection
from jiebang.review import services as review_services
from tests.demands.builders import (
    issuer_with_applicant,
    open_call,
    valid_at_demand,
    valid_tb_demand,
)
from tests.factories import IndustryFactory, UserFactory
from tests.helpers import pdf_upload
from tests.projects.builders import solver_user
from tests.projects.support import approve, approve_and_pay, on, pay, started
from tests.proposals.builders import complete_proposal, published_demand
from tests.proposals.test_selection import submitted_proposal, to_shortlist
from tests.review.builders import expert

BUILD_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # a Monday
CLOSE_AT = BUILD_AT + dt.timedelta(days=28)  # after every solicitation deadline and notice
DAY0 = dt.date(2026, 4, 1)  # projects initiated
ROUND_DEADLINE = dt.datetime(2026, 12, 31, 17, 0, tzinfo=BEIJING)

# Accounts are hashed with MD5 while the world is built and used: argon2 costs ~0.3 s a user.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DEMAND_GOOD = {"产业带动": "22", "研究基础": "20", "技术指标": "23", "财务指标": "21"}


def submitted(demand, user):
    demand_services.submit_demand(demand_id=demand.pk, by=user)
    demand.refresh_from_db()
    return demand


def recommended(demand, user):
    submitted(demand, user)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    demand_services.recommend_demand(demand_id=demand.pk, by=officer)
    demand.refresh_from_db()
    return demand, officer


def _accept_project(project, bureau):
    """Contract paid, first instalment paid, mid-term passed with its instalment approved
    (not paid), every indicator reported, acceptance passed."""
    pay(project, "6000000.00", by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    project_services.record_midterm(
        project_id=project.pk,
        by=bureau,
        outcome="passed",
        opinion="合格",
        evaluated_on=clock.today(),
    )
    approve(project, "720000.00", "midterm_passed", by=bureau)
    for indicator in project.indicators.all():
        project_services.save_achievement(
            indicator_id=indicator.pk,
            by=solver_user(project),
            achieved_value="97%",
            achieved=True,
            evidence_file=pdf_upload("检测报告.pdf"),
        )
    project_services.submit_final_report(
        project_id=project.pk, by=solver_user(project), summary="各项指标均已完成"
    )
    project_services.decide_acceptance(
        project_id=project.pk, by=bureau, outcome="passed", opinion="专家组验收通过"
    )
    project.refresh_from_db()
    return project


def _review_rounds(call, bureau, targets):
    experts = [expert("风电 叶片 覆冰 监测", username=f"expert{i}") for i in range(1, 5)]
    review_round = review_services.create_round(
        call=call,
        kind="demand_review",
        title="需求论证（第一轮）",
        targets=targets,
        experts_per_item=2,
        max_load=5,
        blind=True,
        criteria=call.demand_review_criteria,
        deadline=ROUND_DEADLINE,
        by=bureau,
    )
    first, second = review_round.items.order_by("position")
    assignments = [
        review_services.assign_expert(
            round_id=review_round.pk, item_id=item.pk, expert_id=e.pk, by=bureau
        )
        for item, e in zip([first, first, first, second], experts, strict=True)
    ]
    review_services.open_round(round_id=review_round.pk, by=bureau)
    declared, scored, recused, _pending = assignments
    review_services.declare(assignment_id=declared.pk, user=experts[0].user, no_conflict=True)
    review_services.declare(assignment_id=scored.pk, user=experts[1].user, no_conflict=True)
    review_services.submit_score(
        assignment_id=scored.pk,
        user=experts[1].user,
        scores=DEMAND_GOOD,
        comment="指标明确，建议支持。",
        recommendation="support",
    )
    review_services.declare(
        assignment_id=recused.pk, user=experts[2].user, no_conflict=False, reason="曾参与需求起草"
    )
    draft_round = review_services.create_round(
        call=call,
        kind="demand_review",
        title="需求论证（第二轮）",
        targets=targets[:1],
        experts_per_item=1,
        max_load=5,
        blind=True,
        criteria=call.demand_review_criteria,
        deadline=ROUND_DEADLINE + dt.timedelta(days=10),
        by=bureau,
    )
    return review_round, draft_round, experts


def dashboard_world() -> dict:
    with time_machine.travel(BUILD_AT, tick=False):
        call = open_call(name="2026年度揭榜挂帅需求征集", expert_review_of_demands=False)
        equipment = IndustryFactory(code="equipment", name="装备制造", sort_order=9)
        call.industries.add(equipment)
        bureau = UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])

        draft, draft_user = valid_tb_demand(call=call, title="草稿需求", team_start=100)
        withdrawn, user = valid_tb_demand(call=call, title="已撤回需求", team_start=110)
        submitted(withdrawn, user)
        demand_services.withdraw_demand(demand_id=withdrawn.pk, by=user, reason="重复填报")

        org, user = issuer_with_applicant(kind=OrgKind.UNIVERSITY, district=None)
        transfer, user = valid_at_demand(
            call=call, org=org, user=user, title="市外高校成果转化需求", team_start=120
        )
        demand_services.update_demand(demand=transfer, by=user, fields={"industry": equipment})
        submitted(transfer, user)

        rec, rec_user = valid_tb_demand(call=call, title="已推荐需求", team_start=130)
        rec, district_officer = recommended(rec, rec_user)

        published = published_demand(call, title="已发布无人揭榜需求", team_start=140)
        complete_proposal(published, team_start=900)  # a draft: does not count as taken

        taken = published_demand(call, title="已有揭榜申请需求", team_start=150)
        taken_proposal = submitted_proposal(taken, team_start=910)
        to_shortlist(taken_proposal, bureau)
        selection.publicize(demand_id=taken.pk, proposal_ids=[taken_proposal.pk], by=bureau)

        matched = []
        for title, team_start in (("验收通过项目需求", 160), ("实施中项目需求", 170)):
            demand = published_demand(call, title=title, team_start=team_start)
            proposal = submitted_proposal(demand, team_start=team_start + 760)
            to_shortlist(proposal, bureau)
            selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
            matched.append((demand, proposal))

        review_round, draft_round, experts = _review_rounds(call, bureau, [rec, published])

        older = open_call(year=2025, name="2025年度揭榜挂帅需求征集", is_active=False)
        old_demand, user = valid_tb_demand(call=older, title="上一批次需求", team_start=190)
        submitted(old_demand, user)

    with time_machine.travel(CLOSE_AT, tick=False):
        for demand, _proposal in matched:
            selection.close_demand(demand_id=demand.pk, by=bureau)

    with on(DAY0):
        project_a = started(matched[0][1], bureau)
        project_a = _accept_project(project_a, bureau)
        project_b = started(
            matched[1][1],
            bureau,
            contract_amount=Decimal("5000000.00"),
            total_investment=Decimal("7000000.00"),
        )

    for demand in (draft, withdrawn, transfer, rec, published, taken):
        demand.refresh_from_db()
    return {
        "call": call,
        "older_call": older,
        "bureau": bureau,
        "draft_user": draft_user,
        "rec_user": rec_user,
        "district_officer": district_officer,
        "demands": {
            "draft": draft,
            "withdrawn": withdrawn,
            "transfer": transfer,
            "recommended": rec,
            "published": published,
            "taken": taken,
            "accepted": matched[0][0],
            "running": matched[1][0],
        },
        "taken_proposal": taken_proposal,
        "project_a": project_a,
        "project_b": project_b,
        "round": review_round,
        "draft_round": draft_round,
        "experts": experts,
    }
