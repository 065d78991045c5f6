"""立项: a selected proposal becomes a project; the technology contract is registered."""

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit, store_attachment
from jiebang.demands.enums import Category
from jiebang.demands.selectors import call_params
from jiebang.demands.services.submission import next_receipt_number
from jiebang.eligibility.engine import blocking
from jiebang.eligibility.rules.project import check_project_terms
from jiebang.eligibility.snapshots import ProjectTermsCheck
from jiebang.orgs.enums import CityProjectStatus, RecordSource
from jiebang.orgs.models import CityProject, CityProjectPrincipal
from jiebang.projects import money
from jiebang.projects.enums import BudgetCategory, FundSource, ProjectState
from jiebang.projects.models import (
    BudgetLine,
    Milestone,
    ProgressReport,
    Project,
    ProjectIndicator,
)
from jiebang.projects.services._common import locked, require_state, tell_parties, touch
from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal

CONTRACT_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{7,39}$")


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def planned_end_for(start_on: dt.date, period_months: int) -> dt.date:
    """The last day of a project of `period_months` starting on `start_on`
    (36 months from 2025-01-01 end on 2027-12-31)."""
    return add_months(start_on, period_months) - dt.timedelta(days=1)


def _amount(value, label: str) -> Decimal:
    try:
        amount = money.to_fen(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise DomainError(
            "AMOUNT-INVALID", _("%(label)s不是有效金额。") % {"label": label}
        ) from error
    if amount < 0:
        raise DomainError("AMOUNT-INVALID", _("%(label)s不能为负数。") % {"label": label})
    return amount


def _clean_milestones(rows: list[dict], start_on: dt.date, planned_end: dt.date) -> list[dict]:
    cleaned = []
    for number, row in enumerate(rows, 1):
        title = (row.get("title") or "").strip()
        due_on = row.get("due_on")
        if not title and not due_on:
            continue
        if not title or not due_on:
            raise DomainError(
                "MILESTONE-INVALID",
                _("第%(n)d个里程碑须同时填写名称和计划完成日期。") % {"n": number},
            )
        if not start_on <= due_on <= planned_end:
            raise DomainError(
                "MILESTONE-INVALID",
                _("里程碑“%(t)s”的计划完成日期应在项目周期（%(a)s 至 %(b)s）内。")
                % {"t": title, "a": start_on, "b": planned_end},
            )
        cleaned.append(
            {
                "title": title,
                "due_on": due_on,
                "deliverable": (row.get("deliverable") or "").strip(),
            }
        )
    if not cleaned:
        raise DomainError("MILESTONE-MISSING", _("任务书至少应有一个里程碑。"))
    return cleaned


def _clean_budget(budget: dict, total_investment: Decimal, fiscal_total: Decimal) -> list[tuple]:
    """`budget` maps (category, source) to an amount. The fiscal lines add up to the fiscal
    funding and all lines to the total investment, to the fen."""
    lines = []
    for category in BudgetCategory.values:
        for source in FundSource.values:
            raw = budget.get((category, source))
            amount = _amount(raw or 0, _("预算金额"))
            if amount:
                lines.append((category, source, amount))
    fiscal = sum((a for _c, s, a in lines if s == FundSource.FISCAL), Decimal("0.00"))
    total = sum((a for *_rest, a in lines), Decimal("0.00"))
    if fiscal != fiscal_total:
        raise DomainError(
            "BUDGET-MISMATCH",
            _("财政资金预算合计%(a)s元，应等于财政资助总额%(b)s元。")
            % {"a": fiscal, "b": fiscal_total},
        )
    if total != total_investment:
        raise DomainError(
            "BUDGET-MISMATCH",
            _("预算合计%(a)s元，应等于项目投入总额%(b)s元。") % {"a": total, "b": total_investment},
        )
    return lines


def fiscal_total_for(proposal: Proposal, contract_amount) -> Decimal:
    call = proposal.demand.call
    return money.fiscal_total(contract_amount, call.subsidy_ratio_percent, call.subsidy_cap)


def report_schedule(start_on: dt.date, planned_end: dt.date, interval: int, due_days: int):
    """(sequence, period_end, due_on) of every periodic report inside the project period;
    the final report (验收) covers the last stretch."""
    rows, sequence = [], 1
    while True:
        period_end = add_months(start_on, interval * sequence) - dt.timedelta(days=1)
        if period_end >= planned_end:
            return rows
        rows.append((sequence, period_end, period_end + dt.timedelta(days=due_days)))
        sequence += 1


@transaction.atomic
def initiate_project(
    *,
    proposal_id: int,
    by,
    agreement_file,
    agreement_signed_on: dt.date,
    contract_amount,
    start_on: dt.date,
    period_months: int,
    total_investment,
    milestones: list[dict],
    budget: dict,
    period_justification: str = "",
    request=None,
) -> Project:
    """立项: turn a selected proposal into a project with its task book.

    Refused (nothing written) when the proposal is not `selected` or already initiated,
    when FUND-MIN / PERIOD-MAX (without justification) fail on the task book, when the
    milestones are outside the period or the budget does not add up.
    Side effects: the three-party agreement stored (checked by content); the Project in
    `initiated` with its code, frozen funding terms (fiscal total = ratio × contract amount,
    capped; the call's instalment plan, a horse race's held to the first-phase cap),
    indicators copied from the demand, milestones, budget lines and the progress-report
    schedule; its mirror in the city-project register (承担单位 = the lead solver, partner =
    the issuer, principals = the proposal team) so the restrictions of 四 count it; audit
    entry; both parties notified.
    """
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("demand__call", "lead", "route")
        .get(pk=proposal_id)
    )
    if proposal.state != ProposalState.SELECTED:
        raise DomainError(
            "PROPOSAL-NOT-SELECTED",
            _("只有揭榜成功的申请才能立项，该申请当前状态为“%(s)s”。")
            % {"s": proposal.get_state_display()},
        )
    if Project.objects.filter(proposal=proposal).exists():
        raise DomainError("PROJECT-EXISTS", _("该揭榜申请已立项，请勿重复提交。"))
    demand, call = proposal.demand, proposal.demand.call
    contract_amount = _amount(contract_amount, _("技术合同金额"))
    total_investment = _amount(total_investment, _("项目投入总额"))
    if contract_amount <= 0:
        raise DomainError("AMOUNT-INVALID", _("技术合同金额应大于0。"))
    if not period_months or period_months < 1:
        raise DomainError("PERIOD-INVALID", _("请填写项目实施周期（月）。"))
    if agreement_signed_on > clock.today():
        raise DomainError("DATE-INVALID", _("三方协议签订日期不能晚于今天。"))
    findings = check_project_terms(
        ProjectTermsCheck(
            total_investment=total_investment,
            period_months=period_months,
            period_justification=period_justification,
        ),
        call_params(call),
    )
    if blocking(findings):
        raise DomainError(
            "PROJECT-INELIGIBLE",
            "；".join(f.message for f in blocking(findings)),
            details=[f.as_dict() for f in findings],
        )
    planned_end = planned_end_for(start_on, period_months)
    milestone_rows = _clean_milestones(milestones, start_on, planned_end)
    fiscal_total = money.fiscal_total(contract_amount, call.subsidy_ratio_percent, call.subsidy_cap)
    budget_lines = _clean_budget(budget, total_investment, fiscal_total)
    plan = call.instalment_plan
    if demand.is_horse_race:
        plan = money.race_plan(plan, call.race_first_phase_cap_percent)
    stored = store_attachment(
        uploaded_file=agreement_file,
        kind="tripartite_agreement",
        user=by,
        organization=proposal.lead,
    )
    now = clock.now()
    code = next_receipt_number(call.year, "XM")
    is_tb = demand.category == Category.TECH_BREAKTHROUGH
    city_project = CityProject.objects.create(
        code=code,
        title=demand.title,
        organization=proposal.lead,
        partner=demand.organization,
        year=start_on.year,
        is_rnd=is_tb,
        status=CityProjectStatus.ONGOING,
        planned_end=planned_end,
        source=RecordSource.PLATFORM,
    )
    CityProjectPrincipal.objects.bulk_create(
        [
            CityProjectPrincipal(project=city_project, person_id=m.person_id, position=m.position)
            for m in proposal.team.all()
        ]
    )
    project = Project.objects.create(
        code=code,
        call=call,
        demand=demand,
        proposal=proposal,
        issuer=demand.organization,
        solver=proposal.lead,
        city_project=city_project,
        title=demand.title if not proposal.route_id else f"{demand.title}（{proposal.route.name}）",
        category=demand.category,
        is_race=demand.is_horse_race,
        route=proposal.route,
        contract_amount=contract_amount,
        total_investment=total_investment,
        subsidy_ratio_percent=call.subsidy_ratio_percent,
        subsidy_cap=call.subsidy_cap,
        fiscal_total=fiscal_total,
        instalment_plan=[{"trigger": s["trigger"], "percent": str(s["percent"])} for s in plan],
        race_first_phase_cap_percent=call.race_first_phase_cap_percent,
        start_on=start_on,
        planned_end=planned_end,
        original_end=planned_end,
        period_justification=period_justification.strip(),
        midterm_due_on=add_months(start_on, call.midterm_after_months),
        progress_interval_months=call.progress_report_interval_months,
        agreement_attachment=stored,
        agreement_signed_on=agreement_signed_on,
        initiated_by=by,
        initiated_at=now,
        updated_at=now,
    )
    ProjectIndicator.objects.bulk_create(
        [
            ProjectIndicator(
                project=project,
                position=i.position,
                name=i.name,
                target_value=i.target_value,
                unit=i.unit,
                test_method=i.test_method,
            )
            for i in demand.indicators.all()
        ]
    )
    Milestone.objects.bulk_create(
        [Milestone(project=project, position=n, **row) for n, row in enumerate(milestone_rows, 1)]
    )
    BudgetLine.objects.bulk_create(
        [BudgetLine(project=project, category=c, source=s, amount=a) for c, s, a in budget_lines]
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(project=project, sequence=n, period_end=end, due_on=due)
            for n, end, due in report_schedule(
                start_on,
                planned_end,
                call.progress_report_interval_months,
                call.progress_report_due_days,
            )
        ]
    )
    record_audit(
        action="project.initiated",
        actor=by,
        target=project,
        summary=f"立项：{project.code} {project.title}，合同金额 {contract_amount} 元，"
        f"财政资助总额 {fiscal_total} 元",
        data={
            "proposal": proposal.number,
            "contract_amount": str(contract_amount),
            "fiscal_total": str(fiscal_total),
            "plan": project.instalment_plan,
        },
        request=request,
    )
    tell_parties(
        project,
        _("项目已立项：%(code)s") % {"code": project.code},
        _("请揭榜方尽快办理技术合同认定登记并录入登记号；登记前不能拨付财政资金。"),
    )
    return project


