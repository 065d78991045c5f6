"""Snapshot builders for eligibility tests: valid by default, vary one thing per test.

`tb_check()` and `at_check()` are fully valid 技术攻关 / 成果转化 checks against
`call_2024()` (no blocking finding). Change one thing with `with_demand`, `with_org` or
`dataclasses.replace`. `many_problems_tb_check()` / `many_problems_at_check()` break
every rule that can be broken for their category.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from jiebang.core.clock import BEIJING
from jiebang.eligibility.catalogue import (
    ACHIEVEMENT_TRANSFER,
    ATT_APPLICATION_FORM,
    ATT_AUDIT_REPORT,
    ATT_COMMIT_LEADER,
    ATT_COMMIT_UNIT,
    ATT_IP_EVIDENCE,
    ATT_TEST_REPORT,
    TB_SUPPORT_EVIDENCE_KINDS,
    TECH_BREAKTHROUGH,
)
from jiebang.eligibility.snapshots import (
    CallParams,
    CityProjectSnapshot,
    CreditSnapshot,
    DemandCheck,
    DemandSnapshot,
    FinancialSnapshot,
    IndicatorSnapshot,
    IPItemSnapshot,
    OrgSnapshot,
    PersonSnapshot,
    ResearchTaskSnapshot,
    RouteSnapshot,
)

# A moment well inside the 2024 window; `today` of a check is its Beijing date.
DEFAULT_AT_PARTS = (2024, 8, 20, 15, 0)
TODAY = dt.date(2024, 8, 20)

COMMON_ATTACHMENTS = frozenset({ATT_APPLICATION_FORM, ATT_COMMIT_UNIT, ATT_COMMIT_LEADER})
TB_ATTACHMENTS = COMMON_ATTACHMENTS | {ATT_AUDIT_REPORT} | set(TB_SUPPORT_EVIDENCE_KINDS)
AT_ATTACHMENTS = COMMON_ATTACHMENTS | {ATT_IP_EVIDENCE, ATT_TEST_REPORT}


def bj(year, month, day, hour=0, minute=0, second=0, microsecond=0) -> dt.datetime:
    """An aware datetime in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=BEIJING)


def call_2024(**changes) -> CallParams:
    """The 2024 call of the guide (domain.md §4)."""
    values = {
        "year": 2024,
        "submission_opens_at": bj(2024, 8, 1, 10, 0),
        "submission_closes_at": bj(2024, 8, 30, 19, 30),
        "recommendation_deadline": bj(2024, 9, 3, 0, 0),  # "2024年9月2日24：00"
        "resubmission_deadline": bj(2024, 9, 10, 19, 30),
        "audit_years": (2022, 2023),
    }
    values.update(changes)
    return CallParams(**values)


def credit(kind="serious_dishonesty", decided_on=dt.date(2023, 5, 10), **changes):
    values = {
        "kind": kind,
        "decided_on": decided_on,
        "penalty_start": decided_on,
        "penalty_end": None,
        "bars_city_fiscal_projects": kind == "research_misconduct",
        "source_document": "乌科信〔2023〕12号",
    }
    values.update(changes)
    return CreditSnapshot(**values)


def misconduct(penalty_start=dt.date(2023, 1, 1), penalty_end=dt.date(2025, 12, 31), **changes):
    return credit(
        kind="research_misconduct",
        decided_on=penalty_start,
        penalty_start=penalty_start,
        penalty_end=penalty_end,
        **changes,
    )


def city_project(code="2022001", status="ongoing", is_rnd=True, planned_end=None, **changes):
    values = {
        "code": code,
        "title": f"市级科技计划项目{code}",
        "status": status,
        "is_rnd": is_rnd,
        "planned_end": planned_end or dt.date(2025, 12, 31),
    }
    values.update(changes)
    return CityProjectSnapshot(**values)


