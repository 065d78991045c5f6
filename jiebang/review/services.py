"""Every write about review rounds: creating, assigning (optimal and manual, always conflict
checked), opening, declaring, scoring, closing, consensus and decisions."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit
from jiebang.review import selectors
from jiebang.review.aggregation import weighted_total
from jiebang.review.enums import AssignmentSource, AssignmentState, Decision, RoundState
from jiebang.review.models import (
    Assignment,
    DeclaredConflict,
    ExpertProfile,
    ReviewItem,
    ReviewRound,
    Score,
)
from jiebang.review.optimizer import ExpertNode, ItemNode, assign
from jiebang.review.targets import adapter_for


def _locked_round(round_id: int) -> ReviewRound:
    return (
        ReviewRound.objects.select_for_update(of=("self",)).select_related("call").get(pk=round_id)
    )


def _require_round_state(review_round: ReviewRound, *states) -> None:
    if review_round.state not in states:
        raise DomainError(
            "ROUND-STATE",
            _("评审当前状态为“%(s)s”，不能办理此操作。") % {"s": review_round.get_state_display()},
        )


def validate_criteria(criteria: list[dict]) -> list[dict]:
    if not criteria:
        raise DomainError("CRITERIA-REQUIRED", _("请至少设置一项评审指标。"))
    cleaned = []
    for c in criteria:
        name = str(c.get("name", "")).strip()
        weight = Decimal(str(c.get("weight", 0)))
        max_score = Decimal(str(c.get("max_score", weight)))
        if not name or weight <= 0 or max_score <= 0:
            raise DomainError("CRITERIA-INVALID", _("评审指标须有名称，权重和满分须大于0。"))
        cleaned.append({"name": name, "weight": str(weight), "max_score": str(max_score)})
    if len({c["name"] for c in cleaned}) != len(cleaned):
        raise DomainError("CRITERIA-INVALID", _("评审指标名称不能重复。"))
    return cleaned


@transaction.atomic
def create_round(
    *,
    call,
    kind,
    title,
    targets,
    experts_per_item,
    max_load,
    blind,
    criteria,
    deadline,
    by,
    request=None,
) -> ReviewRound:
    """Create a review round over `targets` (model instances of one type).

    Side effects: the round in `draft` and one item per target; audit entry.
    """
    if not targets:
        raise DomainError("NOTHING-SELECTED", _("请至少选择一个评审对象。"))
    if deadline <= clock.now():
        raise DomainError("DEADLINE-PAST", _("评审截止时间应晚于当前时间。"))
    review_round = ReviewRound.objects.create(
        call=call,
        kind=kind,
        title=title.strip(),
        experts_per_item=experts_per_item,
        max_load=max_load,
        blind=blind,
        criteria=validate_criteria(criteria),
        deadline=deadline,
        spread_threshold=call.score_spread_threshold,
        created_by=by,
        created_at=clock.now(),
    )
    content_type = ContentType.objects.get_for_model(targets[0])
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(round=review_round, target_type=content_type, target_id=t.pk, position=i)
            for i, t in enumerate(targets, 1)
        ]
    )
    record_audit(
        action="review.round_created",
        actor=by,
        target=review_round,
        summary=f"创建评审：{review_round.title}（{len(targets)}项）",
        request=request,
    )
    return review_round


def _affinity_model(experts, views):
    from jiebang.review.affinity import AffinityModel, ExpertText, ItemText

    return AffinityModel.fit(
        [
            ExpertText(
                id=e.pk,
                text=e.profile_text(),
                industries=frozenset(i.pk for i in e.industries.all()),
            )
            for e in experts
        ],
        [
            ItemText(id=item_id, text=v.text, industry=v.industry_id)
            for item_id, v in views.items()
            if v is not None
        ],
    )


@transaction.atomic
def auto_assign(*, round_id: int, by, request=None):
    """Assign experts optimally: maximise total affinity with k experts per item, each expert
    within their load, never a conflicted pair, at most one expert per unit on an item.
    Manual assignments are kept; earlier automatic ones are replaced.

    Side effects: Assignment rows (affinity stored); audit entry with the totals and any
    shortfall. Returns the optimiser's result (with the items that lack experts, if any).
    """
    review_round = _locked_round(round_id)
    _require_round_state(review_round, RoundState.DRAFT)
    experts = selectors.available_experts()
    items = selectors.round_items(review_round)
    targets = selectors.item_targets(items)
    views = selectors.item_views(items, targets)
    if not experts:
        raise DomainError("NO-EXPERTS", _("专家库中没有可参加评审、且已开通账号的专家。"))
    conflicts = selectors.conflicts_in_round(review_round, experts, items, targets)
    model = _affinity_model(experts, views)
    review_round.assignments.filter(source=AssignmentSource.AUTO).delete()
    fixed = list(
        review_round.assignments.exclude(state=AssignmentState.RECUSED).values_list(
            "expert_id", "item_id"
        )
    )
    result = assign(
        [
            ExpertNode(
                id=e.pk, unit_id=e.organization_id, capacity=min(e.max_load, review_round.max_load)
            )
            for e in experts
        ],
        [ItemNode(id=item.pk, k=review_round.experts_per_item) for item in items],
        {(e, i): score for e, i, score in model.pairs()},
        set(conflicts),
        fixed=[pair for pair in fixed if pair not in conflicts],
    )
    now = clock.now()
    existing = set(fixed)
    Assignment.objects.bulk_create(
        [
            Assignment(
                round=review_round,
                item_id=item_id,
                expert_id=expert_id,
                source=AssignmentSource.AUTO,
                affinity=model.score(expert_id, item_id),
                shared_terms=list(model.explain(expert_id, item_id)),
                created_at=now,
            )
            for expert_id, item_id in result.pairs
            if (expert_id, item_id) not in existing
        ]
    )
    record_audit(
        action="review.auto_assigned",
        actor=by,
        target=review_round,
        summary=f"自动分配专家：{review_round.title}",
        data={
            "pairs": len(result.pairs),
            "total_affinity": round(result.total_affinity, 4),
            "shortfalls": [s.item_id for s in result.shortfalls],
        },
        request=request,
    )
    return result


@transaction.atomic
def assign_expert(*, round_id: int, item_id: int, expert_id: int, by, request=None) -> Assignment:
    """The bureau assigns an expert by hand. The pair is checked for conflicts first and for
    another expert of the same unit on the item. Side effects: the Assignment; audit entry."""
    review_round = _locked_round(round_id)
    _require_round_state(review_round, RoundState.DRAFT, RoundState.OPEN)
    item = ReviewItem.objects.select_related("target_type").get(pk=item_id, round=review_round)
    expert = selectors.expert_pool().get(pk=expert_id)
    found = selectors.pair_conflicts(review_round, expert, item)
    if found:
        raise DomainError(
            "CONFLICT",
            _("该专家须回避，不能分配：%(r)s") % {"r": "；".join(c.message for c in found)},
            details=[{"code": str(c.code), "message": c.message} for c in found],
        )
    if item.assignments.exclude(state=AssignmentState.RECUSED).filter(expert=expert).exists():
        raise DomainError("DUPLICATE", _("该专家已分配到此项目。"))
    if (
        expert.organization_id
        and item.assignments.exclude(state=AssignmentState.RECUSED)
        .filter(expert__organization_id=expert.organization_id)
        .exists()
    ):
        raise DomainError("SAME-UNIT-TWICE", _("同一单位的专家在一个项目中最多一人。"))
    assignment = Assignment.objects.create(
        round=review_round,
        item=item,
        expert=expert,
        source=AssignmentSource.MANUAL,
        created_at=clock.now(),
    )
    record_audit(
        action="review.assigned",
        actor=by,
        target=review_round,
        summary=f"人工指定专家 {expert.person.name} → {item.code}",
        data={"item": item.pk, "expert": expert.pk},
        request=request,
    )
    if review_round.state == RoundState.OPEN and expert.user_id:
        notify(
            [expert.user],
            title=_("新的评审任务：%(t)s") % {"t": review_round.title},
            link="/review/my/",
        )
    return assignment


@transaction.atomic
def remove_assignment(*, assignment_id: int, by, request=None) -> None:
    """Remove an assignment not yet scored. Side effects: deletes it; audit entry."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("round", "expert__person")
        .get(pk=assignment_id)
    )
    if assignment.state == AssignmentState.SUBMITTED:
        raise DomainError("ALREADY-SCORED", _("专家已评分，不能移除。"))
    _require_round_state(assignment.round, RoundState.DRAFT, RoundState.OPEN)
    record_audit(
        action="review.unassigned",
        actor=by,
        target=assignment.round,
        summary=f"移除专家 {assignment.expert.person.name}",
        data={"item": assignment.item_id, "expert": assignment.expert_id},
        request=request,
    )
    assignment.delete()


