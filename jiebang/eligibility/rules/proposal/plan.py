"""Proposal rules on what the proposal states: SOLVER-IP, SOLVER-PLAN (the plan and, for a
consortium, its agreement and work shares), PRIORITY-INDUSTRY-ACADEMIA.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import TECH_BREAKTHROUGH, finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import join, join_problems
from jiebang.eligibility.rules.proposal._common import (
    ATT_CONSORTIUM_AGREEMENT,
    ATT_PLAN,
    PROPOSAL_ATTACHMENT_KINDS,
    member_label,
)
from jiebang.eligibility.snapshots import CallParams, ProposalCheck
from jiebang.orgs.enums import OrgKind


def rule_solver_ip(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """SOLVER-IP: a 技术攻关 solver lists its own relevant IP (二（三）3: "掌握自主知识产权").

    Passes when at least one `own_ip` item has `number`, `owner` and `legal_status`
    non-blank. Otherwise the message says that none is listed, or what each listed item
    lacks. Whether the owner is a solver unit and the IP is relevant is for the reviewers.
    """
    items = check.proposal.own_ip
    if any(
        item.number.strip() and item.owner.strip() and item.legal_status.strip() for item in items
    ):
        return []
    if not items:
        problem = _("揭榜申请中尚未列出揭榜方自有的相关知识产权")
    else:
        missing = []
        for number, item in enumerate(items, start=1):
            parts = []
            if not item.number.strip():
                parts.append(_("编号"))
            if not item.owner.strip():
                parts.append(_("权利人"))
            if not item.legal_status.strip():
                parts.append(_("法律状态"))
            missing.append(
                _("第{number}项知识产权缺少{parts}").format(number=number, parts=join(parts))
            )
        problem = _("所列知识产权均不完整：{missing}").format(missing=join_problems(missing))
    return [
        finding(
            "SOLVER-IP",
            _(
                "技术攻关类揭榜方须掌握自主知识产权，{problem}。请至少填写一项与本榜单相关的"
                "自主知识产权，写明类型、编号、权利人和法律状态。"
            ).format(problem=problem),
            field="own_ip",
        )
    ]


def _percent(value: Decimal) -> str:
    """`90`, `33.5`: a percentage without trailing zeros."""
    return f"{value.normalize():f}"


def _plan_finding(check: ProposalCheck) -> list[Finding]:
    proposal = check.proposal
    missing: list[tuple[str, str]] = []  # (field, Chinese description)
    if not proposal.technical_plan.strip():
        missing.append(("technical_plan", _("技术方案概述")))
    if ATT_PLAN not in proposal.attachment_kinds:
        missing.append(
            ("attachments", _("{name}附件").format(name=_(PROPOSAL_ATTACHMENT_KINDS[ATT_PLAN])))
        )
    unanswered = [
        f"“{name}”" if name.strip() else _("第{number}项指标").format(number=number)
        for number, (name, answer) in enumerate(proposal.indicator_answers, start=1)
        if not answer.strip()
    ]
    if unanswered:
        missing.append(
            (
                "indicator_answers",
                _("对榜单技术指标{names}的实现说明").format(names=join(unanswered)),
            )
        )
    if proposal.demand_is_horse_race and not proposal.route_name.strip():
        missing.append(("route_name", _("所选择的技术路线（本榜单为赛马制，须选定一条路线）")))
    if not missing:
        return []
    if proposal.category == TECH_BREAKTHROUGH:
        requirement = _("揭榜方须对榜单需求提出攻克关键核心技术的可行方案")
    else:
        requirement = _("揭榜方须提出科学合理的成果转化应用方案")
    return [
        finding(
            "SOLVER-PLAN",
            _(
                "揭榜方案不完整，缺少：{missing}。{requirement}，并逐项说明如何达到榜单的"
                "技术指标，请补充完整后再提交。"
            ).format(
                missing=join_problems(text for _field, text in missing), requirement=requirement
            ),
            field=missing[0][0],
        )
    ]


def _consortium_finding(check: ProposalCheck) -> list[Finding]:
    proposal = check.proposal
    members = proposal.members
    if len(members) <= 1:
        return []
    problems: list[tuple[str, str]] = []  # (field, Chinese description)
    if ATT_CONSORTIUM_AGREEMENT not in proposal.attachment_kinds:
        problems.append(
            (
                "attachments",
                _("未上传{name}").format(
                    name=_(PROPOSAL_ATTACHMENT_KINDS[ATT_CONSORTIUM_AGREEMENT])
                ),
            )
        )
    without_share = [member for member in members if member.work_share_percent is None]
    if without_share:
        problems.append(
            (
                "members",
                _("未填写{members}的分工比例").format(
                    members=join(member_label(member) for member in without_share)
                ),
            )
        )
    else:
        total = sum((member.work_share_percent for member in members), Decimal(0))
        if total != Decimal(100):
            problems.append(
                (
                    "members",
                    _("各成员单位的分工比例合计为{total}%，应为100%").format(total=_percent(total)),
                )
            )
    if not problems:
        return []
    return [
        finding(
            "SOLVER-PLAN",
            _(
                "本揭榜方为{count}家单位组成的联合体：{problems}。联合体揭榜须上传各成员单位"
                "签署的联合体协议，并在揭榜申请中明确各成员单位的分工比例（合计100%），"
                "请补充后再提交。"
            ).format(count=len(members), problems=join_problems(text for _f, text in problems)),
            field=problems[0][0],
        )
    ]


def rule_solver_plan(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """SOLVER-PLAN: a feasible plan is stated and attached (二（三）3, 二（四）1), and a
    consortium has its agreement and work shares.

    The plan: `technical_plan` non-blank, a "plan" attachment, every indicator of the
    demand answered (`indicator_answers` with a non-blank answer; the unanswered ones are
    named) and, for a horse-race demand, a route chosen (`route_name`). One finding listing
    what is missing, `field` pointing to the first.

    The consortium (more than one member; reported under this code, the catalogue has no
    consortium code): a "consortium_agreement" attachment, and every member's
    `work_share_percent` set with a total of exactly 100. A second finding listing what is
    wrong with the consortium.
    """
    return _plan_finding(check) + _consortium_finding(check)


_ACADEMIA = {OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE}


def rule_priority_industry_academia(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-INDUSTRY-ACADEMIA: the solver units include a university or research
    institute and an enterprise (产学研合作揭榜, 二（三）4); informational, never blocks.

    Any enterprise counts here (whether it qualifies as a solver is SOLVER-TB-KIND's
    business). Registered for 技术攻关 proposals only: the clause is 二（三）'s, and a
    成果转化 solver must consist of enterprises.
    """
    members = check.proposal.members
    academia = [member.org.name for member in members if member.org.kind in _ACADEMIA]
    industry = [member.org.name for member in members if member.org.kind == OrgKind.ENTERPRISE]
    if not academia or not industry:
        return []
    return [
        finding(
            "PRIORITY-INDUSTRY-ACADEMIA",
            _(
                "本揭榜方为产学研合作联合体（高校或科研机构：{academia}；企业：{industry}），"
                "属于鼓励的产学研合作揭榜攻关，评审专家将看到该优先支持标识。"
            ).format(academia=join(academia), industry=join(industry)),
            field="members",
        )
    ]
