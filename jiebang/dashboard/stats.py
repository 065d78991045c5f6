"""Statistics of one call for the bureau's dashboard (统计分析).

Pure reads returning plain dicts and lists. Every figure is aggregated in the database with
GROUP BY (Count / Sum), so the number of queries is fixed whatever the number of demands,
proposals or projects. Times are bucketed in Beijing time (`core.clock`).

Stage definitions (each demand counted once, by the furthest stage its *current* state
implies; a demand returned for rework counts as submitted until it moves on again):

- submitted 已提交: state is anything but `draft` or `withdrawn` (it was submitted and is
  not withdrawn: returned, refused and declined demands included);
- recommended 已推荐: passed the recommendation step, i.e. state `recommended` or any state
  after it on the bureau's path (`accepted`, `rejected`, `approved`, `declined`,
  `published`, `matched`, `unsolved`); a unit without a district goes to the bureau
  directly and counts here once the bureau has acted;
- published 已发布: `published`, `matched` or `unsolved` (流榜 was published too);
- taken 有揭榜申请: published (or further) with at least one submitted proposal (a
  proposal in any state but `draft` or `withdrawn`);
- initiated 已立项: at least one project initiated from the demand (a horse race may have
  two; the number of projects is reported separately);
- accepted 已验收: at least one of its projects in state `accepted` (通过 or 整改后通过).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncHour
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand, DemandVersion
from jiebang.orgs.models import District
from jiebang.projects.enums import DisbursementState, PaymentState, ProjectState
from jiebang.projects.models import Disbursement, IssuerPayment, Project
from jiebang.proposals.enums import ProposalState
from jiebang.review.enums import AssignmentState, RoundKind, RoundState
from jiebang.review.models import ReviewRound

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY_ZERO = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))

NOT_SUBMITTED_STATES = (DemandState.DRAFT, DemandState.WITHDRAWN)
PUBLISHED_STATES = (DemandState.PUBLISHED, DemandState.MATCHED, DemandState.UNSOLVED)
RECOMMENDED_STATES = (
    DemandState.RECOMMENDED,
    DemandState.ACCEPTED,
    DemandState.REJECTED,
    DemandState.APPROVED,
    DemandState.DECLINED,
    *PUBLISHED_STATES,
)
SUBMITTED_PROPOSAL_STATES = tuple(
    s for s in ProposalState.values if s not in (ProposalState.DRAFT, ProposalState.WITHDRAWN)
)

FUNNEL_STAGES = (
    ("submitted", _("已提交")),
    ("recommended", _("已推荐")),
    ("published", _("已发布")),
    ("taken", _("有揭榜申请")),
    ("initiated", _("已立项")),
    ("accepted", _("已验收")),
)
HOURS_BEFORE_DEADLINE = 48
NO_INDUSTRY = _("未填写产业领域")
NO_DISTRICT = _("市外单位")


# --- which call -------------------------------------------------------------------------


def calls_for_dashboard() -> list[Call]:
    """Every call, newest first (one query): the selector's options."""
    return list(Call.objects.order_by("-year", "-id"))


def pick_call(calls: list[Call], requested: str | None) -> Call | None:
    """The call asked for by id (404 when unknown), else the active one, else the newest."""
    if requested:
        for call in calls:
            if str(call.pk) == requested:
                return call
        raise Http404
    return next((c for c in calls if c.is_active), calls[0] if calls else None)


# --- funnel -----------------------------------------------------------------------------


def _submitted_demands(call: Call):
    return Demand.objects.filter(call=call).exclude(state__in=NOT_SUBMITTED_STATES)


def state_counts(call: Call) -> dict[str, int]:
    """Demands of the call per current state (one GROUP BY query)."""
    rows = Demand.objects.filter(call=call).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def funnel(call: Call) -> dict:
    """The demand funnel (see the module docstring for each stage) and project totals.

    Returns `{"stages": [{"key", "name", "value"}, …], "states": {state: n},
    "projects": n, "projects_accepted": n}`; three queries."""
    states = state_counts(call)
    later = (
        Demand.objects.filter(call=call)
        .order_by()
        .aggregate(
            taken=Count(
                "id",
                distinct=True,
                filter=Q(
                    state__in=PUBLISHED_STATES, proposals__state__in=SUBMITTED_PROPOSAL_STATES
                ),
            ),
            initiated=Count("id", distinct=True, filter=Q(projects__isnull=False)),
            accepted=Count("id", distinct=True, filter=Q(projects__state=ProjectState.ACCEPTED)),
        )
    )
    projects = (
        Project.objects.filter(call=call)
        .order_by()
        .aggregate(total=Count("id"), accepted=Count("id", filter=Q(state=ProjectState.ACCEPTED)))
    )
    values = {
        "submitted": sum(n for s, n in states.items() if s not in NOT_SUBMITTED_STATES),
        "recommended": sum(states.get(s, 0) for s in RECOMMENDED_STATES),
        "published": sum(states.get(s, 0) for s in PUBLISHED_STATES),
        **later,
    }
    return {
        "stages": [{"key": k, "name": str(name), "value": values[k]} for k, name in FUNNEL_STAGES],
        "states": states,
        "projects": projects["total"],
        "projects_accepted": projects["accepted"],
    }