@transaction.atomic
def open_round(*, round_id: int, by, request=None) -> ReviewRound:
    """Open the round to experts (draft → open) after re-checking every assignment for
    conflicts. Side effects: state and opened_at; audit; an inbox message and email to each
    assigned expert with the deadline."""
    review_round = _locked_round(round_id)
    _require_round_state(review_round, RoundState.DRAFT)
    assignments = list(
        selectors.round_assignments(review_round).exclude(state=AssignmentState.RECUSED)
    )
    if not assignments:
        raise DomainError("NO-ASSIGNMENTS", _("尚未分配专家。"))
    experts = {a.expert_id: a.expert for a in assignments}
    conflicts = selectors.conflicts_in_round(
        review_round, list(selectors.expert_pool().filter(pk__in=experts))
    )
    bad = [a for a in assignments if (a.expert_id, a.item_id) in conflicts]
    if bad:
        raise DomainError(
            "CONFLICT",
            _("有 %(n)d 个分配存在回避情形，请调整后再开始评审。") % {"n": len(bad)},
            details=[{"item": a.item.code, "expert": a.expert.person.name} for a in bad],
        )
    review_round.mark_open()
    review_round.opened_at = clock.now()
    review_round.save()
    record_audit(
        action="review.opened",
        actor=by,
        target=review_round,
        summary=f"开始评审：{review_round.title}",
        request=request,
    )
    users = {a.expert.user for a in assignments if a.expert.user_id}
    notify(
        users,
        title=_("评审任务：%(t)s") % {"t": review_round.title},
        body=_("请在 %(d)s 前完成评审。") % {"d": clock.format_beijing(review_round.deadline)},
        link="/review/my/",
    )
    return review_round


