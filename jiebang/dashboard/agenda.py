"""The deadline calendar of the 待办 page: the active call's windows and the dates that
concern the user's roles, in time order and grouped by Beijing month.

Who sees what (a user with several roles sees the union, each date once):

- bureau officers and auditors: the call's four dates, the solicitation deadline of each
  publication batch of the call, the deadline of every review round being prepared or
  under way, and the end of every open public notice (公示);
- district officers: the submission window, the resubmission deadline and the district
  recommendation deadline;
- unit accounts (active): the submission window and the resubmission deadline, the
  solicitation deadlines of the call's batches (any unit may take a demand), the end of
  open notices about the unit's own demands or demands it applied to, and the due date of
  the next progress report owed by each of the unit's running projects;
- experts: the deadline of each open round in which they still have items to review.

A fixed number of queries per role; dates are compared and grouped in Beijing time.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jiebang.calls.models import Call
from jiebang.calls.selectors import call_deadlines
from jiebang.core import clock
from jiebang.demands.models import Demand, PublicationBatch
from jiebang.notices.models import NoticeState, PublicNotice
from jiebang.orgs.enums import AccountState, Role
from jiebang.projects.enums import ACTIVE_STATES, ReportState
from jiebang.projects.models import ProgressReport
from jiebang.review.enums import AssignmentState, RoundState
from jiebang.review.models import ReviewRound

CALL_KEYS = ("opens", "closes", "resubmission", "recommendation")


@dataclass(frozen=True)
class AgendaEntry:
    at: dt.datetime
    label: str
    kind: str  # call · batch · review · notice · report
    key: str  # unique per date shown, so a user with several roles sees it once
    url: str = ""
    clause: str = ""
    past_label: str = "已截止"  # the countdown's text once passed (shown in Chinese)


def _call_entries(call: Call, keys: tuple[str, ...]) -> list[AgendaEntry]:
    return [
        AgendaEntry(d.at, d.label, "call", f"call:{key}", clause=d.clause, past_label=d.past_label)
        # call_deadlines lists these four first, in this order; a date added later is ignored
        for key, d in zip(CALL_KEYS, call_deadlines(call), strict=False)
        if key in keys
    ]


def _batch_entries(call: Call, url: str) -> list[AgendaEntry]:
    return [
        AgendaEntry(
            b.solicitation_deadline,
            _("揭榜截止：%(t)s") % {"t": b.title},
            "batch",
            f"batch:{b.pk}",
            url,
        )
        for b in PublicationBatch.objects.filter(call=call).order_by("solicitation_deadline")
    ]


def _round_entries(rounds) -> list[AgendaEntry]:
    return [
        AgendaEntry(
            r.deadline,
            _("评审截止：%(t)s") % {"t": r.title},
            "review",
            f"review:{r.pk}",
            url,
        )
        for r, url in rounds
    ]


def _notice_entries(notices) -> list[AgendaEntry]:
    return [
        AgendaEntry(
            n.ends_at,
            _("公示期满：%(t)s") % {"t": n.title},
            "notice",
            f"notice:{n.pk}",
            reverse("publicity_detail", args=[n.pk]),
            past_label=_("公示期已满"),
        )
        for n in notices
    ]


def report_due_at(due_on: dt.date) -> dt.datetime:
    """A report due on a date may be submitted until 23:59:59 Beijing time of that day."""
    return dt.datetime.combine(due_on, dt.time(23, 59, 59), tzinfo=clock.BEIJING)


def _staff_entries(call: Call | None) -> list[AgendaEntry]:
    entries = []
    if call is not None:
        entries += _call_entries(call, CALL_KEYS)
        entries += _batch_entries(call, reverse("publish"))
    rounds = ReviewRound.objects.filter(state__in=(RoundState.DRAFT, RoundState.OPEN))
    entries += _round_entries((r, reverse("review_round", args=[r.pk])) for r in rounds)
    entries += _notice_entries(PublicNotice.objects.filter(state=NoticeState.OPEN))
    return entries


def _unit_entries(user, call: Call | None) -> list[AgendaEntry]:
    org_id = user.organization_id
    entries = []
    if call is not None:
        entries += _call_entries(call, ("opens", "closes", "resubmission"))
        entries += _batch_entries(call, reverse("home"))
    concerned = Demand.objects.filter(
        Q(organization_id=org_id) | Q(proposals__members__organization_id=org_id)
    ).values("pk")
    notices = PublicNotice.objects.filter(
        state=NoticeState.OPEN,
        subject_type=ContentType.objects.get_for_model(Demand),
        subject_id__in=concerned,
    )
    entries += _notice_entries(notices)
    due = (
        ProgressReport.objects.filter(
            project__solver_id=org_id, project__state__in=ACTIVE_STATES, state=ReportState.DUE
        )
        .select_related("project")
        .order_by("project_id", "due_on", "sequence")
    )
    next_due = {}  # the next report owed per project; later ones come after it
    for report in due:
        next_due.setdefault(report.project_id, report)
    entries += [
        AgendaEntry(
            report_due_at(r.due_on),
            _("进展报告（第%(n)s期）：%(t)s") % {"n": r.sequence, "t": r.project.title},
            "report",
            f"report:{r.pk}",
            reverse("project_detail", args=[r.project_id]) + "#progress",
            past_label=_("已逾期"),
        )
        for r in next_due.values()
    ]
    return entries


def _expert_entries(user) -> list[AgendaEntry]:
    rounds = ReviewRound.objects.filter(
        state=RoundState.OPEN,
        assignments__expert__user=user,
        assignments__state__in=(AssignmentState.ASSIGNED, AssignmentState.DECLARED),
    ).distinct()
    return _round_entries((r, reverse("review_my")) for r in rounds)


def deadline_agenda(user, call: Call | None) -> list[AgendaEntry]:
    """The dates that concern `user`, earliest first, each once."""
    entries: list[AgendaEntry] = []
    if user.has_role(Role.BUREAU_OFFICER) or user.has_role(Role.AUDITOR):
        entries += _staff_entries(call)
    if user.has_role(Role.DISTRICT_OFFICER) and user.district_id and call is not None:
        entries += _call_entries(call, CALL_KEYS)
    if user.organization_id and user.account_state == AccountState.ACTIVE:
        entries += _unit_entries(user, call)
    if user.has_role(Role.EXPERT):
        entries += _expert_entries(user)
    unique = {e.key: e for e in entries}
    return sorted(unique.values(), key=lambda e: (e.at, e.key))


def by_month(entries: list[AgendaEntry]) -> list[dict]:
    """[{"month": "2024年8月", "entries": [...]}] in Beijing time."""

    def month(entry):
        local = clock.beijing(entry.at)
        return (local.year, local.month)

    return [
        {"month": _("%(y)s年%(m)s月") % {"y": year, "m": m}, "entries": list(group)}
        for (year, m), group in groupby(entries, key=month)
    ]
