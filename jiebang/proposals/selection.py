"""The bureau's side of proposals: eligibility confirmation, review outcome, selection and
closing a demand as matched or unsolved (流榜). One function per state change."""

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.models import User
from jiebang.portal.cache import invalidate_hall
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal


def _locked(proposal_id: int) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("demand", "lead", "route")
        .get(pk=proposal_id)
    )


def _require(proposal: Proposal, *states) -> None:
    if proposal.state not in states:
        raise DomainError(
            "PROPOSAL-STATE",
            _("揭榜申请当前状态为“%(s)s”，不能办理此操作。") % {"s": proposal.get_state_display()},
        )


def _tell_lead(proposal: Proposal, title: str, body: str = "") -> None:
    people = User.objects.filter(
        organization_id=proposal.lead_id,
        groups__name=Role.ORG_ADMIN,
        account_state=AccountState.ACTIVE,
    ).distinct()
    notify(list(people) + [proposal.created_by], title=title, body=body)


@transaction.atomic
def confirm_eligibility(
    *, proposal_id: int, eligible: bool, reason: str, by, request=None
) -> Proposal:
    """The bureau's formal check of a submitted proposal: submitted → eligible | ineligible
    (a reason is required to refuse). Side effects: state and reason; audit; lead notified."""
    proposal = _locked(proposal_id)
    _require(proposal, ProposalState.SUBMITTED)
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise DomainError("REASON-REQUIRED", _("资格审查不通过时必须填写理由。"))
    if eligible:
        proposal.mark_eligible()
    else:
        proposal.mark_ineligible()
    proposal.state_reason = reason
    proposal.save()
    record_audit(
        action="proposal.eligible" if eligible else "proposal.ineligible",
        actor=by,
        target=proposal,
        summary=f"揭榜资格审查：{proposal.number}",
        data={"reason": reason},
        request=request,
    )
    _tell_lead(
        proposal,
        _("揭榜申请资格审查%(r)s：%(n)s")
        % {"r": "通过" if eligible else "未通过", "n": proposal.number},
        reason,
    )
    return proposal


@transaction.atomic
def send_to_review(*, proposal_ids: list[int], by, request=None) -> list[Proposal]:
    """Eligible proposals enter the expert review (eligible → under_review)."""
    proposals = []
    for pk in proposal_ids:
        proposal = _locked(pk)
        _require(proposal, ProposalState.ELIGIBLE)
        proposal.mark_under_review()
        proposal.save()
        record_audit(
            action="proposal.under_review",
            actor=by,
            target=proposal,
            summary=f"进入专家评榜：{proposal.number}",
            request=request,
        )
        proposals.append(proposal)
    return proposals


@transaction.atomic
def record_review_outcome(
    *, proposal_id: int, shortlisted: bool, reason: str, by, request=None
) -> Proposal:
    """The bureau's decision from the review ranking: under_review → shortlisted | not_selected
    (called by the review round's decision). Side effects: state; audit; lead notified."""
    proposal = _locked(proposal_id)
    _require(proposal, ProposalState.UNDER_REVIEW)
    if shortlisted:
        proposal.mark_shortlisted()
    else:
        if not (reason or "").strip():
            raise DomainError("REASON-REQUIRED", _("未入选时必须填写理由。"))
        proposal.mark_not_selected()
    proposal.state_reason = (reason or "").strip()
    proposal.save()
    record_audit(
        action="proposal.shortlisted" if shortlisted else "proposal.not_selected",
        actor=by,
        target=proposal,
        summary=f"评榜结果：{proposal.number}",
        request=request,
    )
    _tell_lead(
        proposal,
        _("揭榜评审结果：%(r)s") % {"r": "入围" if shortlisted else "未入选"},
        proposal.state_reason,
    )
    return proposal


def check_race_selection(demand: Demand, selected: list[Proposal]) -> None:
    """A horse-race demand needs at least two selected teams on different routes (五（二）6)."""
    if not demand.is_horse_race:
        return
    routes = {p.route_id for p in selected if p.route_id}
    if len(selected) < 2 or len(routes) < 2:
        raise DomainError(
            "RACE-SELECTION",
            _(
                "赛马制榜单须选定至少两个采用不同技术路线的团队，当前为 %(n)d 个团队、%(r)d 条路线（申报指南 五（二）6）。"
            )
            % {"n": len(selected), "r": len(routes)},
        )


