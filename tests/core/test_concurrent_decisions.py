"""Two bureau officers deciding the same thing at the same moment (PostgreSQL, threads with
their own connections): exactly one decision is taken, the other officer gets a clean
DomainError, and no total passes its limit."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from jiebang.core.errors import DomainError
from jiebang.core.models import AuditEntry
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.notices.models import CalendarDay
from jiebang.orgs.enums import Role
from jiebang.projects import services as project_services
from jiebang.projects.models import Disbursement
from jiebang.proposals import selection
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from jiebang.review import services as review_services
from jiebang.review.models import ReviewItem
from tests.factories import UserFactory
from tests.projects.builders import pay, selected_proposal
from tests.projects.support import BUILD_AT, DAY0, on, started
from tests.proposals.builders import published_demand
from tests.proposals.test_selection import submitted_proposal
from tests.review.builders import world

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def officers(n=2):
    return [UserFactory(roles=[Role.BUREAU_OFFICER]) for _ in range(n)]


def race(actions) -> list:
    """Run the callables at once, each in its own thread with its own database connection;
    "ok" or the DomainError code of each, in the order given."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except DomainError as error:
            outcomes[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_disbursements_that_together_pass_the_plan_make_one_approval():
    # Transactional tests flush the holidays seeded by migration; the public notice of the
    # selection needs its year's calendar (as tests/e2e's `keep_a_holiday_year`).
    CalendarDay.objects.get_or_create(
        date=dt.date(2026, 10, 1), defaults={"kind": "holiday", "name": "国庆节"}
    )
    with time_machine.travel(BUILD_AT, tick=False):
        proposal, _bureau = selected_proposal()
    first, second = officers()
    with on(DAY0):
        project = started(proposal, first)
        pay(project, Decimal("6000000.00"))  # earns the whole subsidy; the plan is the limit
        # 6,000,000.00 × 30 % = 1,800,000.00; the initiation instalment releases 30 %.
        ceiling = Decimal("540000.00")

        def approve(officer):
            return lambda: project_services.approve_disbursement(
                project_id=project.pk, by=officer, trigger="initiation", amount="300000.00"
            )

        outcomes = race([approve(first), approve(second)])

    assert sorted(outcomes) == ["FUND-OVER-PLAN", "ok"]
    committed = project_services.committed_disbursed(project)
    assert committed == Decimal("300000.00") <= ceiling
    assert Disbursement.objects.filter(project=project).count() == 1
    winner = (first, second)[outcomes.index("ok")]
    assert Disbursement.objects.get(project=project).approved_by == winner
    assert AuditEntry.objects.filter(action="project.disbursement_approved").count() == 1


def test_two_officers_checking_one_proposal_make_one_decision():
    demand = published_demand()
    proposal = submitted_proposal(demand)
    first, second = officers()

    outcomes = race(
        [
            lambda: selection.confirm_eligibility(
                proposal_id=proposal.pk, eligible=True, reason="", by=first
            ),
            lambda: selection.confirm_eligibility(
                proposal_id=proposal.pk, eligible=False, reason="缺少联合体协议", by=second
            ),
        ]
    )

    assert sorted(outcomes) == ["PROPOSAL-STATE", "ok"]
    expected = [ProposalState.ELIGIBLE, ProposalState.INELIGIBLE][outcomes.index("ok")]
    assert Proposal.objects.get(pk=proposal.pk).state == expected
    assert (
        AuditEntry.objects.filter(
            action__in=["proposal.eligible", "proposal.ineligible"], target_id=str(proposal.pk)
        ).count()
        == 1
    )


def test_two_officers_deciding_one_review_item_make_one_decision():
    w = world(n_demands=1, n_experts=3, k=1)
    round_id = w["round"].pk
    review_services.auto_assign(round_id=round_id, by=w["bureau"])
    review_services.open_round(round_id=round_id, by=w["bureau"])
    review_services.close_round(round_id=round_id, by=w["bureau"])
    item = ReviewItem.objects.get(round_id=round_id)
    first, second = officers()

    outcomes = race(
        [
            lambda: review_services.decide_item(
                item_id=item.pk, approved=True, reason="", by=first
            ),
            lambda: review_services.decide_item(
                item_id=item.pk, approved=False, reason="技术指标不够明确", by=second
            ),
        ]
    )

    assert sorted(outcomes) == ["ALREADY-DECIDED", "ok"]
    won = outcomes.index("ok")
    item.refresh_from_db()
    assert item.decided_by == (first, second)[won]
    assert item.decision == ("approve", "decline")[won]
    expected = (DemandState.APPROVED, DemandState.DECLINED)[won]
    assert Demand.objects.get(pk=item.target_id).state == expected
    assert AuditEntry.objects.filter(action="review.decided").count() == 1
