"""Excel export of a review round's assignments and scores (the round page, `?round=<id>`).

The experts' ID numbers and phones are personal data, masked unless the exporter holds the
right (see `core.exports`).
"""

from django.conf import settings
from django.http import Http404

from jiebang.core.exports import DATETIME, NUMBER, Column, Export, register
from jiebang.review import selectors
from jiebang.review.enums import AssignmentSource, AssignmentState, Recommendation
from jiebang.review.models import ReviewRound


def _round(params) -> ReviewRound:
    pk = str(params.get("round", ""))
    review_round = ReviewRound.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if review_round is None:
        raise Http404
    return review_round


def _build(user, params, masked: bool):
    assignments = selectors.round_assignments(_round(params))
    if masked:
        assignments = assignments.defer("expert__person__id_number", "expert__person__phone")
    return assignments


def _rows(queryset, params):
    """Each assignment with its item's view (title, number, applicant): one load per target
    type for the whole round, whatever the number of assignments."""
    items = list(_round(params).items.select_related("target_type"))
    views = selectors.item_views(items, selectors.item_targets(items))
    for assignment in queryset.iterator(chunk_size=settings.EXPORT_CHUNK_SIZE):
        assignment.view = views.get(assignment.item_id)
        yield assignment


def _applicant(assignment) -> str | None:
    view = assignment.view
    if view is None:
        return None
    identity = dict(view.identity)
    return identity.get("揭榜单位") or identity.get("发榜单位")


def _score(assignment):
    return getattr(assignment, "score", None)


COLUMNS = (
    Column("评审编号", lambda a: a.item.code, width=12),
    Column("评审对象", lambda a: a.view.title if a.view else None, width=36),
    Column("对象编号", lambda a: a.view.number if a.view else None, width=18),
    Column("申报单位", _applicant, width=30),
    Column("专家", "expert.person.name", width=12),
    Column(
        "专家身份证号",
        "expert.person.id_masked",
        unmasked="expert.person.id_number",
        width=22,
    ),
    Column("专家电话", "expert.person.phone_masked", unmasked="expert.person.phone", width=16),
    Column("工作单位", lambda a: a.expert.display_unit, width=28),
    Column("职称/职务", "expert.title", width=12),
    Column("匹配度", "affinity", kind=NUMBER, number_format="0.000", width=10),
    Column("来源", "source", choices=AssignmentSource.choices, width=10),
    Column("状态", "state", choices=AssignmentState.choices, width=10),
    Column("总分", lambda a: getattr(_score(a), "total", None), kind=NUMBER, width=10),
    Column(
        "评审建议",
        lambda a: getattr(_score(a), "recommendation", None),
        choices=Recommendation.choices,
        width=12,
    ),
    Column("评审意见", lambda a: getattr(_score(a), "comment", None), width=40),
    Column("评分提交时间", lambda a: getattr(_score(a), "submitted_at", None), kind=DATETIME),
)

register(
    Export(
        name="review-assignments",
        title="评审专家与评分",
        permission="review.view_rounds",
        build=_build,
        rows=_rows,
        columns=COLUMNS,
        filter_keys=("round",),
        labels={"round": "评审轮次"},
    )
)
