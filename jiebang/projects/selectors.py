"""Reads about projects, scoped to who may see them (architecture.md, rule 4)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules.project import project_priorities
from jiebang.eligibility.snapshots import ProjectPriorityCheck
from jiebang.orgs.enums import AccountState, Role
from jiebang.projects import money
from jiebang.projects.enums import (
    ACTIVE_STATES,
    BudgetCategory,
    DisbursementState,
    FundSource,
    PaymentState,
    ProjectState,
    Trigger,
)
from jiebang.projects.models import (
    Disbursement,
    Project,
    ResearchAssistantPost,
)
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _staff(user) -> bool:
    return user.has_role(Role.BUREAU_OFFICER) or user.has_role(Role.AUDITOR)


def projects_visible_to(user) -> QuerySet[Project]:
    """Bureau officers and auditors: every project; a unit's active accounts: the projects
    where the unit is the solver or the issuer; anyone else: none."""
    if not user.is_authenticated:
        return Project.objects.none()
    if _staff(user):
        return Project.objects.all()
    if user.organization_id and user.account_state == AccountState.ACTIVE:
        return Project.objects.filter(
            Q(solver_id=user.organization_id) | Q(issuer_id=user.organization_id)
        )
    return Project.objects.none()


def _paid_total():
    return Coalesce(
        Subquery(
            Disbursement.objects.filter(project=OuterRef("pk"), state=DisbursementState.PAID)
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        ZERO,
    )


def project_list(user, *, state: str = "", overdue: bool = False, query: str = "") -> QuerySet:
    """The list page: one query for the rows whatever their number (paid total annotated)."""
    projects = (
        projects_visible_to(user)
        .select_related("solver", "issuer", "call")
        .annotate(paid_total=_paid_total())
    )
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    if overdue:
        projects = projects.filter(overdue_since__isnull=False)
    if query:
        projects = projects.filter(
            Q(code__icontains=query) | Q(title__icontains=query) | Q(solver__name__icontains=query)
        )
    return projects.order_by("-initiated_at", "-id")


def project_list_filters(params) -> dict:
    """The list page's query string (`state`, `overdue=1`, `q`) as `project_list` arguments;
    the page and its Excel export read them the same way."""
    return {
        "state": params.get("state", ""),
        "overdue": params.get("overdue") == "1",
        "query": params.get("q", "").strip()[:50],
    }


def disbursements_visible_to(
    user,
    *,
    state: str = "",
    trigger: str = "",
    call_id: str | int | None = None,
    query: str = "",
    paid_from: dt.date | None = None,
    paid_to: dt.date | None = None,
) -> QuerySet[Disbursement]:
    """Instalments of the projects the user may see (bureau and auditors: all; a unit: its
    projects as solver or issuer), filtered by state, trigger, call, project code / title /
    solver name and paid date (inclusive range); by project, then in order of approval."""
    qs = Disbursement.objects.filter(project__in=projects_visible_to(user)).select_related(
        "project__solver", "project__call"
    )
    if state in DisbursementState.values:
        qs = qs.filter(state=state)
    if trigger in Trigger.values:
        qs = qs.filter(trigger=trigger)
    if call_id not in (None, "") and str(call_id).isdigit():
        qs = qs.filter(project__call_id=int(call_id))
    if query:
        qs = qs.filter(
            Q(project__code__icontains=query)
            | Q(project__title__icontains=query)
            | Q(project__solver__name__icontains=query)
        )
    if paid_from is not None:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to is not None:
        qs = qs.filter(paid_on__lte=paid_to)
    return qs.order_by("project__code", "approved_at", "id")


def _date_param(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def disbursement_list_filters(params) -> dict:
    """The 资金拨付 page's query string (`state`, `trigger`, `call`, `q`, `paid_from`,
    `paid_to` as YYYY-MM-DD) as `disbursements_visible_to` arguments; the page and its Excel
    export read them the same way. Unknown values are ignored (no filter)."""
    return {
        "state": params.get("state", ""),
        "trigger": params.get("trigger", ""),
        "call_id": params.get("call") or None,
        "query": params.get("q", "").strip()[:50],
        "paid_from": _date_param(params.get("paid_from")),
        "paid_to": _date_param(params.get("paid_to")),
    }


def disbursement_list(user, **filters) -> QuerySet[Disbursement]:
    """The 资金拨付 page: `disbursements_visible_to` with the voucher joined (one query for
    the rows whatever their number)."""
    return disbursements_visible_to(user, **filters).select_related("voucher")


def disbursement_totals(disbursements: QuerySet[Disbursement]) -> dict:
    """Sums over a filtered set in one aggregate query: every row, and by state."""

    def total(**where):
        amount = Sum("amount", filter=Q(**where)) if where else Sum("amount")
        return Coalesce(amount, ZERO)

    return disbursements.order_by().aggregate(
        count=Count("id"),
        total=total(),
        paid=total(state=DisbursementState.PAID),
        approved=total(state=DisbursementState.APPROVED),
        cancelled=total(state=DisbursementState.CANCELLED),
    )


def awaiting_initiation() -> QuerySet[Proposal]:
    """Selected proposals (揭榜成功) not yet initiated, for the bureau's 立项 list."""
    return (
        Proposal.objects.filter(state=ProposalState.SELECTED, project__isnull=True)
        .select_related("demand__call", "demand__organization", "lead", "route")
        .order_by("demand__number", "id")
    )