@transaction.atomic
def publicize(*, demand_id: int, proposal_ids: list[int], by, request=None) -> list[Proposal]:
    """Put the chosen shortlisted proposals of a demand on public notice (→ publicized) and
    open the notice (公示) for the call's working days from today. For a horse race the
    choice must already satisfy the two-routes rule.
    Side effects: states; the PublicNotice (open) with the chosen solvers named; audit
    entries. Refused as a whole (nothing changes) when the notice cannot be opened, e.g.
    NOTICE-CALENDAR-MISSING."""
    from jiebang.notices.services import open_notice

    demand = Demand.objects.select_for_update().select_related("call").get(pk=demand_id)
    proposals = [_locked(pk) for pk in proposal_ids]
    if any(p.demand_id != demand.pk for p in proposals):
        raise DomainError("PROPOSAL-DEMAND", _("所选揭榜申请不属于该榜单。"))
    for p in proposals:
        _require(p, ProposalState.SHORTLISTED)
    if not proposals:
        raise DomainError("NOTHING-SELECTED", _("请至少选择一个入围的揭榜申请。"))
    check_race_selection(demand, proposals)
    for p in proposals:
        p.mark_publicized()
        p.save()
        record_audit(
            action="proposal.publicized",
            actor=by,
            target=p,
            summary=f"揭榜结果公示：{p.number}",
            request=request,
        )
    names = "；".join(f"{p.lead.name}（{p.number}）" for p in proposals)
    open_notice(
        title=f"关于“{demand.title}”揭榜结果的公示",
        body=f"经专家评榜，拟确定以下揭榜方：{names}。"
        "公示期内如有异议，请以书面形式实名（个人）或加盖公章（单位）提出。",
        start_on=clock.today(),
        working_days=demand.call.notice_working_days,
        subject=demand,
        by=by,
        request=request,
    )
    return proposals


def _end_notice(demand: Demand, by, request=None) -> None:
    """开榜 comes after the 公示: the demand's notice must exist and be over. An open one is
    closed here, which refuses before its end (NOTICE-NOT-ENDED) and while an objection
    is unresolved (NOTICE-UNRESOLVED-OBJECTIONS)."""
    from django.contrib.contenttypes.models import ContentType

    from jiebang.notices.models import NoticeState, PublicNotice
    from jiebang.notices.services import close_notice

    notices = PublicNotice.objects.filter(
        subject_type=ContentType.objects.get_for_model(Demand), subject_id=demand.pk
    )
    if not notices.exists():
        raise DomainError("NOTICE-MISSING", _("揭榜结果尚未公示，公示期满且无异议后方可开榜。"))
    for notice in notices.filter(state=NoticeState.OPEN):
        close_notice(notice_id=notice.pk, by=by, request=request)


@transaction.atomic
def close_demand(*, demand_id: int, by, request=None) -> Demand:
    """After the notice: the publicized proposals become selected and the demand matched; a
    demand without any selected solver becomes unsolved (流榜). A horse race cannot be closed
    as matched with fewer than two selected teams on different routes. With publicized
    solvers the notice must be over: NOTICE-MISSING without one; an open one is closed
    here (refused before its end or with an unresolved objection).

    Side effects: the open notice closed; proposal states; demand state; audit entries;
    notifications; the public hall's cache invalidated on commit.
    """
    demand = Demand.objects.select_for_update().get(pk=demand_id)
    if demand.state != DemandState.PUBLISHED:
        raise DomainError(
            "DEMAND-STATE",
            _("榜单当前状态为“%(s)s”，不能开榜。") % {"s": demand.get_state_display()},
        )
    if clock.now() <= demand.solicitation_deadline:
        raise DomainError("TOO-EARLY", _("揭榜征集尚未截止，不能开榜。"))
    publicized = list(
        Proposal.objects.select_for_update(of=("self",)).filter(
            demand=demand, state=ProposalState.PUBLICIZED
        )
    )
    if not publicized:
        demand.mark_unsolved()
        demand.updated_at = clock.now()
        demand.save()
        invalidate_hall("demand unsolved")
        record_audit(
            action="demand.unsolved",
            actor=by,
            target=demand,
            summary=f"流榜：{demand.title}",
            request=request,
        )
        return demand
    check_race_selection(demand, publicized)
    _end_notice(demand, by, request)
    for p in publicized:
        p.mark_selected()
        p.save()
        record_audit(
            action="proposal.selected",
            actor=by,
            target=p,
            summary=f"揭榜成功：{p.number}",
            request=request,
        )
        _tell_lead(p, _("揭榜成功：%(t)s") % {"t": demand.title})
    demand.mark_matched()
    demand.updated_at = clock.now()
    demand.save()
    invalidate_hall("demand matched")
    record_audit(
        action="demand.matched",
        actor=by,
        target=demand,
        summary=f"开榜：{demand.title}",
        request=request,
    )
    return demand
