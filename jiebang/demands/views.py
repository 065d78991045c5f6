from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from jiebang.calls.selectors import active_call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import record_personal_data_read
from jiebang.core.views_helpers import paginate, report_domain_error, require_perm
from jiebang.demands import selectors, services
from jiebang.demands.editor import StepEditor
from jiebang.demands.enums import ATTACHMENTS_BY_CATEGORY, AttachmentKind, DemandState
from jiebang.demands.forms import (
    STEP_SLUGS,
    STEPS,
    AttachmentUploadForm,
    NewDemandForm,
    OfflineEntryForm,
    ReasonForm,
)
from jiebang.demands.models import Demand, DemandVersion
from jiebang.eligibility.catalogue import RULES

# Where in the editor the applicant fixes each rule's finding.
RULE_STEPS = {
    "WINDOW-SUBMIT": "submit",
    "ORG-UNVERIFIED": "submit",
    "CLASSIFIED": "basic",
    "ETHICS-REVIEW": "basic",
    "PRIORITY-COMMON-TECH": "basic",
    "PRIORITY-FIRST-SET": "basic",
    "PRIORITY-PUBLIC-BENEFIT": "basic",
    "TB-CONTENT": "content",
    "FUND-MIN": "funding",
    "PERIOD-MAX": "funding",
    "RACE-ROUTES": "funding",
    "LIM-PERSON-LOAD": "team",
    "LIM-MISCONDUCT": "team",
    "AT-TEAM": "special",
    "TB-END-USER": "special",
    "TB-FUNDING-COMMIT": "special",
    "AT-TRACK-RECORD": "special",
    "TB-AUDIT-REPORTS": "special",
    "AT-IP-CLEAR": "special",
}
STEP_LABELS = dict(STEPS)


def _step_for(code: str) -> str:
    if code.startswith("ATT-") or code in ("TB-SUPPORT-EVIDENCE", "AT-TEST-REPORT"):
        return "attachments"
    return RULE_STEPS.get(code, "submit")


def _visible_demand(request, pk) -> Demand:
    demand = get_object_or_404(selectors.demands_visible_to(request.user), pk=pk)
    require_perm(request.user, "demands.view_demand", demand)
    return demand


def _annotated(findings):
    return [
        {
            "finding": f,
            "step": _step_for(f.code),
            "step_label": STEP_LABELS[_step_for(f.code)],
            "title": RULES[f.code].title,
        }
        for f in findings
    ]


@login_required
def demand_list(request):
    require_perm(request.user, "demands.list_own_demands")
    page = paginate(request, selectors.demands_of_unit(request.user.organization))
    return render(
        request,
        "demands/demand_list.html",
        {
            "page": page,
            "call": active_call(),
            "can_create": request.user.has_perm("demands.create_demand"),
        },
    )


@login_required
def demand_new(request):
    require_perm(request.user, "demands.create_demand")
    call = active_call()
    if call is None:
        messages.error(request, "当前没有开放的征集批次。")
        return redirect("demand_list")
    form = NewDemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.create_demand(
                call=call,
                org=request.user.organization,
                by=request.user,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                request=request,
            )
        except DomainError as error:
            form.add_error("category", error.message)
        else:
            return redirect("demand_edit", pk=demand.pk, step="basic")
    return render(request, "demands/demand_new.html", {"form": form, "call": call})


