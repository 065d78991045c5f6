"""验收 / 总结评价: the acceptance application, the four outcomes, one rework, refunds of
the unspent balance, the credit record of 不通过, and the acceptance instalment
(domain.md §7). Contract 6,000,000.00 → fiscal total 1,800,000.00 (30 / 40 / 30 %).
"""

import datetime as dt
from decimal import Decimal

import pytest

from jiebang.calls.models import Call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.orgs.enums import CityProjectStatus, CreditKind
from jiebang.orgs.models import CreditRecord
from jiebang.projects import services
from jiebang.projects.enums import AcceptanceOutcome, FundSource, ProjectState, RefundReason
from jiebang.projects.models import Refund
from tests.helpers import pdf_upload
from tests.projects.builders import initiate, solver_user
from tests.projects.support import (
    DAY0,
    approve,
    approve_and_pay,
    on,
    pay,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]

D = Decimal


def pass_midterm(project, bureau):
    services.record_midterm(
        project_id=project.pk,
        by=bureau,
        outcome="passed",
        opinion="合格",
        evaluated_on=clock.today(),
    )


def report_achievements(project, *, evidence=True):
    for indicator in project.indicators.all():
        services.save_achievement(
            indicator_id=indicator.pk,
            by=solver_user(project),
            achieved_value="97",
            achieved=True,
            evidence_file=pdf_upload("检测报告.pdf") if evidence else None,
        )


def submit_final(project):
    return services.submit_final_report(
        project_id=project.pk, by=solver_user(project), summary="各项指标均已完成"
    )


def submitted(project, bureau):
    """Mid-term passed, every indicator reported with evidence, acceptance applied for."""
    pass_midterm(project, bureau)
    report_achievements(project)
    submit_final(project)
    project.refresh_from_db()
    assert project.state == ProjectState.FINAL_SUBMITTED
    return project


def decide(project, bureau, outcome, opinion="专家组验收意见"):
    services.decide_acceptance(project_id=project.pk, by=bureau, outcome=outcome, opinion=opinion)
    project.refresh_from_db()
    project.city_project.refresh_from_db()
    return project


# ------------------------------------------------------------ applying for acceptance


def test_acceptance_needs_the_midterm_first(project):
    report_achievements(project)
    with pytest.raises(DomainError) as refused:
        submit_final(project)
    assert refused.value.code == "MIDTERM-REQUIRED"
    assert not project.final_reports.exists()


def test_acceptance_needs_evidence_for_every_indicator(project, bureau):
    pass_midterm(project, bureau)
    with pytest.raises(DomainError) as refused:  # nothing reported yet
        submit_final(project)
    assert refused.value.code == "ACHIEVEMENT-MISSING"
    with pytest.raises(DomainError) as refused:  # a value is required
        services.save_achievement(
            indicator_id=project.indicators.first().pk,
            by=solver_user(project),
            achieved_value="  ",
            achieved=True,
        )
    assert refused.value.code == "ACHIEVEMENT-MISSING"

    report_achievements(project, evidence=False)
    with pytest.raises(DomainError) as refused:  # values without evidence
        submit_final(project)
    assert refused.value.code == "ACHIEVEMENT-MISSING"
    assert project.indicators.first().name in refused.value.message
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS

    report_achievements(project)
    report = submit_final(project)
    assert report.round_number == 1
    assert report.snapshot[0]["achieved_value"] == "97"
    assert report.snapshot[0]["evidence_sha256"]


# ------------------------------------------------------------------------- outcomes


def test_passed(project, bureau):
    submitted(project, bureau)
    with on(dt.date(2028, 4, 20)):
        decide(project, bureau, "passed")
    assert project.state == ProjectState.ACCEPTED
    assert project.acceptance_outcome == AcceptanceOutcome.PASSED
    assert project.closed_on == dt.date(2028, 4, 20)
    assert project.city_project.status == CityProjectStatus.ACCEPTED
    assert project.city_project.accepted_on == dt.date(2028, 4, 20)
    assert not Refund.objects.filter(project=project).exists()


def test_rework_once_then_passed_after_rework(project, bureau):
    submitted(project, bureau)
    decide(project, bureau, "rework")
    assert project.state == ProjectState.REWORK
    assert project.reworked
    assert project.rework_deadline == dt.date(2026, 7, 1)  # 3 months
    assert project.city_project.status == CityProjectStatus.ONGOING
    # without a resubmission only 结题 or 不通过 can be decided
    with pytest.raises(DomainError) as refused:
        decide(project, bureau, "passed")
    assert refused.value.code == "ACCEPTANCE-OUTCOME"

    assert submit_final(project).round_number == 2
    decide(project, bureau, "passed")
    assert project.state == ProjectState.ACCEPTED
    assert project.acceptance_outcome == AcceptanceOutcome.PASSED_AFTER_REWORK
    assert project.city_project.status == CityProjectStatus.ACCEPTED


def test_a_second_rework_is_refused(project, bureau):
    submitted(project, bureau)
    decide(project, bureau, "rework")
    submit_final(project)
    with pytest.raises(DomainError) as refused:
        decide(project, bureau, "rework")
    assert refused.value.code == "REWORK-ONCE"
    project.refresh_from_db()
    assert project.state == ProjectState.FINAL_SUBMITTED


