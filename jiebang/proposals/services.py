"""Every write about proposals (揭榜申请). Pages and the API call these and nothing else."""

import json
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit, store_attachment
from jiebang.demands.enums import CATEGORY_CODES, DemandState
from jiebang.demands.services.submission import content_digest, next_receipt_number
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.models import Organization, User
from jiebang.orgs.services import upsert_person
from jiebang.proposals import selectors
from jiebang.proposals.enums import EDITABLE_STATES, MemberRole, ProposalState
from jiebang.proposals.models import (
    ConsortiumMember,
    IndicatorAnswer,
    Proposal,
    ProposalAttachment,
    ProposalIPItem,
    ProposalTeamMember,
    ProposalVersion,
)


def _locked(proposal_id: int) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("demand__call")
        .get(pk=proposal_id)
    )


def _ensure_editable(proposal: Proposal) -> None:
    if proposal.state not in EDITABLE_STATES:
        raise DomainError(
            "PROPOSAL-NOT-EDITABLE",
            _("揭榜申请当前状态为“%(s)s”，不能修改。") % {"s": proposal.get_state_display()},
        )


def _touch(proposal: Proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=clock.now())


@transaction.atomic
def create_proposal(*, demand, org: Organization, by: User, request=None) -> Proposal:
    """Start a proposal to a published demand before its solicitation deadline; the unit is
    its lead (position 1, 100 % of the work until members are added).

    Side effects: the Proposal in `draft` and its lead member row; audit entry.
    """
    if demand.state != DemandState.PUBLISHED:
        raise DomainError("DEMAND-NOT-OPEN", _("该榜单未处于揭榜征集期。"))
    if clock.now().replace(microsecond=0) > demand.solicitation_deadline:
        raise DomainError(
            "WINDOW-SUBMIT",
            _("该榜单已于 %(d)s 截止揭榜。")
            % {"d": clock.format_beijing(demand.solicitation_deadline)},
        )
    if org.pk == demand.organization_id:
        raise DomainError("SELF-PROPOSAL", _("发榜单位不能揭自己的榜。"))
    now = clock.now()
    proposal = Proposal.objects.create(
        demand=demand, lead=org, created_by=by, created_at=now, updated_at=now
    )
    ConsortiumMember.objects.create(
        proposal=proposal,
        organization=org,
        position=1,
        role=MemberRole.LEAD,
        work_share=Decimal("100"),
    )
    record_audit(
        action="proposal.created",
        actor=by,
        target=proposal,
        summary=f"新建揭榜申请：{demand.title}",
        request=request,
    )
    return proposal


@transaction.atomic
def update_proposal(*, proposal: Proposal, by: User, fields: dict) -> Proposal:
    """Save edited fields of a draft proposal (also autosave). Side effects: the fields."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    allowed = {"technical_plan", "budget_total", "budget_breakdown", "schedule", "route"}
    for name, value in fields.items():
        if name in allowed:
            setattr(proposal, name, value)
    if proposal.route_id and proposal.route.demand_id != proposal.demand_id:
        raise DomainError("ROUTE-INVALID", _("所选技术路线不属于该榜单。"))
    proposal.updated_at = clock.now()
    proposal.save()
    return proposal


@transaction.atomic
def set_members(*, proposal: Proposal, by: User, members: list[dict]) -> None:
    """Set the consortium: `members` are dicts with uscc, work_share, budget_share, tasks; the
    lead stays first. Side effects: member rows replaced."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    lead = ConsortiumMember.objects.get(proposal=proposal, position=1)
    orgs = {o.uscc: o for o in Organization.objects.filter(uscc__in=[m["uscc"] for m in members])}
    missing = [m["uscc"] for m in members if m["uscc"] not in orgs]
    if missing:
        raise DomainError(
            "ORG-NOT-FOUND",
            _("未找到以下统一社会信用代码对应的注册单位：%(c)s") % {"c": "、".join(missing)},
        )
    if any(orgs[m["uscc"]].pk == proposal.lead_id for m in members) or len(
        {m["uscc"] for m in members}
    ) != len(members):
        raise DomainError("MEMBER-DUPLICATE", _("联合体成员不能重复，也不能与牵头单位相同。"))
    ConsortiumMember.objects.filter(proposal=proposal).exclude(pk=lead.pk).delete()
    lead_share = Decimal("100") - sum(
        (Decimal(str(m["work_share"])) for m in members), Decimal("0")
    )
    lead.work_share = max(lead_share, Decimal("0"))
    lead.save(update_fields=["work_share"])
    ConsortiumMember.objects.bulk_create(
        [
            ConsortiumMember(
                proposal=proposal,
                organization=orgs[m["uscc"]],
                position=i,
                role=MemberRole.MEMBER,
                work_share=Decimal(str(m["work_share"])),
                budget_share=m.get("budget_share"),
                tasks=m.get("tasks", ""),
            )
            for i, m in enumerate(members, 2)
        ]
    )
    _touch(proposal)


