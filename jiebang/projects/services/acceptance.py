"""验收 / 总结评价: the solver reports each indicator with evidence, experts review in an
acceptance round of the [4/9] engine, the bureau decides; and the daily overdue mark."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit, store_attachment
from jiebang.eligibility.rules import add_years
from jiebang.orgs.enums import CreditKind, Role
from jiebang.orgs.models import CreditRecord, User
from jiebang.projects.enums import (
    ACTIVE_STATES,
    AcceptanceOutcome,
    ProjectState,
    RefundReason,
)
from jiebang.projects.models import FinalReport, Project, ProjectIndicator
from jiebang.projects.services._common import (
    locked,
    require_state,
    sync_city_project,
    tell_parties,
    touch,
)
from jiebang.projects.services.funding import open_refund
from jiebang.projects.services.initiation import add_months

ACCEPTANCE_CRITERIA = [
    {"key": "indicators", "name": "考核指标完成情况", "weight": 40},
    {"key": "outputs", "name": "成果水平与应用效益", "weight": 25},
    {"key": "funds", "name": "经费使用与管理", "weight": 20},
    {"key": "management", "name": "组织实施与档案资料", "weight": 15},
]


@transaction.atomic
def save_achievement(
    *,
    indicator_id: int,
    by,
    achieved_value: str,
    achieved: bool,
    explanation: str = "",
    evidence_file=None,
    request=None,
) -> ProjectIndicator:
    """The solver states what one indicator reached, with its evidence (test report, etc.).

    Side effects: the indicator's achieved value, verdict, explanation and evidence file;
    audit entry.
    """
    indicator = ProjectIndicator.objects.get(pk=indicator_id)
    project = locked(indicator.project_id)
    require_state(
        project,
        ProjectState.IN_PROGRESS,
        ProjectState.CONTINUED,
        ProjectState.REWORK,
        action=_("填写指标完成情况"),
    )
    if not achieved_value.strip():
        raise DomainError("ACHIEVEMENT-MISSING", _("请填写指标的实际完成值。"))
    if evidence_file is not None:
        indicator.evidence = store_attachment(
            uploaded_file=evidence_file,
            kind="acceptance_evidence",
            user=by,
            organization=project.solver,
        )
    indicator.achieved_value = achieved_value.strip()
    indicator.achieved = achieved
    indicator.explanation = explanation.strip()[:1000]
    indicator.save()
    record_audit(
        action="project.achievement_saved",
        actor=by,
        target=project,
        summary=f"指标完成情况：{project.code} {indicator.name} = {indicator.achieved_value}",
        data={"indicator": indicator.pk, "achieved": achieved},
        request=request,
    )
    return indicator


def _snapshot(project: Project) -> list[dict]:
    return [
        {
            "name": i.name,
            "target": i.target_value,
            "unit": i.unit,
            "achieved_value": i.achieved_value,
            "achieved": i.achieved,
            "explanation": i.explanation,
            "evidence_sha256": i.evidence.sha256 if i.evidence_id else "",
        }
        for i in project.indicators.select_related("evidence")
    ]


@transaction.atomic
def submit_final_report(
    *, project_id: int, by, summary: str, outputs: str = "", uploaded_file=None, request=None
) -> FinalReport:
    """The solver applies for acceptance (验收申请), or resubmits after a rework.

    Refused unless every indicator has its achieved value and evidence; an ordinary project
    must have passed its mid-term when one fell inside its period, a horse-race route must
    have been continued. Side effects: a FinalReport with the indicator snapshot;
    the project `final_submitted`; audit entry; the bureau notified.
    """
    project = locked(project_id)
    require_state(
        project,
        ProjectState.IN_PROGRESS,
        ProjectState.CONTINUED,
        ProjectState.REWORK,
        action=_("申请验收"),
    )
    if project.state == ProjectState.IN_PROGRESS:
        if project.is_race:
            raise DomainError(
                "MIDTERM-REQUIRED", _("赛马制项目须经阶段评估决定继续支持后方可申请验收。")
            )
        if project.midterm_due_on < project.planned_end and project.midterm_passed_on is None:
            raise DomainError("MIDTERM-REQUIRED", _("项目须先通过中期评估，方可申请验收。"))
    if project.state == ProjectState.REWORK and clock.today() > project.rework_deadline:
        raise DomainError(
            "REWORK-DEADLINE-PASSED",
            _("整改期限（%(d)s）已过，不能再提交验收材料；请联系市科技局作出结题或不通过的结论。")
            % {"d": project.rework_deadline},
        )
    if not summary.strip():
        raise DomainError("REPORT-EMPTY", _("请填写总结报告。"))
    missing = [
        i.name
        for i in project.indicators.all()
        if not i.achieved_value.strip() or i.evidence_id is None
    ]
    if missing:
        raise DomainError(
            "ACHIEVEMENT-MISSING",
            _("以下指标尚未填写完成值或上传佐证材料：%(list)s。") % {"list": "、".join(missing)},
        )
    attachment = None
    if uploaded_file is not None:
        attachment = store_attachment(
            uploaded_file=uploaded_file,
            kind="final_report",
            user=by,
            organization=project.solver,
        )
    report = FinalReport.objects.create(
        project=project,
        round_number=project.final_reports.count() + 1,
        summary=summary.strip(),
        outputs=outputs.strip(),
        attachment=attachment,
        snapshot=_snapshot(project),
        submitted_by=by,
        submitted_at=clock.now(),
    )
    project.mark_final_submitted()
    project.final_submitted_at = report.submitted_at
    touch(project)
    project.save()
    record_audit(
        action="project.final_submitted",
        actor=by,
        target=project,
        summary=f"申请验收：{project.code}（第{report.round_number}次提交）",
        data={"final_report": report.pk},
        request=request,
    )
    notify(
        list(User.objects.filter(groups__name=Role.BUREAU_OFFICER)),
        title=_("项目申请验收：%(code)s") % {"code": project.code},
        link=f"/projects/{project.pk}/",
    )
    return report


def _close_review_item(project: Project, approved: bool, reason: str, by) -> None:
    """Record the decision on the project's open acceptance-review item, if any."""
    from jiebang.review.models import ReviewItem

    content_type = ContentType.objects.get_for_model(Project)
    ReviewItem.objects.filter(target_type=content_type, target_id=project.pk, decision="").update(
        decision="approve" if approved else "decline",
        decision_reason=reason,
        decided_by=by,
        decided_at=clock.now(),
    )


