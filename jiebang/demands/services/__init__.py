"""Every write about demands. Pages and the API call these and nothing else.

`submission`: the unit's side (draft, edit, attachments, submit, withdraw, offline entries).
`desk`: the district's and the bureau's side (recommend, review, publish).
"""

from jiebang.demands.services.desk import (
    accept_demand,
    decline_demand,
    publish_demands,
    recommend_demand,
    record_demand_review,
    reject_demand,
    return_demand,
)
from jiebang.demands.services.submission import (
    CONTENT_FIELDS,
    ROW_MODELS,
    attach_file,
    check_edit_version,
    content_digest,
    create_demand,
    demand_content,
    edit_version_of,
    precheck,
    record_offline_entry,
    remove_attachment,
    replace_rows,
    set_financials,
    set_team,
    submit_demand,
    update_demand,
    withdraw_demand,
)

__all__ = [
    "CONTENT_FIELDS",
    "ROW_MODELS",
    "accept_demand",
    "attach_file",
    "check_edit_version",
    "content_digest",
    "create_demand",
    "decline_demand",
    "demand_content",
    "edit_version_of",
    "precheck",
    "publish_demands",
    "recommend_demand",
    "record_demand_review",
    "record_offline_entry",
    "reject_demand",
    "remove_attachment",
    "replace_rows",
    "return_demand",
    "set_financials",
    "set_team",
    "submit_demand",
    "update_demand",
    "withdraw_demand",
]