@transaction.atomic
def set_team(*, proposal: Proposal, by: User, members: list[dict]) -> None:
    """Replace the ordered team (first = leader; the first three are principals), people
    matched across units by the ID blind index. Side effects: Persons; team rows."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    people = [
        upsert_person(name=m["name"], id_number=m["id_number"], title=m.get("title", ""))
        for m in members
    ]
    if len({p.pk for p in people}) != len(people):
        raise DomainError("TEAM-DUPLICATE", _("同一人员不能在团队中出现两次，请检查身份证号。"))
    ProposalTeamMember.objects.filter(proposal=proposal).delete()
    ProposalTeamMember.objects.bulk_create(
        [
            ProposalTeamMember(
                proposal=proposal,
                position=i,
                person=p,
                title=m.get("title", ""),
                work_unit=m.get("work_unit", ""),
                responsibility=m.get("responsibility", ""),
            )
            for i, (p, m) in enumerate(zip(people, members, strict=True), 1)
        ]
    )
    _touch(proposal)


@transaction.atomic
def set_answers(*, proposal: Proposal, by: User, answers: dict[int, str]) -> None:
    """How the plan answers each indicator of the demand ({indicator_id: text})."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    valid = set(proposal.demand.indicators.values_list("pk", flat=True))
    IndicatorAnswer.objects.filter(proposal=proposal).delete()
    IndicatorAnswer.objects.bulk_create(
        [
            IndicatorAnswer(proposal=proposal, indicator_id=k, answer=v.strip())
            for k, v in answers.items()
            if k in valid and v.strip()
        ]
    )
    _touch(proposal)


@transaction.atomic
def set_ip_items(*, proposal: Proposal, by: User, rows: list[dict]) -> None:
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    ProposalIPItem.objects.filter(proposal=proposal).delete()
    ProposalIPItem.objects.bulk_create(
        [ProposalIPItem(proposal=proposal, position=i, **r) for i, r in enumerate(rows, 1)]
    )
    _touch(proposal)


