"""Demand rules at their boundaries (architecture.md rule 3), and the engine over them."""

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from jiebang.eligibility.catalogue import (
    ATT_APPLICATION_FORM,
    ATT_AUDIT_REPORT,
    ATT_COMMIT_LEADER,
    ATT_COMMIT_UNIT,
    ATT_ETHICS_REVIEW,
    ATT_EVIDENCE_SITE,
    ATT_EVIDENCE_TEAM,
    ATT_IP_EVIDENCE,
    ATT_TEST_REPORT,
    RULES,
)
from jiebang.eligibility.engine import blocking, check_demand, demand_rules_for
from jiebang.eligibility.findings import Severity
from jiebang.eligibility.rules import add_years
from jiebang.eligibility.rules import demand as r
from jiebang.eligibility.snapshots import (
    FinancialSnapshot,
    IndicatorSnapshot,
    IPItemSnapshot,
    ResearchTaskSnapshot,
    RouteSnapshot,
)
from tests.eligibility.builders import (
    TODAY,
    at_check,
    bj,
    call_2024,
    city_project,
    credit,
    many_problems_at_check,
    many_problems_tb_check,
    misconduct,
    on,
    person,
    tb_check,
    with_demand,
    with_org,
)

pytestmark = pytest.mark.unit

UTC = dt.UTC
CALL = call_2024()


def codes(findings):
    return [f.code for f in findings]


def only(findings, code):
    """The single finding of `findings`, asserting it carries `code`."""
    assert len(findings) == 1, findings
    assert findings[0].code == code
    return findings[0]


def without(kinds, *removed):
    return frozenset(kinds) - set(removed)


# ------------------------------------------------------------------------ valid baselines


def test_a_valid_tb_demand_has_no_finding():
    assert check_demand(tb_check(), CALL) == []


def test_a_valid_at_demand_has_no_finding():
    assert check_demand(at_check(), CALL) == []


def test_a_valid_at_demand_has_no_finding_when_the_call_extends_the_credit_check():
    assert check_demand(at_check(), call_2024(credit_check_extends_to_transfer=True)) == []


def test_rules_per_category():
    tb = set(codes_of(demand_rules_for("tech_breakthrough")))
    at = set(codes_of(demand_rules_for("achievement_transfer")))
    assert {"TB-ISSUER-AGE", "TB-AUDIT-REPORTS", "CREDIT-SERIOUS", "FUND-MIN"} <= tb
    assert not {c for c in tb if c.startswith("AT-")}
    assert {"AT-ISSUER-KIND", "AT-TEST-REPORT", "CREDIT-SERIOUS", "FUND-MIN"} <= at
    assert not {c for c in at if c.startswith("TB-")}


def codes_of(rules):
    return [rule.code for rule in rules]


def test_unknown_category_is_an_error_not_a_pass():
    check = with_demand(tb_check(), category="other")
    with pytest.raises(ValueError, match="unknown demand category"):
        check_demand(check, CALL)


# ------------------------------------------------------------------------- WINDOW-SUBMIT


@pytest.mark.parametrize(
    "at",
    [
        bj(2024, 8, 1, 10, 0, 0),
        bj(2024, 8, 30, 19, 30, 0),
        bj(2024, 8, 30, 19, 30, 0, 999_999),
        dt.datetime(2024, 8, 30, 11, 30, 0, tzinfo=UTC),  # the same instant in UTC
        dt.datetime(2024, 8, 1, 2, 0, 0, tzinfo=UTC),
    ],
)
def test_window_submit_inclusive_to_the_second(at):
    assert r.rule_window_submit(tb_check(at=at), CALL) == []


def test_window_submit_one_second_after_closing():
    finding = only(
        r.rule_window_submit(tb_check(at=bj(2024, 8, 30, 19, 30, 1)), CALL), "WINDOW-SUBMIT"
    )
    assert finding.blocks
    assert "2024-08-30 19:30（北京时间）" in finding.message
    assert "不予受理" in finding.message
    assert finding.clause == "申报指南 五（一）1、3"


def test_window_submit_one_second_after_closing_in_utc():
    at = dt.datetime(2024, 8, 30, 11, 30, 1, tzinfo=UTC)
    only(r.rule_window_submit(tb_check(at=at), CALL), "WINDOW-SUBMIT")


def test_window_submit_one_second_before_opening_says_when_it_opens():
    finding = only(
        r.rule_window_submit(tb_check(at=bj(2024, 8, 1, 9, 59, 59)), CALL), "WINDOW-SUBMIT"
    )
    assert "尚未开始" in finding.message
    assert "2024-08-01 10:00（北京时间）" in finding.message
    assert "不予受理" not in finding.message


# ------------------------------------------------------------------------ ORG-UNVERIFIED


