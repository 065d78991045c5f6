"""项目管理: milestones, progress reports and their reminders, change requests, the
mid-term evaluation (a horse race's stage gate), termination, research-assistant posts."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import notify, record_audit, store_attachment
from jiebang.eligibility.rules import add_years
from jiebang.orgs.enums import Role
from jiebang.orgs.models import User
from jiebang.projects.enums import (
    ACTIVE_STATES,
    ORDINARY_MIDTERM_OUTCOMES,
    RACE_MIDTERM_OUTCOMES,
    RUNNING_STATES,
    ChangeKind,
    ChangeState,
    MidtermOutcome,
    ProjectState,
    RefundReason,
    ReportState,
)
from jiebang.projects.models import (
    ChangeRequest,
    MidtermEvaluation,
    Milestone,
    ProgressReport,
    Project,
    ResearchAssistantHire,
    ResearchAssistantPost,
)
from jiebang.projects.services._common import (
    locked,
    require_state,
    sync_city_project,
    tell_parties,
    touch,
)
from jiebang.projects.services.funding import open_refund
from jiebang.projects.services.initiation import add_months, report_schedule

DUE_SOON_DAYS = 7


def _require_running(project: Project, action: str) -> None:
    require_state(project, *RUNNING_STATES, action=action)


@transaction.atomic
def complete_milestone(
    *, milestone_id: int, by, completed_on: dt.date, note: str, request=None
) -> Milestone:
    """The solver reports a milestone reached. Side effects: completion date and note; audit."""
    milestone = Milestone.objects.select_related("project").get(pk=milestone_id)
    project = locked(milestone.project_id)
    _require_running(project, _("登记里程碑"))
    if completed_on > clock.today() or completed_on < project.start_on:
        raise DomainError("DATE-INVALID", _("完成日期应在项目开始日期与今天之间。"))
    milestone.completed_on, milestone.completion_note = completed_on, note.strip()[:1000]
    milestone.save(update_fields=["completed_on", "completion_note"])
    record_audit(
        action="project.milestone_completed",
        actor=by,
        target=project,
        summary=f"里程碑完成：{project.code} {milestone.title}",
        data={"milestone": milestone.pk, "completed_on": str(completed_on)},
        request=request,
    )
    return milestone


@transaction.atomic
def submit_progress_report(
    *,
    report_id: int,
    by,
    progress: str,
    problems: str = "",
    next_steps: str = "",
    uploaded_file=None,
    request=None,
) -> ProgressReport:
    """The solver submits a periodic progress report (late ones are accepted and marked late).

    Refused when already submitted (a double click) or the project is not running.
    Side effects: the report `submitted` with its text and optional file; audit entry; the
    bureau's officers notified.
    """
    report = ProgressReport.objects.select_for_update(of=("self",)).get(pk=report_id)
    project = locked(report.project_id)
    if report.state != ReportState.DUE:
        raise DomainError("REPORT-SUBMITTED", _("该期进展报告已提交，请勿重复提交。"))
    require_state(project, *RUNNING_STATES, ProjectState.FINAL_SUBMITTED, action=_("提交进展报告"))
    if not progress.strip():
        raise DomainError("REPORT-EMPTY", _("请填写工作进展。"))
    if uploaded_file is not None:
        report.attachment = store_attachment(
            uploaded_file=uploaded_file,
            kind="progress_report",
            user=by,
            organization=project.solver,
        )
    report.progress, report.problems, report.next_steps = (
        progress.strip(),
        problems.strip(),
        next_steps.strip(),
    )
    report.submitted_at, report.submitted_by = clock.now(), by
    report.mark_submitted()
    report.save()
    record_audit(
        action="project.report_submitted",
        actor=by,
        target=project,
        summary=f"提交第{report.sequence}期进展报告：{project.code}"
        + ("（逾期提交）" if report.is_late else ""),
        data={"report": report.pk, "late": report.is_late},
        request=request,
    )
    notify(
        list(User.objects.filter(groups__name=Role.BUREAU_OFFICER)),
        title=_("进展报告已提交：%(code)s 第%(n)d期")
        % {"code": project.code, "n": report.sequence},
        link=f"/projects/{project.pk}/",
    )
    return report


@transaction.atomic
def review_progress_report(*, report_id: int, by, note: str, request=None) -> ProgressReport:
    """The bureau reads a submitted report and records its opinion. Side effects: `reviewed`;
    audit entry; the solver told."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=report_id)
    )
    if report.state != ReportState.SUBMITTED:
        raise DomainError("REPORT-STATE", _("该期进展报告尚未提交或已审阅。"))
    report.reviewed_note = note.strip()[:1000]
    report.mark_reviewed()
    report.save()
    record_audit(
        action="project.report_reviewed",
        actor=by,
        target=report.project,
        summary=f"审阅第{report.sequence}期进展报告：{report.project.code}",
        data={"report": report.pk},
        request=request,
    )
    tell_parties(
        report.project,
        _("进展报告已审阅：%(code)s 第%(n)d期")
        % {"code": report.project.code, "n": report.sequence},
        report.reviewed_note,
        issuer=False,
    )
    return report


