"""The 待办 work queue: what awaits each role's action, gathered from the domain apps."""

from jiebang.demands.selectors import demand_work_items
from jiebang.orgs.selectors import work_queue_for
from jiebang.projects.selectors import project_work_items
from jiebang.review.selectors import review_work_items


def work_queue(user) -> list[dict]:
    return (
        work_queue_for(user)
        + demand_work_items(user)
        + review_work_items(user)
        + project_work_items(user)
    )
