"""The catalogue matches domain.md §5, and every registered rule speaks only its own code."""

import dataclasses
import datetime as dt
import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiebang.eligibility import catalogue
from jiebang.eligibility.catalogue import (
    ATTACHMENT_KINDS,
    DEMAND_CATEGORIES,
    RESEARCH_TASK_LEVELS,
    RULES,
    finding,
)
from jiebang.eligibility.engine import check_demand
from jiebang.eligibility.findings import Severity
from jiebang.eligibility.rules.demand import DEMAND_RULES
from jiebang.eligibility.snapshots import IndicatorSnapshot, RouteSnapshot
from tests.eligibility.builders import (
    at_check,
    bj,
    call_2024,
    city_project,
    credit,
    many_problems_at_check,
    many_problems_tb_check,
    misconduct,
    person,
    tb_check,
    with_demand,
    with_org,
)

pytestmark = pytest.mark.unit

DOMAIN_MD = Path("/work/shared/docs/domain.md")

# domain.md §5 as of this writing: (code, applies to, severity, clause). Used only when the
# document is not available; otherwise the table itself is parsed.
FALLBACK_TABLE = [
    ("WINDOW-SUBMIT", "demand", "block", "五(一)1,3"),
    ("WINDOW-RECOMMEND", "district action", "block", "五(一)2"),
    ("ORG-UNVERIFIED", "all", "block", "五(二)1,2"),
    ("TB-ISSUER-LOCAL", "TB demand", "block", "二(一)1"),
    ("TB-ISSUER-KIND", "TB demand", "block", "二(一)1"),
    ("TB-ISSUER-AGE", "TB demand", "block", "二(一)2(2)"),
    (
        "CREDIT-SERIOUS",
        "TB issuer; TB solver (each consortium member); AT parties only where the call extends it",
        "block",
        "二(一)2(2), 二(三)2",
    ),
    ("TB-END-USER", "TB demand", "block", "二(一)2(5)"),
    ("TB-FUNDING-COMMIT", "TB demand", "block", "二(一)2(1)"),
    ("TB-CONTENT", "TB demand", "block", "二(一)2(4)"),
    ("TB-AUDIT-REPORTS", "TB demand", "block", "五(二)4"),
    ("TB-SUPPORT-EVIDENCE", "TB demand", "block", "五(二)4"),
    ("AT-ISSUER-KIND", "AT demand", "block", "二(二)1"),
    ("AT-TRACK-RECORD", "AT demand", "block", "二(二)2(1)"),
    ("AT-IP-CLEAR", "AT demand", "block", "二(二)2(2)"),
    ("AT-TEAM", "AT demand", "block", "二(二)2(3)"),
    ("AT-TEST-REPORT", "AT demand", "block", "五(二)4"),
    ("FUND-MIN", "demand, project", "block", "三"),
    ("PERIOD-MAX", "demand, project", "justify", "三"),
    ("CLASSIFIED", "demand", "block", "五(二)9"),
    ("ATT-APPLICATION-FORM", "demand", "block", "五(二)3"),
    ("ATT-COMMIT-UNIT", "demand", "block", "五(二)3"),
    ("ATT-COMMIT-LEADER", "demand", "block", "五(二)3"),
    ("LIM-UNIT-OVERDUE", "issuer, solver", "block", "四(一)"),
    ("LIM-UNIT-ONGOING", "issuer, solver", "block", "四(二)"),
    ("LIM-PERSON-LOAD", "demand, proposal", "block", "四(二)"),
    ("LIM-MISCONDUCT", "unit, leader, every member", "block", "四(三)"),
    ("RACE-ROUTES", "horse-race demand", "block", "五(二)6"),
    ("RACE-FIRST-PHASE-CAP", "horse-race project funding", "block", "五(二)6"),
    ("SOLVER-TB-KIND", "TB proposal", "block", "二(三)"),
    ("SOLVER-AT-LOCAL", "AT proposal", "block", "二(四)"),
    ("SOLVER-AFFILIATED", "proposal", "block", "二(三)5, 二(四)4"),
    ("SOLVER-IP", "TB proposal", "block", "二(三)3"),
    ("SOLVER-PLAN", "proposal", "block", "二(三)3, 二(四)1"),
    ("TECH-CONTRACT", "project", "block", "五(二)5"),
    ("ETHICS-REVIEW", "demand, proposal", "justify", "五(二)8"),
    ("PRIORITY-COMMON-TECH", "demand", "priority", "二(二)2(4)"),
    ("PRIORITY-FIRST-SET", "demand", "priority", "二(二)2(4)"),
    ("PRIORITY-PUBLIC-BENEFIT", "demand", "priority", "二(二)2(4)"),
    ("PRIORITY-INDUSTRY-ACADEMIA", "proposal", "priority", "二(三)4"),
    ("PRIORITY-RESEARCH-ASSISTANT", "project", "priority", "五(二)10"),
]