def test_concluded_refunds_the_unspent_fiscal_balance(project, bureau):
    pay(project, "6000000.00", by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    services.record_expenditure(
        project_id=project.pk,
        by=solver_user(project),
        category="equipment",
        source=FundSource.FISCAL,
        amount=D("140000.25"),
        spent_on=clock.today(),
        description="采购检测设备",
        voucher_file=pdf_upload("发票.pdf"),
    )
    services.record_expenditure(  # own money is not refunded
        project_id=project.pk,
        by=solver_user(project),
        category="labour",
        source=FundSource.SELF,
        amount=D("300000.00"),
        spent_on=clock.today(),
        description="人员劳务",
        voucher_file=pdf_upload("发票.pdf"),
    )
    submitted(project, bureau)
    decide(project, bureau, "concluded")
    assert project.state == ProjectState.CONCLUDED
    assert project.acceptance_outcome == AcceptanceOutcome.CONCLUDED
    assert project.funding_stopped
    assert project.city_project.status == CityProjectStatus.CONCLUDED
    assert project.city_project.accepted_on is None
    refund = Refund.objects.get(project=project)
    # 540,000.00 disbursed and paid − 140,000.25 fiscal spending = 399,999.75
    assert refund.amount_due == D("399999.75")
    assert refund.reason == RefundReason.CONCLUSION
    with pytest.raises(DomainError) as refused:
        approve(project, "0.01", "acceptance", by=bureau)
    assert refused.value.code == "FUNDING-STOPPED"


def test_failed_writes_a_credit_record_of_the_solver(project, bureau):
    submitted(project, bureau)
    decide(project, bureau, "failed", opinion="核心指标未达到")
    assert project.state == ProjectState.FAILED
    assert project.city_project.status == CityProjectStatus.FAILED
    record = CreditRecord.objects.get(organization=project.solver)
    assert record.kind == CreditKind.FAILED_ACCEPTANCE
    assert record.decided_on == DAY0
    assert record.penalty_end == dt.date(2029, 4, 1)  # the call's 3-year look-back
    assert project.code in record.source_document
    assert not Refund.objects.filter(project=project).exists()  # nothing was paid


def test_failed_writes_no_credit_record_when_the_call_says_so(project, bureau):
    Call.objects.filter(pk=project.call_id).update(failed_acceptance_writes_credit=False)
    submitted(project, bureau)
    decide(project, bureau, "failed", opinion="核心指标未达到")
    assert project.state == ProjectState.FAILED
    assert not CreditRecord.objects.filter(organization=project.solver).exists()


# ---------------------------------------------------------- the acceptance instalment


def test_the_acceptance_instalment_waits_for_passed(project, bureau):
    pay(project, "6000000.00", by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    pass_midterm(project, bureau)
    approve_and_pay(project, "720000.00", "midterm_passed", by=bureau)
    report_achievements(project)
    submit_final(project)
    with pytest.raises(DomainError) as refused:
        approve(project, "540000.00", "acceptance", by=bureau)
    assert refused.value.code == "FUND-TRIGGER"

    decide(project, bureau, "passed")
    with pytest.raises(DomainError) as refused:
        approve(project, "540000.01", "acceptance", by=bureau)
    assert refused.value.code == "FUND-OVER-PLAN"
    approve(project, "540000.00", "acceptance", by=bureau)
    assert services.committed_disbursed(project) == D("1800000.00")


def test_a_project_without_a_midterm_in_its_period_receives_everything_after_passed(selected):
    proposal, bureau = selected
    # mid-term after 24 months: due 2028-04-01, after the planned end 2028-03-31
    Call.objects.filter(pk=proposal.demand.call_id).update(midterm_after_months=24)
    project = initiate(proposal, bureau)
    services.register_tech_contract(
        project_id=project.pk,
        by=solver_user(project),
        number="2026650102000999",
        registered_on=clock.today(),
    )
    pay(project, "6000000.00", by=bureau)
    approve_and_pay(project, "540000.00", by=bureau)
    report_achievements(project)
    submit_final(project)  # no mid-term required
    decide(project, bureau, "passed")
    # accepted: the 40 % and the 30 % are both released → 1,260,000.00 more
    approve(project, "1260000.00", "acceptance", by=bureau)
    assert services.committed_disbursed(project) == D("1800000.00")


def test_the_rework_period_ends_on_its_deadline(project, bureau):
    submitted(project, bureau)
    decide(project, bureau, "rework")
    assert project.rework_deadline == dt.date(2026, 7, 1)
    with on(dt.date(2026, 7, 2)), pytest.raises(DomainError) as late:
        submit_final(project)
    assert late.value.code == "REWORK-DEADLINE-PASSED"
    with on(dt.date(2026, 7, 1)):
        assert submit_final(project).round_number == 2


def test_the_last_contract_payment_after_acceptance_earns_the_acceptance_instalment(
    project, bureau
):
    pay(project, "4200000.00", by=bureau)  # earns 30 % = 1,260,000.00
    approve_and_pay(project, "540000.00", by=bureau)
    pass_midterm(project, bureau)
    approve_and_pay(project, "720000.00", "midterm_passed", by=bureau)
    report_achievements(project)
    submit_final(project)
    decide(project, bureau, "passed")
    with pytest.raises(DomainError) as unearned:
        approve(project, "540000.00", "acceptance", by=bureau)
    assert unearned.value.code == "FUND-OVER-EARNED"
    pay(project, "1800000.00", by=bureau)  # the balance, paid after acceptance
    approve(project, "540000.00", "acceptance", by=bureau)
    assert services.committed_disbursed(project) == D("1800000.00")