def _expert_assignment(assignment_id: int, user) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related(
            "round__call", "item__target_type", "expert__person", "expert__organization"
        )
        .filter(pk=assignment_id, expert__user=user)
        .first()
    )
    if assignment is None:
        raise DomainError("FORBIDDEN", _("这不是您的评审任务。"))
    return assignment


def _require_open_before_deadline(review_round: ReviewRound) -> None:
    _require_round_state(review_round, RoundState.OPEN)
    if clock.now().replace(microsecond=0) > review_round.deadline:
        raise DomainError(
            "DEADLINE-PAST",
            _("评审已于 %(d)s 截止。") % {"d": clock.format_beijing(review_round.deadline)},
        )


@transaction.atomic
def declare(
    *, assignment_id: int, user, no_conflict: bool, reason: str = "", request=None
) -> Assignment:
    """The expert declares, per item, that no conflict exists (assigned → declared), or
    declares one (→ recused, recorded as DECLARED for every later check).

    The platform re-checks the known conflicts first. Side effects: state, declaration text
    and time; a DeclaredConflict row when recusing; audit; an inbox message to the round's
    creator when recusing, so the bureau can assign someone else.
    """
    assignment = _expert_assignment(assignment_id, user)
    _require_open_before_deadline(assignment.round)
    if assignment.state != AssignmentState.ASSIGNED:
        raise DomainError("ASSIGNMENT-STATE", _("您已对该项目作出声明。"))
    now = clock.now()
    if no_conflict:
        found = selectors.pair_conflicts(assignment.round, assignment.expert, assignment.item)
        if found:
            raise DomainError(
                "CONFLICT",
                _("系统发现您须回避该项目：%(r)s") % {"r": "；".join(c.message for c in found)},
            )
        assignment.mark_declared()
        assignment.declaration = _(
            "本人承诺与该评审对象无利害关系，将独立、客观、公正地评审，并对评审内容保密。"
        )
    else:
        reason = (reason or "").strip()
        if not reason:
            raise DomainError("REASON-REQUIRED", _("申请回避时必须填写理由。"))
        assignment.mark_recused()
        assignment.declaration = reason
        DeclaredConflict.objects.get_or_create(
            expert=assignment.expert,
            target_type=assignment.item.target_type,
            target_id=assignment.item.target_id,
            defaults={"reason": reason, "declared_at": now},
        )
        notify(
            [assignment.round.created_by],
            title=_("专家申请回避：%(t)s") % {"t": assignment.round.title},
            body=_("%(e)s 对 %(c)s 申请回避，请另行指定专家。")
            % {"e": assignment.expert.person.name, "c": assignment.item.code},
            link=f"/review/rounds/{assignment.round_id}/",
        )
    assignment.declared_at = now
    assignment.save()
    record_audit(
        action="review.declared" if no_conflict else "review.recused",
        actor=user,
        target=assignment.round,
        summary=f"专家{'声明无利害关系' if no_conflict else '申请回避'}：{assignment.item.code}",
        data={"assignment": assignment.pk},
        request=request,
    )
    return assignment


