"""资金拨付: contract payments, instalments of the fiscal subsidy, the horse-race first
phase and stage gate, refunds (domain.md §5 TECH-CONTRACT, RACE-FIRST-PHASE-CAP; §7).

Unless said otherwise a project has a 6,000,000.00 contract at 30 % → fiscal total
1,800,000.00, plan 30 / 40 / 30 % = 540,000.00 / 720,000.00 / 540,000.00.
"""

from decimal import Decimal

import pytest

from jiebang.calls.models import Call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.orgs.enums import CityProjectStatus
from jiebang.projects import services
from jiebang.projects.enums import (
    DisbursementState,
    FundSource,
    PaymentState,
    ProjectState,
    RefundReason,
)
from jiebang.projects.models import Disbursement, IssuerPayment, Refund
from tests.helpers import pdf_upload
from tests.projects.builders import (
    initiate,
    issuer_user,
    register_contract,
    solver_user,
)
from tests.projects.support import (
    approve,
    approve_and_pay,
    pay,
    started,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]

D = Decimal
CONTRACT = D("6000000.00")


def record(project, amount):
    """The payer records a payment; the bureau has not checked it yet."""
    return services.record_payment(
        project_id=project.pk,
        by=issuer_user(project),
        amount=D(amount),
        paid_on=clock.today(),
        reference=f"LS-{amount}",
        voucher_file=pdf_upload("付款凭证.pdf"),
    )


def spend_fiscal(project, amount):
    return services.record_expenditure(
        project_id=project.pk,
        by=solver_user(project),
        category="business",
        source=FundSource.FISCAL,
        amount=D(amount),
        spent_on=clock.today(),
        description="测试材料费",
        voucher_file=pdf_upload("发票.pdf"),
    )


def committed(project):
    return services.committed_disbursed(project)


# ------------------------------------------------------------------------ TECH-CONTRACT


def test_no_disbursement_before_the_technology_contract_is_registered(selected):
    proposal, bureau = selected
    project = initiate(proposal, bureau)
    assert project.state == ProjectState.INITIATED
    pay(project, CONTRACT, by=bureau)

    with pytest.raises(DomainError) as refused:
        approve(project, "540000.00", by=bureau)
    assert refused.value.code == "TECH-CONTRACT"
    assert [d["code"] for d in refused.value.details] == ["TECH-CONTRACT"]
    assert not Disbursement.objects.filter(project=project).exists()

    register_contract(project)
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS
    disbursement = approve(project, "540000.00", by=bureau)
    assert disbursement.state == DisbursementState.APPROVED
    assert disbursement.amount == D("540000.00")
    assert not disbursement.first_phase


# ------------------------------------------------------------------- FUND-OVER-EARNED


def test_subsidy_is_earned_by_confirmed_payments_only(project, bureau):
    # 1,000,000.00 paid × 30 % = 300,000.00 earned
    pay(project, "1000000.00", by=bureau)
    with pytest.raises(DomainError) as refused:
        approve(project, "300000.01", by=bureau)
    assert refused.value.code == "FUND-OVER-EARNED"
    assert "合同实际支付额的30%计算" in refused.value.message
    assert "可补助累计300000.00元" in refused.value.message
    assert committed(project) == D("0.00")

    approve(project, "300000.00", by=bureau)
    assert committed(project) == D("300000.00")
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", by=bureau)
    assert refused.value.code == "FUND-OVER-EARNED"


def test_a_second_payment_unlocks_more_up_to_the_plan(project, bureau):
    pay(project, "1000000.00", by=bureau)
    approve(project, "300000.00", by=bureau)
    # paid 2,000,000.00 → earned 600,000.00, but the initiation instalment is 540,000.00
    pay(project, "1000000.00", by=bureau)
    approve(project, "240000.00", by=bureau)
    assert committed(project) == D("540000.00")
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", by=bureau)
    assert refused.value.code == "FUND-OVER-PLAN"


def test_unconfirmed_and_rejected_payments_earn_nothing(project, bureau):
    recorded = record(project, "1000000.00")
    assert recorded.state == PaymentState.RECORDED
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", by=bureau)
    assert refused.value.code == "FUND-OVER-EARNED"

    services.check_payment(payment_id=recorded.pk, by=bureau, confirmed=False, note="凭证不清晰")
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", by=bureau)
    assert refused.value.code == "FUND-OVER-EARNED"

    confirmed = record(project, "1000000.00")
    services.check_payment(payment_id=confirmed.pk, by=bureau, confirmed=True)
    approve(project, "300000.00", by=bureau)  # 1,000,000.00 confirmed × 30 %
    assert committed(project) == D("300000.00")


