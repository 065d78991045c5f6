"""Project pages: the list, 立项, the project page with its actions, the task book.

Every action posts to `project_action` with its name; the registry below says which
permission it needs, which form checks its shape and which service does it. A refused or
invalid action re-renders the project page with the form as typed and the reason (400),
so nothing typed is lost; a success redirects (no resubmission on reload).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.orgs.security.reauth import reauth_required
from jiebang.projects import forms, selectors, services
from jiebang.projects.enums import DisbursementState, ProjectState, Trigger
from jiebang.projects.models import (
    ChangeRequest,
    Disbursement,
    IssuerPayment,
    Milestone,
    ProgressReport,
    Project,
    ProjectIndicator,
    Refund,
    ResearchAssistantPost,
)
from jiebang.projects.review_selectors import acceptance_review_summary
from jiebang.projects.services.initiation import fiscal_total_for
from jiebang.proposals.models import Proposal

MANAGE = "projects.manage_project"
RUN = "projects.run_project"


@login_required
def project_list(request):
    """项目管理: the bureau and auditors see every project, a unit its own (solver or issuer)."""
    require_perm(request.user, "projects.view_own_projects")
    filters = selectors.project_list_filters(request.GET)
    state, overdue, query = filters["state"], filters["overdue"], filters["query"]
    projects = selectors.project_list(request.user, **filters)
    is_staff = request.user.has_perm("projects.view_project_desk")
    return render(
        request,
        "projects/project_list.html",
        {
            "page": paginate(request, projects),
            "state": state,
            "overdue": overdue,
            "q": query,
            "states": ProjectState.choices,
            "disbursement_states": DisbursementState.choices,
            "triggers": Trigger.choices,
            "is_staff": is_staff,
            "can_manage": request.user.has_perm(MANAGE),
            "counts": selectors.project_counts() if is_staff else None,
            "round_form": forms.AcceptanceRoundForm(
                initial={"title": f"{clock.today().year}年度项目验收评审", "experts_per_item": 5}
            ),
        },
    )


@login_required
def awaiting_initiation(request):
    """立项: selected proposals waiting for their project."""
    require_perm(request.user, MANAGE)
    return render(
        request,
        "projects/awaiting.html",
        {"page": paginate(request, selectors.awaiting_initiation())},
    )


def _initiation_initial(proposal: Proposal) -> dict:
    agreement = getattr(proposal, "agreement", None) if hasattr(proposal, "agreement") else None
    demand = proposal.demand
    return {
        "contract_amount": agreement.contract_amount if agreement else None,
        "agreement_signed_on": agreement.signed_on if agreement else None,
        "total_investment": demand.total_investment,
        "period_months": demand.period_months,
        "period_justification": demand.period_justification,
        "start_on": clock.today(),
    }


@login_required
def initiate(request, proposal_id):
    require_perm(request.user, MANAGE)
    proposal = get_object_or_404(
        Proposal.objects.select_related("demand__call", "demand__organization", "lead", "route"),
        pk=proposal_id,
    )
    status = 200
    error = None
    if request.method == "POST":
        form = forms.InitiationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.initiate_project(
                    proposal_id=proposal.pk,
                    by=request.user,
                    agreement_file=data["agreement_file"],
                    agreement_signed_on=data["agreement_signed_on"],
                    contract_amount=data["contract_amount"],
                    start_on=data["start_on"],
                    period_months=data["period_months"],
                    total_investment=data["total_investment"],
                    period_justification=data["period_justification"],
                    milestones=form.milestones(),
                    budget=form.budget(),
                    request=request,
                )
            except (DomainError, ValidationError) as failure:
                error = _message(failure)
                status = 400
            else:
                messages.success(request, f"已立项，项目编号 {project.code}。")
                return redirect("project_detail", pk=project.pk)
        else:
            status = 400
    else:
        form = forms.InitiationForm(initial=_initiation_initial(proposal))
    contract = form["contract_amount"].value()
    call = proposal.demand.call
    try:
        fiscal_hint = fiscal_total_for(proposal, contract) if contract else None
    except (InvalidOperation, ValueError):  # a hint only; the form reports the bad amount
        fiscal_hint = None
    return render(
        request,
        "projects/initiate.html",
        {
            "proposal": proposal,
            "form": form,
            "error": error,
            "call": call,
            "fiscal_hint": fiscal_hint,
        },
        status=status,
    )


def _message(failure) -> str:
    if isinstance(failure, DomainError):
        return failure.message
    return "；".join(getattr(failure, "messages", [str(failure)]))


def _visible_project(request, pk) -> Project:
    project = get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)
    require_perm(request.user, "projects.view_project", project)
    return selectors.project_detail(project.pk)


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Action:
    perms: tuple[str, ...]  # any one of them
    form: type
    run: Callable  # (request, project, cleaned_data) -> success message
    row: str = ""  # the hidden id field of a per-row form
    section: str = ""


def _contract(request, project, d):
    services.register_tech_contract(
        project_id=project.pk,
        by=request.user,
        number=d["number"],
        registered_on=d["registered_on"],
        uploaded_file=d.get("file"),
        request=request,
    )
    return "已登记技术合同。"


def _payment(request, project, d):
    services.record_payment(
        project_id=project.pk,
        by=request.user,
        amount=d["amount"],
        paid_on=d["paid_on"],
        reference=d["reference"],
        voucher_file=d["voucher"],
        request=request,
    )
    return "已登记合同款支付，待市科技局核实。"


def _payment_check(request, project, d):
    get_object_or_404(IssuerPayment, pk=d["payment_id"], project=project)
    services.check_payment(
        payment_id=d["payment_id"],
        by=request.user,
        confirmed=d["confirmed"],
        note=d["note"],
        request=request,
    )
    return "已核实该笔支付。" if d["confirmed"] else "已不予认定该笔支付。"


def _disburse(request, project, d):
    services.approve_disbursement(
        project_id=project.pk,
        by=request.user,
        trigger=d["trigger"],
        amount=d["amount"],
        note=d["note"],
        request=request,
    )
    return "已审批拨付。"


def _disbursement_paid(request, project, d):
    get_object_or_404(Disbursement, pk=d["disbursement_id"], project=project)
    services.record_disbursement_paid(
        disbursement_id=d["disbursement_id"],
        by=request.user,
        paid_on=d["paid_on"],
        voucher_file=d["voucher"],
        request=request,
    )
    return "已登记拨付到账。"


def _disbursement_cancel(request, project, d):
    get_object_or_404(Disbursement, pk=d["disbursement_id"], project=project)
    services.cancel_disbursement(
        disbursement_id=d["disbursement_id"], by=request.user, reason=d["reason"], request=request
    )
    return "已撤销该笔拨付。"


def _expenditure(request, project, d):
    services.record_expenditure(
        project_id=project.pk,
        by=request.user,
        category=d["category"],
        source=d["source"],
        amount=d["amount"],
        spent_on=d["spent_on"],
        description=d["description"],
        voucher_file=d["voucher"],
        request=request,
    )
    return "已登记支出。"


def _refund(request, project, d):
    get_object_or_404(Refund, pk=d["refund_id"], project=project)
    services.settle_refund(
        refund_id=d["refund_id"],
        by=request.user,
        amount_returned=d["amount_returned"],
        returned_on=d["returned_on"],
        voucher_file=d["voucher"],
        request=request,
    )
    return "已登记资金退回。"


def _milestone(request, project, d):
    get_object_or_404(Milestone, pk=d["milestone_id"], project=project)
    services.complete_milestone(
        milestone_id=d["milestone_id"],
        by=request.user,
        completed_on=d["completed_on"],
        note=d["note"],
        request=request,
    )
    return "已登记里程碑完成情况。"


def _report(request, project, d):
    get_object_or_404(ProgressReport, pk=d["report_id"], project=project)
    services.submit_progress_report(
        report_id=d["report_id"],
        by=request.user,
        progress=d["progress"],
        problems=d["problems"],
        next_steps=d["next_steps"],
        uploaded_file=d.get("file"),
        request=request,
    )
    return "进展报告已提交。"


def _report_review(request, project, d):
    get_object_or_404(ProgressReport, pk=d["report_id"], project=project)
    services.review_progress_report(
        report_id=d["report_id"], by=request.user, note=d["note"], request=request
    )
    return "已审阅进展报告。"


def _change(request, project, d):
    services.file_change_request(
        project_id=project.pk,
        by=request.user,
        kind=d["kind"],
        reason=d["reason"],
        extension_months=d.get("extension_months"),
        request=request,
    )
    return "变更申请已提交，等待市科技局审批。"


def _change_decision(request, project, d):
    get_object_or_404(ChangeRequest, pk=d["change_id"], project=project)
    services.decide_change_request(
        change_id=d["change_id"],
        by=request.user,
        approved=d["approved"],
        note=d["note"],
        request=request,
    )
    return "已审批变更申请。"


def _midterm(request, project, d):
    services.record_midterm(
        project_id=project.pk,
        by=request.user,
        outcome=d["outcome"],
        opinion=d["opinion"],
        evaluated_on=d["evaluated_on"],
        rectify_deadline=d.get("rectify_deadline"),
        request=request,
    )
    return "已记录中期评估结论。"


def _terminate(request, project, d):
    services.terminate_project(
        project_id=project.pk, by=request.user, reason=d["reason"], request=request
    )
    return "项目已终止。"


def _achievement(request, project, d):
    get_object_or_404(ProjectIndicator, pk=d["indicator_id"], project=project)
    services.save_achievement(
        indicator_id=d["indicator_id"],
        by=request.user,
        achieved_value=d["achieved_value"],
        achieved=d["achieved"],
        explanation=d["explanation"],
        evidence_file=d.get("evidence"),
        request=request,
    )
    return "已保存指标完成情况。"


def _final(request, project, d):
    services.submit_final_report(
        project_id=project.pk,
        by=request.user,
        summary=d["summary"],
        outputs=d["outputs"],
        uploaded_file=d.get("file"),
        request=request,
    )
    return "验收申请已提交。"


def _acceptance(request, project, d):
    services.decide_acceptance(
        project_id=project.pk,
        by=request.user,
        outcome=d["outcome"],
        opinion=d["opinion"],
        request=request,
    )
    return "已作出验收结论。"


def _post(request, project, d):
    services.add_assistant_post(
        project_id=project.pk,
        by=request.user,
        title=d["title"],
        openings=d["openings"],
        created_on=d["created_on"],
        request=request,
    )
    return "已登记科研助理岗位。"


def _hire(request, project, d):
    get_object_or_404(ResearchAssistantPost, pk=d["post_id"], project=project)
    services.add_assistant_hire(
        post_id=d["post_id"],
        by=request.user,
        name=d["name"],
        school=d["school"],
        graduation_year=d["graduation_year"],
        hired_on=d["hired_on"],
        request=request,
    )
    return "已登记聘用的科研助理。"


ACTIONS: dict[str, Action] = {
    "contract": Action((RUN, MANAGE), forms.TechContractForm, _contract, section="overview"),
    "payment": Action(("projects.record_payment",), forms.PaymentForm, _payment, section="money"),
    "payment_check": Action(
        (MANAGE,), forms.PaymentCheckForm, _payment_check, row="payment_id", section="money"
    ),
    "disburse": Action((MANAGE,), forms.DisbursementForm, _disburse, section="money"),
    "disbursement_paid": Action(
        (MANAGE,),
        forms.DisbursementPaidForm,
        _disbursement_paid,
        row="disbursement_id",
        section="money",
    ),
    "disbursement_cancel": Action(
        (MANAGE,),
        forms.DisbursementCancelForm,
        _disbursement_cancel,
        row="disbursement_id",
        section="money",
    ),
    "expenditure": Action((RUN,), forms.ExpenditureForm, _expenditure, section="money"),
    "refund": Action((MANAGE,), forms.RefundSettleForm, _refund, row="refund_id", section="money"),
    "milestone": Action(
        (RUN,), forms.MilestoneForm, _milestone, row="milestone_id", section="progress"
    ),
    "report": Action(
        (RUN,), forms.ProgressReportForm, _report, row="report_id", section="progress"
    ),
    "report_review": Action(
        (MANAGE,), forms.ReportReviewForm, _report_review, row="report_id", section="progress"
    ),
    "change": Action((RUN,), forms.ChangeRequestForm, _change, section="changes"),
    "change_decision": Action(
        (MANAGE,), forms.ChangeDecisionForm, _change_decision, row="change_id", section="changes"
    ),
    "midterm": Action((MANAGE,), forms.MidtermForm, _midterm, section="midterm"),
    "terminate": Action((MANAGE,), forms.TerminateForm, _terminate, section="midterm"),
    "achievement": Action(
        (RUN,), forms.AchievementForm, _achievement, row="indicator_id", section="acceptance"
    ),
    "final": Action((RUN,), forms.FinalReportForm, _final, section="acceptance"),
    "acceptance": Action(
        (MANAGE,), forms.AcceptanceDecisionForm, _acceptance, section="acceptance"
    ),
    "post": Action((RUN,), forms.AssistantPostForm, _post, section="assistants"),
    "hire": Action((RUN,), forms.AssistantHireForm, _hire, row="post_id", section="assistants"),
}


def _auto_id(name: str, row) -> str:
    """Unique element ids: the page holds many forms with the same field names."""
    return f"id_{name}{'-' + str(row) if row else ''}_%s"


def _form_kwargs(name: str, project: Project) -> dict:
    return {"project": project} if name == "midterm" else {}


# Approving disbursements asks for the password again (jiebang/orgs/security/reauth.py).
REAUTH_ACTIONS = {"disburse", "disbursement_paid"}


def _allowed(user, action: Action, project: Project) -> bool:
    return any(user.has_perm(perm, project) for perm in action.perms)


def _detail_context(request, project: Project, failed: tuple | None = None) -> dict:
    """The page's context: facts, money, and every action's form the user may use (the
    failed one bound, as typed)."""
    user = request.user
    today = clock.today()
    allowed = {name for name, action in ACTIONS.items() if _allowed(user, action, project)}
    failed_name, failed_row, failed_form = failed or ("", None, None)

    def make(name, initial=None, row=None):
        if name == failed_name and (row is None or str(row) == str(failed_row)):
            return failed_form
        return ACTIONS[name].form(
            initial=initial or {}, auto_id=_auto_id(name, row), **_form_kwargs(name, project)
        )

    single = {
        "contract": {
            "number": project.tech_contract_number,
            "registered_on": project.tech_contract_registered_on or today,
        },
        "payment": {"paid_on": today},
        "disburse": {"trigger": services.next_trigger(project)},
        "expenditure": {"spent_on": today},
        "change": {},
        "midterm": {"evaluated_on": today},
        "terminate": {},
        "final": {},
        "acceptance": {},
        "post": {"created_on": today},
    }
    action_forms = {
        name: make(name, initial) for name, initial in single.items() if name in allowed
    }
    rows = {
        "payment_check": (project.payments.all(), "payment_id", {}),
        "disbursement_paid": (project.disbursements.all(), "disbursement_id", {"paid_on": today}),
        "disbursement_cancel": (project.disbursements.all(), "disbursement_id", {}),
        "refund": (project.refunds.all(), "refund_id", {"returned_on": today}),
        "milestone": (project.milestones.all(), "milestone_id", {"completed_on": today}),
        "report": (project.reports.all(), "report_id", {}),
        "report_review": (project.reports.all(), "report_id", {}),
        "change_decision": (project.change_requests.all(), "change_id", {}),
        "achievement": (project.indicators.all(), "indicator_id", {}),
        "hire": (project.assistant_posts.all(), "post_id", {"hired_on": today}),
    }
    for name, (objects, id_field, initial) in rows.items():
        for obj in objects:
            forms_of = getattr(obj, "forms", None)
            if forms_of is None:
                forms_of = {}
                obj.forms = forms_of
            if name in allowed:
                row_initial = {id_field: obj.pk, **initial}
                if name == "achievement":
                    row_initial.update(
                        achieved_value=obj.achieved_value,
                        achieved="1" if obj.achieved is not False else "0",
                        explanation=obj.explanation,
                    )
                forms_of[name] = make(name, row_initial, row=obj.pk)
    return {
        "project": project,
        "finance": selectors.finance(project),
        "priorities": selectors.priorities(project),
        "forms": action_forms,
        "allowed": allowed,
        "failed_section": ACTIONS[failed_name].section if failed_name else "",
        "is_bureau": user.has_perm(MANAGE),
        "is_solver": user.organization_id == project.solver_id,
        "today": today,
        "review_summary": acceptance_review_summary(project),
        "overdue_from": services.overdue_from(project),
    }


@login_required
def project_detail(request, pk):
    project = _visible_project(request, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@login_required
@require_POST
def project_action(request, pk, action):
    project = _visible_project(request, pk)
    spec = ACTIONS.get(action)
    if spec is None or not _allowed(request.user, spec, project):
        raise PermissionDenied
    back = f"{reverse('project_detail', args=[project.pk])}#{spec.section}"
    if denied := reauth_required(request, when=action in REAUTH_ACTIONS, next_url=back):
        return denied
    row = request.POST.get(spec.row) if spec.row else None
    form = spec.form(
        request.POST, request.FILES, auto_id=_auto_id(action, row), **_form_kwargs(action, project)
    )
    error = None
    if form.is_valid():
        try:
            message = spec.run(request, project, form.cleaned_data)
        except (DomainError, ValidationError) as failure:
            error = _message(failure)
            if isinstance(failure, DomainError) and failure.details:
                error = failure.message
        else:
            messages.success(request, message)
            return redirect(f"{reverse('project_detail', args=[project.pk])}#{spec.section}")
    project = selectors.project_detail(project.pk)
    context = _detail_context(request, project, failed=(action, row, form))
    context["error"] = error or "请按提示修改后重新提交。"
    return render(request, "projects/project_detail.html", context, status=400)


@login_required
def task_book(request, pk, fmt):
    """The task book (任务书) to print, sign and stamp: PDF or Word."""
    project = _visible_project(request, pk)
    from jiebang.projects import documents

    if fmt == "pdf":
        try:
            content = documents.task_book_pdf(project)
        except DomainError as failure:
            messages.error(request, failure.message)
            return redirect("project_detail", pk=project.pk)
        content_type = "application/pdf"
    elif fmt == "docx":
        content = documents.task_book_docx(project)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise PermissionDenied
    record_audit(
        action="project.task_book_downloaded",
        actor=request.user,
        target=project,
        summary=f"下载任务书：{project.code}（{fmt}）",
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{project.code}-task-book.{fmt}"
    return response


@login_required
@require_POST
def start_acceptance_round(request):
    """Bureau: put the checked final-submitted projects into an acceptance review round."""
    require_perm(request.user, MANAGE)
    form = forms.AcceptanceRoundForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('project_list')}?state=final_submitted")
    try:
        review_round = services.start_acceptance_review(
            project_ids=ids,
            by=request.user,
            title=form.cleaned_data["title"],
            deadline=form.cleaned_data["deadline"],
            experts_per_item=form.cleaned_data["experts_per_item"],
            blind=form.cleaned_data["blind"],
            request=request,
        )
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect(f"{reverse('project_list')}?state=final_submitted")
    messages.success(request, "已创建验收评审，请分配专家后开始评审。")
    return redirect("review_round", pk=review_round.pk)