@transaction.atomic
def submit_score(
    *, assignment_id: int, user, scores: dict, comment: str, recommendation: str, request=None
) -> Score:
    """The expert scores an item after declaring (declared → submitted); may revise until the
    round closes or its deadline passes. Conflicts are re-checked at this moment.

    Side effects: the Score (per-criterion scores, weighted total on 0–100, comment,
    recommendation); state; audit entry.
    """
    assignment = _expert_assignment(assignment_id, user)
    _require_open_before_deadline(assignment.round)
    if assignment.state not in (AssignmentState.DECLARED, AssignmentState.SUBMITTED):
        raise DomainError("DECLARE-FIRST", _("请先签署无利害关系声明。"))
    if selectors.pair_conflicts(assignment.round, assignment.expert, assignment.item):
        raise DomainError("CONFLICT", _("系统发现您须回避该项目，不能评分，请联系市科技局。"))
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("COMMENT-REQUIRED", _("请填写评审意见。"))
    try:
        clean_scores = {k: Decimal(str(v)) for k, v in scores.items()}
        total = weighted_total(clean_scores, selectors.criteria_of(assignment.round))
    except (ValueError, ArithmeticError) as bad:
        raise DomainError("SCORE-INVALID", str(bad)) from bad
    score, _created = Score.objects.update_or_create(
        assignment=assignment,
        defaults={
            "scores": {k: str(v) for k, v in clean_scores.items()},
            "total": total,
            "comment": comment,
            "recommendation": recommendation,
            "submitted_at": clock.now(),
        },
    )
    assignment.mark_submitted()
    assignment.save()
    record_audit(
        action="review.scored",
        actor=user,
        target=assignment.round,
        summary=f"专家评分：{assignment.item.code} {total}分",
        data={"assignment": assignment.pk, "total": str(total)},
        request=request,
    )
    return score


@transaction.atomic
def close_round(*, round_id: int, by, request=None) -> ReviewRound:
    """Close the round (open → closed): no more scores. Side effects: state; audit entry."""
    review_round = _locked_round(round_id)
    _require_round_state(review_round, RoundState.OPEN)
    review_round.mark_closed()
    review_round.closed_at = clock.now()
    review_round.save()
    record_audit(
        action="review.closed",
        actor=by,
        target=review_round,
        summary=f"结束评审：{review_round.title}",
        request=request,
    )
    return review_round


@transaction.atomic
def record_consensus(*, item_id: int, note: str, by, request=None) -> ReviewItem:
    """Record the panel's consensus discussion for an item whose scores spread too far.
    Side effects: note and time; audit entry."""
    note = (note or "").strip()
    if not note:
        raise DomainError("NOTE-REQUIRED", _("请填写合议意见。"))
    item = ReviewItem.objects.select_for_update().select_related("round").get(pk=item_id)
    item.consensus_note = note
    item.consensus_at = clock.now()
    item.save(update_fields=["consensus_note", "consensus_at"])
    record_audit(
        action="review.consensus",
        actor=by,
        target=item.round,
        summary=f"专家组合议：{item.code}",
        data={"note": note},
        request=request,
    )
    return item