@login_required
def demand_edit(request, pk, step):
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.edit_demand", demand)
    if step not in STEP_SLUGS:
        raise Http404
    demand = selectors.demand_for_edit(demand.pk)
    editor = StepEditor(demand, step, data=request.POST or None, files=request.FILES or None)
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    if request.method == "POST" and step not in ("attachments", "submit"):
        conflict = None
        try:
            saved_all = editor.save(by=request.user, partial=autosave)
        except DomainError as error:
            editor.add_error(error.message)
            saved_all = False
            if error.code == "DEMAND-EDIT-CONFLICT":
                conflict = error.message
        if autosave:
            # The new edit version goes back to the page (out-of-band into the form's hidden
            # field, and as a header), so this tab's next save is not mistaken for a stale one.
            response = render(
                request,
                "demands/_autosave_status.html",
                {
                    "saved_at": clock.now(),
                    "saved_all": saved_all,
                    "error_count": editor.error_count(),
                    "conflict": conflict,
                    "edit_version": editor.version,
                },
            )
            response["X-Edit-Version"] = str(editor.version)
            if conflict is None:
                response["HX-Trigger"] = "demand-saved"
            return response
        if saved_all:
            messages.success(request, f"“{STEP_LABELS[step]}”已保存。")
            index = STEP_SLUGS.index(step)
            target = request.POST.get("go") or STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)]
            return redirect(
                "demand_edit", pk=demand.pk, step=target if target in STEP_SLUGS else step
            )
    context = {
        "demand": demand,
        "step": step,
        "steps": STEPS,
        "step_index": STEP_SLUGS.index(step),
        "progress": int(100 * (STEP_SLUGS.index(step) + 1) / len(STEP_SLUGS)),
        "editor": editor,
    }
    if step == "basic" and not editor.bound:  # the form shows the contact phone in clear
        record_personal_data_read(request, demand, ["contact_phone"], purpose="demand_edit")
    if step == "attachments":
        context.update(_attachment_context(demand))
    if step == "submit":
        findings = services.precheck(demand, request.user)
        context.update(
            {"findings": _annotated(findings), "blocking": [f for f in findings if f.blocks]}
        )
    return render(request, "demands/demand_edit.html", context)


def _attachment_context(demand, form=None):
    audit_years = demand.call.effective_audit_years
    kinds = ATTACHMENTS_BY_CATEGORY[demand.category]
    by_kind = {k.value: [] for k in kinds}
    for link in demand.attachments.all():
        by_kind.setdefault(link.kind, []).append(link)
    from jiebang.demands.documents import pdf_support

    pdf_ok, pdf_reason = pdf_support()
    return {
        "pdf_ok": pdf_ok,
        "pdf_reason": pdf_reason,
        "upload_form": form or AttachmentUploadForm(demand=demand, audit_years=audit_years),
        "attachment_groups": [(k, by_kind.get(k.value, [])) for k in kinds],
        "audit_years": audit_years,
    }


@login_required
def demand_precheck(request, pk):
    """The live pre-check panel (HTMX partial)."""
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.edit_demand", demand)
    findings = services.precheck(demand, request.user)
    return render(
        request,
        "demands/_precheck.html",
        {
            "demand": demand,
            "findings": _annotated(findings),
            "blocking": [f for f in findings if f.blocks],
        },
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.edit_demand", demand)
    demand = selectors.demand_for_edit(demand.pk)
    form = AttachmentUploadForm(
        request.POST, request.FILES, demand=demand, audit_years=demand.call.effective_audit_years
    )
    if form.is_valid():
        try:
            link = services.attach_file(
                demand=demand,
                by=request.user,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"已上传：{link.attachment.original_name}（{AttachmentKind(link.kind).label}）",
            )
            return redirect("demand_edit", pk=demand.pk, step="attachments")
    demand = selectors.demand_for_edit(demand.pk)
    context = {
        "demand": demand,
        "step": "attachments",
        "steps": STEPS,
        "step_index": STEP_SLUGS.index("attachments"),
        "progress": int(100 * (STEP_SLUGS.index("attachments") + 1) / len(STEP_SLUGS)),
        "editor": StepEditor(demand, "attachments"),
        **_attachment_context(demand, form),
    }
    return render(request, "demands/demand_edit.html", context, status=400)


@login_required
@require_POST
def attachment_remove(request, pk, link_id):
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.edit_demand", demand)
    try:
        services.remove_attachment(demand=demand, by=request.user, link_id=link_id)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, "已移除该附件。")
    return redirect("demand_edit", pk=demand.pk, step="attachments")


