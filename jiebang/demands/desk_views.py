"""The district's and the bureau's desks: queues, batch and single actions, publishing."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jiebang.calls.models import Call
from jiebang.calls.selectors import active_call
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.demands import selectors, services
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.forms import PublishForm
from jiebang.demands.models import Demand
from jiebang.orgs.security.reauth import reauth_required

# action → (service, needs a reason, Chinese label, who)
ACTIONS = {
    "recommend": (services.recommend_demand, False, "推荐", "district"),
    "return": (services.return_demand, True, "退回修改", "both"),
    "decline": (services.decline_demand, True, "不予推荐", "district"),
    "accept": (services.accept_demand, False, "形式审查通过", "bureau"),
    "reject": (services.reject_demand, True, "不予受理", "bureau"),
    "approve": (services.record_demand_review, False, "论证通过", "bureau"),
    "review_decline": (services.record_demand_review, True, "论证不通过", "bureau"),
}


def _run_action(request, action: str, demand_id: int, reason: str):
    service, needs_reason, _label, _who = ACTIONS[action]
    kwargs = {"demand_id": demand_id, "by": request.user, "request": request}
    if action == "approve":
        kwargs.update(approved=True, opinion=reason)
    elif action == "review_decline":
        kwargs.update(approved=False, opinion=reason)
    elif needs_reason:
        kwargs["reason"] = reason
    else:
        kwargs["opinion"] = reason
    return service(**kwargs)


def _check_action_allowed(user, action: str, demand: Demand) -> None:
    who = ACTIONS[action][3]
    if who == "district" or (who == "both" and not user.has_role("bureau_officer")):
        if not user.has_perm("demands.district_act", demand):
            raise PermissionDenied
    elif not user.has_perm("demands.bureau_act", demand):
        raise PermissionDenied


@login_required
@require_POST
def demand_action(request, pk, action):
    """One desk action on one demand, from its detail page."""
    if action not in ACTIONS:
        raise PermissionDenied
    demand = get_object_or_404(
        selectors.demands_visible_to(request.user).select_related("organization"), pk=pk
    )
    _check_action_allowed(request.user, action, demand)
    reason = request.POST.get("reason", "")
    try:
        _run_action(request, action, demand.pk, reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        label = ACTIONS[action][2]
        extra = "，理由已通知申报单位" if ACTIONS[action][1] else "，已通知申报单位"
        messages.success(request, f"已{label}{extra}。")
    return redirect("demand_detail", pk=demand.pk)


@login_required
@require_POST
def batch_action(request):
    """The same action on several demands; each is processed on its own and reported."""
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, "请选择要执行的操作。")
        return redirect(request.POST.get("next") or "dashboard")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    demands = (
        selectors.demands_visible_to(request.user).select_related("organization").filter(pk__in=ids)
    )
    done, failed = 0, []
    for demand in demands:
        _check_action_allowed(request.user, action, demand)
        try:
            _run_action(request, action, demand.pk, request.POST.get("reason", ""))
            done += 1
        except DomainError as error:
            failed.append(f"{demand.number or demand.title}：{error.message}")
    label = ACTIONS[action][2]
    unseen = len(set(ids)) - len(demands)
    if unseen > 0:
        messages.error(request, f"有 {unseen} 项需求不存在或不属于您的办理范围，未处理。")
    if done:
        messages.success(request, f"已{label} {done} 项需求，已通知相关申报单位。")
    for line in failed:
        messages.error(request, f"未处理 {line}")
    if not ids:
        messages.error(request, "请先勾选需求。")
    return redirect(request.POST.get("next") or "dashboard")


def _desk_context(request, queryset, *, states, default_state, can_act):
    state = request.GET.get("state", default_state)
    category = request.GET.get("category", "")
    return {
        "page": paginate(request, queryset),
        "state": state,
        "states": states,
        "category": category,
        "categories": Category.choices,
        "can_act": can_act,
    }


@login_required
def district_desk(request):
    require_perm(request.user, "demands.view_district_desk")
    qs = selectors.district_desk_list(request.user, request.GET)
    call = active_call()
    context = _desk_context(
        request,
        qs,
        states=[
            (DemandState.SUBMITTED, "待推荐"),
            (DemandState.RECOMMENDED, "已推荐"),
            (DemandState.RETURNED, "已退回"),
            (DemandState.NOT_RECOMMENDED, "不予推荐"),
            ("all", "全部"),
        ],
        default_state=DemandState.SUBMITTED,
        can_act=True,
    )
    context.update(
        {
            "call": call,
            "district": request.user.district,
            "deadline": call.recommendation_deadline if call else None,
            "district_actions": [
                ("recommend", "推荐"),
                ("return", "退回修改"),
                ("decline", "不予推荐"),
            ],
        }
    )
    return render(request, "demands/desk_district.html", context)


@login_required
def recommendation_letter(request, call_id):
    """The district's 推荐函 (PDF) listing what it recommended in a call."""
    require_perm(request.user, "demands.view_district_desk")
    call = get_object_or_404(Call, pk=call_id)
    from jiebang.demands import documents

    ok, reason = documents.pdf_support()
    if not ok:
        return HttpResponse(reason, status=503, content_type="text/plain; charset=utf-8")
    demands = list(selectors.recommended_by_district(request.user, call))
    pdf = documents.render_pdf(
        "demands/pdf/recommendation_letter.html",
        {
            "doc": {"title": "推荐函"},
            "call": call,
            "district": request.user.district,
            "demands": demands,
            "generated_at": clock.now(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline; filename*=UTF-8''recommendation-letter.pdf"
    return response


@login_required
def bureau_desk(request):
    require_perm(request.user, "demands.view_bureau_desk")
    qs = selectors.bureau_desk_list(request.GET)
    context = _desk_context(
        request,
        qs,
        states=[
            (DemandState.RECOMMENDED, "待形式审查"),
            (DemandState.ACCEPTED, "形式审查通过"),
            (DemandState.APPROVED, "论证通过"),
            (DemandState.RETURNED, "已退回"),
            (DemandState.REJECTED, "不予受理"),
            (DemandState.PUBLISHED, "已发榜"),
            ("all", "全部"),
        ],
        default_state=DemandState.RECOMMENDED,
        can_act=request.user.has_perm("demands.bureau_act"),
    )
    call = active_call()
    context.update(
        {
            "call": call,
            "figures": selectors.desk_figures(call) if call else None,
            "bureau_review_actions": [
                ("accept", "形式审查通过"),
                ("return", "退回修改"),
                ("reject", "不予受理"),
            ],
            "bureau_conclusion_actions": [
                ("approve", "论证通过"),
                ("review_decline", "论证不通过"),
            ],
        }
    )
    return render(request, "demands/desk_bureau.html", context)


@login_required
def publish(request):
    require_perm(request.user, "demands.publish_demands")
    if denied := reauth_required(request, next_url=request.path):  # password confirmed lately
        return denied
    call = active_call()
    if call is None:
        messages.error(request, "当前没有征集批次。")
        return redirect("bureau_desk")
    ready = selectors.publishable_demands(call)
    initial_deadline = clock.beijing(clock.now() + dt.timedelta(days=30)).replace(
        hour=17, minute=30, second=0, microsecond=0
    )
    form = PublishForm(
        request.POST or None,
        initial={"solicitation_deadline": initial_deadline.strftime("%Y-%m-%dT%H:%M:%S")},
    )
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        try:
            batch = services.publish_demands(
                call=call,
                demand_ids=ids,
                title=form.cleaned_data["title"],
                solicitation_deadline=form.cleaned_data["solicitation_deadline"],
                by=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, f"{detail.get('title', '')}（{detail.get('state', '')}）")
        else:
            messages.success(
                request, f"“{batch.title}”已发布 {batch.demands.count()} 项需求，已在榜单大厅公开。"
            )
            return redirect("bureau_desk")
    return render(request, "demands/publish.html", {"form": form, "ready": ready, "call": call})