def test_org_unverified_pending_unit():
    check = with_org(tb_check(), verification_state="pending")
    finding = only(r.rule_org_unverified(check, CALL), "ORG-UNVERIFIED")
    assert "单位" in finding.message
    assert "待审核" in finding.message


def test_org_unverified_rejected_unit():
    check = with_org(tb_check(), verification_state="rejected")
    finding = only(r.rule_org_unverified(check, CALL), "ORG-UNVERIFIED")
    assert "审核未通过" in finding.message


def test_org_unverified_inactive_applicant_has_its_own_message():
    unit = only(
        r.rule_org_unverified(with_org(tb_check(), verification_state="pending"), CALL),
        "ORG-UNVERIFIED",
    )
    account = only(r.rule_org_unverified(tb_check(applicant_active=False), CALL), "ORG-UNVERIFIED")
    assert "申报账号" in account.message
    assert account.message != unit.message


def test_org_unverified_both_problems_are_reported():
    check = with_org(tb_check(applicant_active=False), verification_state="pending")
    assert codes(r.rule_org_unverified(check, CALL)) == ["ORG-UNVERIFIED", "ORG-UNVERIFIED"]


# ------------------------------------------------------------------ TB-ISSUER-LOCAL / KIND


def test_tb_issuer_local_outside_the_city():
    check = with_org(tb_check(), district_name=None)
    finding = only(r.rule_tb_issuer_local(check, CALL), "TB-ISSUER-LOCAL")
    assert "乌鲁木齐" in finding.message


def test_tb_issuer_local_not_an_independent_legal_person():
    check = with_org(tb_check(), is_independent_legal_person=False)
    finding = only(r.rule_tb_issuer_local(check, CALL), "TB-ISSUER-LOCAL")
    assert "独立法人" in finding.message


@pytest.mark.parametrize("kind", ["enterprise", "public_institution"])
def test_tb_issuer_kind_allowed(kind):
    assert r.rule_tb_issuer_kind(with_org(tb_check(), kind=kind), CALL) == []


@pytest.mark.parametrize(
    "kind",
    ["university", "research_institute", "medical_institution", "innovation_platform", "other"],
)
def test_tb_issuer_kind_refused(kind):
    finding = only(r.rule_tb_issuer_kind(with_org(tb_check(), kind=kind), CALL), "TB-ISSUER-KIND")
    assert "企业或事业单位" in finding.message


# ------------------------------------------------------------------------- TB-ISSUER-AGE


def test_tb_issuer_age_registered_exactly_one_year_before_passes():
    check = with_org(tb_check(), registered_in_city_on=dt.date(2023, 8, 20))
    assert check.today == TODAY == dt.date(2024, 8, 20)
    assert r.rule_tb_issuer_age(check, CALL) == []


def test_tb_issuer_age_one_day_less_fails():
    check = with_org(tb_check(), registered_in_city_on=dt.date(2023, 8, 21))
    finding = only(r.rule_tb_issuer_age(check, CALL), "TB-ISSUER-AGE")
    assert "2023-08-21" in finding.message
    assert "2024-08-21" in finding.message


def test_tb_issuer_age_29_february_plus_one_year_is_28_february():
    check = with_org(tb_check(), registered_in_city_on=dt.date(2020, 2, 29))
    assert r.rule_tb_issuer_age(on(check, dt.date(2021, 2, 28)), CALL) == []
    only(r.rule_tb_issuer_age(on(check, dt.date(2021, 2, 27)), CALL), "TB-ISSUER-AGE")


def test_tb_issuer_age_follows_the_call_parameter():
    check = with_org(tb_check(), registered_in_city_on=dt.date(2022, 8, 21))
    assert r.rule_tb_issuer_age(check, CALL) == []
    only(r.rule_tb_issuer_age(check, call_2024(issuer_min_registration_years=2)), "TB-ISSUER-AGE")


def test_tb_issuer_age_missing_date_asks_to_fill_it():
    check = with_org(tb_check(), registered_in_city_on=None)
    finding = only(r.rule_tb_issuer_age(check, CALL), "TB-ISSUER-AGE")
    assert "填写注册日期" in finding.message


def test_add_years():
    assert add_years(dt.date(2020, 2, 29), 1) == dt.date(2021, 2, 28)
    assert add_years(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 29)
    assert add_years(dt.date(2024, 2, 29), -3) == dt.date(2021, 2, 28)
    assert add_years(dt.date(2024, 8, 20), -3) == dt.date(2021, 8, 20)


# ------------------------------------------------------------------------ CREDIT-SERIOUS