def remind_progress_reports(today: dt.date | None = None) -> dict:
    """Daily: tell the solver of reports due within a week, and (by SMS too) of reports past
    their due date; each reminder is sent once. Only running projects: before its contract
    is registered a project cannot report yet. Returns the counts sent."""
    today = today or clock.today()
    now = clock.now()
    sent = {"due": 0, "late": 0}
    due = ProgressReport.objects.filter(
        state=ReportState.DUE,
        reminded_due_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        project__state__in=RUNNING_STATES,
    ).select_related("project")
    for report in due:
        with transaction.atomic():
            tell_parties(
                report.project,
                _("进展报告即将到期：%(code)s 第%(n)d期，请于%(d)s前提交")
                % {"code": report.project.code, "n": report.sequence, "d": report.due_on},
                issuer=False,
            )
            ProgressReport.objects.filter(pk=report.pk).update(reminded_due_at=now)
        sent["due"] += 1
    late = ProgressReport.objects.filter(
        state=ReportState.DUE,
        reminded_late_at__isnull=True,
        due_on__lt=today,
        project__state__in=RUNNING_STATES,
    ).select_related("project")
    for report in late:
        with transaction.atomic():
            tell_parties(
                report.project,
                _("进展报告已逾期：%(code)s 第%(n)d期（应于%(d)s前提交），请尽快提交")
                % {"code": report.project.code, "n": report.sequence, "d": report.due_on},
                issuer=False,
                sms=True,
            )
            ProgressReport.objects.filter(pk=report.pk).update(reminded_late_at=now)
        sent["late"] += 1
    return sent


