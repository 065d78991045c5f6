"""验收评审: projects that applied for acceptance reviewed on the same engine as demands and
proposals — conflicts, blind task pages with the achieved indicators, the bureau's decision
turning into the acceptance conclusion, and the panel's result on the project page."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.projects import services
from jiebang.projects.enums import AcceptanceOutcome, ProjectState
from jiebang.projects.models import Project
from jiebang.projects.review_selectors import acceptance_review_summary
from jiebang.proposals import selection
from jiebang.review import services as review_services
from jiebang.review.enums import RoundKind
from jiebang.review.models import Assignment, ReviewRound
from jiebang.review.targets import adapter_for
from tests.demands.builders import open_call
from tests.factories import CallFactory
from tests.helpers import pdf_upload
from tests.projects.builders import (
    bureau_officer,
    initiate,
    pay,
    register_contract,
    solver_user,
)
from tests.proposals.builders import published_demand
from tests.proposals.test_selection import submitted_proposal, to_shortlist
from tests.review.builders import EXPERT_KEYWORDS, expert

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

INDICATOR = "考核指标完成情况"
OUTPUTS = "成果水平与应用效益"
FUNDS = "经费使用与管理"
MANAGEMENT = "组织实施与档案资料"


def sheet(indicators, outputs, funds, management):
    """Scores by criterion name (each out of its weight 40/25/20/15: the total is the sum)."""
    return {INDICATOR: indicators, OUTPUTS: outputs, FUNDS: funds, MANAGEMENT: management}


def final_submitted_projects(n=2):
    """`n` projects of one call, each funded, past its mid-term, with every indicator
    reported (97%) and the acceptance application submitted."""
    call = open_call(expert_review_of_demands=False)
    bureau = bureau_officer()
    demands = [
        published_demand(call, title=f"风电机组叶片覆冰监测技术攻关{i}", team_start=700 + 20 * i)
        for i in range(n)
    ]
    proposals = []
    for i, demand in enumerate(demands):
        proposal = submitted_proposal(demand, team_start=900 + 20 * i)
        to_shortlist(proposal, bureau)
        selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
        proposals.append(proposal)
    with time_machine.travel(
        max(d.solicitation_deadline for d in demands) + dt.timedelta(days=8), tick=False
    ):
        for demand in demands:
            selection.close_demand(demand_id=demand.pk, by=bureau)
    projects = []
    for proposal in proposals:
        proposal.refresh_from_db()
        project = initiate(proposal, bureau)
        register_contract(project)
        pay(project, Decimal("6000000.00"))
        d = services.approve_disbursement(
            project_id=project.pk, by=bureau, trigger="initiation", amount=Decimal("540000.00")
        )
        services.record_disbursement_paid(
            disbursement_id=d.pk, by=bureau, paid_on=clock.today(), voucher_file=pdf_upload()
        )
        services.record_expenditure(
            project_id=project.pk,
            by=solver_user(project),
            category="business",
            source="fiscal",
            amount=Decimal("120000.00"),
            spent_on=clock.today(),
            description="测试加工费",
            voucher_file=pdf_upload("发票.pdf"),
        )
        first = project.milestones.order_by("position").first()
        services.complete_milestone(
            milestone_id=first.pk,
            by=solver_user(project),
            completed_on=clock.today(),
            note="样机已交付",
        )
        if not projects:  # the first one created research-assistant posts (五（二）10)
            services.add_assistant_post(
                project_id=project.pk,
                by=solver_user(project),
                title="数据标注科研助理",
                openings=2,
                created_on=clock.today(),
            )
        services.record_midterm(
            project_id=project.pk,
            by=bureau,
            outcome="passed",
            opinion="合格",
            evaluated_on=clock.today(),
        )
        for indicator in project.indicators.all():
            services.save_achievement(
                indicator_id=indicator.pk,
                by=solver_user(project),
                achieved_value="97%",
                achieved=True,
                explanation="第三方检测报告",
                evidence_file=pdf_upload("检测报告.pdf"),
            )
        services.submit_final_report(
            project_id=project.pk,
            by=solver_user(project),
            summary="项目按任务书完成样机研制与现场试验。",
            outputs="申请发明专利2项，在3个风电场示范应用。",
        )
        project.refresh_from_db()
        assert project.state == ProjectState.FINAL_SUBMITTED
        projects.append(project)
    return call, bureau, projects


def start(projects, bureau, **options):
    return services.start_acceptance_review(
        project_ids=[p.pk for p in projects],
        by=bureau,
        title="项目验收评审",
        deadline=clock.now() + dt.timedelta(days=5),
        **options,
    )


def test_acceptance_round_from_assignment_to_conclusion(client):
    _call, bureau, (a, b) = final_submitted_projects()
    assert acceptance_review_summary(a) is None
    for i in range(7):
        expert(EXPERT_KEYWORDS[i % len(EXPERT_KEYWORDS)])
    at_solver = expert("风电 叶片 覆冰 监测 识别", organization=a.solver)
    at_issuer = expert("风电 叶片 覆冰 监测 识别", organization=b.issuer)

    review_round = start([a, b], bureau, experts_per_item=5, blind=True)
    assert (review_round.kind, review_round.state, review_round.blind) == (
        RoundKind.ACCEPTANCE,
        "draft",
        True,
    )
    assert [c["name"] for c in review_round.criteria] == [INDICATOR, OUTPUTS, FUNDS, MANAGEMENT]
    assert acceptance_review_summary(a)["n_scores"] == 0
    with pytest.raises(DomainError) as again:
        start([b], bureau)
    assert again.value.code == "ACCEPTANCE-ROUND-EXISTS" and b.code in again.value.message

    result = review_services.auto_assign(round_id=review_round.pk, by=bureau)
    assert result.feasible
    item_a = review_round.items.get(target_id=a.pk)
    item_b = review_round.items.get(target_id=b.pk)
    assert item_a.assignments.count() == item_b.assignments.count() == 5
    assert not item_a.assignments.filter(expert=at_solver).exists()
    assert not item_b.assignments.filter(expert=at_issuer).exists()
    # A hand-picked conflicted expert is refused too.
    with pytest.raises(DomainError) as manual:
        review_services.assign_expert(
            round_id=review_round.pk, item_id=item_a.pk, expert_id=at_solver.pk, by=bureau
        )
    assert manual.value.code == "CONFLICT" and a.solver.name in manual.value.message
    review_services.open_round(round_id=review_round.pk, by=bureau)

    # The expert's task page: achieved indicators and money, no unit or team in a blind round.
    mine = item_a.assignments.select_related("expert__user").first()
    client.force_login(mine.expert.user)
    page = client.get(f"/review/my/{mine.pk}/").content.decode()
    assert f"验收：{a.title}" in page
    assert "<th>完成值</th>" in page and "<th>是否达到（说明）</th>" in page
    indicator = a.indicators.first()
    assert f"<td>{indicator.name}</td><td>{indicator.target_value}{indicator.unit}</td>" in page
    assert "<td>97%</td><td>达到：第三方检测报告</td>" in page
    assert "申请发明专利2项" in page and "已拨付财政资金：540000.00 元" in page
    assert "财政资金已支出：120000.00 元" in page and "样机研制完成" in page
    assert "PRIORITY-RESEARCH-ASSISTANT：项目已开发科研助理岗位2个" in page
    partner = a.proposal.members.exclude(organization=a.solver).first().organization
    for hidden in (a.solver.name, partner.name, a.issuer.name, a.code):
        assert hidden not in page
    assert a.proposal.team.first().person.name not in page

    totals = {
        item_a.pk: [
            sheet(38, 22, 18, 12),  # 90
            sheet(36, 20, 18, 12),  # 86
            sheet(36, 20, 14, 10),  # 80
            sheet(36, 20, 14, 10),  # 80
            sheet(28, 17, 12, 8),  # 65
        ],
        item_b.pk: [sheet(36, 20, 18, 12)] * 3 + [sheet(36, 20, 14, 10), sheet(38, 22, 18, 12)],
    }
    for item_id, sheets in totals.items():
        assignments = Assignment.objects.filter(item_id=item_id).order_by("id")
        for assignment, scores in zip(
            assignments.select_related("expert__user"), sheets, strict=True
        ):
            user = assignment.expert.user
            review_services.declare(assignment_id=assignment.pk, user=user, no_conflict=True)
            score = review_services.submit_score(
                assignment_id=assignment.pk,
                user=user,
                scores=scores,
                comment="指标全部达到",
                recommendation="support" if sum(scores.values()) >= 80 else "revise",
            )
            assert score.total == sum(Decimal(v) for v in scores.values())
    review_services.close_round(round_id=review_round.pk, by=bureau)

    # Five scores: the highest and the lowest dropped. A: (86+80+80)/3; B: (86+86+86)/3.
    summary = acceptance_review_summary(a)
    assert summary["round"] == review_round and summary["code"] == item_a.code
    assert (summary["n_scores"], summary["final_score"], summary["mean"]) == (
        5,
        Decimal("82.00"),
        Decimal("82.00"),
    )
    assert summary["dropped"] == (Decimal("65.00"), Decimal("90.00"))
    assert summary["spread"] == Decimal("25.00") and summary["needs_consensus"] is True
    assert summary["recommendations"] == {"support": 4, "revise": 1, "oppose": 0}
    assert summary["decision"] == ""
    summary_b = acceptance_review_summary(b)
    assert (summary_b["final_score"], summary_b["spread"], summary_b["needs_consensus"]) == (
        Decimal("86.00"),
        Decimal("10.00"),
        False,
    )
    assert summary_b["recommendations"]["support"] == 5

    # The round page links each project's own page and offers the acceptance decision.
    client.force_login(bureau)
    detail = client.get(f"/review/rounds/{review_round.pk}/").content.decode()
    assert f'href="/projects/{a.pk}/"' in detail and f'href="/projects/{b.pk}/"' in detail
    assert "验收通过" in detail and "验收不通过" in detail
    ranking = load_workbook(
        io.BytesIO(client.get(f"/review/rounds/{review_round.pk}/ranking.xlsx").content)
    )["评审排名"]
    rows = {row[1]: row for row in ranking.iter_rows(min_row=2, values_only=True)}
    assert a.solver.name in rows[item_a.code][3]  # 申报单位: the solver side under review
    assert (rows[item_a.code][0], rows[item_a.code][7]) == (2, 82.0)

    # The binary decision of the round page: 通过 / 不通过 (an empty opinion gets a standard one).
    client.post(f"/review/rounds/{review_round.pk}/do/approve/", {"item": item_a.pk, "reason": ""})
    review_services.decide_item(
        item_id=item_b.pk, approved=False, reason="核心指标未经现场验证", by=bureau
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, a.acceptance_outcome) == (ProjectState.ACCEPTED, AcceptanceOutcome.PASSED)
    assert a.acceptance_opinion.startswith("经专家验收评审")
    assert (b.state, b.acceptance_outcome, b.acceptance_opinion) == (
        ProjectState.FAILED,
        AcceptanceOutcome.FAILED,
        "核心指标未经现场验证",
    )
    assert acceptance_review_summary(a)["decision"] == "approve"
    assert acceptance_review_summary(b)["decision_reason"] == "核心指标未经现场验证"
    with pytest.raises(DomainError) as closed:
        start([a], bureau)
    assert closed.value.code == "PROJECT-STATE" and a.code in closed.value.message


def test_refusals_views_and_conflict_facts():
    call, bureau, (a, b) = final_submitted_projects()
    for ids, code in (([], "NOTHING-SELECTED"), ([a.pk, 10**9], "PROJECT-NOT-FOUND")):
        with pytest.raises(DomainError) as refused:
            services.start_acceptance_review(
                project_ids=ids,
                by=bureau,
                title="验收",
                deadline=clock.now() + dt.timedelta(days=1),
            )
        assert refused.value.code == code
    with pytest.raises(DomainError) as past:
        services.start_acceptance_review(
            project_ids=[a.pk],
            by=bureau,
            title="验收",
            deadline=clock.now() - dt.timedelta(hours=1),
        )
    assert past.value.code == "DEADLINE-PAST"
    other = CallFactory(year=call.year)
    Project.objects.filter(pk=b.pk).update(call=other)
    with pytest.raises(DomainError) as mixed:
        start([a, b], bureau)
    assert mixed.value.code == "CALL-MIXED"
    Project.objects.filter(pk=b.pk).update(call=call)
    Project.objects.filter(pk=b.pk).update(state=ProjectState.IN_PROGRESS)
    with pytest.raises(DomainError) as early:
        start([a, b], bureau)
    assert early.value.code == "PROJECT-STATE" and b.code in early.value.message
    assert not ReviewRound.objects.exists()  # nothing written by the refusals
    Project.objects.filter(pk=b.pk).update(state=ProjectState.FINAL_SUBMITTED)

    # Conflicts: both sides' units, the proposal team and author, the demand's drafters.
    adapter = adapter_for(ContentType.objects.get_for_model(Project))
    facts = adapter.facts(adapter.load([a.pk]), {a.pk: frozenset({42})})[a.pk]
    members = set(a.proposal.members.values_list("organization_id", flat=True))
    assert facts.applicant_unit_ids == frozenset(members | {a.solver_id, a.issuer_id})
    assert set(a.proposal.team.values_list("person_id", flat=True)) <= facts.team_person_ids
    assert set(a.demand.team.values_list("person_id", flat=True)) <= facts.drafter_person_ids
    assert facts.drafter_user_ids == frozenset({a.demand.created_by_id})
    assert facts.declared_by_expert_ids == frozenset({42})

    # What an expert sees of a project takes the same number of queries for one or many.
    view = adapter.views(adapter.load([a.pk]))[a.pk]
    assert dict(view.identity)["发榜单位"] == a.issuer.name
    assert a.solver.name in dict(view.identity)["揭榜单位"]
    assert view.number == a.code and view.url == f"/projects/{a.pk}/"
    assert [label for label, _text in view.sections] == [
        "实施周期",
        "总结报告",
        "成果与效益",
        "经费情况",
        "里程碑完成情况",
        "科研助理岗位（优先支持）",
    ]
    assert "财政资助总额：1800000.00 元" in dict(view.sections)["经费情况"]
    assert "财政资金结余：420000.00 元" in dict(view.sections)["经费情况"]
    assert "已完成" in dict(view.sections)["里程碑完成情况"]
    assert "未完成" in dict(view.sections)["里程碑完成情况"]
    with CaptureQueriesContext(connection) as one:
        adapter.views(adapter.load([a.pk]))
    with CaptureQueriesContext(connection) as two:
        adapter.views(adapter.load([a.pk, b.pk]))
    assert len(one) == len(two)
    with CaptureQueriesContext(connection) as one:
        adapter.facts(adapter.load([a.pk]), {})
    with CaptureQueriesContext(connection) as two:
        adapter.facts(adapter.load([a.pk, b.pk]), {})
    assert len(one) == len(two)