# --- breakdowns -------------------------------------------------------------------------


def _breakdown_rows(call: Call, *group_by: str) -> list[dict]:
    """Submitted demands grouped by `group_by`: how many, how many published (or further),
    and how many projects were initiated from them (one query)."""
    return list(
        _submitted_demands(call)
        .values(*group_by)
        .annotate(
            submitted=Count("id", distinct=True),
            published=Count("id", distinct=True, filter=Q(state__in=PUBLISHED_STATES)),
            projects=Count("projects", distinct=True),
        )
        .order_by()
    )


def _row(name: str, found: dict | None) -> dict:
    found = found or {}
    return {
        "name": name,
        "submitted": found.get("submitted", 0),
        "published": found.get("published", 0),
        "projects": found.get("projects", 0),
    }


def by_industry(call: Call) -> list[dict]:
    """Per industry: the call's industries in their order (zeros included), then any other
    industry a demand chose, then demands without one. Two queries."""
    rows = {r["industry_id"]: r for r in _breakdown_rows(call, "industry_id")}
    wanted = set(call.industries.values_list("id", flat=True)) | {
        pk for pk in rows if pk is not None
    }
    result = [
        _row(industry.name, rows.get(industry.pk))
        for industry in Industry.objects.filter(pk__in=wanted).order_by("sort_order", "id")
    ]
    if None in rows:
        result.append(_row(str(NO_INDUSTRY), rows[None]))
    return result


def by_district(call: Call) -> list[dict]:
    """Per district of the issuer (every district, zeros included), then units outside the
    city. Two queries."""
    rows = {
        r["organization__district_id"]: r
        for r in _breakdown_rows(call, "organization__district_id")
    }
    result = [_row(str(district), rows.get(district.pk)) for district in District.objects.all()]
    if None in rows:
        result.append(_row(str(NO_DISTRICT), rows[None]))
    return result


def by_category(call: Call) -> list[dict]:
    """Per category (技术攻关类, 成果转化类), both always present. One query."""
    rows = {r["category"]: r for r in _breakdown_rows(call, "category")}
    return [_row(str(label), rows.get(value)) for value, label in Category.choices]


# --- money ------------------------------------------------------------------------------


def leverage_ratio(enterprise: Decimal, fiscal: Decimal) -> Decimal | None:
    """Enterprise money per yuan of fiscal money, two places (half up); None without fiscal."""
    if not fiscal:
        return None
    return (enterprise / fiscal).quantize(CENT, rounding=ROUND_HALF_UP)


def money(call: Call) -> dict:
    """Fiscal versus enterprise money over the call's projects (every initiated project,
    whatever its state), in 元 as Decimal. Three queries.

    - fiscal_total: Σ project.fiscal_total (财政资助, committed at initiation);
    - fiscal_paid: Σ paid disbursements (财政已拨付);
    - enterprise: Σ (project.total_investment − project.fiscal_total) (企业及社会投入);
    - contract_total / contract_paid: Σ contract amounts and the confirmed payments of them;
    - leverage: enterprise / fiscal_total (财政资金撬动比), 2 places; "—" when no fiscal money.
    """
    projects = Project.objects.filter(call=call).order_by()
    sums = projects.aggregate(
        fiscal_total=Coalesce(Sum("fiscal_total"), MONEY_ZERO),
        total_investment=Coalesce(Sum("total_investment"), MONEY_ZERO),
        contract_total=Coalesce(Sum("contract_amount"), MONEY_ZERO),
    )
    fiscal_paid = (
        Disbursement.objects.filter(project__call=call, state=DisbursementState.PAID)
        .order_by()
        .aggregate(total=Coalesce(Sum("amount"), MONEY_ZERO))["total"]
    )
    contract_paid = (
        IssuerPayment.objects.filter(project__call=call, state=PaymentState.CONFIRMED)
        .order_by()
        .aggregate(total=Coalesce(Sum("amount"), MONEY_ZERO))["total"]
    )
    fiscal = Decimal(sums["fiscal_total"]).quantize(CENT)
    total = Decimal(sums["total_investment"]).quantize(CENT)
    enterprise = total - fiscal
    leverage = leverage_ratio(enterprise, fiscal)
    return {
        "fiscal_total": fiscal,
        "fiscal_paid": Decimal(fiscal_paid).quantize(CENT),
        "enterprise": enterprise,
        "total_investment": total,
        "contract_total": Decimal(sums["contract_total"]).quantize(CENT),
        "contract_paid": Decimal(contract_paid).quantize(CENT),
        "leverage": leverage,
        "leverage_display": "—" if leverage is None else f"{leverage}",
    }