@transaction.atomic
def file_change_request(
    *,
    project_id: int,
    by,
    kind: str,
    reason: str,
    extension_months: int | None = None,
    request=None,
) -> ChangeRequest:
    """The solver asks for a change (domain.md §7: at least N months before the planned end;
    one extension of at most M months).

    Refused with CHANGE-TOO-LATE after `planned_end − N months` (that day itself passes),
    CHANGE-PENDING while another request waits, CHANGE-EXTENSION-USED for a second
    extension, CHANGE-EXTENSION-MAX above the call's maximum.
    Side effects: the request `pending`; audit entry; the bureau notified.
    """
    project = locked(project_id)
    _require_running(project, _("申请变更"))
    call = project.call
    if kind not in ChangeKind.values:
        raise DomainError("CHANGE-KIND", _("请选择变更类型。"))
    if not reason.strip():
        raise DomainError("REASON-REQUIRED", _("请填写变更理由。"))
    latest = add_months(project.planned_end, -call.change_request_min_months_before_end)
    if clock.today() > latest:
        raise DomainError(
            "CHANGE-TOO-LATE",
            _("变更申请应在计划结束日期（%(end)s）前至少%(n)d个月提出，即不晚于%(latest)s。")
            % {
                "end": project.planned_end,
                "n": call.change_request_min_months_before_end,
                "latest": latest,
            },
        )
    if project.change_requests.filter(state=ChangeState.PENDING).exists():
        raise DomainError("CHANGE-PENDING", _("已有一项变更申请正在审批，请等待结果。"))
    if kind == ChangeKind.EXTENSION:
        if project.change_requests.filter(
            kind=ChangeKind.EXTENSION, state=ChangeState.APPROVED
        ).exists():
            raise DomainError("CHANGE-EXTENSION-USED", _("项目只能延期一次，已批准过延期。"))
        if not extension_months or not 1 <= extension_months <= call.max_extension_months:
            raise DomainError(
                "CHANGE-EXTENSION-MAX",
                _("延期月数应为1至%(m)d个月。") % {"m": call.max_extension_months},
            )
    else:
        extension_months = None
    change = ChangeRequest.objects.create(
        project=project,
        kind=kind,
        extension_months=extension_months,
        reason=reason.strip(),
        filed_by=by,
        filed_at=clock.now(),
    )
    record_audit(
        action="project.change_filed",
        actor=by,
        target=project,
        summary=f"变更申请：{project.code}，{change.get_kind_display()}"
        + (f" {extension_months}个月" if extension_months else ""),
        data={"change": change.pk, "kind": kind, "months": extension_months},
        request=request,
    )
    notify(
        list(User.objects.filter(groups__name=Role.BUREAU_OFFICER)),
        title=_("项目变更申请待审批：%(code)s") % {"code": project.code},
        link=f"/projects/{project.pk}/",
    )
    return change


@transaction.atomic
def decide_change_request(
    *, change_id: int, by, approved: bool, note: str = "", request=None
) -> ChangeRequest:
    """The bureau approves or refuses (with a reason) a change request.

    Side effects: the request `approved` | `rejected`; an approved extension moves the
    planned end (and the city-project mirror), adds the reports of the new stretch and
    clears an overdue mark that no longer holds; audit entry; the solver told.
    """
    change = ChangeRequest.objects.select_for_update(of=("self",)).get(pk=change_id)
    project = locked(change.project_id)
    if change.state != ChangeState.PENDING:
        raise DomainError("CHANGE-DECIDED", _("该变更申请已审批。"))
    if not approved and not note.strip():
        raise DomainError("REASON-REQUIRED", _("不予批准时请填写理由。"))
    if approved:
        change.mark_approved()
    else:
        change.mark_rejected()
    change.decided_by, change.decided_at, change.decision_note = by, clock.now(), note.strip()
    change.save()
    if approved and change.kind == ChangeKind.EXTENSION:
        old_end = project.planned_end
        project.planned_end = add_months(project.planned_end, change.extension_months)
        last = project.reports.order_by("-sequence").first()
        schedule = report_schedule(
            project.start_on,
            project.planned_end,
            project.progress_interval_months,
            project.call.progress_report_due_days,
        )
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(project=project, sequence=n, period_end=end, due_on=due)
                for n, end, due in schedule
                if last is None or n > last.sequence
            ]
        )
        if project.overdue_since is not None:
            # Clear the mark only when the new end no longer makes the project overdue;
            # otherwise it is overdue since the new end plus the threshold.
            due = add_years(project.planned_end, project.call.overdue_threshold_years)
            project.overdue_since = None if due > clock.today() else due
        touch(project)
        project.save()
        sync_city_project(project)
        summary = f"批准延期：{project.code}，计划结束日期 {old_end} → {project.planned_end}"
    else:
        summary = (
            f"{'批准' if approved else '不予批准'}变更：{project.code}，{change.get_kind_display()}"
        )
    record_audit(
        action="project.change_decided",
        actor=by,
        target=project,
        summary=summary,
        data={"change": change.pk, "approved": approved, "note": note},
        request=request,
    )
    tell_parties(
        project,
        _("变更申请%(r)s：%(code)s")
        % {"r": "已批准" if approved else "未获批准", "code": project.code},
        note,
        issuer=change.kind == ChangeKind.EXTENSION,
    )
    return change


