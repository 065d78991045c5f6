"""Proposal rules at their boundaries (architecture.md rule 3), and the engine over them."""

import dataclasses
import datetime as dt
import inspect
import re
from decimal import Decimal

import pytest
import time_machine

from jiebang.eligibility.catalogue import RULES
from jiebang.eligibility.engine import blocking, check_proposal, proposal_rules_for
from jiebang.eligibility.findings import Severity
from jiebang.eligibility.rules import proposal as r
from tests.eligibility.builders import bj, call_2024, city_project, credit, misconduct, person
from tests.eligibility.proposal_builders import (
    ISSUER_NAME,
    LOCAL_ENTERPRISE_NAME,
    SOLICITATION_DEADLINE,
    TECH_ENTERPRISE_NAME,
    TODAY,
    UNIVERSITY_NAME,
    at_proposal_check,
    ip_item,
    many_problems_at_proposal_check,
    many_problems_tb_proposal_check,
    member,
    on,
    tb_proposal_check,
    tech_enterprise,
    university,
    with_member,
    with_member_org,
    with_proposal,
)

pytestmark = pytest.mark.unit

UTC = dt.UTC
CALL = call_2024()
EXTENDED = call_2024(credit_check_extends_to_transfer=True)


def codes(findings):
    return [f.code for f in findings]


def only(findings, code):
    """The single finding of `findings`, asserting it carries `code`."""
    assert len(findings) == 1, findings
    assert findings[0].code == code
    return findings[0]


