"""The issuer's matchmaking pages and the bureau's selection desk for proposals."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.demands.models import Demand
from jiebang.notices import selectors as notices_selectors
from jiebang.proposals import selection, selectors, services
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import MatchingKind, Proposal


@login_required
def received(request):
    """发榜方: the proposals received for the unit's demands."""
    if not request.user.organization_id:
        raise PermissionDenied
    return render(
        request,
        "proposals/desk_received.html",
        {"page": paginate(request, selectors.received_proposals(request.user))},
    )


def _desk_proposal(request, pk) -> Proposal:
    proposal = get_object_or_404(selectors.proposals_visible_to(request.user), pk=pk)
    return selectors.proposal_detail(proposal.pk)


@login_required
def desk_detail(request, pk):
    proposal = _desk_proposal(request, pk)
    user = request.user
    return render(
        request,
        "proposals/desk_detail.html",
        {
            "proposal": proposal,
            "version": proposal.versions.order_by("-version").first(),
            "is_issuer": user.has_perm("proposals.handle_matching", proposal),
            "is_bureau": user.has_perm("proposals.manage_selection"),
            "matching_kinds": MatchingKind.choices,
            "agreement": getattr(proposal, "agreement", None)
            if hasattr(proposal, "agreement")
            else None,
            "today": clock.today(),
        },
    )


@login_required
@require_POST
def issuer_action(request, pk, action):
    proposal = _desk_proposal(request, pk)
    require_perm(request.user, "proposals.handle_matching", proposal)
    post = request.POST
    try:
        if action == "matching":
            services.record_matching(
                proposal_id=proposal.pk,
                by=request.user,
                kind=post.get("kind", "meeting"),
                held_on=dt.date.fromisoformat(post.get("held_on") or clock.today().isoformat()),
                place=post.get("place", ""),
                participants=post.get("participants", ""),
                summary=post.get("summary", ""),
                request=request,
            )
            messages.success(request, "已记录对接情况，已通知揭榜方。")
        elif action == "agreement":
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError("FILE-REQUIRED", "请上传签字盖章的协议扫描件。")
            services.record_agreement(
                proposal_id=proposal.pk,
                by=request.user,
                contract_amount=post.get("contract_amount", "0") or "0",
                signed_on=dt.date.fromisoformat(post.get("signed_on") or clock.today().isoformat()),
                uploaded_file=upload,
                request=request,
            )
            messages.success(request, "已登记揭榜协议。")
        elif action == "preference":
            rank = post.get("rank", "")
            services.set_issuer_preference(
                proposal_id=proposal.pk,
                by=request.user,
                rank=int(rank) if rank.isdigit() else None,
                note=post.get("note", ""),
                request=request,
            )
            messages.success(request, "已保存意向排序。")
        else:
            raise PermissionDenied
    except (DomainError, ValidationError, ValueError) as error:
        messages.error(
            request,
            getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)])),
        )
    return redirect("proposal_desk_detail", pk=proposal.pk)


@login_required
def selection_desk(request):
    require_perm(request.user, "proposals.view_selection_desk")
    state = request.GET.get("state", "")
    shortlisted: dict[int, dict] = {}
    for p in selectors.selection_desk(ProposalState.SHORTLISTED):
        group = shortlisted.setdefault(p.demand_id, {"demand": p.demand, "proposals": []})
        group["proposals"].append(p)
    return render(
        request,
        "proposals/desk_selection.html",
        {
            "page": paginate(request, selectors.selection_desk_list(request.GET)),
            "state": state,
            "states": ProposalState.choices,
            "shortlisted": list(shortlisted.values()),
        },
    )


@login_required
@require_POST
def bureau_action(request, pk, action):
    require_perm(request.user, "proposals.manage_selection")
    proposal = get_object_or_404(Proposal, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action in ("eligible", "ineligible"):
            selection.confirm_eligibility(
                proposal_id=pk,
                eligible=action == "eligible",
                reason=reason,
                by=request.user,
                request=request,
            )
        elif action == "to_review":
            selection.send_to_review(proposal_ids=[pk], by=request.user, request=request)
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已办理，已通知揭榜单位。")
    return redirect("proposal_desk_detail", pk=proposal.pk)


@login_required
@require_POST
def publicize(request, demand_id):
    """Put the chosen shortlisted proposals of a demand on public notice (公示)."""
    require_perm(request.user, "proposals.manage_selection")
    demand = get_object_or_404(Demand.objects.select_related("call"), pk=demand_id)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    try:
        selection.publicize(demand_id=demand.pk, proposal_ids=ids, by=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("proposal_selection_desk")
    notice = notices_selectors.latest_notice_for(demand)
    messages.success(request, f"已公示，公示期至 {clock.format_beijing(notice.ends_at)}。")
    return redirect("proposal_selection_desk")


@login_required
@require_POST
def close(request, demand_id):
    """开榜: after the notice, the demand is matched (with its selected solvers) or 流榜, and
    the result is announced publicly."""
    require_perm(request.user, "proposals.manage_selection")
    demand = get_object_or_404(Demand, pk=demand_id)
    from jiebang.notices.services import publish_announcement

    try:
        demand = selection.close_demand(demand_id=demand.pk, by=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("proposal_selection_desk")
    selected = list(demand.proposals.filter(state=ProposalState.SELECTED).select_related("lead"))
    if selected:
        body = (
            "经公示无异议，现公告揭榜结果："
            + "；".join(f"{p.lead.name}揭榜成功" for p in selected)
            + "。"
        )
        title = f"开榜公告：{demand.title}"
    else:
        body = "该榜单在揭榜期内未产生符合条件的揭榜方，作流榜处理。"
        title = f"流榜公告：{demand.title}"
    publish_announcement(title=title, body=body, by=request.user, request=request)
    messages.success(request, "已开榜并发布公告。" if selected else "已作流榜处理并发布公告。")
    return redirect("proposal_selection_desk")


def results(request):
    """Public 揭榜结果: closed demands with their selected solvers."""
    return render(
        request, "proposals/results.html", {"page": paginate(request, selectors.results())}
    )