# The demand rules this step implements (the brief of the eligibility step).
DEMAND_CODES = {
    "WINDOW-SUBMIT",
    "ORG-UNVERIFIED",
    "TB-ISSUER-LOCAL",
    "TB-ISSUER-KIND",
    "TB-ISSUER-AGE",
    "CREDIT-SERIOUS",
    "TB-END-USER",
    "TB-FUNDING-COMMIT",
    "TB-CONTENT",
    "TB-AUDIT-REPORTS",
    "TB-SUPPORT-EVIDENCE",
    "AT-ISSUER-KIND",
    "AT-TRACK-RECORD",
    "AT-IP-CLEAR",
    "AT-TEAM",
    "AT-TEST-REPORT",
    "FUND-MIN",
    "PERIOD-MAX",
    "CLASSIFIED",
    "ATT-APPLICATION-FORM",
    "ATT-COMMIT-UNIT",
    "ATT-COMMIT-LEADER",
    "LIM-UNIT-OVERDUE",
    "LIM-UNIT-ONGOING",
    "LIM-PERSON-LOAD",
    "LIM-MISCONDUCT",
    "RACE-ROUTES",
    "ETHICS-REVIEW",
    "PRIORITY-COMMON-TECH",
    "PRIORITY-FIRST-SET",
    "PRIORITY-PUBLIC-BENEFIT",
}


def parse_rule_table(text: str) -> list[tuple[str, str, str, str]]:
    """The rows of the `| code | applies to | severity | rule | clause |` table of §5."""
    section = text.split("## 5. Rule catalogue", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] == "code" or set(cells[0]) <= {"-", ":"}:
            continue
        code, applies_to, severity, _rule, clause = cells
        rows.append((code, applies_to, severity, clause))
    return rows


def rule_table() -> list[tuple[str, str, str, str]]:
    if DOMAIN_MD.exists():
        rows = parse_rule_table(DOMAIN_MD.read_text(encoding="utf-8"))
        assert rows, "domain.md §5 has no rule table to check against"
        return rows
    return FALLBACK_TABLE


def guide_clause(table_clause: str) -> str:
    """domain.md's `二(一)2(2), 二(三)2` as the catalogue writes it: `申报指南 二（一）2（2）、二（三）2`."""
    converted = table_clause.replace("(", "（").replace(")", "）")
    converted = re.sub(r"\s*,\s*", "、", converted)
    return f"申报指南 {converted}"


# --------------------------------------------------------------- catalogue vs domain.md


def test_every_code_of_domain_md_is_in_the_catalogue_and_nothing_else():
    table = rule_table()
    assert [code for code, *_ in table] == list(RULES)


def test_severities_match_the_table():
    for code, _applies, severity, _clause in rule_table():
        assert RULES[code].severity == Severity(severity), code


def test_clauses_and_scopes_match_the_table():
    for code, applies_to, _severity, clause in rule_table():
        assert RULES[code].clause == guide_clause(clause), code
        assert RULES[code].applies_to == applies_to, code


def test_the_fallback_table_is_the_current_table():
    if not DOMAIN_MD.exists():
        pytest.skip("domain.md not available")
    assert parse_rule_table(DOMAIN_MD.read_text(encoding="utf-8")) == FALLBACK_TABLE