@transaction.atomic
def attach_file(*, proposal: Proposal, by: User, kind: str, uploaded_file) -> ProposalAttachment:
    """Upload an attachment (plan, consortium agreement, commitments…), checked by content."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    stored = store_attachment(
        uploaded_file=uploaded_file, kind=f"proposal_{kind}", user=by, organization=proposal.lead
    )
    link = ProposalAttachment.objects.create(proposal=proposal, kind=kind, attachment=stored)
    _touch(proposal)
    return link


def precheck(proposal: Proposal, user: User, *, loaded: bool = False):
    """Every rule's finding for the proposal as it stands, changing nothing.

    `loaded`: `proposal` comes from `selectors.proposal_for_check` already (the editor has
    it), so it is not read again.
    """
    from jiebang.eligibility.engine import check_proposal

    if not loaded:
        proposal = selectors.proposal_for_check(proposal.pk)
    check, params = selectors.build_proposal_check(proposal, user=user)
    return check_proposal(check, params)


def _content(proposal: Proposal) -> dict:
    content = {
        "demand": {"number": proposal.demand.number, "title": proposal.demand.title},
        "route": proposal.route.name if proposal.route_id else "",
        "technical_plan": proposal.technical_plan,
        "budget_total": proposal.budget_total,
        "budget_breakdown": proposal.budget_breakdown,
        "schedule": proposal.schedule,
        "members": [
            {
                "position": m.position,
                "role": m.role,
                "name": m.organization.name,
                "uscc": m.organization.uscc,
                "work_share": m.work_share,
                "tasks": m.tasks,
            }
            for m in proposal.members.all()
        ],
        "team": [
            {
                "position": t.position,
                "name": t.person.name,
                "id_masked": t.person.id_masked,
                "title": t.title,
            }
            for t in proposal.team.all()
        ],
        "answers": {str(a.indicator_id): a.answer for a in proposal.indicator_answers.all()},
        "ip_items": [
            {"kind": i.kind, "number": i.number, "owner": i.owner, "legal_status": i.legal_status}
            for i in proposal.ip_items.all()
        ],
        "attachments": [
            {"kind": a.kind, "name": a.attachment.original_name, "sm3": a.attachment.sm3}
            for a in proposal.attachments.select_related("attachment")
        ],
    }
    return json.loads(json.dumps(content, ensure_ascii=False, default=str))


@transaction.atomic
def submit_proposal(*, proposal_id: int, by: User, request=None) -> ProposalVersion:
    """Submit a draft proposal (draft → submitted) after the authoritative check.

    Locks the row; a second submit is refused with PROPOSAL-ALREADY-SUBMITTED; any blocking
    finding refuses with every finding and changes nothing. Side effects: number, state,
    submitted_at; an immutable ProposalVersion (content + SM3 digest); audit entry; inbox
    messages to the submitter and the issuer's admins and author.
    """
    from jiebang.eligibility.engine import check_proposal

    at = clock.now()
    proposal = _locked(proposal_id)
    if proposal.state != ProposalState.DRAFT:
        latest = proposal.versions.order_by("-version").first()
        raise DomainError(
            "PROPOSAL-ALREADY-SUBMITTED",
            _("该揭榜申请已提交（回执编号 %(r)s），无需重复提交。")
            % {"r": latest.receipt_number if latest else "—"},
        )
    proposal = selectors.proposal_for_check(proposal.pk)
    check, params = selectors.build_proposal_check(proposal, user=by, at=at)
    findings = check_proposal(check, params)
    if any(f.blocks for f in findings):
        raise DomainError(
            "PROPOSAL-INELIGIBLE",
            _("揭榜申请不符合条件，未提交。请按提示逐项修改后再提交。"),
            details=[f.as_dict() for f in findings if f.blocks],
        )
    # Everything that does not need the receipt number is read before taking it: the
    # number's counter row is locked until the commit, and every submission in the city
    # queues on it (bench/rush.py measured the waits in the deadline rush).
    content = _content(proposal)
    issuer_people = list(
        User.objects.filter(
            organization_id=proposal.demand.organization_id,
            account_state=AccountState.ACTIVE,
            groups__name=Role.ORG_ADMIN,
        ).distinct()
    )
    proposal.number = next_receipt_number(
        proposal.demand.call.year, f"P{CATEGORY_CODES[proposal.demand.category]}"
    )
    proposal.mark_submitted()
    proposal.submitted_at = at
    proposal.updated_at = at
    proposal.save()
    version = ProposalVersion.objects.create(
        proposal=proposal,
        version=1,
        receipt_number=proposal.number,
        content=content,
        digest=content_digest(content),
        submitted_at=at,
        submitted_by=by,
        findings=[f.as_dict() for f in findings],
    )
    record_audit(
        action="proposal.submitted",
        actor=by,
        target=proposal,
        summary=f"提交揭榜申请：{proposal.number} → {proposal.demand.title}",
        data={"digest": version.digest},
        request=request,
    )
    notify(
        [by], title=_("揭榜申请已提交：%(n)s") % {"n": proposal.number}, body=proposal.demand.title
    )
    notify(
        issuer_people,
        title=_("收到揭榜申请：%(t)s") % {"t": proposal.demand.title},
        body=proposal.lead.name,
    )
    return version


@transaction.atomic
def withdraw_proposal(*, proposal_id: int, by: User, reason: str, request=None) -> Proposal:
    """The lead withdraws its proposal before the review (draft/submitted → withdrawn)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REASON-REQUIRED", _("撤回揭榜申请时必须填写理由。"))
    proposal = _locked(proposal_id)
    if proposal.state not in (ProposalState.DRAFT, ProposalState.SUBMITTED):
        raise DomainError("PROPOSAL-STATE", _("揭榜申请已进入评审，不能撤回。"))
    proposal.mark_withdrawn()
    proposal.state_reason = reason
    proposal.updated_at = clock.now()
    proposal.save()
    record_audit(
        action="proposal.withdrawn",
        actor=by,
        target=proposal,
        summary="撤回揭榜申请",
        data={"reason": reason},
        request=request,
    )
    return proposal


def _issuer_side(proposal: Proposal, by: User) -> None:
    if (
        by.organization_id != proposal.demand.organization_id
        or by.account_state != AccountState.ACTIVE
    ):
        raise DomainError("FORBIDDEN", _("只有发榜单位可以办理对接事项。"))
    if proposal.state in (ProposalState.DRAFT, ProposalState.WITHDRAWN):
        raise DomainError("PROPOSAL-STATE", _("该揭榜申请尚未提交或已撤回。"))