@transaction.atomic
def decide_item(*, item_id: int, approved: bool, reason: str, by, request=None) -> ReviewItem:
    """The bureau decides on an item from the ranking, after the round closed; for a demand
    that is the conclusion of 需求论证 (approved → publishable, or declined), for a proposal
    入围 / 未入选, for a project the acceptance conclusion 通过 / 不通过.

    Side effects: the item's decision, reason, who and when; the target's own transition
    (through its service); audit entry.
    """
    item = (
        ReviewItem.objects.select_for_update()
        .select_related("round__call", "target_type")
        .get(pk=item_id)
    )
    _require_round_state(item.round, RoundState.CLOSED)
    if item.decision:
        raise DomainError("ALREADY-DECIDED", _("该项目已作出决定。"))
    reason = (reason or "").strip()
    if not approved and not reason:
        raise DomainError("REASON-REQUIRED", _("决定不通过时必须填写理由。"))
    target = item.target
    adapter_for(item.target_type).decide(
        target, approved=approved, reason=reason, by=by, request=request
    )
    item.decision = Decision.APPROVE if approved else Decision.DECLINE
    item.decision_reason = reason
    item.decided_by = by
    item.decided_at = clock.now()
    item.save()
    record_audit(
        action="review.decided",
        actor=by,
        target=item.round,
        summary=f"评审决定：{item.code} {'通过' if approved else '不通过'}",
        data={"item": item.pk, "approved": approved, "reason": reason},
        request=request,
    )
    return item


@transaction.atomic
def save_expert(*, person, by, request=None, **fields) -> ExpertProfile:
    """Add or update an expert of the pool. Side effects: the profile (and industries); audit."""
    industries = fields.pop("industries", None)
    expert, created = ExpertProfile.objects.update_or_create(
        person=person,
        defaults={
            **fields,
            **({"created_at": clock.now()} if not hasattr(person, "expert_profile") else {}),
        },
    )
    if industries is not None:
        expert.industries.set(industries)
    record_audit(
        action="review.expert_added" if created else "review.expert_updated",
        actor=by,
        target=expert,
        summary=f"{'新增' if created else '更新'}评审专家：{person.name}",
        request=request,
    )
    return expert


def remind_experts(*, within_hours: int = 24) -> int:
    """Send one reminder per expert with unfinished assignments in rounds closing within
    `within_hours`. A reminder is sent at most once per round and expert.

    Side effects: inbox messages (and email copies); an audit entry per reminder sent.
    Returns how many experts were reminded.
    """
    import datetime as dt

    from jiebang.core.models import AuditEntry

    now = clock.now()
    pending = (
        Assignment.objects.filter(
            round__state=RoundState.OPEN,
            round__deadline__gt=now,
            round__deadline__lte=now + dt.timedelta(hours=within_hours),
            state__in=(AssignmentState.ASSIGNED, AssignmentState.DECLARED),
            expert__user__isnull=False,
        )
        .select_related("round", "expert__user")
        .order_by("round_id", "expert_id")
    )
    reminded = 0
    seen = set()
    for assignment in pending:
        key = (assignment.round_id, assignment.expert_id)
        if key in seen:
            continue
        seen.add(key)
        marker = f"{assignment.round_id}:{assignment.expert_id}"
        if AuditEntry.objects.filter(
            action="review.reminded", target_id=str(assignment.round_id), data__marker=marker
        ).exists():
            continue
        with transaction.atomic():
            notify(
                [assignment.expert.user],
                title=_("评审即将截止：%(t)s") % {"t": assignment.round.title},
                body=_("您还有未完成的评审，截止时间 %(d)s。")
                % {"d": clock.format_beijing(assignment.round.deadline)},
                link="/review/my/",
                sms=True,
            )
            record_audit(
                action="review.reminded",
                target=assignment.round,
                summary=f"提醒专家 {assignment.expert.person.name} 完成评审",
                data={"marker": marker},
            )
        reminded += 1
    return reminded