def org(**changes) -> OrgSnapshot:
    """A verified local enterprise registered long ago: a valid 技术攻关 issuer."""
    values = {
        "id": 1,
        "name": "乌鲁木齐示例新能源科技有限公司",
        "kind": "enterprise",
        "is_independent_legal_person": True,
        "district_name": "新市区（高新区）",
        "registered_in_city_on": dt.date(2015, 3, 1),
        "tech_certification": "high_tech",
        "tech_certificate_valid_until": dt.date(2026, 12, 31),
        "verification_state": "verified",
    }
    values.update(changes)
    return OrgSnapshot(**values)


def at_org(**changes) -> OrgSnapshot:
    """A verified university outside the city: a valid 成果转化 holder."""
    values = {
        "id": 2,
        "name": "示例大学",
        "kind": "university",
        "is_independent_legal_person": True,
        "district_name": None,
        "registered_in_city_on": None,
        "tech_certification": "",
        "tech_certificate_valid_until": None,
        "verification_state": "verified",
    }
    values.update(changes)
    return OrgSnapshot(**values)


_NAMES = ("张三", "李四", "王五", "赵六", "钱七", "孙八")


def person(position=1, **changes) -> PersonSnapshot:
    values = {
        "position": position,
        "name": _NAMES[(position - 1) % len(_NAMES)],
        "id_masked": f"6501**********{1230 + position}",
    }
    values.update(changes)
    return PersonSnapshot(**values)


def team(size=3) -> tuple[PersonSnapshot, ...]:
    return tuple(person(position) for position in range(1, size + 1))


def _shared_demand_values() -> dict:
    return {
        "summary": "需求概述",
        "problem": "拟解决的技术难题",
        "total_investment": Decimal("8000000.00"),
        "period_months": 36,
        "indicators": (
            IndicatorSnapshot(name="转换效率", target_value="≥25%", unit="%"),
            IndicatorSnapshot(name="使用寿命", target_value="≥20年", unit="年"),
        ),
        "team": team(3),
    }


def tb_demand(**changes) -> DemandSnapshot:
    """A complete 技术攻关 demand."""
    values = _shared_demand_values() | {
        "id": 10,
        "category": TECH_BREAKTHROUGH,
        "title": "高效光伏组件关键技术攻关",
        "time_requirement": "2027年12月前完成",
        "ip_terms": "知识产权归发榜方所有",
        "solver_conditions": "具有光伏材料研发经验",
        "declares_end_user": True,
        "commits_funding": True,
        "financials": (
            FinancialSnapshot(2022, Decimal("120000000.00"), Decimal("6000000.00")),
            FinancialSnapshot(2023, Decimal("150000000.00"), Decimal("8000000.00")),
        ),
        "attachment_kinds": frozenset(TB_ATTACHMENTS),
        "audit_report_years": frozenset({2022, 2023}),
    }
    values.update(changes)
    return DemandSnapshot(**values)


def at_demand(**changes) -> DemandSnapshot:
    """A complete 成果转化 demand."""
    values = _shared_demand_values() | {
        "id": 20,
        "category": ACHIEVEMENT_TRANSFER,
        "title": "新型储能材料成果转化",
        "research_tasks": (
            ResearchTaskSnapshot(name="国家重点研发计划课题", level="national", year=2021),
        ),
        "success_cases": "已在两家企业示范应用",
        "ip_items": (
            IPItemSnapshot(
                kind="patent", number="2021100000001", owner="示例大学", legal_status="授权"
            ),
        ),
        "transfer_team": "成果转化团队共8人，负责技术培训与现场指导",
        "attachment_kinds": frozenset(AT_ATTACHMENTS),
    }
    values.update(changes)
    return DemandSnapshot(**values)


def _check(organization, demand, at, today, applicant_active) -> DemandCheck:
    at = at or bj(*DEFAULT_AT_PARTS)
    return DemandCheck(
        at=at,
        today=today or at.astimezone(BEIJING).date(),
        applicant_active=applicant_active,
        org=organization,
        demand=demand,
    )