@transaction.atomic
def record_matching(
    *,
    proposal_id: int,
    by: User,
    kind: str,
    held_on,
    place: str,
    participants: str,
    summary: str,
    request=None,
):
    """The issuer records a meeting, site visit or call with a solver (揭榜对接).

    Side effects: a MatchingRecord; audit entry; an inbox message to the solver's lead.
    """
    from jiebang.proposals.models import MatchingRecord

    proposal = _locked(proposal_id)
    _issuer_side(proposal, by)
    if not summary.strip() or not participants.strip():
        raise DomainError("REQUIRED", _("请填写参加人员和纪要。"))
    record = MatchingRecord.objects.create(
        proposal=proposal,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        participants=participants.strip(),
        summary=summary.strip(),
        recorded_by=by,
        recorded_at=clock.now(),
    )
    record_audit(
        action="proposal.matching_recorded",
        actor=by,
        target=proposal,
        summary=f"对接记录：{record.get_kind_display()}",
        request=request,
    )
    lead_people = User.objects.filter(
        organization_id=proposal.lead_id,
        groups__name=Role.ORG_ADMIN,
        account_state=AccountState.ACTIVE,
    )
    notify(
        lead_people,
        title=_("发榜方记录了对接情况：%(t)s") % {"t": proposal.demand.title},
        body=record.summary[:200],
    )
    return record


@transaction.atomic
def record_agreement(
    *, proposal_id: int, by: User, contract_amount, signed_on, uploaded_file, request=None
):
    """The issuer records the signed agreement with its contract amount (one per proposal).

    Side effects: the stored file (checked by content); the Agreement; audit entry.
    """
    from jiebang.proposals.models import Agreement

    proposal = _locked(proposal_id)
    _issuer_side(proposal, by)
    if Agreement.objects.filter(proposal=proposal).exists():
        raise DomainError("AGREEMENT-EXISTS", _("该揭榜申请已登记协议。"))
    if Decimal(str(contract_amount)) <= 0:
        raise DomainError("AMOUNT-INVALID", _("合同金额应大于0。"))
    stored = store_attachment(
        uploaded_file=uploaded_file,
        kind="agreement",
        user=by,
        organization=proposal.demand.organization,
    )
    agreement = Agreement.objects.create(
        proposal=proposal,
        contract_amount=contract_amount,
        signed_on=signed_on,
        attachment=stored,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    record_audit(
        action="proposal.agreement_recorded",
        actor=by,
        target=proposal,
        summary=f"登记揭榜协议：{proposal.number}，合同金额 {agreement.contract_amount} 元",
        data={"amount": str(agreement.contract_amount)},
        request=request,
    )
    return agreement


@transaction.atomic
def set_issuer_preference(
    *, proposal_id: int, by: User, rank: int | None, note: str = "", request=None
) -> Proposal:
    """The issuer states its preference among the proposals to its demand (1 = first choice)."""
    proposal = _locked(proposal_id)
    _issuer_side(proposal, by)
    proposal.issuer_rank = rank
    proposal.issuer_note = note.strip()
    proposal.save(update_fields=["issuer_rank", "issuer_note"])
    record_audit(
        action="proposal.preference",
        actor=by,
        target=proposal,
        summary=f"发榜方意向排序：{rank}",
        request=request,
    )
    return proposal


@transaction.atomic
def set_performance(*, proposal: Proposal, by: User, rows: list[dict]) -> None:
    """Replace the prior performance items (科研项目 / 科技奖励 / 成果转化), at most five per
    type. Side effects: the rows; refused as a whole when a type has more than five."""
    from collections import Counter

    from jiebang.proposals.enums import PerformanceKind
    from jiebang.proposals.models import PriorPerformance

    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    counts = Counter(r["kind"] for r in rows)
    too_many = [str(PerformanceKind(k).label) for k, n in counts.items() if n > 5]
    if too_many:
        raise DomainError(
            "PERFORMANCE-TOO-MANY",
            _("每类业绩最多填写5项：%(k)s 超出。") % {"k": "、".join(too_many)},
        )
    PriorPerformance.objects.filter(proposal=proposal).delete()
    positions: Counter = Counter()
    items = []
    for r in rows:
        positions[r["kind"]] += 1
        items.append(
            PriorPerformance(
                proposal=proposal,
                kind=r["kind"],
                position=positions[r["kind"]],
                title=r["title"],
                year=r.get("year"),
                description=r.get("description", ""),
            )
        )
    PriorPerformance.objects.bulk_create(items)
    _touch(proposal)


@transaction.atomic
def remove_attachment(*, proposal: Proposal, by: User, link_id: int) -> None:
    """Detach a wrong upload from a draft proposal; the stored file stays (audit trail)."""
    proposal = _locked(proposal.pk)
    _ensure_editable(proposal)
    ProposalAttachment.objects.filter(proposal=proposal, pk=link_id).delete()
    _touch(proposal)