@transaction.atomic
def decide_acceptance(*, project_id: int, by, outcome: str, opinion: str, request=None) -> Project:
    """The bureau concludes the acceptance (验收结论), normally after the expert round.

    From `final_submitted`: 通过 (整改后通过 after a rework), 限期整改 (once; the solver
    resubmits within the call's rework months), 结题 or 不通过. From `rework` (the rework
    period ran out without a resubmission): 结题 or 不通过.
    Side effects: the outcome, opinion and closing date; 通过 opens the acceptance
    instalment and clears an overdue mark; 结题 and 不通过 stop the money, cancel unpaid
    approvals and open a refund of the unspent fiscal balance; 不通过 writes a credit
    record of the solver when the call says so; the city-project mirror; the open review
    item decided; audit entry; parties notified.
    """
    project = locked(project_id)
    require_state(
        project, ProjectState.FINAL_SUBMITTED, ProjectState.REWORK, action=_("作出验收结论")
    )
    if outcome not in AcceptanceOutcome.values or outcome == AcceptanceOutcome.PASSED_AFTER_REWORK:
        raise DomainError("ACCEPTANCE-OUTCOME", _("请选择验收结论。"))
    if not opinion.strip():
        raise DomainError("REASON-REQUIRED", _("请填写验收意见。"))
    if project.state == ProjectState.REWORK and outcome not in (
        AcceptanceOutcome.CONCLUDED,
        AcceptanceOutcome.FAILED,
    ):
        raise DomainError(
            "ACCEPTANCE-OUTCOME",
            _("项目处于整改期，尚未重新提交验收材料，只能作出结题或不通过的结论。"),
        )
    if outcome == AcceptanceOutcome.REWORK and project.reworked:
        raise DomainError(
            "REWORK-ONCE", _("验收整改只有一次机会，整改后复验只能作出通过、结题或不通过的结论。")
        )
    today = clock.today()
    recorded = outcome
    if outcome == AcceptanceOutcome.PASSED:
        recorded = (
            AcceptanceOutcome.PASSED_AFTER_REWORK if project.reworked else AcceptanceOutcome.PASSED
        )
        project.mark_accepted()
        project.closed_on = today
        project.overdue_since = None
    elif outcome == AcceptanceOutcome.REWORK:
        project.mark_rework()
        project.reworked = True
        project.rework_deadline = add_months(today, project.call.acceptance_rework_months)
    elif outcome == AcceptanceOutcome.CONCLUDED:
        project.mark_concluded()
        project.closed_on = today
        project.overdue_since = None
        open_refund(project, RefundReason.CONCLUSION)
    else:
        project.mark_failed()
        project.closed_on = today
        project.overdue_since = None
        open_refund(project, RefundReason.FAILURE)
        if project.call.failed_acceptance_writes_credit:
            CreditRecord.objects.create(
                organization=project.solver,
                kind=CreditKind.FAILED_ACCEPTANCE,
                decided_on=today,
                penalty_start=today,
                penalty_end=add_years(today, project.call.credit_lookback_years),
                bars_city_fiscal_projects=False,
                source_document=f"项目{project.code}验收结论",
                description=opinion.strip()[:2000],
                recorded_at=clock.now(),
            )
    project.acceptance_outcome = recorded
    project.acceptance_opinion = opinion.strip()
    touch(project)
    project.save()
    sync_city_project(project)
    # Every outcome closes the open review item, 限期整改 included: the resubmission after
    # a rework is judged afresh, never on the review of the work before it.
    _close_review_item(
        project,
        recorded in (AcceptanceOutcome.PASSED, AcceptanceOutcome.PASSED_AFTER_REWORK),
        opinion.strip(),
        by,
    )
    record_audit(
        action="project.acceptance_decided",
        actor=by,
        target=project,
        summary=f"验收结论：{project.code}，{AcceptanceOutcome(recorded).label}",
        data={"outcome": recorded},
        request=request,
    )
    body = opinion
    if outcome == AcceptanceOutcome.REWORK:
        body = _("请于%(d)s前完成整改并重新提交验收材料。") % {"d": project.rework_deadline}
    tell_parties(
        project,
        _("验收结论：%(code)s %(o)s")
        % {"code": project.code, "o": AcceptanceOutcome(recorded).label},
        body,
        sms=outcome in (AcceptanceOutcome.REWORK, AcceptanceOutcome.FAILED),
    )
    return project