@pytest.mark.parametrize("kind", ["serious_dishonesty", "serious_illegal"])
def test_credit_serious_record_exactly_three_years_old_counts(kind):
    record = credit(kind, dt.date(2021, 8, 20), source_document="新信用〔2021〕8号")
    check = with_org(tb_check(), credit_records=(record,))
    finding = only(r.rule_credit_serious(check, CALL), "CREDIT-SERIOUS")
    assert "2021-08-20" in finding.message
    assert "新信用〔2021〕8号" in finding.message


def test_credit_serious_record_three_years_and_one_day_old_does_not_count():
    check = with_org(tb_check(), credit_records=(credit(decided_on=dt.date(2021, 8, 19)),))
    assert r.rule_credit_serious(check, CALL) == []


def test_credit_serious_ignores_research_misconduct():
    check = with_org(tb_check(), credit_records=(misconduct(),))
    assert r.rule_credit_serious(check, CALL) == []


def test_credit_serious_lists_every_counting_record_in_one_finding():
    records = (
        credit("serious_dishonesty", dt.date(2022, 1, 5), source_document="文件甲"),
        credit("serious_illegal", dt.date(2023, 3, 7), source_document="文件乙"),
        credit("serious_illegal", dt.date(2020, 3, 7), source_document="文件丙"),
    )
    finding = only(
        r.rule_credit_serious(with_org(tb_check(), credit_records=records), CALL),
        "CREDIT-SERIOUS",
    )
    assert "文件甲" in finding.message and "文件乙" in finding.message
    assert "文件丙" not in finding.message


def test_credit_serious_at_only_when_the_call_extends_it():
    check = with_org(at_check(), credit_records=(credit(decided_on=dt.date(2023, 1, 1)),))
    assert r.rule_credit_serious(check, CALL) == []
    assert "CREDIT-SERIOUS" not in codes(check_demand(check, CALL))
    extended = call_2024(credit_check_extends_to_transfer=True)
    only(r.rule_credit_serious(check, extended), "CREDIT-SERIOUS")
    assert "CREDIT-SERIOUS" in codes(blocking(check_demand(check, extended)))


def test_credit_serious_follows_the_lookback_parameter():
    check = with_org(tb_check(), credit_records=(credit(decided_on=dt.date(2021, 8, 20)),))
    assert r.rule_credit_serious(check, call_2024(credit_lookback_years=2)) == []


# ------------------------------------------------------------- TB-END-USER / FUNDING-COMMIT


def test_tb_end_user():
    finding = only(
        r.rule_tb_end_user(with_demand(tb_check(), declares_end_user=False), CALL), "TB-END-USER"
    )
    assert finding.field == "declares_end_user"
    assert "最终用户" in finding.message


def test_tb_funding_commit():
    finding = only(
        r.rule_tb_funding_commit(with_demand(tb_check(), commits_funding=False), CALL),
        "TB-FUNDING-COMMIT",
    )
    assert "承诺" in finding.message


# ---------------------------------------------------------------------------- TB-CONTENT


def test_tb_content_lists_exactly_what_is_missing():
    check = with_demand(
        tb_check(),
        indicators=(
            IndicatorSnapshot(name="转换效率", target_value="≥25%"),
            IndicatorSnapshot(name="", target_value=" "),
        ),
        ip_terms="   ",
    )
    finding = only(r.rule_tb_content(check, CALL), "TB-CONTENT")
    assert "缺少：第2项指标的名称、目标值；知识产权归属。" in finding.message
    assert "知识产权归属" in finding.message
    assert "第1项" not in finding.message
    for present in ("时限要求", "对揭榜方的条件要求", "资金投入（"):
        assert present not in finding.message.split("。")[0]
    assert finding.field == "indicators"


def test_tb_content_everything_missing():
    check = with_demand(
        tb_check(),
        indicators=(),
        time_requirement="",
        ip_terms="",
        solver_conditions="",
        total_investment=None,
    )
    first_sentence = only(r.rule_tb_content(check, CALL), "TB-CONTENT").message.split("。")[0]
    for missing in ("技术指标参数", "时限要求", "知识产权归属", "资金投入", "对揭榜方的条件要求"):
        assert missing in first_sentence


# ---------------------------------------------------------------------- TB-AUDIT-REPORTS


def test_tb_audit_reports_missing_one_year():
    check = with_demand(tb_check(), audit_report_years=frozenset({2023}))
    finding = only(r.rule_tb_audit_reports(check, CALL), "TB-AUDIT-REPORTS")
    missing = finding.message.split("目前缺少：")[1].split("。")[0]
    assert missing == "2022年度的审计报告"


def test_tb_audit_reports_missing_rnd_spend_of_a_year():
    check = with_demand(
        tb_check(),
        financials=(
            FinancialSnapshot(2022, Decimal("1"), Decimal("1")),
            FinancialSnapshot(2023, Decimal("1"), None),
        ),
    )
    finding = only(r.rule_tb_audit_reports(check, CALL), "TB-AUDIT-REPORTS")
    assert finding.message.split("目前缺少：")[1].split("。")[0] == "2023年度的研发投入"