def _terminate(project: Project, reason: str, refund_reason: str) -> None:
    project.mark_terminated()
    project.termination_reason = reason
    project.closed_on = clock.today()
    project.overdue_since = None
    open_refund(project, refund_reason)
    touch(project)
    project.save()
    sync_city_project(project)


@transaction.atomic
def record_midterm(
    *,
    project_id: int,
    by,
    outcome: str,
    opinion: str,
    evaluated_on: dt.date,
    rectify_deadline: dt.date | None = None,
    request=None,
) -> MidtermEvaluation:
    """The bureau records the mid-term evaluation; for a horse race the stage gate of this
    route (continue / stop).

    合格 and "continue" open the mid-term instalment (a horse race leaves its first phase);
    限期整改 puts the project in `rectifying` until a second evaluation (only once); 终止
    and "stop" terminate the project: no further money, unpaid approvals cancelled, the
    unspent fiscal balance due back.
    Side effects: the MidtermEvaluation; the project's state and gate date; refund and
    city-project mirror on termination; audit entry; parties notified.
    """
    project = locked(project_id)
    require_state(
        project, ProjectState.IN_PROGRESS, ProjectState.RECTIFYING, action=_("进行中期评估")
    )
    allowed = RACE_MIDTERM_OUTCOMES if project.is_race else ORDINARY_MIDTERM_OUTCOMES
    if outcome not in allowed:
        raise DomainError(
            "MIDTERM-OUTCOME",
            _("%(kind)s的中期评估结论应为：%(list)s。")
            % {
                "kind": _("赛马制项目") if project.is_race else _("该项目"),
                "list": "、".join(str(MidtermOutcome(o).label) for o in allowed),
            },
        )
    if project.midterm_passed_on is not None:
        raise DomainError("MIDTERM-DONE", _("该项目已通过中期评估。"))
    if not opinion.strip():
        raise DomainError("REASON-REQUIRED", _("请填写评估意见。"))
    if evaluated_on > clock.today() or evaluated_on < project.start_on:
        raise DomainError("DATE-INVALID", _("评估日期应在项目开始日期与今天之间。"))
    if outcome == MidtermOutcome.RECTIFY:
        if project.state == ProjectState.RECTIFYING:
            raise DomainError(
                "MIDTERM-RECTIFY-ONCE", _("整改后复评只能作出合格（继续）或终止（停止）的结论。")
            )
        if rectify_deadline is None or rectify_deadline <= evaluated_on:
            raise DomainError("DATE-INVALID", _("请填写晚于评估日期的整改期限。"))
    evaluation = MidtermEvaluation.objects.create(
        project=project,
        outcome=outcome,
        opinion=opinion.strip(),
        rectify_deadline=rectify_deadline if outcome == MidtermOutcome.RECTIFY else None,
        evaluated_on=evaluated_on,
        decided_by=by,
        decided_at=clock.now(),
    )
    if outcome in (MidtermOutcome.PASSED, MidtermOutcome.CONTINUE):
        if outcome == MidtermOutcome.CONTINUE:
            project.mark_continued()
        else:
            project.mark_midterm_passed()
        project.midterm_passed_on = evaluated_on
        project.rectify_deadline = None
        touch(project)
        project.save()
    elif outcome == MidtermOutcome.RECTIFY:
        project.mark_rectifying()
        project.rectify_deadline = rectify_deadline
        touch(project)
        project.save()
    else:
        _terminate(project, opinion.strip(), RefundReason.TERMINATION)
    record_audit(
        action="project.midterm_recorded",
        actor=by,
        target=project,
        summary=f"中期评估：{project.code}，{evaluation.get_outcome_display()}",
        data={"evaluation": evaluation.pk, "outcome": outcome},
        request=request,
    )
    tell_parties(
        project,
        _("中期评估结论：%(code)s %(o)s")
        % {"code": project.code, "o": evaluation.get_outcome_display()},
        opinion,
        sms=outcome in (MidtermOutcome.TERMINATE, MidtermOutcome.STOP),
    )
    return evaluation


