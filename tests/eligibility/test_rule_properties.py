"""Rules as properties (hypothesis): for any input, a rule blocks exactly when its clause
says so, and every finding the engine returns carries a catalogue code and a Chinese message.
The boundary examples live beside each rule's own tests; these sweep the space between."""

import dataclasses
import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiebang.eligibility.catalogue import RULES
from jiebang.eligibility.engine import check_proposal
from jiebang.eligibility.rules import proposal as r
from jiebang.eligibility.rules.project import rule_race_first_phase_cap, rule_tech_contract
from jiebang.eligibility.snapshots import DisbursementCheck
from jiebang.orgs.enums import VerificationState
from tests.eligibility.builders import call_2024, person
from tests.eligibility.proposal_builders import (
    SOLICITATION_DEADLINE,
    at_proposal_check,
    tb_proposal_check,
    with_member_org,
    with_proposal,
)

pytestmark = pytest.mark.unit

CALL = call_2024()
CJK = re.compile(r"[\u4e00-\u9fff]")
CENTS = st.decimals(
    min_value=Decimal("0.00"),
    max_value=Decimal("50000000.00"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


NEAR = st.timedeltas(min_value=-dt.timedelta(seconds=2), max_value=dt.timedelta(seconds=2))
FAR = st.timedeltas(min_value=-dt.timedelta(days=3), max_value=dt.timedelta(days=3))


@given(offset=st.one_of(NEAR, FAR))
def test_window_submit_blocks_exactly_after_the_deadline_second(offset):
    at = SOLICITATION_DEADLINE + offset
    findings = r.rule_window_submit(tb_proposal_check(at=at), CALL)
    assert bool(findings) == (at.replace(microsecond=0) > SOLICITATION_DEADLINE)


@given(
    ongoing=st.integers(min_value=0, max_value=4),
    applications=st.integers(min_value=0, max_value=4),
    position=st.integers(min_value=1, max_value=5),
)
def test_lim_person_load_blocks_a_principal_over_the_limit(ongoing, applications, position):
    busy = person(
        position,
        ongoing_rnd_projects=tuple(f"2023{n:03d}" for n in range(ongoing)),
        other_applications_this_year=tuple(f"需求{n}" for n in range(applications)),
    )
    others = [person(p) for p in range(1, 6) if p != position]
    team = tuple(sorted([busy, *others], key=lambda p: p.position))
    findings = r.rule_lim_person_load(with_proposal(tb_proposal_check(), team=team), CALL)
    counted = ongoing + applications + 1  # this proposal included
    expected = position <= CALL.principal_count and counted > CALL.person_max_load
    assert bool(findings) == expected
    if findings:
        assert f"累计{counted}项" in findings[0].message


@given(
    fiscal_total=CENTS,
    earlier=CENTS,
    amount=CENTS,
    near=st.sampled_from([None, Decimal("-0.01"), Decimal("0.00"), Decimal("0.01")]),
    is_race=st.booleans(),
    gate_passed=st.booleans(),
)
def test_race_first_phase_cap_blocks_exactly_above_the_rounded_down_ceiling(
    fiscal_total, earlier, amount, near, is_race, gate_passed
):
    ceiling = (fiscal_total * CALL.race_first_phase_cap_percent / 100).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )
    if near is not None:  # aim at the ceiling: one fen under, exactly, one fen over
        earlier = min(earlier, ceiling)
        amount = max(ceiling - earlier + near, Decimal("0.00"))
    check = DisbursementCheck(
        project_code="JB-2024-XM-000001",
        is_race=is_race,
        tech_contract_number="2024650102000001",
        tech_contract_registered_on=dt.date(2024, 12, 1),
        fiscal_total=fiscal_total,
        amount=amount,
        first_phase_disbursed=earlier,
        gate_passed=gate_passed,
    )
    expected = is_race and not gate_passed and earlier + amount > ceiling
    assert bool(rule_race_first_phase_cap(check, CALL)) == expected


@given(
    number=st.text(alphabet=" 0123456789", max_size=20),
    registered=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
)
def test_tech_contract_blocks_without_a_number_or_a_date(number, registered):
    check = DisbursementCheck(
        project_code="JB-2024-XM-000001",
        is_race=False,
        tech_contract_number=number,
        tech_contract_registered_on=registered,
        fiscal_total=Decimal("1000000.00"),
        amount=Decimal("1.00"),
        first_phase_disbursed=Decimal("0.00"),
        gate_passed=False,
    )
    assert bool(rule_tech_contract(check, CALL)) == (not number.strip() or registered is None)


@given(
    category_check=st.sampled_from([tb_proposal_check, at_proposal_check]),
    state=st.sampled_from(list(VerificationState)),
    at_offset_hours=st.integers(min_value=-240, max_value=240),
    applicant_active=st.booleans(),
    title=st.text(max_size=40),
)
def test_every_finding_has_a_catalogue_code_and_a_chinese_message(
    category_check, state, at_offset_hours, applicant_active, title
):
    check = category_check(at=SOLICITATION_DEADLINE + dt.timedelta(hours=at_offset_hours))
    check = with_member_org(check, 1, verification_state=state)
    check = dataclasses.replace(check, applicant_active=applicant_active)
    check = with_proposal(check, title=title) if hasattr(check.proposal, "title") else check
    first = check_proposal(check, CALL)
    assert first == check_proposal(check, CALL)  # deterministic
    for finding in first:
        assert finding.code in RULES, finding.code
        assert CJK.search(finding.message), finding.message
    codes = {finding.code for finding in first}
    assert ("WINDOW-SUBMIT" in codes) == (at_offset_hours > 0)
    assert ("ORG-UNVERIFIED" in codes) == (
        state != VerificationState.VERIFIED or not applicant_active
    )