def test_tb_audit_reports_missing_financial_row():
    check = with_demand(tb_check(), financials=tb_check().demand.financials[:1])
    finding = only(r.rule_tb_audit_reports(check, CALL), "TB-AUDIT-REPORTS")
    assert "目前缺少：2023年度的销售收入、研发投入。" in finding.message


def test_tb_audit_reports_need_the_attachment_kind():
    kinds = without(tb_check().demand.attachment_kinds, ATT_AUDIT_REPORT)
    check = with_demand(tb_check(), attachment_kinds=kinds)
    finding = only(r.rule_tb_audit_reports(check, CALL), "TB-AUDIT-REPORTS")
    assert "目前缺少：2022年度的审计报告；2023年度的审计报告。" in finding.message


def test_tb_audit_reports_default_to_the_two_years_before_the_call():
    check = with_demand(
        tb_check(), audit_report_years=frozenset({2023}), financials=tb_check().demand.financials
    )
    finding = only(r.rule_tb_audit_reports(check, call_2024(audit_years=())), "TB-AUDIT-REPORTS")
    assert "目前缺少：2022年度的审计报告。" in finding.message


# ------------------------------------------------------------------- TB-SUPPORT-EVIDENCE


def test_tb_support_evidence_names_the_missing_kinds():
    kinds = without(tb_check().demand.attachment_kinds, ATT_EVIDENCE_SITE, ATT_EVIDENCE_TEAM)
    finding = only(
        r.rule_tb_support_evidence(with_demand(tb_check(), attachment_kinds=kinds), CALL),
        "TB-SUPPORT-EVIDENCE",
    )
    missing = finding.message.split("目前缺少：")[1].split("。")[0]
    assert missing == "场地条件佐证材料、自身研发团队佐证材料"


# ------------------------------------------------------------------------ AT-ISSUER-KIND


@pytest.mark.parametrize("kind", ["university", "research_institute", "medical_institution"])
def test_at_issuer_kind_allowed(kind):
    assert r.rule_at_issuer_kind(with_org(at_check(), kind=kind), CALL) == []


@pytest.mark.parametrize("kind", ["public_institution", "innovation_platform", "other"])
def test_at_issuer_kind_refused(kind):
    only(r.rule_at_issuer_kind(with_org(at_check(), kind=kind), CALL), "AT-ISSUER-KIND")


def _tech_enterprise(valid_until):
    return with_org(
        at_check(),
        kind="enterprise",
        tech_certification="high_tech",
        tech_certificate_valid_until=valid_until,
    )


def test_at_issuer_kind_tech_enterprise_valid_until_today_or_open_ended_passes():
    assert r.rule_at_issuer_kind(_tech_enterprise(TODAY), CALL) == []
    assert r.rule_at_issuer_kind(_tech_enterprise(None), CALL) == []


def test_at_issuer_kind_expired_certificate_says_when():
    check = _tech_enterprise(dt.date(2024, 8, 19))
    finding = only(r.rule_at_issuer_kind(check, CALL), "AT-ISSUER-KIND")
    assert "2024-08-19" in finding.message
    assert "到期" in finding.message
    assert "高新技术企业" in finding.message


def test_at_issuer_kind_enterprise_without_certification():
    check = with_org(at_check(), kind="enterprise", tech_certification="")
    finding = only(r.rule_at_issuer_kind(check, CALL), "AT-ISSUER-KIND")
    assert "科技型企业" in finding.message


# ---------------------------------------------------------------------- AT-TRACK-RECORD


@pytest.mark.parametrize("level", ["national", "region", "city"])
def test_at_track_record_levels(level):
    tasks = (ResearchTaskSnapshot(name="课题", level=level, year=2020),)
    assert r.rule_at_track_record(with_demand(at_check(), research_tasks=tasks), CALL) == []


def test_at_track_record_without_a_qualifying_task():
    tasks = (ResearchTaskSnapshot(name="企业自立课题", level="enterprise", year=2020),)
    finding = only(
        r.rule_at_track_record(with_demand(at_check(), research_tasks=tasks), CALL),
        "AT-TRACK-RECORD",
    )
    assert "科研任务" in finding.message
    assert finding.field == "research_tasks"


def test_at_track_record_without_success_cases():
    finding = only(
        r.rule_at_track_record(with_demand(at_check(), success_cases=" "), CALL), "AT-TRACK-RECORD"
    )
    assert "成功案例" in finding.message
    assert finding.field == "success_cases"


# -------------------------------------------------------------------------- AT-IP-CLEAR


