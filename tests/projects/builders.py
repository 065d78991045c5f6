"""Selected proposals and initiated projects, built through the services."""

import datetime as dt
from decimal import Decimal

import time_machine

from jiebang.core import clock
from jiebang.demands.models import RaceRoute
from jiebang.orgs.enums import Role
from jiebang.projects import services
from jiebang.projects.enums import BudgetCategory, FundSource
from jiebang.proposals import selection
from tests.factories import UserFactory
from tests.helpers import pdf_upload
from tests.proposals.builders import published_demand
from tests.proposals.test_selection import race_demand, submitted_proposal, to_shortlist


def bureau_officer():
    return UserFactory(roles=[Role.BUREAU_OFFICER])


def selected_proposal(*, team_start=900):
    """An ordinary 技术攻关 demand with one solver selected after the public notice."""
    demand = published_demand(team_start=team_start - 200)
    bureau = bureau_officer()
    proposal = submitted_proposal(demand, team_start=team_start)
    to_shortlist(proposal, bureau)
    selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(days=8), tick=False):
        selection.close_demand(demand_id=demand.pk, by=bureau)
    proposal.refresh_from_db()
    return proposal, bureau


def selected_race_proposals():
    """A horse-race demand with two solvers selected on its two routes."""
    demand, bureau = race_demand()
    rolling, sliding = RaceRoute.objects.filter(demand=demand).order_by("position")
    a = submitted_proposal(demand, route=rolling, team_start=940)
    b = submitted_proposal(demand, route=sliding, team_start=960)
    for p in (a, b):
        to_shortlist(p, bureau)
    selection.publicize(demand_id=demand.pk, proposal_ids=[a.pk, b.pk], by=bureau)
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(days=8), tick=False):
        selection.close_demand(demand_id=demand.pk, by=bureau)
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b, bureau


def budget_for(fiscal_total: Decimal, total_investment: Decimal) -> dict:
    """Fiscal money all as 业务费, the rest split between 设备费 and 劳务费."""
    own = total_investment - fiscal_total
    equipment = (own / 2).quantize(Decimal("0.01"))
    return {
        (BudgetCategory.BUSINESS, FundSource.FISCAL): fiscal_total,
        (BudgetCategory.EQUIPMENT, FundSource.SELF): equipment,
        (BudgetCategory.LABOUR, FundSource.SELF): own - equipment,
    }


def initiate(
    proposal,
    bureau,
    *,
    contract_amount=Decimal("6000000.00"),
    total_investment=Decimal("8000000.00"),
    period_months=24,
    start_on=None,
):
    from jiebang.projects.services.initiation import fiscal_total_for

    start_on = start_on or clock.today()
    fiscal = fiscal_total_for(proposal, contract_amount)
    return services.initiate_project(
        proposal_id=proposal.pk,
        by=bureau,
        agreement_file=pdf_upload("三方协议.pdf"),
        agreement_signed_on=start_on - dt.timedelta(days=3)
        if start_on <= clock.today()
        else clock.today(),
        contract_amount=contract_amount,
        start_on=start_on,
        period_months=period_months,
        total_investment=total_investment,
        milestones=[
            {
                "title": "样机研制完成",
                "due_on": start_on + dt.timedelta(days=300),
                "deliverable": "样机1台",
            },
            {
                "title": "现场试验",
                "due_on": start_on + dt.timedelta(days=600),
                "deliverable": "试验报告",
            },
        ],
        budget=budget_for(fiscal, total_investment),
    )


def solver_user(project):
    return project.proposal.created_by


def issuer_user(project):
    return project.demand.created_by


def register_contract(project, *, number="2026650102000123"):
    return services.register_tech_contract(
        project_id=project.pk,
        by=solver_user(project),
        number=number,
        registered_on=clock.today(),
    )


def pay(project, amount, *, by=None):
    """The payer records a payment and the bureau confirms it."""
    payment = services.record_payment(
        project_id=project.pk,
        by=by or issuer_user(project),
        amount=amount,
        paid_on=clock.today(),
        reference=f"LS{project.pk}{amount}",
        voucher_file=pdf_upload("付款凭证.pdf"),
    )
    services.check_payment(payment_id=payment.pk, by=bureau_officer(), confirmed=True)
    return payment


def to_final_submitted(project, bureau):
    """Mid-term passed, every indicator reported (97 %) with evidence, acceptance applied for."""
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
            evidence_file=pdf_upload("检测报告.pdf"),
        )
    services.submit_final_report(project_id=project.pk, by=solver_user(project), summary="完成")
    project.refresh_from_db()
    return project
