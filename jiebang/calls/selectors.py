from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from jiebang.calls.models import Call


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime
    clause: str
    past_label: str = "已截止"  # what the countdown says once the moment has passed


def active_call() -> Call | None:
    return (
        Call.objects.filter(is_active=True)
        .prefetch_related("industries")
        .order_by("-year", "-id")
        .first()
    )


def calls_for_desk() -> QuerySet[Call]:
    return Call.objects.order_by("-year", "-id")


def call_deadlines(call: Call) -> list[Deadline]:
    """The call's dates in the order they fall, with the guide clause each comes from."""
    return [
        Deadline("网上填报开始", call.submission_opens_at, "五（一）1", past_label="已开始"),
        Deadline("网上填报截止", call.submission_closes_at, "五（一）1"),
        Deadline("退回修改重新提交截止", call.resubmission_deadline, "实施细则"),
        Deadline("区县推荐截止", call.recommendation_deadline, "五（一）2"),
    ]