def test_at_ip_clear_no_items():
    finding = only(r.rule_at_ip_clear(with_demand(at_check(), ip_items=()), CALL), "AT-IP-CLEAR")
    assert "知识产权清单" in finding.message


def test_at_ip_clear_item_without_owner():
    items = at_check().demand.ip_items + (
        IPItemSnapshot(kind="software", number="2022SR000001", owner="", legal_status="登记"),
    )
    finding = only(r.rule_at_ip_clear(with_demand(at_check(), ip_items=items), CALL), "AT-IP-CLEAR")
    assert "第2项知识产权的权利人" in finding.message
    assert "第1项" not in finding.message


def test_at_ip_clear_needs_the_evidence():
    kinds = without(at_check().demand.attachment_kinds, ATT_IP_EVIDENCE)
    finding = only(
        r.rule_at_ip_clear(with_demand(at_check(), attachment_kinds=kinds), CALL), "AT-IP-CLEAR"
    )
    assert "知识产权证明材料" in finding.message


# ------------------------------------------------------------------ AT-TEAM / TEST-REPORT


def test_at_team_leader_and_one_member_pass():
    check = with_demand(at_check(), team=at_check().demand.team[:2])
    assert r.rule_at_team(check, CALL) == []


def test_at_team_leader_alone_fails():
    check = with_demand(at_check(), team=at_check().demand.team[:1])
    finding = only(r.rule_at_team(check, CALL), "AT-TEAM")
    assert finding.field == "team"


def test_at_team_without_description_fails():
    finding = only(r.rule_at_team(with_demand(at_check(), transfer_team=""), CALL), "AT-TEAM")
    assert finding.field == "transfer_team"


def test_at_test_report():
    kinds = without(at_check().demand.attachment_kinds, ATT_TEST_REPORT)
    finding = only(
        r.rule_at_test_report(with_demand(at_check(), attachment_kinds=kinds), CALL),
        "AT-TEST-REPORT",
    )
    assert "检测报告" in finding.message


# ------------------------------------------------------------------------------ FUND-MIN


def test_fund_min_exactly_the_minimum_passes():
    check = with_demand(tb_check(), total_investment=Decimal("5000000.00"))
    assert r.rule_fund_min(check, CALL) == []


def test_fund_min_one_fen_less_fails_and_shows_yuan_and_wan():
    check = with_demand(tb_check(), total_investment=Decimal("4999999.99"))
    finding = only(r.rule_fund_min(check, CALL), "FUND-MIN")
    assert "4,999,999.99元（499.999999万元）" in finding.message
    assert "5,000,000.00元（500万元）" in finding.message
    assert finding.field == "total_investment"


def test_fund_min_missing_amount_fails():
    finding = only(
        r.rule_fund_min(with_demand(tb_check(), total_investment=None), CALL), "FUND-MIN"
    )
    assert "请填写项目投入总额" in finding.message


