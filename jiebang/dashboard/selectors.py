"""The 待办 work queue: what awaits each role's action, gathered from the domain apps.

Each app contributes items {label, count, url, deadline?}; a deadline is an aware datetime
or, for things due on a day (a progress report's `due_on`), a date — due by the end of
that day in Beijing time. Every contributor runs a fixed number of queries per role, never
one per row, so the page costs the same however many demands, proposals or projects exist.
"""

import datetime as dt

from jiebang.core import clock
from jiebang.dashboard.agenda import report_due_at
from jiebang.demands.selectors import demand_work_items
from jiebang.notices.selectors import notice_work_items
from jiebang.orgs.selectors import work_queue_for
from jiebang.projects.selectors import project_work_items
from jiebang.proposals.selectors import proposal_work_items
from jiebang.review.selectors import review_work_items


def deadline_instant(deadline: dt.date | dt.datetime | None) -> dt.datetime | None:
    """The moment a deadline passes: a datetime as is, a date at 23:59:59 Beijing time."""
    if deadline is None or isinstance(deadline, dt.datetime):
        return deadline
    return report_due_at(deadline)


def _with_deadline(item: dict, now: dt.datetime) -> dict:
    """The item with what the template needs to show its deadline: `deadline_at` (the
    instant, for the countdown), `deadline_is_date` (show the day only) and `overdue`
    (something is still to do and the deadline has passed: "已逾期" in red)."""
    deadline = item.get("deadline")
    at = deadline_instant(deadline)
    return {
        **item,
        "deadline": deadline,
        "deadline_at": at,
        "deadline_is_date": deadline is not None and not isinstance(deadline, dt.datetime),
        "overdue": bool(item["count"]) and at is not None and at < now,
    }


def _order(item: dict):
    """Items with something to do first, the nearest (or most overdue) deadline first,
    then those without a deadline; items with nothing to do last. Stable otherwise."""
    at = item["deadline_at"]
    return (not item["count"], at is None, at.timestamp() if at is not None else 0)


def work_queue(user) -> list[dict]:
    items = (
        work_queue_for(user)
        + demand_work_items(user)
        + proposal_work_items(user)
        + review_work_items(user)
        + notice_work_items(user)
        + project_work_items(user)
    )
    now = clock.now()
    return sorted((_with_deadline(item, now) for item in items), key=_order)