@login_required
@require_POST
def demand_submit(request, pk):
    demand = _visible_demand(request, pk)
    if not request.user.has_perm("demands.submit_demand", demand):
        if demand.state not in (
            DemandState.DRAFT,
            DemandState.RETURNED,
        ) and demand.organization_id == (request.user.organization_id):
            messages.info(request, "该需求已提交，无需重复提交。")
            return redirect("demand_receipt", pk=demand.pk)
        raise PermissionDenied
    try:
        version = services.submit_demand(demand_id=demand.pk, by=request.user, request=request)
    except DomainError as error:
        if error.code == "DEMAND-ALREADY-SUBMITTED":
            messages.info(request, error.message)
            return redirect("demand_receipt", pk=demand.pk)
        messages.error(request, error.message)
        return redirect("demand_edit", pk=demand.pk, step="submit")
    messages.success(
        request,
        format_html("需求已提交，回执编号 <strong>{}</strong>。", version.receipt_number),
    )
    return redirect("demand_receipt", pk=demand.pk)


@login_required
@require_POST
def demand_withdraw(request, pk):
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.withdraw_demand", demand)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤回需求时必须填写理由。")
        return redirect("demand_detail", pk=demand.pk)
    try:
        services.withdraw_demand(
            demand_id=demand.pk,
            by=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, "需求已撤回。")
    return redirect("demand_detail", pk=demand.pk)


@login_required
def demand_detail(request, pk):
    demand = _visible_demand(request, pk)
    demand = selectors.demand_for_edit(demand.pk)
    versions = list(demand.versions.select_related("submitted_by").order_by("-version"))
    user = request.user
    desk_actions = _desk_actions_for(user, demand)
    return render(
        request,
        "demands/demand_detail.html",
        {
            "demand": demand,
            "versions": versions,
            "events": demand.events.select_related("actor"),
            "diff": selectors.version_diff(demand)
            if user.has_perm("demands.view_versions", demand)
            else [],
            # What the authoritative check reported when the version was submitted.
            "findings": versions[0].findings
            if versions and user.organization_id != demand.organization_id
            else [],
            "desk_actions": desk_actions,
            "candidates": _candidates_for(user, demand),
            "can_edit": user.has_perm("demands.edit_demand", demand),
            "can_withdraw": user.has_perm("demands.withdraw_demand", demand),
            "reason_form": ReasonForm(),
            "materials": _materials(demand),
        },
    )


def _materials(demand) -> list[tuple[str, object]]:
    """The uploaded materials with their Chinese kind, for the reviewers (district, bureau)."""
    labels = dict(AttachmentKind.choices)
    return [(labels.get(link.kind, link.kind), link) for link in demand.attachments.all()]


def _desk_actions_for(user, demand) -> list[tuple[str, str, bool]]:
    """The desk actions this user may take on this demand now: (action, label, needs reason)."""
    state = demand.state
    if user.has_perm("demands.district_act", demand) and state == DemandState.SUBMITTED:
        return [
            ("recommend", "推荐", False),
            ("return", "退回修改", True),
            ("decline", "不予推荐", True),
        ]
    if not user.has_perm("demands.bureau_act", demand):
        return []
    bureau_sources = (DemandState.RECOMMENDED,) + (
        (DemandState.SUBMITTED,) if selectors.bureau_takes_submitted(demand) else ()
    )
    if state in bureau_sources:
        return [
            ("accept", "形式审查通过", False),
            ("return", "退回修改", True),
            ("reject", "不予受理", True),
        ]
    if state == DemandState.ACCEPTED and demand.call.expert_review_of_demands:
        return [("approve", "论证通过", False), ("review_decline", "论证不通过", True)]
    return []


def _version(demand, version_no):
    qs = DemandVersion.objects.select_related("submitted_by", "demand__organization").filter(
        demand=demand
    )
    version = (
        qs.filter(version=version_no).first() if version_no else qs.order_by("-version").first()
    )
    if version is None:
        raise Http404
    return version