@given(
    amount=st.decimals(
        min_value=Decimal("4999000.00"),
        max_value=Decimal("5001000.00"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    minimum=st.sampled_from([Decimal("5000000.00"), Decimal("4999999.99"), Decimal("5000000.01")]),
)
def test_fund_min_blocks_iff_the_amount_is_below_the_minimum(amount, minimum):
    check = with_demand(tb_check(), total_investment=amount)
    findings = r.rule_fund_min(check, call_2024(min_total_investment=minimum))
    assert bool(blocking(findings)) == (amount < minimum)


# ---------------------------------------------------------------------------- PERIOD-MAX


def test_period_max_36_months_passes():
    assert r.rule_period_max(with_demand(tb_check(), period_months=36), CALL) == []


def test_period_max_37_months_without_justification_blocks():
    check = with_demand(tb_check(), period_months=37, period_justification="  ")
    finding = only(r.rule_period_max(check, CALL), "PERIOD-MAX")
    assert finding.severity == Severity.JUSTIFY
    assert not finding.justified
    assert finding.blocks
    assert "37" in finding.message and "36" in finding.message
    assert codes(blocking(check_demand(check, CALL))) == ["PERIOD-MAX"]


def test_period_max_37_months_with_justification_does_not_block():
    check = with_demand(
        tb_check(), period_months=37, period_justification="设备调试需要一个完整采暖季"
    )
    finding = only(r.rule_period_max(check, CALL), "PERIOD-MAX")
    assert finding.justified
    assert not finding.blocks
    assert blocking(check_demand(check, CALL)) == []


def test_period_max_missing_period_is_unjustified():
    finding = only(
        r.rule_period_max(with_demand(tb_check(), period_months=None), CALL), "PERIOD-MAX"
    )
    assert finding.blocks
    assert "请填写项目实施周期" in finding.message


# ---------------------------------------------------------------------------- CLASSIFIED


def test_classified_is_refused_online_and_sent_to_the_bureau():
    check = with_demand(tb_check(), is_classified=True)
    finding = only(r.rule_classified(check, CALL), "CLASSIFIED")
    assert finding.blocks
    assert "市科技局" in finding.message
    assert "不通过网上申报" in finding.message
    assert "CLASSIFIED" in codes(blocking(check_demand(check, CALL)))


# --------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("function", "kind", "code"),
    [
        (r.rule_att_application_form, ATT_APPLICATION_FORM, "ATT-APPLICATION-FORM"),
        (r.rule_att_commit_unit, ATT_COMMIT_UNIT, "ATT-COMMIT-UNIT"),
        (r.rule_att_commit_leader, ATT_COMMIT_LEADER, "ATT-COMMIT-LEADER"),
    ],
)
@pytest.mark.parametrize("base", [tb_check, at_check])
def test_required_attachments(function, kind, code, base):
    check = base()
    assert function(check, CALL) == []
    missing = with_demand(check, attachment_kinds=without(check.demand.attachment_kinds, kind))
    finding = only(function(missing, CALL), code)
    assert "盖章" in finding.message or "公章" in finding.message
    assert "上传" in finding.message and "生成" in finding.message
    assert finding.field == "attachments"


# ---------------------------------------------------------------------- LIM-UNIT-OVERDUE


def test_lim_unit_overdue_exactly_one_year_counts():
    project = city_project("2021007", planned_end=dt.date(2023, 8, 20))
    finding = only(
        r.rule_lim_unit_overdue(with_org(tb_check(), city_projects=(project,)), CALL),
        "LIM-UNIT-OVERDUE",
    )
    assert "2021007" in finding.message
    assert "2023-08-20" in finding.message


def test_lim_unit_overdue_one_day_short_of_a_year_does_not_count():
    project = city_project("2021007", planned_end=dt.date(2023, 8, 21))
    assert r.rule_lim_unit_overdue(with_org(tb_check(), city_projects=(project,)), CALL) == []


@pytest.mark.parametrize("status", ["accepted", "terminated", "failed"])
def test_lim_unit_overdue_closed_projects_do_not_count(status):
    project = city_project("2019001", status=status, planned_end=dt.date(2020, 1, 1))
    assert r.rule_lim_unit_overdue(with_org(tb_check(), city_projects=(project,)), CALL) == []


# ---------------------------------------------------------------------- LIM-UNIT-ONGOING


def _projects(count, **changes):
    return tuple(city_project(f"202300{n}", **changes) for n in range(1, count + 1))


def test_lim_unit_ongoing_three_pass():
    assert r.rule_lim_unit_ongoing(with_org(tb_check(), city_projects=_projects(3)), CALL) == []


def test_lim_unit_ongoing_four_fail_and_lists_the_codes():
    check = with_org(tb_check(), city_projects=_projects(4))
    finding = only(r.rule_lim_unit_ongoing(check, CALL), "LIM-UNIT-ONGOING")
    for code in ("2023001", "2023002", "2023003", "2023004"):
        assert code in finding.message


def test_lim_unit_ongoing_non_rnd_or_accepted_projects_do_not_count():
    projects = (
        _projects(3)
        + (city_project("2023901", is_rnd=False),)
        + (city_project("2020902", status="accepted"),)
    )
    assert r.rule_lim_unit_ongoing(with_org(tb_check(), city_projects=projects), CALL) == []


# ----------------------------------------------------------------------- LIM-PERSON-LOAD


def _with_team(check, *members):
    return with_demand(check, team=tuple(members))


def test_lim_person_load_principal_with_two_counted_items_passes():
    leader = person(1, ongoing_rnd_projects=("2023001",))  # 1 ongoing + this application
    assert r.rule_lim_person_load(_with_team(tb_check(), leader, person(2)), CALL) == []


def test_lim_person_load_principal_with_three_counted_items_fails():
    member = person(3, ongoing_rnd_projects=("2023001",), other_applications_this_year=("需求甲",))
    finding = only(
        r.rule_lim_person_load(_with_team(tb_check(), person(1), person(2), member), CALL),
        "LIM-PERSON-LOAD",
    )
    assert member.name in finding.message
    assert member.id_masked in finding.message
    assert "2023001" in finding.message and "需求甲" in finding.message
    assert "本次申报" in finding.message


def test_lim_person_load_fourth_member_does_not_count():
    busy = person(4, ongoing_rnd_projects=("1", "2", "3"), other_applications_this_year=("4",))
    check = _with_team(tb_check(), person(1), person(2), person(3), busy)
    assert r.rule_lim_person_load(check, CALL) == []


def test_lim_person_load_one_finding_per_person():
    members = (
        person(1, ongoing_rnd_projects=("2023001", "2023002")),
        person(2, other_applications_this_year=("需求甲", "需求乙")),
        person(3),
    )
    findings = r.rule_lim_person_load(_with_team(tb_check(), *members), CALL)
    assert codes(findings) == ["LIM-PERSON-LOAD", "LIM-PERSON-LOAD"]
    assert "张三" in findings[0].message and "李四" in findings[1].message


def test_lim_person_load_follows_principal_count():
    busy = person(3, ongoing_rnd_projects=("2023001", "2023002"))
    check = _with_team(tb_check(), person(1), person(2), busy)
    assert r.rule_lim_person_load(check, call_2024(principal_count=2)) == []


# ------------------------------------------------------------------------ LIM-MISCONDUCT


def test_lim_misconduct_penalty_ended_yesterday_no_longer_blocks():
    member = person(2, credit_records=(misconduct(penalty_end=dt.date(2024, 8, 19)),))
    assert r.rule_lim_misconduct(_with_team(tb_check(), person(1), member), CALL) == []


def test_lim_misconduct_penalty_ending_today_still_blocks():
    member = person(2, credit_records=(misconduct(penalty_end=TODAY),))
    finding = only(
        r.rule_lim_misconduct(_with_team(tb_check(), person(1), member), CALL), "LIM-MISCONDUCT"
    )
    assert member.name in finding.message
    assert "2024-08-20" in finding.message


def test_lim_misconduct_penalty_starting_tomorrow_does_not_block_yet():
    record = misconduct(penalty_start=dt.date(2024, 8, 21), penalty_end=None)
    member = person(2, credit_records=(record,))
    assert r.rule_lim_misconduct(_with_team(tb_check(), person(1), member), CALL) == []


def test_lim_misconduct_open_ended_penalty_blocks():
    member = person(1, credit_records=(misconduct(penalty_end=None),))
    finding = only(r.rule_lim_misconduct(_with_team(tb_check(), member), CALL), "LIM-MISCONDUCT")
    assert "项目负责人" in finding.message


def test_lim_misconduct_applies_to_every_member_not_only_principals():
    member = person(6, credit_records=(misconduct(),))
    check = _with_team(tb_check(), person(1), person(2), person(3), member)
    finding = only(r.rule_lim_misconduct(check, CALL), "LIM-MISCONDUCT")
    assert "第6名成员" in finding.message


def test_lim_misconduct_the_unit():
    check = with_org(tb_check(), credit_records=(misconduct(),))
    finding = only(r.rule_lim_misconduct(check, CALL), "LIM-MISCONDUCT")
    assert finding.message.startswith("本单位")


def test_lim_misconduct_ignores_records_that_do_not_bar_city_projects_and_other_kinds():
    records = (misconduct(bars_city_fiscal_projects=False), credit("serious_dishonesty"))
    check = with_org(tb_check(), credit_records=records)
    assert r.rule_lim_misconduct(check, CALL) == []


# --------------------------------------------------------------------------- RACE-ROUTES


def _race(*routes):
    return with_demand(tb_check(), is_horse_race=True, routes=tuple(routes))


def _route(name="路线", amount="1000000"):
    return RouteSnapshot(name=name, rnd_investment=None if amount is None else Decimal(amount))


def test_race_routes_two_routes_pass():
    assert r.rule_race_routes(_race(_route("甲"), _route("乙")), CALL) == []


def test_race_routes_one_route_fails():
    finding = only(r.rule_race_routes(_race(_route("甲")), CALL), "RACE-ROUTES")
    assert "只有1条" in finding.message


def test_race_routes_a_route_with_zero_investment_fails():
    finding = only(r.rule_race_routes(_race(_route("甲"), _route("乙", "0")), CALL), "RACE-ROUTES")
    assert "第2条技术路线" in finding.message


def test_race_routes_a_route_without_name_or_amount_fails():
    only(r.rule_race_routes(_race(_route("甲"), _route(" ")), CALL), "RACE-ROUTES")
    only(r.rule_race_routes(_race(_route("甲"), _route("乙", None)), CALL), "RACE-ROUTES")


def test_race_routes_only_for_horse_race_demands():
    assert r.rule_race_routes(with_demand(tb_check(), routes=()), CALL) == []


# ------------------------------------------------------------------------- ETHICS-REVIEW


def test_ethics_review_without_record_blocks():
    finding = only(
        r.rule_ethics_review(with_demand(tb_check(), involves_ethics=True), CALL), "ETHICS-REVIEW"
    )
    assert finding.blocks


@pytest.mark.parametrize(
    "changes",
    [
        {"ethics_review_record": "经本单位科技伦理委员会审查同意"},
        {"attachment_kinds": frozenset({ATT_ETHICS_REVIEW})},
    ],
)
def test_ethics_review_with_record_or_attachment_is_justified(changes):
    check = with_demand(tb_check(), involves_ethics=True, **changes)
    finding = only(r.rule_ethics_review(check, CALL), "ETHICS-REVIEW")
    assert finding.justified and not finding.blocks


def test_ethics_review_not_involved():
    assert r.rule_ethics_review(tb_check(), CALL) == []


# ------------------------------------------------------------------------------ PRIORITY


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("priority_common_tech", "PRIORITY-COMMON-TECH"),
        ("priority_first_set", "PRIORITY-FIRST-SET"),
        ("priority_public_benefit", "PRIORITY-PUBLIC-BENEFIT"),
    ],
)
@pytest.mark.parametrize("base", [tb_check, at_check])
def test_priority_flags_are_informational(flag, code, base):
    findings = check_demand(with_demand(base(), **{flag: True}), CALL)
    finding = only(findings, code)
    assert finding.severity == Severity.PRIORITY
    assert not finding.blocks
    assert "评审专家" in finding.message