# --- submissions per hour ---------------------------------------------------------------


def submission_hours(deadline: dt.datetime, hours: int = HOURS_BEFORE_DEADLINE) -> list:
    """The Beijing clock hours of the chart: the hour holding the deadline and the `hours`−1
    hours before it (a 19:30 deadline: 19:00–19:59 is the last bucket)."""
    last = clock.beijing(deadline).replace(minute=0, second=0, microsecond=0)
    return [last - dt.timedelta(hours=hours - 1 - i) for i in range(hours)]


def submissions_per_hour(call: Call, hours: int = HOURS_BEFORE_DEADLINE) -> dict:
    """First submissions (DemandVersion version 1, resubmissions excluded) of the call's
    demands per Beijing clock hour over the last `hours` hours up to the submission deadline
    (inclusive to the second, like the deadline itself). One query.

    Returns `{"deadline", "start", "buckets": [{"hour", "label", "count"}], "total"}` with
    hours as aware Beijing datetimes and `total` the submissions inside the window."""
    buckets = submission_hours(call.submission_closes_at, hours)
    start = buckets[0]
    versions = DemandVersion.objects.filter(demand__call=call, version=1).order_by()
    grouped = (
        versions.filter(submitted_at__gte=start, submitted_at__lte=call.submission_closes_at)
        .annotate(hour=TruncHour("submitted_at", tzinfo=clock.BEIJING))
        .values("hour")
        .annotate(n=Count("id"))
    )
    counts = {
        clock.beijing(r["hour"]).replace(minute=0, second=0, microsecond=0): r["n"] for r in grouped
    }
    series = [
        {"hour": hour, "label": hour.strftime("%m-%d %H:00"), "count": counts.get(hour, 0)}
        for hour in buckets
    ]
    return {
        "deadline": call.submission_closes_at,
        "start": start,
        "buckets": series,
        "total": sum(b["count"] for b in series),
    }


# --- review progress --------------------------------------------------------------------


def review_progress(call: Call) -> list[dict]:
    """Per open or closed review round of the call, its assignments by state: 待声明
    (assigned), 已声明待评分 (declared), 已评分 (submitted), 已回避 (recused). One query."""

    def of(state):
        return Count("assignments", filter=Q(assignments__state=state))

    rounds = (
        ReviewRound.objects.filter(call=call, state__in=(RoundState.OPEN, RoundState.CLOSED))
        .annotate(
            total=Count("assignments"),
            assigned=of(AssignmentState.ASSIGNED),
            declared=of(AssignmentState.DECLARED),
            scored=of(AssignmentState.SUBMITTED),
            recused=of(AssignmentState.RECUSED),
        )
        .order_by("created_at", "id")
    )
    kinds = dict(RoundKind.choices)
    states = dict(RoundState.choices)
    return [
        {
            "id": r.pk,
            "title": r.title,
            "kind": str(kinds.get(r.kind, r.kind)),
            "state": str(states.get(r.state, r.state)),
            "deadline": r.deadline,
            "total": r.total,
            "assigned": r.assigned,
            "declared": r.declared,
            "scored": r.scored,
            "recused": r.recused,
        }
        for r in rounds
    ]


def call_statistics(call: Call) -> dict:
    """Everything the dashboard shows for one call (a fixed number of queries)."""
    return {
        "funnel": funnel(call),
        "by_industry": by_industry(call),
        "by_district": by_district(call),
        "by_category": by_category(call),
        "money": money(call),
        "hourly": submissions_per_hour(call),
        "review": review_progress(call),
    }
