"""The solver's pages (揭榜申请): take a demand, fill the proposal step by step with autosave
and a live pre-check, submit, read the receipt, withdraw. Every write goes through
proposals.services; every read is scoped by selectors.proposals_visible_to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.views_helpers import paginate, report_domain_error, require_perm
from jiebang.demands.models import Demand
from jiebang.eligibility.catalogue import RULES
from jiebang.orgs.permissions import is_applicant
from jiebang.portal import selectors as portal_selectors
from jiebang.proposals import selectors, services
from jiebang.proposals.editor import StepEditor
from jiebang.proposals.enums import ProposalAttachmentKind, ProposalState
from jiebang.proposals.forms import (
    ATTACHMENT_KINDS,
    STEP_SLUGS,
    STEPS,
    AttachmentUploadForm,
    ReasonForm,
)
from jiebang.proposals.permissions import has_unit, leads_proposal

# Where in the editor the solver fixes each rule's finding.
RULE_STEPS = {
    "SOLVER-PLAN": "plan",
    "SOLVER-IP": "ip",
    "PRIORITY-INDUSTRY-ACADEMIA": "consortium",
    "LIM-PERSON-LOAD": "team",
    "LIM-MISCONDUCT": "team",
    "SOLVER-AFFILIATED": "consortium",
    "SOLVER-TB-KIND": "consortium",
    "SOLVER-AT-LOCAL": "consortium",
    "CREDIT-SERIOUS": "consortium",
    "LIM-UNIT-OVERDUE": "consortium",
    "LIM-UNIT-ONGOING": "consortium",
    "ETHICS-REVIEW": "plan",
    "WINDOW-SUBMIT": "submit",
    "ORG-UNVERIFIED": "submit",
}
# SOLVER-PLAN reports several things; its `field` says which step fixes the first.
SOLVER_PLAN_FIELDS = {
    "technical_plan": "plan",
    "route_name": "plan",
    "attachments": "attachments",
    "indicator_answers": "indicators",
    "members": "consortium",
}
STEP_LABELS = dict(STEPS)

# Status badges in the colours used everywhere (ui.md): grey, blue, orange, green, red.
STATE_BADGES = {
    ProposalState.DRAFT: "state-draft",
    ProposalState.SUBMITTED: "state-submitted",
    ProposalState.ELIGIBLE: "state-approved",
    ProposalState.INELIGIBLE: "state-rejected",
    ProposalState.UNDER_REVIEW: "state-submitted",
    ProposalState.SHORTLISTED: "state-approved",
    ProposalState.NOT_SELECTED: "state-rejected",
    ProposalState.PUBLICIZED: "state-approved",
    ProposalState.SELECTED: "state-published",
    ProposalState.WITHDRAWN: "state-draft",
}

# May take a demand, once the unit is verified (the missing verification is explained).
applicant_of_a_unit = is_applicant & has_unit
# The lead's applicant withdraws (the service checks the state).
may_withdraw = is_applicant & leads_proposal


def _badge(proposal):
    proposal.badge_class = STATE_BADGES.get(proposal.state, "text-bg-secondary")
    return proposal


def _step_for(finding) -> str:
    if finding.code == "SOLVER-PLAN":
        return SOLVER_PLAN_FIELDS.get(finding.field, "plan")
    if finding.code.startswith("LIM-UNIT-"):
        return "consortium"
    return RULE_STEPS.get(finding.code, "submit")


def _annotated(findings):
    return [
        {
            "finding": f,
            "step": _step_for(f),
            "step_label": STEP_LABELS[_step_for(f)],
            "title": RULES[f.code].title if f.code in RULES else f.code,
        }
        for f in findings
    ]


def _visible_proposal(request, pk):
    """The proposal if this user may see it (404 otherwise)."""
    require_perm(request.user, "proposals.view_own_proposals")
    return _badge(get_object_or_404(selectors.proposals_visible_to(request.user), pk=pk))


def _editable_proposal(request, pk):
    proposal = _visible_proposal(request, pk)
    require_perm(request.user, "proposals.edit_proposal", proposal)
    return proposal


def take_demand(request, demand_id):
    """Take a demand (我要揭榜): start a proposal for the user's unit, open the editor. Refusals
    (deadline passed, own demand, unit not verified) are explained on the detail page."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("hall_detail", args=[demand_id]))
    try:
        demand = portal_selectors.public_demand(demand_id)
    except Demand.DoesNotExist as missing:
        raise Http404 from missing
    if request.method != "POST":
        return redirect("hall_detail", pk=demand.pk)
    user = request.user
    if not user.has_perm("proposals.create_proposal"):
        if applicant_of_a_unit.test(user):
            messages.error(
                request,
                "本单位尚未通过注册审核，审核通过后方可揭榜（依据：申报指南 五（二）1、2）。",
            )
            return redirect("hall_detail", pk=demand.pk)
        raise PermissionDenied
    existing = (
        selectors.proposals_visible_to(user)
        .filter(demand=demand, lead_id=user.organization_id)
        .exclude(state=ProposalState.WITHDRAWN)
        .order_by("-id")
        .first()
    )
    if existing is not None:
        if existing.state == ProposalState.DRAFT:
            messages.info(request, "本单位已有对该榜单的揭榜申请草稿，请继续填写。")
            return redirect("proposal_edit", pk=existing.pk, step="plan")
        messages.info(request, "本单位已提交对该榜单的揭榜申请，无需重复揭榜。")
        return redirect("proposal_receipt", pk=existing.pk)
    try:
        proposal = services.create_proposal(
            demand=demand, org=user.organization, by=user, request=request
        )
    except DomainError as error:
        report_domain_error(request, error)
        return redirect("hall_detail", pk=demand.pk)
    messages.success(
        request,
        f"已创建对“{demand.title}”的揭榜申请，请分步填写；填写内容会自动保存。",
    )
    return redirect("proposal_edit", pk=proposal.pk, step="plan")