def overdue_from(project: Project) -> dt.date:
    """The day a project not accepted by then becomes overdue (逾期未验收): planned end
    plus the call's threshold in years — the same day LIM-UNIT-OVERDUE starts counting it."""
    return add_years(project.planned_end, project.call.overdue_threshold_years)


def mark_overdue_projects(today: dt.date | None = None) -> int:
    """Daily: mark active projects whose planned end plus the call's threshold has come
    (that day included) as overdue, and clear marks that no longer hold (an extension).

    Side effects per newly overdue project: `overdue_since`; audit entry (no actor);
    both parties and the bureau notified. Returns how many were newly marked.
    """
    today = today or clock.today()
    marked = 0
    for project in Project.objects.filter(state__in=ACTIVE_STATES).select_related("call"):
        due = overdue_from(project)
        if due <= today and project.overdue_since is None:
            with transaction.atomic():
                Project.objects.filter(pk=project.pk).update(overdue_since=due)
                record_audit(
                    action="project.overdue",
                    target=project,
                    summary=f"逾期未验收：{project.code}（计划结束 {project.planned_end}）",
                    data={"overdue_since": str(due)},
                )
                tell_parties(
                    project,
                    _("项目逾期未验收：%(code)s") % {"code": project.code},
                    _("计划结束日期%(end)s已超过%(n)d年仍未验收，承担单位和发榜单位将被限制申报。")
                    % {"end": project.planned_end, "n": project.call.overdue_threshold_years},
                    sms=True,
                )
                notify(
                    list(User.objects.filter(groups__name=Role.BUREAU_OFFICER)),
                    title=_("项目逾期未验收：%(code)s") % {"code": project.code},
                    link=f"/projects/{project.pk}/",
                )
            marked += 1
        elif due > today and project.overdue_since is not None:
            Project.objects.filter(pk=project.pk).update(overdue_since=None)
    return marked
