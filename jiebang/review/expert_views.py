"""The expert's own pages: the assigned items (only those), declaration, scoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiebang.core.errors import DomainError
from jiebang.core.views_helpers import paginate, require_perm
from jiebang.review import selectors, services
from jiebang.review.enums import AssignmentState
from jiebang.review.forms import ScoreForm


@login_required
def my_assignments(request):
    require_perm(request.user, "review.view_own_assignments")
    return render(
        request,
        "review/my_assignments.html",
        {"page": paginate(request, selectors.assignments_for_expert(request.user))},
    )


def _own(request, pk):
    assignment = (
        selectors.assignments_for_expert(request.user)
        .select_related("expert", "item__target_type")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    require_perm(request.user, "review.work_on_assignment", assignment)
    return assignment


@login_required
def assignment_detail(request, pk):
    require_perm(request.user, "review.view_own_assignments")
    assignment = _own(request, pk)
    review_round = assignment.round
    criteria = selectors.criteria_of(review_round)
    initial = {}
    if hasattr(assignment, "score") and assignment.state == AssignmentState.SUBMITTED:
        score = assignment.score
        initial = {"comment": score.comment, "recommendation": score.recommendation}
        initial.update({f"c{i}": score.scores.get(c.name) for i, c in enumerate(criteria)})
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            score = services.submit_score(
                assignment_id=assignment.pk,
                user=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
                request=request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"评分已提交：{score.total} 分。截止前可修改。")
            return redirect("review_my")
    items = [assignment.item]
    targets = selectors.item_targets(items)
    view = selectors.item_views(items, targets).get(assignment.item.pk)
    return render(
        request,
        "review/assignment.html",
        {
            "assignment": assignment,
            "round": review_round,
            "view": view,
            "form": form,
            "blind": review_round.blind,
        },
    )


@login_required
@require_POST
def assignment_declare(request, pk):
    require_perm(request.user, "review.view_own_assignments")
    assignment = _own(request, pk)
    no_conflict = request.POST.get("decision") == "no_conflict"
    try:
        services.declare(
            assignment_id=assignment.pk,
            user=request.user,
            no_conflict=no_conflict,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("review_assignment", pk=pk)
    if no_conflict:
        messages.success(request, "已签署无利害关系声明，请评分。")
        return redirect("review_assignment", pk=pk)
    messages.success(request, "已申请回避，市科技局将另行安排。")
    return redirect("review_my")