@login_required
def proposal_list(request):
    """我的揭榜: the proposals the unit leads or is a member of."""
    require_perm(request.user, "proposals.view_own_proposals")
    page = paginate(request, selectors.own_proposals(request.user))
    for proposal in page:
        _badge(proposal)
        proposal.is_lead = proposal.lead_id == request.user.organization_id
    return render(request, "proposals/proposal_list.html", {"page": page})


def _edit_context(request, proposal, step, editor, **extra):
    context = {
        "proposal": proposal,
        "demand": proposal.demand,
        "step": step,
        "steps": STEPS,
        "step_index": STEP_SLUGS.index(step),
        "progress": int(100 * (STEP_SLUGS.index(step) + 1) / len(STEP_SLUGS)),
        "editor": editor,
        "lead_member": editor.lead_member,
    }
    if step == "attachments":
        context.update(_attachment_context(proposal, extra.pop("upload_form", None)))
    if step == "submit":
        findings = services.precheck(proposal, request.user, loaded=True)
        context.update(
            {
                "findings": _annotated(findings),
                "blocking": [f for f in findings if f.blocks],
                "reason_form": ReasonForm(),
            }
        )
    context.update(extra)
    return context


def _attachment_context(proposal, form=None):
    by_kind = {k.value: [] for k in ATTACHMENT_KINDS}
    for link in proposal.attachments.select_related("attachment"):
        by_kind.setdefault(link.kind, []).append(link)
    labels = dict(ProposalAttachmentKind.choices)
    return {
        "upload_form": form or AttachmentUploadForm(),
        "attachment_groups": [
            (kind, labels.get(kind, kind), links) for kind, links in by_kind.items()
        ],
        "is_consortium": len(proposal.members.all()) > 1,
    }


@login_required
def proposal_edit(request, pk, step):
    proposal = _editable_proposal(request, pk)
    if step not in STEP_SLUGS:
        raise Http404
    proposal = _badge(selectors.proposal_for_check(proposal.pk))
    editor = StepEditor(proposal, step, data=request.POST or None)
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    if request.method == "POST" and step not in ("attachments", "submit"):
        try:
            saved_all = editor.save(by=request.user, partial=autosave)
        except DomainError as error:
            editor.add_error(error.message)
            saved_all = False
        if autosave:
            lead_share = None
            if step == "consortium":
                lead_share = (
                    proposal.members.filter(position=1).values_list("work_share", flat=True).first()
                )
            response = render(
                request,
                "proposals/_autosave_status.html",
                {
                    "saved_at": clock.now(),
                    "saved_all": saved_all,
                    "error_count": editor.error_count(),
                    "lead_share": lead_share,
                },
            )
            response["HX-Trigger"] = "proposal-saved"
            return response
        if saved_all:
            messages.success(request, f"“{STEP_LABELS[step]}”已保存。")
            index = STEP_SLUGS.index(step)
            target = request.POST.get("go") or STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)]
            return redirect(
                "proposal_edit", pk=proposal.pk, step=target if target in STEP_SLUGS else step
            )
    return render(
        request, "proposals/proposal_edit.html", _edit_context(request, proposal, step, editor)
    )