# ---------------------------------------------------------------------------- the engine


TB_ALL = {
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

AT_ALL = {
    "WINDOW-SUBMIT",
    "ORG-UNVERIFIED",
    "CREDIT-SERIOUS",
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


def test_one_check_returns_every_failing_tb_rule_at_once():
    findings = check_demand(many_problems_tb_check(), CALL)
    assert set(codes(findings)) == TB_ALL
    assert set(codes(blocking(findings))) == TB_ALL - {
        "PRIORITY-COMMON-TECH",
        "PRIORITY-FIRST-SET",
        "PRIORITY-PUBLIC-BENEFIT",
    }


def test_one_check_returns_every_failing_at_rule_at_once():
    extended = call_2024(credit_check_extends_to_transfer=True)
    assert set(codes(check_demand(many_problems_at_check(), extended))) == AT_ALL
    assert set(codes(check_demand(many_problems_at_check(), CALL))) == AT_ALL - {"CREDIT-SERIOUS"}


def test_every_demand_rule_of_the_registry_is_exercised_by_the_many_problems_checks():
    extended = call_2024(credit_check_extends_to_transfer=True)
    fired = set(codes(check_demand(many_problems_tb_check(), CALL)))
    fired |= set(codes(check_demand(many_problems_at_check(), extended)))
    assert fired == {rule.code for rule in r.DEMAND_RULES}


def test_findings_are_sorted_by_severity_then_catalogue_order():
    findings = check_demand(many_problems_tb_check(), CALL)
    rank = {Severity.BLOCK: 0, Severity.JUSTIFY: 1, Severity.PRIORITY: 2}
    order = list(RULES)
    keys = [(rank[f.severity], order.index(f.code)) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].code == "WINDOW-SUBMIT"
    assert [f.severity for f in findings[-3:]] == [Severity.PRIORITY] * 3


def test_same_code_findings_keep_the_rule_order():
    check = with_org(tb_check(applicant_active=False), verification_state="pending")
    findings = [f for f in check_demand(check, CALL) if f.code == "ORG-UNVERIFIED"]
    assert "单位的注册信息" in findings[0].message
    assert "申报账号" in findings[1].message


def test_blocking_keeps_block_and_unjustified_only():
    check = with_demand(
        tb_check(),
        period_months=40,
        period_justification="需要跨两个生产周期验证",
        involves_ethics=True,
        priority_first_set=True,
        is_classified=True,
    )
    findings = check_demand(check, CALL)
    assert codes(findings) == ["CLASSIFIED", "PERIOD-MAX", "ETHICS-REVIEW", "PRIORITY-FIRST-SET"]
    assert codes(blocking(findings)) == ["CLASSIFIED", "ETHICS-REVIEW"]


LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize("build", [many_problems_tb_check, many_problems_at_check])
def test_messages_are_chinese_and_carry_the_catalogue_clause(build):
    extended = call_2024(credit_check_extends_to_transfer=True)
    for finding in check_demand(build(), extended):
        assert not LATIN.search(finding.message), finding.message
        assert finding.clause == RULES[finding.code].clause
        assert finding.severity == RULES[finding.code].severity
        assert finding.message.endswith("。"), finding.message


def test_the_check_is_pure_same_input_same_output():
    check = many_problems_tb_check()
    assert check_demand(check, CALL) == check_demand(dataclasses.replace(check), CALL)


def test_the_rules_read_no_clock_only_the_snapshot():
    check = many_problems_tb_check()
    expected = check_demand(check, CALL)
    with time_machine.travel(dt.datetime(2031, 1, 1, tzinfo=UTC), tick=False):
        assert check_demand(check, CALL) == expected
    # and no database either: unit tests run without database access (pytest-django
    # refuses any query), so a rule touching the ORM would fail here.