def in_order(text, *parts):
    """Every part occurs in `text`, each after the previous one."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, (part, text)
        position = found + len(part)
    return True


# ------------------------------------------------------------------------ valid baselines


def test_a_valid_tb_consortium_has_no_blocking_finding_and_the_priority_flag():
    findings = check_proposal(tb_proposal_check(), CALL)
    assert blocking(findings) == []
    finding = only(findings, "PRIORITY-INDUSTRY-ACADEMIA")
    assert finding.severity == Severity.PRIORITY and not finding.blocks
    assert UNIVERSITY_NAME in finding.message and TECH_ENTERPRISE_NAME in finding.message
    assert finding.field == "members"


@pytest.mark.parametrize("call", [CALL, EXTENDED])
def test_a_valid_at_proposal_by_a_local_enterprise_has_no_finding(call):
    assert check_proposal(at_proposal_check(), call) == []


def test_rules_per_category():
    tb = {rule.code for rule in proposal_rules_for("tech_breakthrough")}
    at = {rule.code for rule in proposal_rules_for("achievement_transfer")}
    shared = {
        "WINDOW-SUBMIT",
        "ORG-UNVERIFIED",
        "CREDIT-SERIOUS",
        "LIM-UNIT-OVERDUE",
        "LIM-UNIT-ONGOING",
        "LIM-PERSON-LOAD",
        "LIM-MISCONDUCT",
        "SOLVER-AFFILIATED",
        "SOLVER-PLAN",
    }
    assert tb == shared | {"SOLVER-TB-KIND", "SOLVER-IP", "PRIORITY-INDUSTRY-ACADEMIA"}
    assert at == shared | {"SOLVER-AT-LOCAL"}
    assert "ETHICS-REVIEW" not in tb | at


def test_unknown_category_is_an_error_not_a_pass():
    with pytest.raises(ValueError, match="unknown proposal category"):
        check_proposal(with_proposal(tb_proposal_check(), category="other"), CALL)


def test_a_proposal_without_units_is_an_error_not_a_pass():
    with pytest.raises(ValueError, match="lead unit"):
        check_proposal(with_proposal(at_proposal_check(), members=()), CALL)


# ------------------------------------------------------------------------- WINDOW-SUBMIT


@pytest.mark.parametrize(
    "at",
    [
        bj(2024, 10, 31, 17, 30, 0),
        bj(2024, 10, 31, 17, 30, 0, 999_999),
        dt.datetime(2024, 10, 31, 9, 30, 0, tzinfo=UTC),  # the same instant in UTC
        bj(2024, 8, 1, 0, 0, 0),
    ],
)
def test_window_submit_until_the_deadline_inclusive_to_the_second(at):
    assert r.rule_window_submit(tb_proposal_check(at=at), CALL) == []


@pytest.mark.parametrize(
    "at", [bj(2024, 10, 31, 17, 30, 1), dt.datetime(2024, 10, 31, 9, 30, 1, tzinfo=UTC)]
)
def test_window_submit_one_second_after_the_deadline(at):
    finding = only(r.rule_window_submit(tb_proposal_check(at=at), CALL), "WINDOW-SUBMIT")
    assert finding.blocks
    assert "揭榜截止时间为2024-10-31 17:30（北京时间）" in finding.message
    assert "不予受理" in finding.message


def test_window_submit_reads_the_deadline_of_the_check_not_the_call_window():
    check = at_proposal_check(at=bj(2024, 12, 1, 10, 0), deadline=bj(2024, 12, 1, 10, 0))
    assert check.at > CALL.submission_closes_at
    assert r.rule_window_submit(check, CALL) == []


# ------------------------------------------------------------------------ ORG-UNVERIFIED


def test_org_unverified_names_the_pending_member():
    check = with_member_org(tb_proposal_check(), 2, verification_state="pending")
    finding = only(r.rule_org_unverified(check, CALL), "ORG-UNVERIFIED")
    assert f"揭榜方成员“{TECH_ENTERPRISE_NAME}”" in finding.message
    assert "待审核" in finding.message
    assert "移出联合体" in finding.message
    assert finding.field == "members"


def test_org_unverified_rejected_lead_is_fixed_on_the_unit_record():
    check = with_member_org(tb_proposal_check(), 1, verification_state="rejected")
    finding = only(r.rule_org_unverified(check, CALL), "ORG-UNVERIFIED")
    assert UNIVERSITY_NAME in finding.message and "审核未通过" in finding.message
    assert "移出联合体" not in finding.message
    assert finding.field == ""


def test_org_unverified_every_unit_and_the_account_are_reported():
    check = with_member_org(
        tb_proposal_check(applicant_active=False), 1, verification_state="rejected"
    )
    check = with_member_org(check, 2, verification_state="pending")
    findings = r.rule_org_unverified(check, CALL)
    assert codes(findings) == ["ORG-UNVERIFIED"] * 3
    assert UNIVERSITY_NAME in findings[0].message
    assert TECH_ENTERPRISE_NAME in findings[1].message
    assert "申报账号" in findings[2].message


# ------------------------------------------------------------------------ SOLVER-TB-KIND


@pytest.mark.parametrize(
    "kind", ["university", "research_institute", "innovation_platform", "other"]
)
def test_solver_tb_kind_allowed(kind):
    check = with_member_org(tb_proposal_check(), 2, kind=kind)
    assert r.rule_solver_tb_kind(check, CALL) == []


@pytest.mark.parametrize("kind", ["public_institution", "medical_institution"])
def test_solver_tb_kind_refused_names_the_member(kind):
    check = with_member_org(tb_proposal_check(), 1, kind=kind)
    finding = only(r.rule_solver_tb_kind(check, CALL), "SOLVER-TB-KIND")
    assert f"揭榜方成员“{UNIVERSITY_NAME}”" in finding.message
    assert TECH_ENTERPRISE_NAME not in finding.message
    assert finding.blocks


def test_solver_tb_kind_certificate_valid_until_today_passes():
    check = with_member_org(tb_proposal_check(), 2, tech_certificate_valid_until=TODAY)
    assert r.rule_solver_tb_kind(check, CALL) == []
    assert blocking(check_proposal(check, CALL)) == []


def test_solver_tb_kind_certificate_expired_yesterday_is_refused():
    yesterday = TODAY - dt.timedelta(days=1)
    check = with_member_org(tb_proposal_check(), 2, tech_certificate_valid_until=yesterday)
    finding = only(r.rule_solver_tb_kind(check, CALL), "SOLVER-TB-KIND")
    assert TECH_ENTERPRISE_NAME in finding.message
    assert "高新技术企业证书已于2024-10-19到期" in finding.message
    assert finding.field == "members"
    assert codes(blocking(check_proposal(check, CALL))) == ["SOLVER-TB-KIND"]


def test_solver_tb_kind_open_ended_certificate_passes():
    check = with_member_org(tb_proposal_check(), 2, tech_certificate_valid_until=None)
    assert r.rule_solver_tb_kind(check, CALL) == []


def test_solver_tb_kind_enterprise_without_certification():
    check = with_member_org(tb_proposal_check(), 2, tech_certification="")
    finding = only(r.rule_solver_tb_kind(check, CALL), "SOLVER-TB-KIND")
    assert "科技型企业" in finding.message and TECH_ENTERPRISE_NAME in finding.message


def test_solver_tb_kind_one_finding_per_offending_member():
    check = with_member_org(tb_proposal_check(), 1, kind="public_institution")
    check = with_member_org(check, 2, tech_certification="")
    findings = r.rule_solver_tb_kind(check, CALL)
    assert codes(findings) == ["SOLVER-TB-KIND", "SOLVER-TB-KIND"]
    assert UNIVERSITY_NAME in findings[0].message
    assert TECH_ENTERPRISE_NAME in findings[1].message


# ----------------------------------------------------------------------- SOLVER-AT-LOCAL


def test_solver_at_local_enterprise_outside_the_city_is_refused():
    check = with_member_org(at_proposal_check(), 1, district_name=None)
    finding = only(r.rule_solver_at_local(check, CALL), "SOLVER-AT-LOCAL")
    assert f"揭榜方成员“{LOCAL_ENTERPRISE_NAME}”" in finding.message
    assert "乌鲁木齐" in finding.message
    assert codes(blocking(check_proposal(check, CALL))) == ["SOLVER-AT-LOCAL"]


def test_solver_at_local_lists_every_problem_of_the_unit():
    check = with_member_org(
        at_proposal_check(),
        1,
        kind="university",
        district_name=None,
        is_independent_legal_person=False,
    )
    finding = only(r.rule_solver_at_local(check, CALL), "SOLVER-AT-LOCAL")
    assert in_order(finding.message, "“高校”，不是企业", "乌鲁木齐", "独立法人资格")


def test_solver_at_local_applies_to_every_member():
    partner = member(2, tech_enterprise(district_name=None), work_share_percent=Decimal("50"))
    check = with_member(at_proposal_check(), 1, work_share_percent=Decimal("50"))
    check = with_proposal(check, members=(*check.proposal.members, partner))
    finding = only(r.rule_solver_at_local(check, CALL), "SOLVER-AT-LOCAL")
    assert TECH_ENTERPRISE_NAME in finding.message
    assert finding.field == "members"


def test_solver_at_local_does_not_apply_to_tech_breakthrough():
    # The university of the valid TB consortium is outside the city: fine for 技术攻关.
    assert "SOLVER-AT-LOCAL" not in codes(check_proposal(tb_proposal_check(), CALL))


# --------------------------------------------------------------------- SOLVER-AFFILIATED


def test_solver_affiliated_equity_chain_of_two_names_every_unit_in_order():
    holding = "乌鲁木齐示例控股集团有限公司"
    chain = (TECH_ENTERPRISE_NAME, "持有", holding, "持有", ISSUER_NAME)
    check = with_member(tb_proposal_check(), 2, chain_to_issuer=chain)
    finding = only(r.rule_solver_affiliated(check, CALL), "SOLVER-AFFILIATED")
    assert finding.blocks
    assert finding.message.startswith(f"揭榜方成员“{TECH_ENTERPRISE_NAME}”与发榜方存在关联关系：")
    relation = finding.message.split("：", 1)[1]
    assert in_order(relation, TECH_ENTERPRISE_NAME, holding, holding, ISSUER_NAME)
    assert f"{TECH_ENTERPRISE_NAME} 持有 {holding}股权，{holding} 持有 {ISSUER_NAME}股权" in (
        finding.message
    )
    assert "（申报指南 二（三）5）" in finding.message
    assert finding.field == "members"


def test_solver_affiliated_message_as_the_brief_words_it():
    chain = ("甲公司", "持有", "乙公司", "隶属于", "发榜方")
    check = with_member_org(tb_proposal_check(), 2, name="甲公司")
    finding = only(
        r.rule_solver_affiliated(with_member(check, 2, chain_to_issuer=chain), CALL),
        "SOLVER-AFFILIATED",
    )
    assert finding.message.startswith(
        "揭榜方成员“甲公司”与发榜方存在关联关系：甲公司 持有 乙公司股权，乙公司 隶属于 发榜方"
        "（申报指南 二（三）5）"
    )


def test_solver_affiliated_cites_the_transfer_clause_for_achievement_transfer():
    chain = (LOCAL_ENTERPRISE_NAME, "隶属于", ISSUER_NAME)
    check = with_member(at_proposal_check(), 1, chain_to_issuer=chain)
    finding = only(r.rule_solver_affiliated(check, CALL), "SOLVER-AFFILIATED")
    assert f"{LOCAL_ENTERPRISE_NAME} 隶属于 {ISSUER_NAME}（申报指南 二（四）4）" in finding.message
    assert finding.field == ""


def test_solver_affiliated_the_issuer_itself_is_refused():
    check = with_member_org(tb_proposal_check(), 2, id=1)
    finding = only(r.rule_solver_affiliated(check, CALL), "SOLVER-AFFILIATED")
    assert "发榜方本身" in finding.message


def test_solver_affiliated_without_chain_passes():
    assert r.rule_solver_affiliated(tb_proposal_check(), CALL) == []


@pytest.mark.parametrize(
    ("chain", "text"),
    [
        (("甲", "持有", "乙"), "甲 持有 乙股权"),
        (("甲", "持有股权", "乙"), "甲 持有 乙股权"),
        (("甲", "隶属于", "乙"), "甲 隶属于 乙"),
        (("甲", "被持股", "乙"), "甲 被 乙 持股"),
        (("甲", "被下属单位为", "乙"), "甲 下辖 乙"),
        (("甲", "合作", "乙", "持有", "丙"), "甲 合作 乙，乙 持有 丙股权"),
        (("甲", "持有"), "甲 持有"),
    ],
)
def test_chain_text(chain, text):
    assert r.chain_text(chain) == text


# ------------------------------------------------------------------------ CREDIT-SERIOUS


@pytest.mark.parametrize("kind", ["serious_dishonesty", "serious_illegal"])
def test_credit_serious_tb_member_record_exactly_three_years_old_counts(kind):
    record = credit(kind, dt.date(2021, 10, 20), source_document="新信用〔2021〕8号")
    check = with_member_org(tb_proposal_check(), 2, credit_records=(record,))
    finding = only(r.rule_credit_serious(check, CALL), "CREDIT-SERIOUS")
    assert TECH_ENTERPRISE_NAME in finding.message
    assert "2021-10-20" in finding.message and "新信用〔2021〕8号" in finding.message
    assert finding.field == "members"


def test_credit_serious_record_three_years_and_one_day_old_does_not_count():
    record = credit(decided_on=dt.date(2021, 10, 19))
    check = with_member_org(tb_proposal_check(), 1, credit_records=(record,))
    assert r.rule_credit_serious(check, CALL) == []


def test_credit_serious_tb_counts_bad_research_credit_in_the_lookback():
    # Penalty over and not barring city projects: not LIM-MISCONDUCT, but a bad record.
    record = misconduct(
        penalty_start=dt.date(2022, 3, 1),
        penalty_end=dt.date(2023, 3, 1),
        bars_city_fiscal_projects=False,
    )
    check = with_member_org(tb_proposal_check(), 1, credit_records=(record,))
    finding = only(r.rule_credit_serious(check, CALL), "CREDIT-SERIOUS")
    assert "科研失信（认定日期2022-03-01" in finding.message
    assert "不良科研信用记录" in finding.message
    assert r.rule_lim_misconduct(check, CALL) == []


def test_credit_serious_research_credit_older_than_the_lookback_does_not_count():
    record = misconduct(penalty_start=dt.date(2021, 10, 19), penalty_end=dt.date(2022, 1, 1))
    check = with_member_org(tb_proposal_check(), 1, credit_records=(record,))
    assert r.rule_credit_serious(check, CALL) == []


def test_credit_serious_one_finding_per_member():
    check = with_member_org(tb_proposal_check(), 1, credit_records=(credit(),))
    check = with_member_org(check, 2, credit_records=(credit("serious_illegal"), misconduct()))
    findings = r.rule_credit_serious(check, CALL)
    assert codes(findings) == ["CREDIT-SERIOUS", "CREDIT-SERIOUS"]
    assert UNIVERSITY_NAME in findings[0].message
    assert in_order(findings[1].message, TECH_ENTERPRISE_NAME, "严重违法", "科研失信")


def test_credit_serious_achievement_transfer_only_when_the_call_extends_it():
    records = (credit(decided_on=dt.date(2023, 1, 1)), misconduct())
    check = with_member_org(at_proposal_check(), 1, credit_records=records)
    assert r.rule_credit_serious(check, CALL) == []
    finding = only(r.rule_credit_serious(check, EXTENDED), "CREDIT-SERIOUS")
    assert "严重失信" in finding.message
    assert "科研失信" not in finding.message  # the research-credit addition is 二（三）2's


# ---------------------------------------------------------------------- LIM-UNIT-OVERDUE


def test_lim_unit_overdue_exactly_one_year_names_the_member():
    project = city_project("2022007", planned_end=dt.date(2023, 10, 20))
    check = with_member_org(tb_proposal_check(), 2, city_projects=(project,))
    finding = only(r.rule_lim_unit_overdue(check, CALL), "LIM-UNIT-OVERDUE")
    assert in_order(finding.message, TECH_ENTERPRISE_NAME, "2022007", "2023-10-20")


def test_lim_unit_overdue_one_day_short_of_a_year_does_not_count():
    project = city_project("2022007", planned_end=dt.date(2023, 10, 21))
    check = with_member_org(tb_proposal_check(), 2, city_projects=(project,))
    assert r.rule_lim_unit_overdue(check, CALL) == []


# ---------------------------------------------------------------------- LIM-UNIT-ONGOING


def _projects(count):
    return tuple(city_project(f"202300{n}") for n in range(1, count + 1))


def test_lim_unit_ongoing_three_pass():
    check = with_member_org(tb_proposal_check(), 2, city_projects=_projects(3))
    assert r.rule_lim_unit_ongoing(check, CALL) == []


def test_lim_unit_ongoing_four_fail_naming_the_member():
    check = with_member_org(tb_proposal_check(), 2, city_projects=_projects(4))
    finding = only(r.rule_lim_unit_ongoing(check, CALL), "LIM-UNIT-ONGOING")
    assert f"揭榜方成员“{TECH_ENTERPRISE_NAME}”" in finding.message
    assert UNIVERSITY_NAME not in finding.message
    assert in_order(finding.message, "2023001", "2023002", "2023003", "2023004")
    assert finding.field == "members"


def test_lim_unit_ongoing_each_member_counted_on_its_own():
    check = with_member_org(tb_proposal_check(), 1, city_projects=_projects(2))
    check = with_member_org(check, 2, city_projects=_projects(2))
    assert r.rule_lim_unit_ongoing(check, CALL) == []


# ----------------------------------------------------------------------- LIM-PERSON-LOAD


def _with_team(check, *members):
    return with_proposal(check, team=tuple(members))


def test_lim_person_load_principal_at_two_passes():
    leader = person(1, ongoing_rnd_projects=("2023001",))  # 1 ongoing + this proposal
    assert r.rule_lim_person_load(_with_team(tb_proposal_check(), leader, person(2)), CALL) == []


def test_lim_person_load_principal_at_three_fails():
    busy = person(3, ongoing_rnd_projects=("2023001",), other_applications_this_year=("需求甲",))
    check = _with_team(tb_proposal_check(), person(1), person(2), busy)
    finding = only(r.rule_lim_person_load(check, CALL), "LIM-PERSON-LOAD")
    assert busy.name in finding.message and busy.id_masked in finding.message
    assert in_order(finding.message, "2023001", "需求甲", "本次揭榜申请1项", "累计3项")
    assert finding.field == "team"


def test_lim_person_load_fourth_member_does_not_count():
    busy = person(4, ongoing_rnd_projects=("1", "2", "3"))
    check = _with_team(tb_proposal_check(), person(1), person(2), person(3), busy)
    assert r.rule_lim_person_load(check, CALL) == []


# ------------------------------------------------------------------------ LIM-MISCONDUCT


def test_lim_misconduct_member_unit_and_any_team_member():
    check = with_member_org(tb_proposal_check(), 2, credit_records=(misconduct(),))
    check = _with_team(check, person(1), person(5, credit_records=(misconduct(),)))
    findings = r.rule_lim_misconduct(check, CALL)
    assert codes(findings) == ["LIM-MISCONDUCT", "LIM-MISCONDUCT"]
    assert TECH_ENTERPRISE_NAME in findings[0].message and findings[0].field == "members"
    assert "第5名成员" in findings[1].message and findings[1].field == "team"


def test_lim_misconduct_penalty_ended_yesterday_no_longer_blocks():
    record = misconduct(penalty_end=TODAY - dt.timedelta(days=1))
    check = with_member_org(tb_proposal_check(), 1, credit_records=(record,))
    assert r.rule_lim_misconduct(check, CALL) == []
    assert r.rule_lim_misconduct(on(check, TODAY - dt.timedelta(days=1)), CALL) != []


# ----------------------------------------------------------------------------- SOLVER-IP


def test_solver_ip_none_listed():
    finding = only(
        r.rule_solver_ip(with_proposal(tb_proposal_check(), own_ip=()), CALL), "SOLVER-IP"
    )
    assert "自主知识产权" in finding.message
    assert finding.field == "own_ip"


def test_solver_ip_incomplete_items_say_what_is_missing():
    items = (ip_item(owner=""), ip_item(number=" ", legal_status=""))
    finding = only(
        r.rule_solver_ip(with_proposal(tb_proposal_check(), own_ip=items), CALL), "SOLVER-IP"
    )
    assert "第1项知识产权缺少权利人；第2项知识产权缺少编号、法律状态" in finding.message


def test_solver_ip_one_complete_item_suffices():
    items = (ip_item(owner=""), ip_item())
    assert r.rule_solver_ip(with_proposal(tb_proposal_check(), own_ip=items), CALL) == []


def test_solver_ip_is_not_asked_of_achievement_transfer():
    assert at_proposal_check().proposal.own_ip == ()
    assert "SOLVER-IP" not in codes(check_proposal(at_proposal_check(), CALL))


# --------------------------------------------------------------------------- SOLVER-PLAN


def test_solver_plan_without_text_or_attachment():
    check = with_proposal(
        tb_proposal_check(), technical_plan="  ", attachment_kinds=frozenset({"commit_unit"})
    )
    findings = r.rule_solver_plan(check, CALL)
    plan = findings[0]
    assert plan.code == "SOLVER-PLAN"
    assert "缺少：技术方案概述；技术方案附件。" in plan.message
    assert plan.field == "technical_plan"


def test_solver_plan_names_the_unanswered_indicator():
    answers = (("转换效率", "叠层电池"), ("使用寿命", " "))
    check = with_proposal(at_proposal_check(), indicator_answers=answers)
    finding = only(r.rule_solver_plan(check, CALL), "SOLVER-PLAN")
    assert "“使用寿命”" in finding.message
    assert "转换效率" not in finding.message
    assert finding.field == "indicator_answers"


def test_solver_plan_horse_race_without_route():
    check = with_proposal(at_proposal_check(), demand_is_horse_race=True, route_name="")
    finding = only(r.rule_solver_plan(check, CALL), "SOLVER-PLAN")
    assert "技术路线" in finding.message and "赛马制" in finding.message
    assert finding.field == "route_name"
    chosen = with_proposal(check, route_name="钙钛矿叠层路线")
    assert r.rule_solver_plan(chosen, CALL) == []


def test_solver_plan_consortium_without_agreement():
    kinds = tb_proposal_check().proposal.attachment_kinds - {"consortium_agreement"}
    check = with_proposal(tb_proposal_check(), attachment_kinds=kinds)
    finding = only(r.rule_solver_plan(check, CALL), "SOLVER-PLAN")
    assert "联合体" in finding.message and "未上传联合体协议" in finding.message
    assert finding.field == "attachments"
    assert codes(blocking(check_proposal(check, CALL))) == ["SOLVER-PLAN"]


def test_solver_plan_consortium_shares_summing_to_90():
    check = with_member(tb_proposal_check(), 2, work_share_percent=Decimal("30.00"))
    finding = only(r.rule_solver_plan(check, CALL), "SOLVER-PLAN")
    assert "合计为90%，应为100%" in finding.message
    assert finding.field == "members"


def test_solver_plan_consortium_member_without_share_is_named():
    check = with_member(tb_proposal_check(), 2, work_share_percent=None)
    finding = only(r.rule_solver_plan(check, CALL), "SOLVER-PLAN")
    assert f"未填写揭榜方成员“{TECH_ENTERPRISE_NAME}”的分工比例" in finding.message


def test_solver_plan_three_members_with_decimal_shares_summing_to_100_pass():
    members = (
        member(1, university(), work_share_percent=Decimal("33.33")),
        member(2, tech_enterprise(), work_share_percent=Decimal("33.33")),
        member(3, tech_enterprise(id=14, name="第三家公司"), work_share_percent=Decimal("33.34")),
    )
    assert r.rule_solver_plan(with_proposal(tb_proposal_check(), members=members), CALL) == []


def test_solver_plan_a_single_solver_needs_no_agreement_nor_share():
    check = at_proposal_check()
    assert "consortium_agreement" not in check.proposal.attachment_kinds
    assert check.proposal.members[0].work_share_percent is None
    assert r.rule_solver_plan(check, CALL) == []


def test_solver_plan_plan_and_consortium_are_two_findings():
    check = with_proposal(
        tb_proposal_check(), technical_plan="", attachment_kinds=frozenset({"plan"})
    )
    findings = r.rule_solver_plan(check, CALL)
    assert codes(findings) == ["SOLVER-PLAN", "SOLVER-PLAN"]
    assert "揭榜方案不完整" in findings[0].message
    assert "联合体" in findings[1].message


# ------------------------------------------------------------ PRIORITY-INDUSTRY-ACADEMIA


@pytest.mark.parametrize("kind", ["university", "research_institute"])
def test_priority_industry_academia(kind):
    check = with_member_org(tb_proposal_check(), 1, kind=kind)
    only(r.rule_priority_industry_academia(check, CALL), "PRIORITY-INDUSTRY-ACADEMIA")


@pytest.mark.parametrize("kind", ["innovation_platform", "other"])
def test_priority_industry_academia_needs_a_university_or_institute(kind):
    check = with_member_org(tb_proposal_check(), 1, kind=kind)
    assert r.rule_priority_industry_academia(check, CALL) == []


def test_priority_industry_academia_needs_an_enterprise():
    check = with_member_org(tb_proposal_check(), 2, kind="research_institute")
    assert r.rule_priority_industry_academia(check, CALL) == []


# ---------------------------------------------------------------------------- the engine


TB_ALL = {
    "WINDOW-SUBMIT",
    "ORG-UNVERIFIED",
    "CREDIT-SERIOUS",
    "LIM-UNIT-OVERDUE",
    "LIM-UNIT-ONGOING",
    "LIM-PERSON-LOAD",
    "LIM-MISCONDUCT",
    "SOLVER-TB-KIND",
    "SOLVER-AFFILIATED",
    "SOLVER-IP",
    "SOLVER-PLAN",
}

AT_ALL = {
    "WINDOW-SUBMIT",
    "ORG-UNVERIFIED",
    "CREDIT-SERIOUS",
    "LIM-UNIT-OVERDUE",
    "LIM-UNIT-ONGOING",
    "LIM-PERSON-LOAD",
    "LIM-MISCONDUCT",
    "SOLVER-AT-LOCAL",
    "SOLVER-AFFILIATED",
    "SOLVER-PLAN",
}


def test_one_check_returns_every_failing_tb_rule_at_once():
    findings = check_proposal(many_problems_tb_proposal_check(), CALL)
    assert set(codes(findings)) == TB_ALL
    assert set(codes(blocking(findings))) == TB_ALL
    # every problem of the many: both units' kinds, plan and consortium, both persons
    assert codes(findings).count("SOLVER-TB-KIND") == 2
    assert codes(findings).count("SOLVER-PLAN") == 2
    assert codes(findings).count("LIM-MISCONDUCT") == 2
    assert codes(findings).count("ORG-UNVERIFIED") == 2


def test_one_check_returns_every_failing_at_rule_at_once():
    assert set(codes(check_proposal(many_problems_at_proposal_check(), EXTENDED))) == AT_ALL
    assert set(codes(check_proposal(many_problems_at_proposal_check(), CALL))) == AT_ALL - {
        "CREDIT-SERIOUS"
    }


def test_every_proposal_rule_of_the_registry_is_exercised():
    fired = set(codes(check_proposal(many_problems_tb_proposal_check(), CALL)))
    fired |= set(codes(check_proposal(many_problems_at_proposal_check(), EXTENDED)))
    fired |= set(codes(check_proposal(tb_proposal_check(), CALL)))
    assert fired == {rule.code for rule in r.PROPOSAL_RULES}


def test_the_registry_holds_catalogue_codes_once_each():
    registered = [rule.code for rule in r.PROPOSAL_RULES]
    assert len(registered) == len(set(registered))
    assert set(registered) <= set(RULES)
    for rule in r.PROPOSAL_RULES:
        assert rule.categories
        assert rule.categories <= {"tech_breakthrough", "achievement_transfer"}


def test_each_rule_function_names_no_other_code_in_its_source():
    for rule in r.PROPOSAL_RULES:
        module = inspect.getmodule(rule.function)
        source = inspect.getsource(rule.function)
        named = {code for code in RULES if f'"{code}"' in source}
        assert named <= {rule.code}, (rule.function.__name__, named)
        assert f'"{rule.code}"' in inspect.getsource(module)


def test_the_engine_is_the_union_of_its_rules_each_speaking_its_own_code():
    for check, call in [
        (many_problems_tb_proposal_check(), CALL),
        (many_problems_at_proposal_check(), EXTENDED),
        (tb_proposal_check(), CALL),
    ]:
        expected = []
        for rule in proposal_rules_for(check.proposal.category):
            found = rule.function(check, call)
            assert {f.code for f in found} <= {rule.code}
            expected.extend(found)
        assert sorted(check_proposal(check, call), key=repr) == sorted(expected, key=repr)


def test_findings_are_sorted_by_severity_then_catalogue_order():
    check = with_member_org(many_problems_tb_proposal_check(), 1, kind="university")
    findings = check_proposal(check, CALL)
    rank = {Severity.BLOCK: 0, Severity.JUSTIFY: 1, Severity.PRIORITY: 2}
    order = list(RULES)
    keys = [(rank[f.severity], order.index(f.code)) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].code == "WINDOW-SUBMIT"
    assert findings[-1].code == "PRIORITY-INDUSTRY-ACADEMIA"


LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize(
    "build", [many_problems_tb_proposal_check, many_problems_at_proposal_check, tb_proposal_check]
)
def test_messages_are_chinese_and_carry_the_catalogue_clause(build):
    for finding in check_proposal(build(), EXTENDED):
        assert not LATIN.search(finding.message), finding.message
        assert finding.clause == RULES[finding.code].clause
        assert finding.severity == RULES[finding.code].severity
        assert finding.message.endswith("。"), finding.message


def test_the_check_is_pure_same_input_same_output():
    check = many_problems_tb_proposal_check()
    assert check_proposal(check, CALL) == check_proposal(dataclasses.replace(check), CALL)


def test_the_rules_read_no_clock_only_the_snapshot():
    check = many_problems_tb_proposal_check()
    expected = check_proposal(check, CALL)
    with time_machine.travel(dt.datetime(2031, 1, 1, tzinfo=UTC), tick=False):
        assert check_proposal(check, CALL) == expected
    assert check.solicitation_deadline == SOLICITATION_DEADLINE
