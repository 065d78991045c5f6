"""Project rules at their boundaries: TECH-CONTRACT, RACE-FIRST-PHASE-CAP, FUND-MIN,
PERIOD-MAX, PRIORITY-RESEARCH-ASSISTANT (domain.md §5)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jiebang.eligibility.engine import blocking
from jiebang.eligibility.findings import Severity
from jiebang.eligibility.rules.project import (
    check_disbursement,
    check_project_terms,
    first_phase_ceiling,
    project_priorities,
    rule_race_first_phase_cap,
    rule_tech_contract,
)
from jiebang.eligibility.snapshots import (
    DisbursementCheck,
    ProjectPriorityCheck,
    ProjectTermsCheck,
)
from tests.eligibility.builders import call_2024

pytestmark = [pytest.mark.unit]

D = Decimal
CALL = call_2024()


def codes(findings):
    return [f.code for f in findings]


def disbursement(**changes) -> DisbursementCheck:
    """A registered, ordinary project asking for 100,000.00 of its 1,500,000.00."""
    values = {
        "project_code": "XM2024-0001",
        "is_race": False,
        "tech_contract_number": "2024650102000123",
        "tech_contract_registered_on": dt.date(2024, 11, 5),
        "fiscal_total": D("1500000.00"),
        "amount": D("100000.00"),
        "first_phase_disbursed": D("0.00"),
        "gate_passed": False,
    }
    values.update(changes)
    return DisbursementCheck(**values)


def race(**changes) -> DisbursementCheck:
    return disbursement(is_race=True, **changes)


def terms(total="5000000.00", months=36, justification="") -> ProjectTermsCheck:
    return ProjectTermsCheck(
        total_investment=None if total is None else D(total),
        period_months=months,
        period_justification=justification,
    )


# ----------------------------------------------------------------------- TECH-CONTRACT


def test_tech_contract_registered_passes():
    assert rule_tech_contract(disbursement(), CALL) == []
    assert check_disbursement(disbursement(), CALL) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"tech_contract_number": ""},
        {"tech_contract_number": "   "},
        {"tech_contract_registered_on": None},
        {"tech_contract_number": "", "tech_contract_registered_on": None},
    ],
    ids=["no-number", "blank-number", "no-date", "neither"],
)
def test_tech_contract_missing_number_or_date_blocks(changes):
    findings = rule_tech_contract(disbursement(**changes), CALL)
    assert codes(findings) == ["TECH-CONTRACT"]
    assert findings[0].severity == Severity.BLOCK
    assert findings[0].blocks
    assert "XM2024-0001" in findings[0].message
    assert findings[0].field == "tech_contract_number"


# --------------------------------------------------------------- RACE-FIRST-PHASE-CAP


def test_first_phase_ceiling_is_twenty_percent():
    # 20 % of 1,500,000.00 = 300,000.00
    assert first_phase_ceiling(D("1500000.00"), CALL.race_first_phase_cap_percent) == D("300000.00")


def test_race_first_phase_exactly_at_the_ceiling_passes():
    assert rule_race_first_phase_cap(race(amount=D("300000.00")), CALL) == []


def test_race_first_phase_one_fen_over_the_ceiling_blocks():
    findings = rule_race_first_phase_cap(race(amount=D("300000.01")), CALL)
    assert codes(findings) == ["RACE-FIRST-PHASE-CAP"]
    assert findings[0].blocks
    assert "20%" in findings[0].message
    assert "300,000.00元" in findings[0].message  # the ceiling
    assert "0.01元" in findings[0].message  # the excess


def test_race_first_phase_counts_earlier_first_phase_money():
    # 120,000.00 already approved or paid + 180,000.00 now = 300,000.00: passes
    assert (
        rule_race_first_phase_cap(
            race(first_phase_disbursed=D("120000.00"), amount=D("180000.00")), CALL
        )
        == []
    )
    # + 180,000.01 = 300,000.01: one fen over
    assert codes(
        rule_race_first_phase_cap(
            race(first_phase_disbursed=D("120000.00"), amount=D("180000.01")), CALL
        )
    ) == ["RACE-FIRST-PHASE-CAP"]
    # the ceiling already used up: any fen more fails
    assert codes(
        rule_race_first_phase_cap(
            race(first_phase_disbursed=D("300000.00"), amount=D("0.01")), CALL
        )
    ) == ["RACE-FIRST-PHASE-CAP"]


def test_race_first_phase_ceiling_rounds_down_to_the_fen():
    # 20 % of 1,000,000.03 = 200,000.006 → 200,000.00: 200,000.01 is over
    check = race(fiscal_total=D("1000000.03"))
    assert rule_race_first_phase_cap(dataclasses.replace(check, amount=D("200000.00")), CALL) == []
    assert codes(
        rule_race_first_phase_cap(dataclasses.replace(check, amount=D("200000.01")), CALL)
    ) == ["RACE-FIRST-PHASE-CAP"]


def test_race_first_phase_cap_follows_the_call_parameter():
    # a call allowing 30 %: 30 % of 1,500,000.00 = 450,000.00
    call = call_2024(race_first_phase_cap_percent=D("30"))
    assert rule_race_first_phase_cap(race(amount=D("450000.00")), call) == []
    assert codes(rule_race_first_phase_cap(race(amount=D("450000.01")), call)) == [
        "RACE-FIRST-PHASE-CAP"
    ]


def test_race_first_phase_cap_never_applies_to_an_ordinary_project():
    assert rule_race_first_phase_cap(disbursement(amount=D("1500000.00")), CALL) == []


def test_race_first_phase_cap_no_longer_applies_after_the_gate():
    check = race(gate_passed=True, first_phase_disbursed=D("300000.00"), amount=D("750000.00"))
    assert rule_race_first_phase_cap(check, CALL) == []


def test_check_disbursement_returns_every_finding_at_once():
    check = race(tech_contract_number="", amount=D("300000.01"))
    assert codes(check_disbursement(check, CALL)) == ["TECH-CONTRACT", "RACE-FIRST-PHASE-CAP"]


# -------------------------------------------------------------- FUND-MIN / PERIOD-MAX


def test_fund_min_exactly_the_minimum_passes():
    assert check_project_terms(terms(total="5000000.00"), CALL) == []


def test_fund_min_one_fen_below_blocks():
    findings = check_project_terms(terms(total="4999999.99"), CALL)
    assert codes(findings) == ["FUND-MIN"]
    assert blocking(findings) == findings
    assert "5,000,000.00元" in findings[0].message
    assert "4,999,999.99元" in findings[0].message


def test_fund_min_missing_investment_blocks():
    assert codes(check_project_terms(terms(total=None), CALL)) == ["FUND-MIN"]


def test_fund_min_follows_the_call_parameter():
    call = call_2024(min_total_investment=D("3000000.00"))
    assert check_project_terms(terms(total="3000000.00"), call) == []
    assert codes(check_project_terms(terms(total="2999999.99"), call)) == ["FUND-MIN"]


def test_period_max_thirty_six_months_passes():
    assert check_project_terms(terms(months=36), CALL) == []


def test_period_max_thirty_seven_months_without_justification_blocks():
    findings = check_project_terms(terms(months=37), CALL)
    assert codes(findings) == ["PERIOD-MAX"]
    assert findings[0].severity == Severity.JUSTIFY
    assert findings[0].blocks
    assert "37" in findings[0].message


def test_period_max_blank_justification_still_blocks():
    findings = check_project_terms(terms(months=37, justification="  \n "), CALL)
    assert blocking(findings) == findings


def test_period_max_thirty_seven_months_with_justification_is_allowed():
    findings = check_project_terms(
        terms(months=37, justification="需完成两个采暖季的现场试验"), CALL
    )
    assert codes(findings) == ["PERIOD-MAX"]  # still shown to reviewers
    assert findings[0].justified
    assert blocking(findings) == []


def test_project_terms_return_both_findings_at_once():
    assert codes(check_project_terms(terms(total="4999999.99", months=37), CALL)) == [
        "FUND-MIN",
        "PERIOD-MAX",
    ]


# ----------------------------------------------------- PRIORITY-RESEARCH-ASSISTANT


def test_no_research_assistant_post_no_flag():
    assert project_priorities(ProjectPriorityCheck(assistant_openings=0, graduates_hired=0)) == []


def test_one_research_assistant_opening_is_flagged_never_blocking():
    findings = project_priorities(ProjectPriorityCheck(assistant_openings=1, graduates_hired=0))
    assert codes(findings) == ["PRIORITY-RESEARCH-ASSISTANT"]
    assert findings[0].severity == Severity.PRIORITY
    assert blocking(findings) == []
    assert "1个" in findings[0].message