@login_required
def demand_receipt(request, pk, version_no=None):
    demand = _visible_demand(request, pk)
    version = _version(demand, version_no)
    from jiebang.demands.documents import pdf_support

    pdf_ok, pdf_reason = pdf_support()
    return render(
        request,
        "demands/receipt.html",
        {"demand": demand, "version": version, "pdf_ok": pdf_ok, "pdf_reason": pdf_reason},
    )


@login_required
def demand_receipt_pdf(request, pk, version_no=None):
    demand = _visible_demand(request, pk)
    version = _version(demand, version_no)
    from jiebang.demands import documents

    pdf_ok, reason = documents.pdf_support()
    if not pdf_ok:
        return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
    return _download(
        documents.receipt_pdf(version),
        f"回执-{version.receipt_number}.pdf",
        "application/pdf",
        inline=True,
    )


FORM_NAMES = {
    "application_form": "需求申请表",
    "commit_unit": "单位诚信承诺书",
    "commit_leader": "负责人诚信承诺书",
}


@login_required
def demand_form_download(request, pk, form_name, fmt):
    """The forms to print, sign, stamp and upload (需求申请表, 诚信承诺书), as DOCX or PDF."""
    demand = _visible_demand(request, pk)
    if form_name not in FORM_NAMES or fmt not in ("docx", "pdf"):
        raise Http404
    demand = selectors.demand_for_edit(demand.pk)
    from jiebang.demands import documents

    if fmt == "pdf":
        pdf_ok, reason = documents.pdf_support()
        if not pdf_ok:
            return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
    if form_name == "application_form":
        data = (
            documents.application_form_pdf(demand)
            if fmt == "pdf"
            else documents.application_form_docx(demand)
        )
    else:
        signer = "unit" if form_name == "commit_unit" else "leader"
        data = (
            documents.commitment_pdf(demand, signer)
            if fmt == "pdf"
            else documents.commitment_docx(demand, signer)
        )
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return _download(
        data,
        f"{FORM_NAMES[form_name]}-{demand.title[:30]}.{fmt}",
        content_type,
        inline=fmt == "pdf",
    )


def _download(data: bytes, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def offline_entries(request):
    """Bureau: classified demands received offline (metadata only) and a form to record one."""
    require_perm(request.user, "demands.record_offline_entry")
    call = active_call()
    form = OfflineEntryForm(request.POST or None)
    if request.method == "POST" and call is not None and form.is_valid():
        entry = services.record_offline_entry(
            call=call,
            org=form.organization,
            category=form.cleaned_data["category"],
            reference=form.cleaned_data["reference"],
            received_on=form.cleaned_data["received_on"],
            principals=form.principals(),
            note=form.cleaned_data["note"],
            by=request.user,
            request=request,
        )
        messages.success(
            request, f"已登记线下受理 {entry.reference}，其主要承担人计入当年申报项目数。"
        )
        return redirect("offline_entries")
    page = paginate(request, selectors.offline_entries_list())
    return render(
        request, "demands/offline_entries.html", {"form": form, "page": page, "call": call}
    )


def _candidates_for(user, demand):
    """Candidate solver units, for the issuer and the bureau once the demand is published."""
    if demand.state != DemandState.PUBLISHED:
        return []
    if not (
        user.has_perm("demands.bureau_act", demand)
        or user.organization_id == demand.organization_id
    ):
        return []
    from jiebang.proposals.recommend import candidate_units

    return candidate_units(demand, limit=8)


@login_required
@require_POST
def notify_candidates(request, pk):
    demand = _visible_demand(request, pk)
    require_perm(request.user, "demands.bureau_act", demand)
    from jiebang.proposals.recommend import notify_candidates as send

    count = send(demand=demand, by=request.user, request=request)
    messages.success(request, f"已向 {count} 家选择接收推荐的匹配单位发送榜单推荐。")
    return redirect("demand_detail", pk=pk)