def test_clause_format():
    assert RULES["TB-ISSUER-AGE"].clause == "申报指南 二（一）2（2）"
    assert RULES["WINDOW-SUBMIT"].clause == "申报指南 五（一）1、3"
    assert RULES["FUND-MIN"].clause == "申报指南 三"
    for spec in RULES.values():
        assert spec.clause.startswith("申报指南 ")
        assert not re.search(r"[(),]", spec.clause), spec.clause


def test_each_code_is_a_double_quoted_literal_in_the_catalogue_source():
    source = Path(inspect.getsourcefile(catalogue)).read_text(encoding="utf-8")
    for code in RULES:
        assert f'"{code}"' in source, code


def test_titles_are_short_chinese_names():
    for spec in RULES.values():
        assert spec.title
        assert re.search(r"[\u4e00-\u9fff]", spec.title)
        assert not re.search(r"[A-Za-z]", spec.title), spec.title
        assert len(spec.title) <= 24


def test_vocabularies_are_labelled_in_chinese():
    assert set(ATTACHMENT_KINDS) == {
        "application_form",
        "commit_unit",
        "commit_leader",
        "audit_report",
        "evidence_equipment",
        "evidence_site",
        "evidence_application",
        "evidence_team",
        "test_report",
        "ip_evidence",
        "case_evidence",
        "ethics_review",
    }
    assert set(RESEARCH_TASK_LEVELS) == {"national", "region", "city"}
    assert set(DEMAND_CATEGORIES) == {"tech_breakthrough", "achievement_transfer"}
    for label in [*ATTACHMENT_KINDS.values(), *RESEARCH_TASK_LEVELS.values()]:
        assert re.search(r"[\u4e00-\u9fff]", label)


# -------------------------------------------------------------------------- finding()


def test_finding_fills_severity_and_clause_from_the_catalogue():
    made = finding("FUND-MIN", "金额不足。", field="total_investment")
    assert made.severity == Severity.BLOCK
    assert made.clause == "申报指南 三"
    assert made.field == "total_investment"
    assert made.blocks
    assert made.as_dict()["code"] == "FUND-MIN"


def test_finding_justified_only_for_justify_rules():
    assert not finding("PERIOD-MAX", "已说明。", justified=True).blocks
    assert finding("PERIOD-MAX", "未说明。").blocks
    with pytest.raises(ValueError, match="only justify"):
        finding("FUND-MIN", "金额不足。", justified=True)


def test_finding_refuses_an_unknown_code():
    with pytest.raises(KeyError):
        finding("NO-SUCH-RULE", "无。")


def test_priority_findings_never_block():
    assert not finding("PRIORITY-FIRST-SET", "首台套。").blocks


# ----------------------------------------------------------------------- the registry


def test_the_demand_registry_holds_exactly_this_steps_rules_once_each():
    registered = [rule.code for rule in DEMAND_RULES]
    assert len(registered) == len(set(registered))
    assert set(registered) == DEMAND_CODES
    assert set(registered) <= set(RULES)


def test_registry_categories():
    for rule in DEMAND_RULES:
        assert rule.categories
        assert rule.categories <= set(DEMAND_CATEGORIES)
        if rule.code.startswith("TB-"):
            assert rule.categories == {"tech_breakthrough"}, rule.code
        elif rule.code.startswith("AT-"):
            assert rule.categories == {"achievement_transfer"}, rule.code
        else:
            assert rule.categories == set(DEMAND_CATEGORIES), rule.code


def test_each_rule_function_names_only_its_own_code_in_its_source():
    for rule in DEMAND_RULES:
        source = inspect.getsource(rule.function)
        named = {code for code in RULES if f'"{code}"' in source}
        assert named == {rule.code}, (rule.function.__name__, named)


EXTENDED = call_2024(credit_check_extends_to_transfer=True)