# ------------------------------------------------------ FUND-OVER-PLAN, FUND-TRIGGER


def test_before_the_mid_term_the_initiation_instalment_is_the_most(project, bureau):
    pay(project, CONTRACT, by=bureau)  # earned 1,800,000.00: only the plan limits
    with pytest.raises(DomainError) as refused:
        approve(project, "540000.01", by=bureau)
    assert refused.value.code == "FUND-OVER-PLAN"
    approve(project, "540000.00", by=bureau)
    assert committed(project) == D("540000.00")


def test_approving_the_same_instalment_twice_pays_it_once(project, bureau):
    pay(project, CONTRACT, by=bureau)
    first = approve(project, "540000.00", by=bureau)
    with pytest.raises(DomainError) as refused:
        approve(project, "540000.00", by=bureau)  # a double click
    assert refused.value.code == "FUND-OVER-PLAN"
    assert list(Disbursement.objects.filter(project=project)) == [first]

    # a cancelled approval no longer counts
    services.cancel_disbursement(disbursement_id=first.pk, by=bureau, reason="金额有误")
    approve(project, "540000.00", by=bureau)
    assert committed(project) == D("540000.00")


def test_later_instalments_wait_for_their_trigger(project, bureau):
    pay(project, CONTRACT, by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    for trigger in ("midterm_passed", "acceptance"):
        with pytest.raises(DomainError) as refused:
            approve(project, "1.00", trigger, by=bureau)
        assert refused.value.code == "FUND-TRIGGER"

    services.record_midterm(
        project_id=project.pk,
        by=bureau,
        outcome="passed",
        opinion="按计划推进，合格",
        evaluated_on=clock.today(),
    )
    # cumulative 70 % = 1,260,000.00: 720,000.00 more, not a fen beyond
    with pytest.raises(DomainError) as refused:
        approve(project, "720000.01", "midterm_passed", by=bureau)
    assert refused.value.code == "FUND-OVER-PLAN"
    approve(project, "720000.00", "midterm_passed", by=bureau)
    assert committed(project) == D("1260000.00")
    with pytest.raises(DomainError) as refused:
        approve(project, "1.00", "acceptance", by=bureau)
    assert refused.value.code == "FUND-TRIGGER"


def test_an_unknown_trigger_is_refused(project, bureau):
    pay(project, CONTRACT, by=bureau)
    with pytest.raises(DomainError) as refused:
        approve(project, "1.00", "whenever", by=bureau)
    assert refused.value.code == "FUND-TRIGGER"


# ------------------------------------------------------------- PAYMENT-OVER-CONTRACT


def test_payments_may_not_exceed_the_contract_amount(project, bureau):
    pay(project, "5000000.00", by=bureau)
    with pytest.raises(DomainError) as refused:
        record(project, "1000000.01")
    assert refused.value.code == "PAYMENT-OVER-CONTRACT"
    last = record(project, "1000000.00")  # exactly the contract amount in all
    with pytest.raises(DomainError) as refused:
        record(project, "0.01")
    assert refused.value.code == "PAYMENT-OVER-CONTRACT"

    # a payment the bureau refused frees its room
    services.check_payment(payment_id=last.pk, by=bureau, confirmed=False, note="重复登记")
    record(project, "1000000.00")
    assert IssuerPayment.objects.filter(project=project).count() == 3


# ------------------------------------------------------------------------ refunds


def test_termination_cancels_unpaid_approvals_and_asks_the_balance_back(project, bureau):
    pay(project, CONTRACT, by=bureau)
    approve_and_pay(project, "300000.00", by=bureau)
    unpaid = approve(project, "240000.00", by=bureau)
    spend_fiscal(project, "100000.50")
    with pytest.raises(DomainError) as refused:
        spend_fiscal(project, "199999.51")  # 300,000.00 received, 100,000.50 spent
    assert refused.value.code == "FISCAL-OVERSPENT"

    services.terminate_project(project_id=project.pk, by=bureau, reason="承担单位申请终止")
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED
    assert project.funding_stopped
    unpaid.refresh_from_db()
    assert unpaid.state == DisbursementState.CANCELLED
    refund = Refund.objects.get(project=project)
    # 300,000.00 received − 100,000.50 spent = 199,999.50
    assert refund.amount_due == D("199999.50")
    assert refund.reason == RefundReason.TERMINATION
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", by=bureau)
    assert refused.value.code == "FUNDING-STOPPED"
    with pytest.raises(DomainError) as refused:
        services.settle_refund(
            refund_id=refund.pk,
            by=bureau,
            amount_returned=D("199999.49"),
            returned_on=clock.today(),
            voucher_file=pdf_upload("退回凭证.pdf"),
        )
    assert refused.value.code == "REFUND-SHORT"
    services.settle_refund(
        refund_id=refund.pk,
        by=bureau,
        amount_returned=D("199999.50"),
        returned_on=clock.today(),
        voucher_file=pdf_upload("退回凭证.pdf"),
    )
    refund.refresh_from_db()
    assert refund.state == "settled"


# ---------------------------------------------------------------------- horse race

# Contract 6,000,000.00 → fiscal total 1,800,000.00; first phase ≤ 20 % = 360,000.00;
# the race plan holds initiation to 20 % and moves 10 % to the stage gate: 20 / 50 / 30.


def test_a_horse_race_route_receives_at_most_twenty_percent_before_its_gate(race_selected):
    a, _b, bureau = race_selected
    project = started(a, bureau)
    assert project.is_race
    assert [(s["trigger"], D(s["percent"])) for s in project.instalment_plan] == [
        ("initiation", D("20")),
        ("midterm_passed", D("50")),
        ("acceptance", D("30")),
    ]
    pay(project, CONTRACT, by=bureau)

    with pytest.raises(DomainError) as refused:
        approve(project, "360000.01", by=bureau)
    assert refused.value.code == "RACE-FIRST-PHASE-CAP"
    assert not Disbursement.objects.filter(project=project).exists()

    first = approve(project, "200000.00", by=bureau)
    assert first.first_phase
    with pytest.raises(DomainError) as refused:
        approve(project, "160000.01", by=bureau)  # 200,000.00 + 160,000.01 = 360,000.01
    assert refused.value.code == "RACE-FIRST-PHASE-CAP"
    approve(project, "160000.00", by=bureau)  # exactly 360,000.00
    assert committed(project) == D("360000.00")


def test_the_first_phase_cap_is_the_one_frozen_at_initiation(race_selected):
    a, _b, bureau = race_selected
    project = started(a, bureau)
    pay(project, CONTRACT, by=bureau)
    # the bureau later edits the call: the running project keeps its 20 %
    Call.objects.filter(pk=project.call_id).update(race_first_phase_cap_percent=D("10"))
    approve(project, "360000.00", by=bureau)
    assert committed(project) == D("360000.00")


def test_stage_gate_stops_one_route_and_continues_the_other(race_selected):
    a, b, bureau = race_selected
    stopped, continued = started(a, bureau), started(b, bureau)
    for project in (stopped, continued):
        pay(project, CONTRACT, by=bureau)

    approve_and_pay(stopped, "200000.00", by=bureau)
    unpaid = approve(stopped, "160000.00", by=bureau)
    spend_fiscal(stopped, "50000.00")
    services.record_midterm(
        project_id=stopped.pk,
        by=bureau,
        outcome="stop",
        opinion="技术路线指标未达到阶段目标，停止支持",
        evaluated_on=clock.today(),
    )
    stopped.refresh_from_db()
    assert stopped.state == ProjectState.TERMINATED
    assert stopped.funding_stopped
    assert stopped.city_project.status == CityProjectStatus.TERMINATED
    unpaid.refresh_from_db()
    assert unpaid.state == DisbursementState.CANCELLED
    refund = Refund.objects.get(project=stopped)
    assert refund.amount_due == D("150000.00")  # 200,000.00 paid − 50,000.00 spent
    for trigger in ("initiation", "midterm_passed"):
        with pytest.raises(DomainError) as refused:
            approve(stopped, "0.01", trigger, by=bureau)
        assert refused.value.code == "FUNDING-STOPPED"
    with pytest.raises(DomainError) as refused:
        services.record_disbursement_paid(
            disbursement_id=unpaid.pk,
            by=bureau,
            paid_on=clock.today(),
            voucher_file=pdf_upload("拨付凭证.pdf"),
        )
    assert refused.value.code == "DISBURSEMENT-STATE"

    approve_and_pay(continued, "360000.00", by=bureau)
    services.record_midterm(
        project_id=continued.pk,
        by=bureau,
        outcome="continue",
        opinion="阶段目标达成，继续支持",
        evaluated_on=clock.today(),
    )
    continued.refresh_from_db()
    assert continued.state == ProjectState.CONTINUED
    # after the gate: cumulative 70 % = 1,260,000.00, i.e. 900,000.00 more
    with pytest.raises(DomainError) as refused:
        approve(continued, "900000.01", "midterm_passed", by=bureau)
    assert refused.value.code == "FUND-OVER-PLAN"
    later = approve(continued, "900000.00", "midterm_passed", by=bureau)
    assert not later.first_phase
    assert committed(continued) == D("1260000.00")
