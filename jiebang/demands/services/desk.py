"""The desks' side of a demand: district recommendation, bureau formal review, the demand
review conclusion and publishing. One function per state change; each docstring lists its
side effects. Callers check permissions (django-rules); these functions enforce the domain:
the current state, the deadlines and the required reasons."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, DemandEvent, PublicationBatch
from jiebang.demands.selectors import bureau_takes_submitted, call_params
from jiebang.eligibility.rules.desk import rule_window_recommend
from jiebang.notices.services import publish_announcement
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.models import User
from jiebang.portal.cache import invalidate_hall

DISTRICT = "district"
BUREAU = "bureau"


def _locked(demand_id: int) -> Demand:
    return (
        Demand.objects.select_for_update(of=("self",))
        .select_related("organization__district", "call")
        .get(pk=demand_id)
    )


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REASON-REQUIRED", _("%(what)s时必须填写理由。") % {"what": what})
    return reason


def _require_state(demand: Demand, *states) -> None:
    if demand.state not in states:
        raise DomainError(
            "DEMAND-STATE",
            _("需求当前状态为“%(s)s”，不能办理此操作（可能已被他人处理，请刷新）。")
            % {"s": demand.get_state_display()},
        )


def _require_district_scope(demand: Demand, by: User) -> None:
    if not by.district_id or demand.organization.district_id != by.district_id:
        raise DomainError("FORBIDDEN", _("该需求不属于本区县，不能办理。"))


def _require_recommend_window(demand: Demand, at) -> None:
    findings = rule_window_recommend(at, call_params(demand.call))
    if findings:
        raise DomainError(
            findings[0].code, findings[0].message, details=[f.as_dict() for f in findings]
        )


def _unit_people(demand: Demand):
    """Who hears about a desk decision: the demand's author and the unit's admins."""
    return User.objects.filter(
        Q(pk=demand.created_by_id) | Q(groups__name=Role.ORG_ADMIN),
        organization_id=demand.organization_id,
        account_state=AccountState.ACTIVE,
    ).distinct()


def _record(
    demand: Demand,
    *,
    by: User,
    action: str,
    from_state: str,
    reason: str,
    role: str,
    request,
    summary: str,
):
    now = clock.now()
    demand.updated_at = now
    demand.save()
    DemandEvent.objects.create(
        demand=demand,
        action=action,
        from_state=from_state,
        to_state=demand.state,
        reason=reason,
        actor=by,
        actor_role=demand.organization.district.office_name
        if role == DISTRICT and demand.organization.district_id
        else "市科技局",
        created_at=now,
    )
    record_audit(
        action=f"demand.{action}",
        actor=by,
        target=demand,
        summary=summary,
        data={"from": from_state, "to": demand.state, "reason": reason},
        request=request,
    )


@transaction.atomic
def recommend_demand(*, demand_id: int, by: User, opinion: str = "", request=None) -> Demand:
    """District recommends a submitted demand of its district (submitted → recommended),
    until the call's recommendation deadline (WINDOW-RECOMMEND).

    Side effects: state; history line; audit entry; inbox message to the unit.
    """
    demand = _locked(demand_id)
    _require_district_scope(demand, by)
    _require_state(demand, DemandState.SUBMITTED)
    _require_recommend_window(demand, clock.now())
    from_state = demand.state
    demand.mark_recommended()
    demand.state_reason = opinion.strip()
    _record(
        demand,
        by=by,
        action="recommended",
        from_state=from_state,
        reason=opinion.strip(),
        role=DISTRICT,
        request=request,
        summary=f"区县推荐：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=_("需求已获推荐：%(t)s") % {"t": demand.title},
        link=f"/demands/{demand.pk}/",
    )
    return demand


def default_resubmit_by(call, now):
    """A bureau return gives the unit at least a week, and never less than the call allows."""
    return max(call.resubmission_deadline, now + dt.timedelta(days=7))


@transaction.atomic
def return_demand(
    *, demand_id: int, by: User, reason: str, resubmit_by=None, request=None
) -> Demand:
    """District (before the deadline) or bureau returns a demand for changes (→ returned).

    The unit may edit and resubmit it until `resubmit_by`: the call's resubmission deadline
    for a district return; for a bureau return the date the officer sets (by default a week
    from now, or the call's deadline if later). Every earlier version stays readable.
    Side effects: state, reason and resubmission deadline; history line; audit entry; inbox
    message (and SMS) with the reason and the deadline to the unit.
    """
    reason = _require_reason(reason, _("退回"))
    demand = _locked(demand_id)
    now = clock.now()
    if by.has_role(Role.BUREAU_OFFICER):
        role = BUREAU
        _require_state(demand, *_bureau_sources(demand))
        resubmit_by = resubmit_by or default_resubmit_by(demand.call, now)
        if resubmit_by <= now:
            raise DomainError("DEADLINE-PAST", _("重新提交截止时间应晚于当前时间。"))
    else:
        role = DISTRICT
        _require_district_scope(demand, by)
        _require_state(demand, DemandState.SUBMITTED)
        _require_recommend_window(demand, now)
        resubmit_by = demand.call.resubmission_deadline
    from_state = demand.state
    demand.mark_returned()
    demand.state_reason = reason
    demand.resubmit_by = resubmit_by
    _record(
        demand,
        by=by,
        action="returned",
        from_state=from_state,
        reason=reason,
        role=role,
        request=request,
        summary=f"退回修改：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=_("需求被退回修改：%(t)s") % {"t": demand.title},
        body=_("理由：%(r)s。请在 %(d)s 前修改并重新提交。")
        % {"r": reason, "d": clock.format_beijing(resubmit_by)},
        link=f"/demands/{demand.pk}/",
        sms=True,
    )
    return demand


@transaction.atomic
def decline_demand(*, demand_id: int, by: User, reason: str, request=None) -> Demand:
    """District declines to recommend (submitted → not_recommended), with a reason, before
    the deadline. Side effects: state and reason; history line; audit entry; inbox message."""
    reason = _require_reason(reason, _("不予推荐"))
    demand = _locked(demand_id)
    _require_district_scope(demand, by)
    _require_state(demand, DemandState.SUBMITTED)
    _require_recommend_window(demand, clock.now())
    from_state = demand.state
    demand.mark_not_recommended()
    demand.state_reason = reason
    _record(
        demand,
        by=by,
        action="not_recommended",
        from_state=from_state,
        reason=reason,
        role=DISTRICT,
        request=request,
        summary=f"不予推荐：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=_("需求未获推荐：%(t)s") % {"t": demand.title},
        body=_("理由：%(r)s") % {"r": reason},
    )
    return demand


def _bureau_sources(demand: Demand):
    # A unit outside the city has no recommending district, and a resubmission the district
    # already recommended cannot go back to it after its deadline: the bureau takes those
    # from `submitted`.
    if bureau_takes_submitted(demand):
        return (DemandState.SUBMITTED, DemandState.RECOMMENDED)
    return (DemandState.RECOMMENDED,)


@transaction.atomic
def accept_demand(*, demand_id: int, by: User, opinion: str = "", request=None) -> Demand:
    """Bureau formal review passes (recommended → accepted). When the call has no expert
    review of demands the demand is then ready to publish.

    Side effects: state; history line; audit entry; inbox message to the unit.
    """
    demand = _locked(demand_id)
    _require_state(demand, *_bureau_sources(demand))
    from_state = demand.state
    demand.mark_accepted()
    demand.state_reason = opinion.strip()
    _record(
        demand,
        by=by,
        action="accepted",
        from_state=from_state,
        reason=opinion.strip(),
        role=BUREAU,
        request=request,
        summary=f"形式审查通过：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=_("需求通过形式审查：%(t)s") % {"t": demand.title},
        link=f"/demands/{demand.pk}/",
    )
    return demand


@transaction.atomic
def reject_demand(*, demand_id: int, by: User, reason: str, request=None) -> Demand:
    """Bureau formal review refuses (recommended → rejected, 不予受理), with a reason.

    Side effects: state and reason; history line; audit entry; inbox message with the reason.
    """
    reason = _require_reason(reason, _("不予受理"))
    demand = _locked(demand_id)
    _require_state(demand, *_bureau_sources(demand))
    from_state = demand.state
    demand.mark_rejected()
    demand.state_reason = reason
    _record(
        demand,
        by=by,
        action="rejected",
        from_state=from_state,
        reason=reason,
        role=BUREAU,
        request=request,
        summary=f"不予受理：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=_("需求不予受理：%(t)s") % {"t": demand.title},
        body=_("理由：%(r)s") % {"r": reason},
    )
    return demand


@transaction.atomic
def record_demand_review(
    *, demand_id: int, by: User, approved: bool, opinion: str, request=None
) -> Demand:
    """Bureau records the conclusion of the expert review of a demand (需求论证):
    accepted → approved | declined. Only when the call requires that review; the review
    rounds of [4/9] call this with their decision.

    Side effects: state and opinion; history line; audit entry; inbox message to the unit.
    """
    demand = _locked(demand_id)
    if not demand.call.expert_review_of_demands:
        raise DomainError(
            "REVIEW-NOT-REQUIRED", _("本批次不进行需求专家论证，形式审查通过后可直接发布。")
        )
    _require_state(demand, DemandState.ACCEPTED)
    if not approved:
        opinion = _require_reason(opinion, _("论证不通过"))
    from_state = demand.state
    if approved:
        demand.mark_approved()
    else:
        demand.mark_declined()
    demand.state_reason = opinion.strip()
    _record(
        demand,
        by=by,
        action="approved" if approved else "declined",
        from_state=from_state,
        reason=opinion.strip(),
        role=BUREAU,
        request=request,
        summary=f"需求论证{'通过' if approved else '未通过'}：{demand.number} {demand.title}",
    )
    notify(
        _unit_people(demand),
        title=(_("需求论证通过：%(t)s") if approved else _("需求论证未通过：%(t)s"))
        % {"t": demand.title},
        body=opinion.strip(),
    )
    return demand


def publishable_state(call) -> str:
    """Where a demand must be to be published: after the expert review when the call has one."""
    return DemandState.APPROVED if call.expert_review_of_demands else DemandState.ACCEPTED


@transaction.atomic
def publish_demands(
    *, call, demand_ids: list[int], title: str, solicitation_deadline, by: User, request=None
) -> PublicationBatch:
    """Publish a batch of demands (榜单发布) with one solicitation deadline.

    All or nothing: every demand must belong to the call and be ready (approved, or accepted
    when the call has no expert review); otherwise nothing is published and the error lists
    them. Side effects: a PublicationBatch; each demand → published with published_at, the
    deadline and the batch; the search index; history lines; audit entries; inbox messages;
    the publication announcement; the public hall's cache invalidated on commit.
    """
    from jiebang.portal.search import index_demand

    title = (title or "").strip()
    if not title:
        raise DomainError("TITLE-REQUIRED", _("请填写榜单批次名称。"))
    if not demand_ids:
        raise DomainError("NOTHING-SELECTED", _("请至少选择一项需求。"))
    now = clock.now()
    if solicitation_deadline <= now:
        raise DomainError("DEADLINE-PAST", _("揭榜截止时间应晚于发布时间。"))
    demands = list(
        Demand.objects.select_for_update(of=("self",))
        .select_related("organization__district", "call", "industry")
        .filter(pk__in=demand_ids)
        .order_by("pk")
    )
    ready = publishable_state(call)
    not_ready = [d for d in demands if d.call_id != call.pk or d.state != ready]
    if not_ready or len(demands) != len(set(demand_ids)):
        raise DomainError(
            "NOT-PUBLISHABLE",
            _("以下需求不能发布（须为本批次且处于“%(s)s”状态），本次未发布任何需求。")
            % {"s": DemandState(ready).label},
            details=[
                {"id": d.pk, "title": d.title, "state": d.get_state_display()} for d in not_ready
            ],
        )
    batch = PublicationBatch.objects.create(
        call=call,
        title=title,
        published_at=now,
        solicitation_deadline=solicitation_deadline,
        created_by=by,
        created_at=now,
    )
    for demand in demands:
        from_state = demand.state
        demand.mark_published()
        demand.publication = batch
        demand.published_at = now
        demand.solicitation_deadline = solicitation_deadline
        _record(
            demand,
            by=by,
            action="published",
            from_state=from_state,
            reason="",
            role=BUREAU,
            request=request,
            summary=f"发榜：{demand.number} {demand.title}（{batch.title}）",
        )
        index_demand(demand)
        notify(
            _unit_people(demand),
            title=_("需求已发榜：%(t)s") % {"t": demand.title},
            body=_("揭榜截止时间：%(d)s") % {"d": clock.format_beijing(solicitation_deadline)},
            link=f"/hall/{demand.pk}/",
            sms=True,
        )
    publish_announcement(
        title=_("关于发布%(title)s的通知") % {"title": batch.title},
        body=_(
            "根据%(call)s安排，经审核推荐、形式审查%(review)s，现发布“揭榜挂帅”榜单共 %(n)d 项，"
            "公开征集揭榜方。揭榜截止时间为 %(deadline)s。"
            "符合条件的高校、科研机构、企业及其联合体可登录本平台查看榜单详情并提交揭榜申请。"
        )
        % {
            "call": call.name,
            "review": _("和专家论证") if call.expert_review_of_demands else "",
            "n": len(demands),
            "deadline": clock.format_beijing(solicitation_deadline),
        },
        by=by,
        publication=batch,
        request=request,
    )
    invalidate_hall("demands published")
    return batch