@transaction.atomic
def terminate_project(*, project_id: int, by, reason: str, request=None) -> Project:
    """The bureau terminates a project (终止) outside the mid-term, e.g. on the solver's
    request or a serious breach.

    Side effects: `terminated`; funding stopped, unpaid approvals cancelled, the unspent
    fiscal balance due back (Refund); the city-project mirror; audit; parties told (SMS).
    """
    project = locked(project_id)
    require_state(project, *ACTIVE_STATES, action=_("终止"))
    if not reason.strip():
        raise DomainError("REASON-REQUIRED", _("请填写终止原因。"))
    _terminate(project, reason.strip(), RefundReason.TERMINATION)
    record_audit(
        action="project.terminated",
        actor=by,
        target=project,
        summary=f"终止项目：{project.code}",
        data={"reason": reason},
        request=request,
    )
    tell_parties(project, _("项目已终止：%(code)s") % {"code": project.code}, reason, sms=True)
    return project


@transaction.atomic
def add_assistant_post(
    *, project_id: int, by, title: str, openings: int, created_on: dt.date, request=None
) -> ResearchAssistantPost:
    """The solver records research-assistant posts created for graduates (五(二)10).
    Side effects: the post; audit entry."""
    project = locked(project_id)
    require_state(project, *ACTIVE_STATES, action=_("登记科研助理岗位"))
    if not title.strip() or not openings or openings < 1:
        raise DomainError("POST-INVALID", _("请填写岗位名称和岗位数（至少1个）。"))
    if created_on > clock.today():
        raise DomainError("DATE-INVALID", _("设岗日期不能晚于今天。"))
    post = ResearchAssistantPost.objects.create(
        project=project,
        title=title.strip(),
        openings=openings,
        created_on=created_on,
        recorded_by=by,
    )
    record_audit(
        action="project.assistant_post_added",
        actor=by,
        target=project,
        summary=f"登记科研助理岗位：{project.code}，{post.title} {openings}个",
        data={"post": post.pk},
        request=request,
    )
    return post


@transaction.atomic
def add_assistant_hire(
    *,
    post_id: int,
    by,
    name: str,
    school: str,
    graduation_year: int,
    hired_on: dt.date,
    request=None,
) -> ResearchAssistantHire:
    """A graduate hired on a post; a post holds at most its openings.
    Side effects: the hire; audit entry."""
    post = (
        ResearchAssistantPost.objects.select_for_update().select_related("project").get(pk=post_id)
    )
    if post.hires.count() >= post.openings:
        raise DomainError(
            "POST-FULL", _("岗位“%(t)s”已满（%(n)d个）。") % {"t": post.title, "n": post.openings}
        )
    if not name.strip() or not school.strip():
        raise DomainError("HIRE-INVALID", _("请填写姓名和毕业院校。"))
    if hired_on > clock.today() or hired_on < post.created_on:
        raise DomainError("DATE-INVALID", _("聘用日期应在设岗日期与今天之间。"))
    hire = ResearchAssistantHire.objects.create(
        post=post,
        name=name.strip(),
        school=school.strip(),
        graduation_year=graduation_year,
        hired_on=hired_on,
    )
    record_audit(
        action="project.assistant_hired",
        actor=by,
        target=post.project,
        summary=f"科研助理聘用：{post.project.code}，{hire.name}（{hire.school}）",
        data={"hire": hire.pk},
        request=request,
    )
    return hire