def _bad_checks():
    return [
        (many_problems_tb_check(), call_2024()),
        (many_problems_tb_check(), EXTENDED),
        (many_problems_at_check(), call_2024()),
        (many_problems_at_check(), EXTENDED),
        (tb_check(at=bj(2024, 7, 1, 12, 0)), call_2024()),
        (with_org(tb_check(), verification_state="rejected", registered_in_city_on=None), EXTENDED),
    ]


def test_each_rule_emits_only_its_own_code_and_every_rule_fires_somewhere():
    fired = set()
    for check, call in _bad_checks():
        for rule in DEMAND_RULES:
            findings = rule.function(check, call)
            assert {f.code for f in findings} <= {rule.code}, rule.function.__name__
            if findings:
                fired.add(rule.code)
    assert fired == DEMAND_CODES


# Independent ways to break a valid check; a drawn subset is applied to either category.
BREAKERS = [
    lambda c: dataclasses.replace(c, at=bj(2024, 8, 30, 19, 30, 1)),
    lambda c: dataclasses.replace(c, applicant_active=False),
    lambda c: with_org(c, verification_state="pending"),
    lambda c: with_org(c, district_name=None, is_independent_legal_person=False),
    lambda c: with_org(c, kind="other"),
    lambda c: with_org(c, registered_in_city_on=dt.date(2024, 1, 1)),
    lambda c: with_org(c, credit_records=(credit(), misconduct())),
    lambda c: with_org(
        c,
        city_projects=tuple(city_project(f"20230{n}") for n in range(5))
        + (city_project("2019001", planned_end=dt.date(2020, 1, 1)),),
    ),
    lambda c: with_demand(c, declares_end_user=False, commits_funding=False),
    lambda c: with_demand(c, indicators=(IndicatorSnapshot(name="", target_value=""),)),
    lambda c: with_demand(c, time_requirement="", ip_terms="", solver_conditions=""),
    lambda c: with_demand(c, total_investment=None),
    lambda c: with_demand(c, total_investment=Decimal("4999999.99")),
    lambda c: with_demand(c, period_months=None),
    lambda c: with_demand(c, period_months=37),
    lambda c: with_demand(c, period_months=37, period_justification="理由"),
    lambda c: with_demand(c, is_classified=True),
    lambda c: with_demand(c, involves_ethics=True),
    lambda c: with_demand(c, is_horse_race=True, routes=(RouteSnapshot("甲", Decimal("0")),)),
    lambda c: with_demand(c, attachment_kinds=frozenset()),
    lambda c: with_demand(c, audit_report_years=frozenset(), financials=()),
    lambda c: with_demand(c, research_tasks=(), success_cases="", ip_items=()),
    lambda c: with_demand(c, transfer_team="", team=(person(1),)),
    lambda c: with_demand(
        c,
        team=(
            person(1, ongoing_rnd_projects=("1", "2")),
            person(2, credit_records=(misconduct(),)),
        ),
    ),
    lambda c: with_demand(
        c, priority_common_tech=True, priority_first_set=True, priority_public_benefit=True
    ),
    lambda c: with_org(
        c,
        kind="enterprise",
        tech_certification="high_tech",
        tech_certificate_valid_until=dt.date(2024, 1, 1),
    ),
]


@settings(max_examples=150, deadline=None)
@given(
    base=st.sampled_from([tb_check, at_check]),
    breakers=st.lists(st.sampled_from(range(len(BREAKERS))), unique=True, max_size=8),
    extended=st.booleans(),
)
def test_the_engine_is_the_union_of_its_rules_each_speaking_its_own_code(base, breakers, extended):
    check = base()
    for index in breakers:
        check = BREAKERS[index](check)
    call = EXTENDED if extended else call_2024()
    expected = []
    for rule in DEMAND_RULES:
        if check.demand.category not in rule.categories:
            continue
        findings = rule.function(check, call)
        assert {f.code for f in findings} <= {rule.code}
        expected.extend(findings)
    result = check_demand(check, call)
    assert sorted(result, key=repr) == sorted(expected, key=repr)
    for found in result:
        assert found.severity == RULES[found.code].severity
        assert found.clause == RULES[found.code].clause
    if not breakers:
        assert result == []
