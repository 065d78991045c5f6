"""Proposal rules on the window and the solver units (揭榜方: the lead and each consortium
member): WINDOW-SUBMIT, ORG-UNVERIFIED, SOLVER-TB-KIND, SOLVER-AT-LOCAL, SOLVER-AFFILIATED,
CREDIT-SERIOUS.
"""

import datetime as dt

from django.utils.translation import gettext as _

from jiebang.core.clock import format_beijing
from jiebang.eligibility.catalogue import TECH_BREAKTHROUGH, finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import add_years, join, join_problems, serious_credit_records
from jiebang.eligibility.rules.demand._common import _day, _label
from jiebang.eligibility.rules.proposal._common import (
    credit_record_text,
    is_lead,
    member_field,
    member_label,
    replace_hint,
)
from jiebang.eligibility.snapshots import CallParams, CreditSnapshot, OrgSnapshot, ProposalCheck
from jiebang.orgs.enums import CreditKind, OrgKind, TechCertification, VerificationState


def rule_window_submit(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """WINDOW-SUBMIT (proposal): submitted until the demand's solicitation deadline
    (揭榜截止时间, `check.solicitation_deadline`), inclusive to the second.

    `at` is truncated to whole seconds, so 17:30:00.999 passes a 17:30:00 deadline and
    17:30:01 does not. Aware datetimes are compared (the instant, whatever the zone); the
    message shows the deadline in Beijing time. There is no opening bound: a proposal can
    only be started on a published demand.
    """
    deadline = check.solicitation_deadline
    if check.at.replace(microsecond=0) <= deadline:
        return []
    return [
        finding(
            "WINDOW-SUBMIT",
            _(
                "本榜单的揭榜截止时间为{deadline}，现已截止，逾期提交的揭榜申请不予受理。"
                "请关注其他已发布的榜单或下一年度征集批次。"
            ).format(deadline=format_beijing(deadline)),
        )
    ]


def rule_org_unverified(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """ORG-UNVERIFIED (proposal): every solver unit's registration is verified and the
    applicant's account is approved and active (五（二）1、2).

    One finding per member unit whose `verification_state` is not "verified", naming it;
    one more when `check.applicant_active` is false (who has to act differs).
    """
    findings = []
    for member in check.proposal.members:
        state = member.org.verification_state
        if state == VerificationState.VERIFIED:
            continue
        if state == VerificationState.REJECTED:
            message = _(
                "{member}的单位注册信息审核未通过，不能参与揭榜。请该单位管理员按退回意见修改"
                "单位信息（单位名称、统一社会信用代码、推荐单位等）后重新提交审核，"
                "审核通过后再提交揭榜申请。{hint}"
            )
        else:
            message = _(
                "{member}的单位注册信息尚未审核通过（当前状态：{state}），暂不能提交揭榜申请。"
                "请该单位管理员核实单位信息并等待审核通过后再提交；如长时间未审核，"
                "请联系市科技局或科技信息服务中心。{hint}"
            )
        findings.append(
            finding(
                "ORG-UNVERIFIED",
                message.format(
                    member=member_label(member),
                    state=_label(VerificationState, state),
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    if not check.applicant_active:
        findings.append(
            finding(
                "ORG-UNVERIFIED",
                _(
                    "您的申报账号尚未经本单位管理员审批启用（或已停用），不能提交揭榜申请。"
                    "请联系本单位管理员在平台上审批启用您的申报账号，并核实申报人信息后再提交。"
                ),
            )
        )
    return findings


def tech_certificate_valid(org: OrgSnapshot, today: dt.date) -> bool:
    """The enterprise holds a technology certification valid today (valid on its last day;
    no end date: valid). This is what "科技型企业" means in the rules."""
    valid_until = org.tech_certificate_valid_until
    return bool(org.tech_certification) and (valid_until is None or valid_until >= today)


_TB_SOLVER_KINDS = {
    OrgKind.UNIVERSITY,
    OrgKind.RESEARCH_INSTITUTE,
    OrgKind.INNOVATION_PLATFORM,
    OrgKind.OTHER,
}


def rule_solver_tb_kind(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """SOLVER-TB-KIND: each solver unit of a 技术攻关 proposal is a university, research
    institute, technology enterprise, innovation platform or other organization (二（三）).

    Kind in {university, research_institute, innovation_platform, other}; or an enterprise
    with a technology certification valid today (see `tech_certificate_valid`). Public
    institutions and medical institutions are not in the guide's list. One finding per
    offending unit, naming it.
    """
    findings = []
    for member in check.proposal.members:
        org = member.org
        if org.kind in _TB_SOLVER_KINDS:
            continue
        if org.kind == OrgKind.ENTERPRISE:
            if tech_certificate_valid(org, check.today):
                continue
            if not org.tech_certification:
                message = _(
                    "技术攻关类揭榜方为企业的，须为科技型企业（高新技术企业或科技型中小企业）。"
                    "{member}未登记科技型企业认定信息，请该单位管理员补充认定类别、证书编号和"
                    "有效期，并上传有效证书。{hint}"
                )
            else:
                message = _(
                    "{member}的{certification}证书已于{day}到期，不再属于科技型企业，"
                    "不能作为技术攻关类揭榜方。请取得新的有效证书后，由该单位管理员更新认定"
                    "信息和证书有效期。{hint}"
                )
        else:
            message = _(
                "技术攻关类揭榜方须为高校、科研机构、科技型企业、创新平台或其他组织，"
                "{member}的单位类型为“{kind}”。如单位类型登记有误，请该单位管理员更正。{hint}"
            )
        findings.append(
            finding(
                "SOLVER-TB-KIND",
                message.format(
                    member=member_label(member),
                    kind=_label(OrgKind, org.kind),
                    certification=_label(TechCertification, org.tech_certification),
                    day=_day(org.tech_certificate_valid_until) if org.tech_certification else "",
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    return findings


def rule_solver_at_local(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """SOLVER-AT-LOCAL: each solver unit of a 成果转化 proposal (the lead and every member)
    is an enterprise registered in Urumqi with independent legal status (二（四）).

    `org.kind == "enterprise"`, `org.is_local` and `org.is_independent_legal_person`; one
    finding per offending unit listing whichever fails. A technology certification is not
    required of the solver.
    """
    findings = []
    for member in check.proposal.members:
        org = member.org
        problems = []
        if org.kind != OrgKind.ENTERPRISE:
            problems.append(
                _("单位类型为“{kind}”，不是企业").format(kind=_label(OrgKind, org.kind))
            )
        if not org.is_local:
            problems.append(_("未登记为在乌鲁木齐市所辖区县注册的单位"))
        if not org.is_independent_legal_person:
            problems.append(_("不具有独立法人资格"))
        if not problems:
            continue
        findings.append(
            finding(
                "SOLVER-AT-LOCAL",
                _(
                    "成果转化类揭榜方须为市域内具有独立法人资格的企业，{member}：{problems}。"
                    "如单位信息有误，请该单位管理员更正单位类型、所属区县或法人资格信息；"
                    "分支机构请以具有独立法人资格的本市企业名义揭榜。{hint}"
                ).format(
                    member=member_label(member),
                    problems=join_problems(problems),
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    return findings


# Relation words of `MemberSnapshot.chain_to_issuer`, read from the unit before the word
# to the unit after it. Forward: the first unit holds equity in / is subordinate to the
# second; reverse ("被…"): the other way round.
_EQUITY = frozenset({"持有", "持有股权", "持股"})
_SUBORDINATE = frozenset({"隶属于", "隶属"})
_EQUITY_REVERSE = frozenset({"被持有", "被持股", "被持有股权"})
_SUBORDINATE_REVERSE = frozenset({"被隶属", "被隶属于", "下属单位为", "被下属单位为", "下辖"})


def _chain_step(subject: str, relation: str, obj: str) -> str:
    word = relation.strip()
    if word in _EQUITY:
        template = _("{a} 持有 {b}股权")
    elif word in _SUBORDINATE:
        template = _("{a} 隶属于 {b}")
    elif word in _EQUITY_REVERSE:
        template = _("{a} 被 {b} 持股")
    elif word in _SUBORDINATE_REVERSE:
        template = _("{a} 下辖 {b}")
    else:  # a word this rule does not know: shown as given
        return f"{subject} {word} {obj}"
    return template.format(a=subject, b=obj)


def chain_text(chain: tuple[str, ...]) -> str:
    """`甲公司 持有 乙公司股权，乙公司 隶属于 发榜方` from
    ("甲公司", "持有", "乙公司", "隶属于", "发榜方"): unit names at even positions, the
    relation between each pair at odd ones, the names kept in the chain's order."""
    steps = [_chain_step(*chain[i : i + 3]) for i in range(0, len(chain) - 2, 2)]
    if len(chain) % 2 == 0 or not steps:  # malformed: keep whatever is left over
        steps.append(chain[-1] if steps else " ".join(chain))
    return join(steps, "，")


def rule_solver_affiliated(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """SOLVER-AFFILIATED: no solver unit has a subordination (隶属) or equity (股权)
    relation with the issuer, directly or through a chain (二（三）5, 二（四）4:
    "揭榜方与需求方无隶属或股权等关联关系", and 关联交易方 are excluded).

    A unit is related when its `chain_to_issuer` is non-empty; the message names the
    chain, unit by unit, in its order (see `chain_text`). A unit that is the issuer itself
    (same id) is refused too. One finding per related unit.
    """
    clause = (
        _("申报指南 二（三）5")
        if check.proposal.category == TECH_BREAKTHROUGH
        else _("申报指南 二（四）4")
    )
    findings = []
    for member in check.proposal.members:
        if is_lead(member):
            fix = _("请由与发榜方无关联关系的单位揭榜")
        else:
            fix = _("请将该单位移出联合体或更换为与发榜方无关联关系的成员单位")
        if member.org.id == check.issuer.id:
            message = _(
                "{member}即为发榜方本身，发榜方不能揭本单位发布的榜单（{clause}）。{fix}。"
            ).format(member=member_label(member), clause=clause, fix=fix)
        elif member.chain_to_issuer:
            message = _(
                "{member}与发榜方存在关联关系：{chain}（{clause}）。揭榜方与需求方不得有隶属"
                "或股权等关联关系，{fix}；如关联关系登记有误或已解除，"
                "请联系市科技局核实更正后再提交。"
            ).format(
                member=member_label(member),
                chain=chain_text(member.chain_to_issuer),
                clause=clause,
                fix=fix,
            )
        else:
            continue
        findings.append(finding("SOLVER-AFFILIATED", message, field=member_field(member)))
    return findings


def _bad_research_credit(record: CreditSnapshot, since: dt.date) -> bool:
    """A research-misconduct record decided in the look-back (不良科研信用记录, 二（三）2),
    whether or not its penalty is still in force."""
    return record.kind == CreditKind.RESEARCH_MISCONDUCT and record.decided_on >= since


def rule_credit_serious(check: ProposalCheck, call: CallParams) -> list[Finding]:
    """CREDIT-SERIOUS (solver): no solver unit has a serious dishonesty or serious illegal
    record in the look-back period; for a 技术攻关 solver also no bad research-credit record
    (二（三）2: "近三年内无严重失信记录或严重违法行为和不良科研信用记录").

    技术攻关: every solver unit; a record counts when it is serious (as for the issuer:
    `serious_credit_records`) or a research-misconduct record decided on or after
    `today - credit_lookback_years` (inclusive, penalty in force or not). 成果转化: only
    when `call.credit_check_extends_to_transfer`, and then the serious records only (the
    research-credit addition is 二（三）2's, which is about 技术攻关 solvers). One finding per
    unit listing every counting record in the snapshot's order.
    """
    tb = check.proposal.category == TECH_BREAKTHROUGH
    if not tb and not call.credit_check_extends_to_transfer:
        return []
    years = call.credit_lookback_years
    since = add_years(check.today, -years)
    findings = []
    for member in check.proposal.members:
        serious = serious_credit_records(member.org.credit_records, check.today, years)
        records = [
            record
            for record in member.org.credit_records
            if record in serious or (tb and _bad_research_credit(record, since))
        ]
        if not records:
            continue
        if tb:
            message = _(
                "{member}近{years}年内（{since}以来）有严重失信、严重违法或不良科研信用记录："
                "{records}，不符合技术攻关类揭榜条件。"
            )
        else:
            message = _(
                "{member}近{years}年内（{since}以来）有严重失信或严重违法记录：{records}，"
                "不符合揭榜条件。"
            )
        message += _(
            "如记录有误或已依法完成信用修复，请持相关证明联系市科技局核实更正后再提交。{hint}"
        )
        findings.append(
            finding(
                "CREDIT-SERIOUS",
                message.format(
                    member=member_label(member),
                    years=years,
                    since=_day(since),
                    records=credit_record_text(records),
                    hint=replace_hint(member),
                ),
                field=member_field(member),
            )
        )
    return findings