def project_detail(pk: int) -> Project:
    """The project with everything its page shows, in a fixed number of queries."""
    return (
        Project.objects.select_related(
            "solver",
            "issuer",
            "call",
            "demand",
            "route",
            "proposal",
            "agreement_attachment",
            "tech_contract_attachment",
            "city_project",
        )
        .prefetch_related(
            "indicators__evidence",
            "milestones",
            "budget_lines",
            "expenditures__voucher",
            "payments__voucher",
            "disbursements__voucher",
            "refunds",
            "reports__attachment",
            "change_requests",
            "midterms",
            "final_reports",
            Prefetch(
                "assistant_posts", queryset=ResearchAssistantPost.objects.prefetch_related("hires")
            ),
            "proposal__members__organization",
            "proposal__team__person",
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class PlanRow:
    trigger: str
    label: str
    percent: Decimal
    amount: Decimal
    cumulative: Decimal
    reached: bool


@dataclass(frozen=True)
class BudgetRow:
    category: str
    label: str
    budget_fiscal: Decimal
    budget_self: Decimal
    spent_fiscal: Decimal
    spent_self: Decimal

    @property
    def budget_total(self) -> Decimal:
        return self.budget_fiscal + self.budget_self

    @property
    def spent_total(self) -> Decimal:
        return self.spent_fiscal + self.spent_self

    @property
    def remaining(self) -> Decimal:
        return self.budget_total - self.spent_total


@dataclass(frozen=True)
class Finance:
    plan: list[PlanRow]
    paid_confirmed: Decimal
    paid_recorded: Decimal
    earned: Decimal
    committed: Decimal
    disbursed_paid: Decimal
    first_phase_ceiling: Decimal | None
    budget: list[BudgetRow]
    budget_total: BudgetRow
    fiscal_spent: Decimal
    available_now: Decimal


def finance(project: Project) -> Finance:
    """Money at a glance from the prefetched rows of `project_detail` (no extra queries)."""
    from jiebang.projects.services.funding import reached_triggers

    reached = reached_triggers(project)
    plan = [
        PlanRow(
            trigger=i.trigger,
            label=Trigger(i.trigger).label,
            percent=i.percent,
            amount=i.amount,
            cumulative=i.cumulative,
            reached=i.trigger in reached,
        )
        for i in money.instalments(project.fiscal_total, project.instalment_plan)
    ]
    payments = list(project.payments.all())
    paid_confirmed = sum(
        (p.amount for p in payments if p.state == PaymentState.CONFIRMED), Decimal("0.00")
    )
    paid_recorded = sum(
        (p.amount for p in payments if p.state == PaymentState.RECORDED), Decimal("0.00")
    )
    earned = money.earned_subsidy(
        paid_confirmed, project.contract_amount, project.subsidy_ratio_percent, project.subsidy_cap
    )
    disbursements = list(project.disbursements.all())
    committed = sum(
        (
            d.amount
            for d in disbursements
            if d.state in (DisbursementState.APPROVED, DisbursementState.PAID)
        ),
        Decimal("0.00"),
    )
    disbursed_paid = sum(
        (d.amount for d in disbursements if d.state == DisbursementState.PAID), Decimal("0.00")
    )
    budget_lines = {(b.category, b.source): b.amount for b in project.budget_lines.all()}
    spent: dict[tuple[str, str], Decimal] = {}
    for e in project.expenditures.all():
        spent[(e.category, e.source)] = (
            spent.get((e.category, e.source), Decimal("0.00")) + e.amount
        )
    zero = Decimal("0.00")
    rows = [
        BudgetRow(
            category=category,
            label=label,
            budget_fiscal=budget_lines.get((category, FundSource.FISCAL), zero),
            budget_self=budget_lines.get((category, FundSource.SELF), zero),
            spent_fiscal=spent.get((category, FundSource.FISCAL), zero),
            spent_self=spent.get((category, FundSource.SELF), zero),
        )
        for category, label in BudgetCategory.choices
    ]
    total = BudgetRow(
        category="",
        label="合计",
        budget_fiscal=sum((r.budget_fiscal for r in rows), zero),
        budget_self=sum((r.budget_self for r in rows), zero),
        spent_fiscal=sum((r.spent_fiscal for r in rows), zero),
        spent_self=sum((r.spent_self for r in rows), zero),
    )
    ceiling = money.released_ceiling(project.fiscal_total, project.instalment_plan, reached)
    first_phase = None
    if project.is_race and project.midterm_passed_on is None:
        first_phase = money.race_first_phase_ceiling(
            project.fiscal_total, project.race_first_phase_cap_percent
        )
        ceiling = min(ceiling, first_phase)
    available = max(min(ceiling, earned) - committed, zero)
    if project.funding_stopped or not project.has_tech_contract:
        available = zero
    return Finance(
        plan=plan,
        paid_confirmed=paid_confirmed,
        paid_recorded=paid_recorded,
        earned=earned,
        committed=committed,
        disbursed_paid=disbursed_paid,
        first_phase_ceiling=first_phase,
        budget=rows,
        budget_total=total,
        fiscal_spent=total.spent_fiscal,
        available_now=available,
    )


def priorities(project: Project) -> list[Finding]:
    """PRIORITY-RESEARCH-ASSISTANT from the prefetched posts and hires."""
    posts = list(project.assistant_posts.all())
    return project_priorities(
        ProjectPriorityCheck(
            assistant_openings=sum(p.openings for p in posts),
            graduates_hired=sum(len(p.hires.all()) for p in posts),
        )
    )


def project_counts() -> dict:
    """For the bureau's work queue: projects by what needs doing."""
    base = Project.objects.all()
    return {
        "awaiting_initiation": awaiting_initiation().count(),
        "active": base.filter(state__in=ACTIVE_STATES).count(),
        "overdue": base.filter(overdue_since__isnull=False).count(),
        "final_submitted": base.filter(state=ProjectState.FINAL_SUBMITTED).count(),
        "payments_to_check": base.filter(payments__state=PaymentState.RECORDED).count(),
    }


def project_work_items(user) -> list[dict]:
    """待办 items about projects: the bureau's initiations, checks, acceptances and overdue
    projects; a solver's progress reports due or late, rework and change decisions."""
    from jiebang.projects.enums import ReportState
    from jiebang.projects.models import ProgressReport

    items = []
    if user.has_role(Role.BUREAU_OFFICER):
        counts = project_counts()
        items += [
            {
                "label": "待立项项目",
                "count": counts["awaiting_initiation"],
                "url": "/projects/initiation/",
            },
            {
                "label": "待核实合同款支付",
                "count": counts["payments_to_check"],
                "url": "/projects/?state=in_progress",
            },
            {
                "label": "待验收项目",
                "count": counts["final_submitted"],
                "url": "/projects/?state=final_submitted",
            },
            {"label": "逾期未验收项目", "count": counts["overdue"], "url": "/projects/?overdue=1"},
        ]
    if user.organization_id and user.account_state == AccountState.ACTIVE:
        reports = ProgressReport.objects.filter(
            project__solver_id=user.organization_id,
            project__state__in=ACTIVE_STATES,
            state=ReportState.DUE,
        )
        next_report = reports.order_by("due_on").first()
        if next_report is not None:
            items.append(
                {
                    "label": "待提交的项目进展报告",
                    "count": reports.count(),
                    "url": f"/projects/{next_report.project_id}/#progress",
                    "deadline": next_report.due_on,  # a date: due by the end of that day
                }
            )
    return items