def tb_check(*, organization=None, demand=None, at=None, today=None, applicant_active=True):
    """A fully valid 技术攻关 check."""
    return _check(organization or org(), demand or tb_demand(), at, today, applicant_active)


def at_check(*, organization=None, demand=None, at=None, today=None, applicant_active=True):
    """A fully valid 成果转化 check."""
    return _check(organization or at_org(), demand or at_demand(), at, today, applicant_active)


def with_demand(check: DemandCheck, **changes) -> DemandCheck:
    return dataclasses.replace(check, demand=dataclasses.replace(check.demand, **changes))


def with_org(check: DemandCheck, **changes) -> DemandCheck:
    return dataclasses.replace(check, org=dataclasses.replace(check.org, **changes))


def on(check: DemandCheck, today: dt.date) -> DemandCheck:
    """The same check on another Beijing date (at 15:00, inside or outside the window)."""
    return dataclasses.replace(check, today=today, at=bj(today.year, today.month, today.day, 15, 0))


def _overloaded_team() -> tuple[PersonSnapshot, ...]:
    return (
        person(1, ongoing_rnd_projects=("2022001", "2023002")),
        person(2, credit_records=(misconduct(),)),
        person(3),
    )


def _broken_shared(org_changes: dict) -> dict:
    """Organisation changes breaking every rule shared by both categories."""
    return org_changes | {
        "verification_state": "pending",
        "credit_records": (
            credit("serious_illegal", dt.date(2023, 5, 10)),
            misconduct(),
        ),
        "city_projects": (
            city_project("2019001", planned_end=dt.date(2022, 6, 30)),
            city_project("2022001"),
            city_project("2022002"),
            city_project("2022003"),
        ),
    }


def _broken_demand_values() -> dict:
    return {
        "total_investment": Decimal("3000000.00"),
        "period_months": 48,
        "period_justification": "",
        "is_classified": True,
        "involves_ethics": True,
        "is_horse_race": True,
        "routes": (RouteSnapshot(name="路线一", rnd_investment=Decimal("0")),),
        "priority_common_tech": True,
        "priority_first_set": True,
        "priority_public_benefit": True,
        "team": _overloaded_team(),
        "attachment_kinds": frozenset(),
        "audit_report_years": frozenset(),
    }


def many_problems_tb_check() -> DemandCheck:
    """A 技术攻关 check that breaks every rule of its category, submitted after the window."""
    organization = org(
        **_broken_shared(
            {
                "kind": "university",
                "is_independent_legal_person": False,
                "district_name": None,
                "registered_in_city_on": dt.date(2024, 1, 1),
            }
        )
    )
    demand = tb_demand(
        **_broken_demand_values(),
        declares_end_user=False,
        commits_funding=False,
        indicators=(),
        time_requirement="",
        ip_terms="",
        solver_conditions="",
        financials=(),
    )
    return tb_check(
        organization=organization,
        demand=demand,
        at=bj(2024, 8, 31, 9, 0),
        applicant_active=False,
    )


def many_problems_at_check() -> DemandCheck:
    """A 成果转化 check that breaks every rule of its category, submitted before the window."""
    organization = at_org(
        **_broken_shared(
            {
                "kind": "enterprise",
                "tech_certification": "tech_sme",
                "tech_certificate_valid_until": dt.date(2024, 3, 31),
            }
        )
    )
    demand = at_demand(
        **_broken_demand_values(),
        research_tasks=(ResearchTaskSnapshot(name="企业自立项目", level="enterprise", year=2020),),
        success_cases="",
        ip_items=(IPItemSnapshot(kind="patent", number="", owner="", legal_status=""),),
        transfer_team="",
    )
    demand = dataclasses.replace(demand, team=demand.team[:1])
    return at_check(
        organization=organization,
        demand=demand,
        at=bj(2024, 7, 31, 9, 0),
        applicant_active=False,
    )