@transaction.atomic
def register_tech_contract(
    *, project_id: int, by, number: str, registered_on: dt.date, uploaded_file=None, request=None
) -> Project:
    """Record the registered technology contract (技术合同登记, TECH-CONTRACT).

    Side effects: the number, date and (optional) certificate file; the first registration
    moves the project initiated → in_progress; audit entry; parties notified.
    """
    project = locked(project_id)
    require_state(
        project,
        ProjectState.INITIATED,
        ProjectState.IN_PROGRESS,
        ProjectState.RECTIFYING,
        ProjectState.CONTINUED,
        action=_("登记技术合同"),
    )
    number = (number or "").strip()
    if not CONTRACT_NUMBER.match(number):
        raise DomainError(
            "CONTRACT-NUMBER-INVALID",
            _("技术合同登记号应为8至40位数字、字母或连字符，请按登记证明填写。"),
        )
    if registered_on > clock.today():
        raise DomainError("DATE-INVALID", _("登记日期不能晚于今天。"))
    if registered_on < project.agreement_signed_on:
        raise DomainError("DATE-INVALID", _("技术合同登记日期不能早于三方协议签订日期。"))
    if uploaded_file is not None:
        project.tech_contract_attachment = store_attachment(
            uploaded_file=uploaded_file, kind="tech_contract", user=by, organization=project.solver
        )
    first = not project.has_tech_contract
    project.tech_contract_number = number
    project.tech_contract_registered_on = registered_on
    if project.state == ProjectState.INITIATED:
        project.mark_in_progress()
    touch(project)
    project.save()
    record_audit(
        action="project.tech_contract_registered",
        actor=by,
        target=project,
        summary=f"登记技术合同：{project.code}，登记号 {number}",
        data={"number": number, "registered_on": str(registered_on), "first": first},
        request=request,
    )
    tell_parties(project, _("技术合同已登记：%(code)s") % {"code": project.code})
    return project
