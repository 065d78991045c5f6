"""Snapshot builders for the proposal rules: valid by default, vary one thing per test.

`tb_proposal_check()` is a fully valid 技术攻关 proposal by a two-unit consortium (a
university leading, a technology enterprise as member) against `call_2024()`: no blocking
finding, only PRIORITY-INDUSTRY-ACADEMIA. `at_proposal_check()` is a fully valid 成果转化
proposal by one local enterprise: no finding at all. Change one thing with
`with_proposal`, `with_member`, `with_member_org` or `dataclasses.replace`.
`many_problems_tb_proposal_check()` / `many_problems_at_proposal_check()` break every rule
that can be broken for their category.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from jiebang.core.clock import BEIJING
from jiebang.eligibility.catalogue import ACHIEVEMENT_TRANSFER, TECH_BREAKTHROUGH
from jiebang.eligibility.snapshots import (
    IPItemSnapshot,
    MemberSnapshot,
    OrgSnapshot,
    ProposalCheck,
    ProposalSnapshot,
)
from tests.eligibility.builders import (
    bj,
    city_project,
    credit,
    misconduct,
    org,
    person,
    team,
)

# The demand's solicitation deadline (揭榜截止时间) and a moment well before it.
SOLICITATION_DEADLINE = bj(2024, 10, 31, 17, 30, 0)
DEFAULT_AT = bj(2024, 10, 20, 15, 0)
TODAY = dt.date(2024, 10, 20)

ISSUER_NAME = "乌鲁木齐示例新能源科技有限公司"
UNIVERSITY_NAME = "新疆示例大学"
TECH_ENTERPRISE_NAME = "乌鲁木齐示例智能装备有限公司"
LOCAL_ENTERPRISE_NAME = "乌鲁木齐示例储能应用有限公司"

TB_ATTACHMENTS = frozenset({"plan", "consortium_agreement", "commit_unit", "commit_leader"})
AT_ATTACHMENTS = frozenset({"plan", "commit_unit", "commit_leader"})


def issuer(**changes) -> OrgSnapshot:
    """The issuer of the demand (a verified local enterprise, id 1)."""
    return org(**({"id": 1, "name": ISSUER_NAME} | changes))


def university(**changes) -> OrgSnapshot:
    """A verified university outside the city: a valid 技术攻关 solver."""
    values = {
        "id": 11,
        "name": UNIVERSITY_NAME,
        "kind": "university",
        "district_name": None,
        "registered_in_city_on": None,
        "tech_certification": "",
        "tech_certificate_valid_until": None,
    }
    return org(**(values | changes))


def tech_enterprise(**changes) -> OrgSnapshot:
    """A verified local high-tech enterprise, certificate valid until 2026: a valid
    技术攻关 solver."""
    values = {"id": 12, "name": TECH_ENTERPRISE_NAME, "district_name": "头屯河区（经开区）"}
    return org(**(values | changes))


def local_enterprise(**changes) -> OrgSnapshot:
    """A verified local enterprise without any technology certification: a valid 成果转化
    solver (none is needed)."""
    values = {
        "id": 13,
        "name": LOCAL_ENTERPRISE_NAME,
        "district_name": "米东区",
        "tech_certification": "",
        "tech_certificate_valid_until": None,
    }
    return org(**(values | changes))


def member(position, organization, **changes) -> MemberSnapshot:
    values = {
        "position": position,
        "role": "lead" if position == 1 else "member",
        "org": organization,
    }
    values.update(changes)
    return MemberSnapshot(**values)


def ip_item(**changes) -> IPItemSnapshot:
    values = {
        "kind": "patent",
        "number": "ZL202110000001.1",
        "owner": UNIVERSITY_NAME,
        "legal_status": "授权",
    }
    values.update(changes)
    return IPItemSnapshot(**values)


INDICATOR_ANSWERS = (
    ("转换效率", "采用叠层电池结构，实验室效率已达26%"),
    ("使用寿命", "封装材料加速老化试验等效25年"),
)


def tb_proposal(**changes) -> ProposalSnapshot:
    """A complete 技术攻关 proposal: university (60%) leading, tech enterprise (40%)."""
    values = {
        "id": 100,
        "demand_id": 10,
        "category": TECH_BREAKTHROUGH,
        "technical_plan": "以叠层电池为主线，分三阶段完成材料、工艺和组件攻关",
        "indicator_answers": INDICATOR_ANSWERS,
        "own_ip": (ip_item(),),
        "members": (
            member(1, university(), work_share_percent=Decimal("60.00")),
            member(2, tech_enterprise(), work_share_percent=Decimal("40.00")),
        ),
        "team": team(3),
        "attachment_kinds": TB_ATTACHMENTS,
    }
    values.update(changes)
    return ProposalSnapshot(**values)


def at_proposal(**changes) -> ProposalSnapshot:
    """A complete 成果转化 proposal by one local enterprise (no IP of its own needed)."""
    values = {
        "id": 200,
        "demand_id": 20,
        "category": ACHIEVEMENT_TRANSFER,
        "technical_plan": "在本企业储能电站建设示范线，三年内推广至五家企业",
        "indicator_answers": (("能量密度", "示范线产品经第三方检测达到指标"),),
        "members": (member(1, local_enterprise()),),
        "team": team(2),
        "attachment_kinds": AT_ATTACHMENTS,
    }
    values.update(changes)
    return ProposalSnapshot(**values)


def _check(proposal, at, today, applicant_active, deadline, issuing_org) -> ProposalCheck:
    at = at or DEFAULT_AT
    return ProposalCheck(
        at=at,
        today=today or at.astimezone(BEIJING).date(),
        applicant_active=applicant_active,
        solicitation_deadline=deadline or SOLICITATION_DEADLINE,
        issuer=issuing_org or issuer(),
        proposal=proposal,
    )


def tb_proposal_check(
    *, proposal=None, at=None, today=None, applicant_active=True, deadline=None, issuer_org=None
) -> ProposalCheck:
    """A fully valid 技术攻关 proposal check (only the priority finding)."""
    return _check(proposal or tb_proposal(), at, today, applicant_active, deadline, issuer_org)


def at_proposal_check(
    *, proposal=None, at=None, today=None, applicant_active=True, deadline=None, issuer_org=None
) -> ProposalCheck:
    """A fully valid 成果转化 proposal check (no finding)."""
    return _check(proposal or at_proposal(), at, today, applicant_active, deadline, issuer_org)


def with_proposal(check: ProposalCheck, **changes) -> ProposalCheck:
    return dataclasses.replace(check, proposal=dataclasses.replace(check.proposal, **changes))


def with_member(check: ProposalCheck, position: int, **changes) -> ProposalCheck:
    """The check with the member at `position` changed (`chain_to_issuer`, shares, ...)."""
    members = tuple(
        dataclasses.replace(m, **changes) if m.position == position else m
        for m in check.proposal.members
    )
    return with_proposal(check, members=members)


def with_member_org(check: ProposalCheck, position: int, **changes) -> ProposalCheck:
    """The check with the unit of the member at `position` changed."""
    members = tuple(
        dataclasses.replace(m, org=dataclasses.replace(m.org, **changes))
        if m.position == position
        else m
        for m in check.proposal.members
    )
    return with_proposal(check, members=members)


def on(check: ProposalCheck, today: dt.date) -> ProposalCheck:
    """The same check on another Beijing date (at 15:00)."""
    return dataclasses.replace(check, today=today, at=bj(today.year, today.month, today.day, 15, 0))


def _broken_unit_values() -> dict:
    """Unit changes breaking ORG-UNVERIFIED, CREDIT-SERIOUS and every LIM-UNIT rule."""
    return {
        "verification_state": "pending",
        "credit_records": (credit("serious_illegal", dt.date(2023, 5, 10)), misconduct()),
        "city_projects": (
            city_project("2019001", planned_end=dt.date(2022, 6, 30)),
            city_project("2022001"),
            city_project("2022002"),
            city_project("2022003"),
        ),
    }


def _broken_team():
    return (
        person(1, ongoing_rnd_projects=("2022001", "2023002")),
        person(2, credit_records=(misconduct(),)),
        person(3),
    )


def _broken_proposal_values() -> dict:
    return {
        "demand_is_horse_race": True,
        "route_name": "",
        "technical_plan": "",
        "indicator_answers": (("转换效率", ""), ("使用寿命", "  ")),
        "own_ip": (),
        "team": _broken_team(),
        "attachment_kinds": frozenset(),
    }


def many_problems_tb_proposal_check() -> ProposalCheck:
    """A 技术攻关 proposal breaking every rule of its category, submitted after the deadline.

    Its consortium: a public institution related to the issuer (not a solver kind) and an
    enterprise whose certificate has expired, with shares summing to 90. No member is an
    enterprise-and-university pair, so PRIORITY-INDUSTRY-ACADEMIA does not fire.
    """
    lead = member(
        1,
        university(kind="public_institution", name="示例事业单位", **_broken_unit_values()),
        chain_to_issuer=("示例事业单位", "隶属于", ISSUER_NAME),
        work_share_percent=Decimal("50"),
    )
    partner = member(
        2,
        tech_enterprise(tech_certificate_valid_until=dt.date(2024, 1, 1)),
        work_share_percent=Decimal("40"),
    )
    proposal = tb_proposal(**_broken_proposal_values(), members=(lead, partner))
    return tb_proposal_check(
        proposal=proposal, at=bj(2024, 10, 31, 17, 30, 1), applicant_active=False
    )


def many_problems_at_proposal_check() -> ProposalCheck:
    """A 成果转化 proposal breaking every rule of its category, submitted after the deadline:
    a university outside the city, related to the issuer, with a member lacking its share."""
    lead = member(
        1,
        university(**_broken_unit_values()),
        chain_to_issuer=(UNIVERSITY_NAME, "持有", ISSUER_NAME),
    )
    partner = member(2, local_enterprise(), work_share_percent=Decimal("30"))
    proposal = at_proposal(**_broken_proposal_values(), members=(lead, partner))
    return at_proposal_check(proposal=proposal, at=bj(2024, 11, 1, 9, 0), applicant_active=False)
