"""Bureau pages of expert review: rounds, assignment, ranking, decisions, the expert pool."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.calls.selectors import active_call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.forms import ImportForm
from jiebang.core.models import ImportJob
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.review import selectors, services
from jiebang.review.enums import AssignmentState, RoundKind, RoundState
from jiebang.review.forms import RoundForm, criteria_as_text
from jiebang.review.models import Assignment, ReviewItem, ReviewRound


@login_required
def rounds(request):
    require_perm(request.user, "review.view_rounds")
    return render(
        request, "review/rounds.html", {"page": paginate(request, selectors.rounds_list())}
    )


@login_required
def round_new(request):
    """Create a round: 需求论证 over accepted demands, or 专家评榜 over proposals sent to review."""
    require_perm(request.user, "review.manage_rounds")
    call = active_call()
    if call is None:
        messages.error(request, "当前没有征集批次。")
        return redirect("review_rounds")
    kind = request.POST.get("kind") or request.GET.get("kind") or RoundKind.DEMAND_REVIEW
    offer = selectors.round_candidates(call, kind)
    kind, candidates = offer["kind"], list(offer["candidates"])
    experts_per_item, criteria, title = offer["experts_per_item"], offer["criteria"], offer["title"]
    initial = {
        "kind": kind,
        "title": title,
        "experts_per_item": experts_per_item,
        "max_load": 10,
        "blind": True,
        "deadline": clock.beijing(clock.now() + dt.timedelta(days=7))
        .replace(hour=17, minute=30, second=0, microsecond=0)
        .strftime("%Y-%m-%dT%H:%M:%S"),
        "criteria_text": criteria_as_text(criteria),
    }
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        chosen = [c for c in candidates if c.pk in ids]
        try:
            review_round = services.create_round(
                call=call,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                targets=chosen,
                experts_per_item=form.cleaned_data["experts_per_item"],
                max_load=form.cleaned_data["max_load"],
                blind=form.cleaned_data["blind"],
                criteria=form.cleaned_data["criteria_text"],
                deadline=form.cleaned_data["deadline"],
                by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"已创建评审“{review_round.title}”，共 {len(chosen)} 项。下一步：分配专家。",
            )
            return redirect("review_round", pk=review_round.pk)
    return render(
        request,
        "review/round_new.html",
        {"form": form, "candidates": candidates, "call": call, "kind": kind},
    )


def _round_context(request, review_round):
    items = list(selectors.items_with_assignments(review_round))
    targets = selectors.item_targets(items)
    views = selectors.item_views(items, targets)
    results = (
        {r.item_id: r for r in selectors.ranking(review_round)}
        if review_round.state != RoundState.DRAFT
        else {}
    )
    rows = []
    for item in items:
        active = [a for a in item.assignments.all() if a.state != AssignmentState.RECUSED]
        rows.append(
            {
                "item": item,
                "view": views.get(item.pk),
                "assignments": item.assignments.all(),
                "missing": max(0, review_round.experts_per_item - len(active)),
                "result": results.get(item.pk),
            }
        )
    # Re-checked on every view: a relation or affiliation recorded after the assignment shows.
    round_experts = list(
        selectors.expert_pool().filter(
            pk__in={a.expert_id for row in rows for a in row["assignments"]}
        )
    )
    conflicts = (
        selectors.conflicts_in_round(review_round, round_experts, items, targets, named=True)
        if round_experts
        else {}
    )
    for row in rows:
        row["conflicted"] = {
            a.pk: "；".join(c.message for c in conflicts[(a.expert_id, row["item"].pk)])
            for a in row["assignments"]
            if (a.expert_id, row["item"].pk) in conflicts and a.state != AssignmentState.RECUSED
        }
    ranked = sorted(
        (r for r in rows if r["result"] and r["result"].rank), key=lambda r: r["result"].rank
    )
    return {
        "round": review_round,
        "rows": rows,
        "ranked": ranked,
        "experts": selectors.available_experts() if review_round.state != RoundState.CLOSED else [],
        "can_manage": request.user.has_perm("review.manage_rounds"),
    }


@login_required
def round_detail(request, pk):
    require_perm(request.user, "review.view_rounds")
    review_round = get_object_or_404(ReviewRound.objects.select_related("call"), pk=pk)
    return render(request, "review/round_detail.html", _round_context(request, review_round))


@login_required
@require_POST
def round_action(request, pk, action):
    require_perm(request.user, "review.manage_rounds")
    review_round = get_object_or_404(ReviewRound, pk=pk)
    try:
        if action == "auto_assign":
            result = services.auto_assign(round_id=pk, by=request.user, request=request)
            if result.feasible:
                messages.success(
                    request,
                    f"已自动分配 {len(result.pairs)} 人次，总匹配度 {result.total_affinity:.2f}，已排除全部回避情形。",
                )
            else:
                messages.warning(
                    request,
                    f"已分配 {len(result.pairs)} 人次，但有 {len(result.shortfalls)} 项专家不足：",
                )
                for s in result.shortfalls:
                    item = ReviewItem.objects.get(pk=s.item_id)
                    messages.warning(request, f"{item.code}：{s.reason}")
        elif action == "open":
            services.open_round(round_id=pk, by=request.user, request=request)
            messages.success(request, "评审已开始，已通知全部评审专家。")
        elif action == "close":
            services.close_round(round_id=pk, by=request.user, request=request)
            messages.success(request, "评审已结束，可根据排名作出决定。")
        elif action == "assign":
            services.assign_expert(
                round_id=pk,
                item_id=int(request.POST.get("item", 0)),
                expert_id=int(request.POST.get("expert", 0) or 0),
                by=request.user,
                request=request,
            )
            messages.success(request, "已指定专家（已核查回避情形）。")
        elif action == "unassign":
            assignment = get_object_or_404(
                Assignment, pk=int(request.POST.get("assignment", 0)), round=review_round
            )
            services.remove_assignment(
                assignment_id=assignment.pk, by=request.user, request=request
            )
            messages.success(request, "已移除该专家。")
        elif action == "consensus":
            item = get_object_or_404(
                ReviewItem, pk=int(request.POST.get("item", 0)), round=review_round
            )
            services.record_consensus(
                item_id=item.pk, note=request.POST.get("note", ""), by=request.user, request=request
            )
            messages.success(request, "已记录专家组合议意见。")
        elif action in ("approve", "decline"):
            item = get_object_or_404(
                ReviewItem, pk=int(request.POST.get("item", 0)), round=review_round
            )
            services.decide_item(
                item_id=item.pk,
                approved=action == "approve",
                reason=request.POST.get("reason", ""),
                by=request.user,
                request=request,
            )
            messages.success(
                request,
                f"已作出决定：{item.code} {'通过' if action == 'approve' else '不通过'}，已通知申报单位。",
            )
        else:
            messages.error(request, "未知操作。")
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    return redirect("review_round", pk=pk)


@login_required
def round_export(request, pk):
    """The ranking table as Excel (experts' names only to the bureau)."""
    require_perm(request.user, "review.view_rounds")
    review_round = get_object_or_404(ReviewRound.objects.select_related("call"), pk=pk)
    from jiebang.review.reports import ranking_xlsx

    response = HttpResponse(
        ranking_xlsx(review_round, _round_context(request, review_round)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''review-{pk}-ranking.xlsx"
    from jiebang.core.services import record_audit

    record_audit(
        action="review.exported",
        actor=request.user,
        target=review_round,
        summary=f"导出评审排名：{review_round.title}",
        request=request,
    )
    return response


@login_required
def round_report(request, pk):
    """The round report PDF: rubric, ranking, consensus notes, decisions and the experts' list."""
    require_perm(request.user, "review.view_rounds")
    review_round = get_object_or_404(ReviewRound.objects.select_related("call"), pk=pk)
    from jiebang.demands.documents import pdf_support, render_pdf

    ok, reason = pdf_support()
    if not ok:
        return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
    context = _round_context(request, review_round)
    context["doc"] = {"title": f"{review_round.title} 评审报告"}
    context["generated_at"] = clock.now()
    context["expert_list"] = sorted(
        {a.expert for row in context["rows"] for a in row["assignments"]}, key=lambda e: e.pk
    )
    response = HttpResponse(
        render_pdf("review/pdf/report.html", context), content_type="application/pdf"
    )
    response["Content-Disposition"] = f"inline; filename*=UTF-8''review-{pk}-report.pdf"
    return response


@login_required
def experts(request):
    """The expert pool; the bureau imports it from Excel as a background job (core.imports)."""
    require_perm(request.user, "review.view_rounds")
    can_import = request.user.has_perm("review.manage_experts")
    return render(
        request,
        "review/experts.html",
        {
            "page": paginate(request, selectors.expert_pool()),
            "form": ImportForm() if can_import else None,
            "recent_imports": (
                ImportJob.objects.filter(user=request.user, name="experts")[:5]
                if can_import
                else []
            ),
            "kinds": RoundKind,
        },
    )