@login_required
def proposal_precheck(request, pk):
    """The live pre-check panel (HTMX partial)."""
    proposal = _editable_proposal(request, pk)
    findings = services.precheck(proposal, request.user)
    return render(
        request,
        "proposals/_precheck.html",
        {
            "proposal": proposal,
            "findings": _annotated(findings),
            "blocking": [f for f in findings if f.blocks],
        },
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    proposal = _editable_proposal(request, pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            link = services.attach_file(
                proposal=proposal,
                by=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            label = ProposalAttachmentKind(link.kind).label
            messages.success(request, f"已上传：{link.attachment.original_name}（{label}）")
            return redirect("proposal_edit", pk=proposal.pk, step="attachments")
    proposal = _badge(selectors.proposal_for_check(proposal.pk))
    context = _edit_context(
        request,
        proposal,
        "attachments",
        StepEditor(proposal, "attachments"),
        upload_form=form,
    )
    return render(request, "proposals/proposal_edit.html", context, status=400)


def _error_with_details(error: DomainError):
    if not error.details:
        return error.message
    items = format_html_join(
        "",
        "<li><code>{}</code> {}（依据：{}）</li>",
        (
            (d.get("code", ""), d.get("message", ""), d.get("clause", ""))
            for d in error.details
            if isinstance(d, dict)
        ),
    )
    return format_html('{}<ul class="mb-0 mt-1 small">{}</ul>', error.message, items)


@login_required
@require_POST
def proposal_submit(request, pk):
    proposal = _visible_proposal(request, pk)
    user = request.user
    if not user.has_perm("proposals.edit_proposal", proposal):
        if proposal.state != ProposalState.DRAFT and proposal.lead_id == user.organization_id:
            if proposal.state == ProposalState.WITHDRAWN:
                messages.error(request, "该揭榜申请已撤回，不能提交。")
                return redirect("proposal_list")
            messages.info(request, "该揭榜申请已提交，无需重复提交。")
            return redirect("proposal_receipt", pk=proposal.pk)
        raise PermissionDenied
    try:
        version = services.submit_proposal(proposal_id=proposal.pk, by=user, request=request)
    except DomainError as error:
        if error.code == "PROPOSAL-ALREADY-SUBMITTED":
            messages.info(request, error.message)
            return redirect("proposal_receipt", pk=proposal.pk)
        messages.error(request, _error_with_details(error))
        return redirect("proposal_edit", pk=proposal.pk, step="submit")
    messages.success(
        request,
        format_html("揭榜申请已提交，回执编号 <strong>{}</strong>。", version.receipt_number),
    )
    return redirect("proposal_receipt", pk=proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = _visible_proposal(request, pk)
    if not may_withdraw.test(request.user, proposal):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    back = (
        redirect("proposal_edit", pk=proposal.pk, step="submit")
        if proposal.state == ProposalState.DRAFT
        else redirect("proposal_receipt", pk=proposal.pk)
    )
    if not form.is_valid():
        messages.error(request, "撤回揭榜申请时必须填写理由。")
        return back
    try:
        services.withdraw_proposal(
            proposal_id=proposal.pk,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DomainError as error:
        report_domain_error(request, error)
        return back
    messages.success(request, "揭榜申请已撤回，撤回理由已记录。")
    return redirect("proposal_list")


@login_required
def proposal_receipt(request, pk):
    proposal = _visible_proposal(request, pk)
    version = (
        proposal.versions.select_related("submitted_by").order_by("-version").first()
        if proposal.number
        else None
    )
    if version is None:
        raise Http404
    labels = dict(ProposalAttachmentKind.choices)
    return render(
        request,
        "proposals/receipt.html",
        {
            "proposal": proposal,
            "demand": proposal.demand,
            "version": version,
            "can_withdraw": proposal.state == ProposalState.SUBMITTED
            and may_withdraw.test(request.user, proposal),
            "reason_form": ReasonForm(),
            "attachments": [
                (labels.get(a.get("kind"), a.get("kind")), a.get("name"), a.get("sm3"))
                for a in version.content.get("attachments", [])
            ],
        },
    )


@login_required
@require_POST
def attachment_remove(request, pk, link_id):
    proposal = _editable_proposal(request, pk)
    try:
        services.remove_attachment(proposal=proposal, by=request.user, link_id=link_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已移除该附件。")
    return redirect("proposal_edit", pk=proposal.pk, step="attachments")
