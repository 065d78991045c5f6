"""Rules on the desks' actions (not on a demand's content)."""

import datetime as dt

from django.utils.translation import gettext as _

from jiebang.core.clock import format_beijing
from jiebang.eligibility.catalogue import finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.snapshots import CallParams


def rule_window_recommend(at: dt.datetime, call: CallParams) -> list[Finding]:
    """WINDOW-RECOMMEND: a district recommends, returns or declines until the call's
    recommendation deadline, inclusive to the second (the instant is truncated to seconds).
    "24:00 on 2 Sept" is stored as 3 Sept 00:00, so 23:59:59 on 2 Sept is the last second
    that counts and 00:00:00 on 3 Sept itself is still accepted as "24:00"."""
    if at.replace(microsecond=0) <= call.recommendation_deadline:
        return []
    return [
        finding(
            "WINDOW-RECOMMEND",
            _("推荐截止时间 %(deadline)s 已过，区县不能再推荐、退回或不予推荐；请联系市科技局。")
            % {"deadline": format_beijing(call.recommendation_deadline)},
        )
    ]
