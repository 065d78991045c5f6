"""资金拨付: contract payments with vouchers, instalments of the fiscal subsidy, spending
and refunds. Every amount is `Decimal` yuan rounded to the fen (see `projects.money`)."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit, store_attachment
from jiebang.demands.selectors import call_params
from jiebang.eligibility.rules.project import check_disbursement
from jiebang.eligibility.snapshots import DisbursementCheck
from jiebang.projects import money
from jiebang.projects.enums import (
    ACTIVE_STATES,
    AcceptanceOutcome,
    BudgetCategory,
    DisbursementState,
    FundSource,
    PaymentState,
    ProjectState,
    RefundReason,
    Trigger,
)
from jiebang.projects.models import (
    Disbursement,
    Expenditure,
    IssuerPayment,
    Project,
    Refund,
)
from jiebang.projects.services._common import locked, tell_parties, touch

COMMITTED = (DisbursementState.APPROVED, DisbursementState.PAID)


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0.00")


def _positive(amount, label) -> Decimal:
    amount = money.to_fen(amount)
    if amount <= 0:
        raise DomainError("AMOUNT-INVALID", _("%(label)s应大于0。") % {"label": label})
    return amount


def _not_future(day: dt.date, label) -> None:
    if day > clock.today():
        raise DomainError("DATE-INVALID", _("%(label)s不能晚于今天。") % {"label": label})


def confirmed_paid(project: Project) -> Decimal:
    return _sum(project.payments.filter(state=PaymentState.CONFIRMED))


def committed_disbursed(project: Project) -> Decimal:
    return _sum(project.disbursements.filter(state__in=COMMITTED))


def reached_triggers(project: Project) -> set[str]:
    """The instalment triggers that have happened: initiation always; the mid-term (a
    horse race: "continue") once passed; acceptance once passed. An accepted project has
    passed every gate before it: one whose period held no mid-term (it was due after the
    planned end) is accepted without one, and its mid-term instalment is released too."""
    reached = {Trigger.INITIATION.value}
    if project.midterm_passed_on is not None:
        reached.add(Trigger.MIDTERM_PASSED.value)
    if project.acceptance_outcome in (
        AcceptanceOutcome.PASSED,
        AcceptanceOutcome.PASSED_AFTER_REWORK,
    ):
        reached.update({Trigger.MIDTERM_PASSED.value, Trigger.ACCEPTANCE.value})
    return reached


def next_trigger(project: Project) -> str:
    """The trigger of the first instalment not yet fully committed."""
    committed = committed_disbursed(project)
    for instalment in money.instalments(project.fiscal_total, project.instalment_plan):
        if committed < instalment.cumulative:
            return instalment.trigger
    return project.instalment_plan[-1]["trigger"]


@transaction.atomic
def record_payment(
    *, project_id: int, by, amount, paid_on: dt.date, reference: str, voucher_file, request=None
) -> IssuerPayment:
    """The payer records a payment of the contract amount with its voucher (TB: the issuer
    pays the solver; AT: the solver enterprise pays the holder).

    Refused when the project is closed, the date is in the future, or the payments would
    exceed the contract amount. Side effects: the voucher stored (checked by content); the
    payment in `recorded` (the bureau confirms it before it earns subsidy); audit entry.
    """
    project = locked(project_id)
    # An accepted project's last contract payment still earns the acceptance instalment.
    if project.state not in ACTIVE_STATES + (ProjectState.ACCEPTED,):
        raise DomainError("PROJECT-CLOSED", _("项目已结束，不能再登记合同款支付。"))
    amount = _positive(amount, _("支付金额"))
    _not_future(paid_on, _("支付日期"))
    if not (reference or "").strip():
        raise DomainError("REFERENCE-MISSING", _("请填写银行流水号或凭证号。"))
    paid_so_far = _sum(project.payments.exclude(state=PaymentState.REJECTED))
    if paid_so_far + amount > project.contract_amount:
        raise DomainError(
            "PAYMENT-OVER-CONTRACT",
            _("已登记支付%(a)s元，本次%(b)s元，合计超过技术合同金额%(c)s元。")
            % {"a": paid_so_far, "b": amount, "c": project.contract_amount},
        )
    voucher = store_attachment(
        uploaded_file=voucher_file, kind="payment_voucher", user=by, organization=by.organization
    )
    payment = IssuerPayment.objects.create(
        project=project,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        voucher=voucher,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    touch(project)
    project.save(update_fields=["updated_at"])
    record_audit(
        action="project.payment_recorded",
        actor=by,
        target=project,
        summary=f"登记合同款支付：{project.code}，{amount} 元（{paid_on}）",
        data={"payment": payment.pk, "amount": str(amount)},
        request=request,
    )
    return payment


@transaction.atomic
def check_payment(
    *, payment_id: int, by, confirmed: bool, note: str = "", request=None
) -> IssuerPayment:
    """The bureau confirms (or refuses, with a reason) a recorded payment against its voucher.

    Side effects: the payment `confirmed` | `rejected`; audit entry; the payer told.
    """
    payment = (
        IssuerPayment.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=payment_id)
    )
    if payment.state != PaymentState.RECORDED:
        raise DomainError("PAYMENT-CHECKED", _("该笔支付已核实过。"))
    if not confirmed and not note.strip():
        raise DomainError("REASON-REQUIRED", _("不予认定时请填写理由。"))
    if confirmed:
        payment.mark_confirmed()
    else:
        payment.mark_rejected()
    payment.checked_by, payment.checked_at, payment.check_note = by, clock.now(), note.strip()
    payment.save()
    project = payment.project
    record_audit(
        action="project.payment_confirmed" if confirmed else "project.payment_rejected",
        actor=by,
        target=project,
        summary=f"{'核实' if confirmed else '不予认定'}合同款支付：{project.code}，{payment.amount} 元",
        data={"payment": payment.pk, "note": note},
        request=request,
    )
    if not confirmed:
        tell_parties(
            project,
            _("合同款支付未予认定：%(code)s") % {"code": project.code},
            note,
        )
    return payment


def disbursement_check(project: Project, amount: Decimal) -> DisbursementCheck:
    first_phase = _sum(project.disbursements.filter(state__in=COMMITTED, first_phase=True))
    return DisbursementCheck(
        project_code=project.code,
        is_race=project.is_race,
        tech_contract_number=project.tech_contract_number,
        tech_contract_registered_on=project.tech_contract_registered_on,
        fiscal_total=project.fiscal_total,
        amount=amount,
        first_phase_disbursed=first_phase,
        gate_passed=project.midterm_passed_on is not None,
    )


@transaction.atomic
def approve_disbursement(
    *, project_id: int, by, trigger: str, amount, note: str = "", request=None
) -> Disbursement:
    """Approve one instalment of the fiscal subsidy.

    Refused, with the catalogue code where there is one, when: funding was stopped or the
    project is closed (FUNDING-STOPPED: a stopped horse-race route, a termination, 结题 or
    不通过); no registered technology contract (TECH-CONTRACT); a horse race before its
    "continue" decision would pass the first-phase cap (RACE-FIRST-PHASE-CAP); the
    instalment's trigger has not happened (FUND-TRIGGER); the total would pass what the
    plan releases at the triggers reached (FUND-OVER-PLAN), or what the confirmed contract
    payments have earned, ratio × paid, capped (FUND-OVER-EARNED).
    Side effects: the Disbursement in `approved` (first_phase marked for a horse race
    before its gate); audit entry; parties notified.
    """
    project = locked(project_id)
    if project.funding_stopped or project.state not in ACTIVE_STATES + (ProjectState.ACCEPTED,):
        raise DomainError(
            "FUNDING-STOPPED",
            _("项目%(code)s已%(s)s，不再拨付财政资金。")
            % {"code": project.code, "s": project.get_state_display()},
        )
    amount = _positive(amount, _("拨付金额"))
    if trigger not in Trigger.values:
        raise DomainError("FUND-TRIGGER", _("请选择拨付节点。"))
    # The rule reads the first-phase cap frozen on the project at initiation, not the call's
    # current value (a later edit of the call never changes a running project's money).
    params = dataclasses.replace(
        call_params(project.call),
        race_first_phase_cap_percent=project.race_first_phase_cap_percent,
    )
    findings = check_disbursement(disbursement_check(project, amount), params)
    if findings:
        raise DomainError(
            findings[0].code,
            "；".join(f.message for f in findings),
            details=[f.as_dict() for f in findings],
        )
    reached = reached_triggers(project)
    if trigger not in reached:
        raise DomainError(
            "FUND-TRIGGER",
            _("拨付节点“%(t)s”尚未达到。") % {"t": Trigger(trigger).label},
        )
    committed = committed_disbursed(project)
    ceiling = money.released_ceiling(project.fiscal_total, project.instalment_plan, reached)
    if committed + amount > ceiling:
        raise DomainError(
            "FUND-OVER-PLAN",
            _("按拨付计划，目前最多可拨付累计%(c)s元；已拨付（含已审批）%(d)s元，本次最多%(m)s元。")
            % {"c": ceiling, "d": committed, "m": max(ceiling - committed, Decimal("0.00"))},
        )
    paid = confirmed_paid(project)
    earned = money.earned_subsidy(
        paid, project.contract_amount, project.subsidy_ratio_percent, project.subsidy_cap
    )
    if committed + amount > earned:
        raise DomainError(
            "FUND-OVER-EARNED",
            _(
                "财政补助按合同实际支付额的%(r)s%%计算：已核实支付%(p)s元，可补助累计%(e)s元；"
                "已拨付（含已审批）%(d)s元，本次最多%(m)s元。"
            )
            % {
                "r": f"{project.subsidy_ratio_percent.normalize():f}",
                "p": paid,
                "e": earned,
                "d": committed,
                "m": max(earned - committed, Decimal("0.00")),
            },
        )
    disbursement = Disbursement.objects.create(
        project=project,
        trigger=trigger,
        amount=amount,
        first_phase=project.is_race and project.midterm_passed_on is None,
        approved_by=by,
        approved_at=clock.now(),
        note=note.strip(),
    )
    touch(project)
    project.save(update_fields=["updated_at"])
    record_audit(
        action="project.disbursement_approved",
        actor=by,
        target=project,
        summary=f"审批拨付：{project.code}，{Trigger(trigger).label} {amount} 元",
        data={"disbursement": disbursement.pk, "amount": str(amount), "trigger": trigger},
        request=request,
    )
    tell_parties(
        project, _("财政资金拨付已审批：%(code)s，%(a)s元") % {"code": project.code, "a": amount}
    )
    return disbursement


@transaction.atomic
def record_disbursement_paid(
    *, disbursement_id: int, by, paid_on: dt.date, voucher_file, request=None
) -> Disbursement:
    """The treasury transfer is done: record its date and voucher.

    Refused for a cancelled or already paid instalment and when the project's funding was
    stopped after approval (cancel it instead). Side effects: `paid`; audit; parties told.
    """
    disbursement = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=disbursement_id)
    )
    if disbursement.state != DisbursementState.APPROVED:
        raise DomainError("DISBURSEMENT-STATE", _("该笔拨付不处于待拨付状态。"))
    project = disbursement.project
    if project.funding_stopped:
        raise DomainError("FUNDING-STOPPED", _("项目已停止拨付，请撤销该笔审批。"))
    _not_future(paid_on, _("拨付日期"))
    disbursement.voucher = store_attachment(
        uploaded_file=voucher_file, kind="disbursement_voucher", user=by
    )
    disbursement.paid_on = paid_on
    disbursement.paid_recorded_by = by
    disbursement.mark_paid()
    disbursement.save()
    record_audit(
        action="project.disbursement_paid",
        actor=by,
        target=project,
        summary=f"拨付到账：{project.code}，{disbursement.amount} 元（{paid_on}）",
        data={"disbursement": disbursement.pk},
        request=request,
    )
    tell_parties(
        project,
        _("财政资金已拨付：%(code)s，%(a)s元") % {"code": project.code, "a": disbursement.amount},
    )
    return disbursement


@transaction.atomic
def cancel_disbursement(*, disbursement_id: int, by, reason: str, request=None) -> Disbursement:
    """Withdraw an approved, unpaid instalment. Side effects: `cancelled`; audit entry."""
    disbursement = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=disbursement_id)
    )
    if disbursement.state != DisbursementState.APPROVED:
        raise DomainError("DISBURSEMENT-STATE", _("只能撤销已审批、尚未拨付的款项。"))
    if not reason.strip():
        raise DomainError("REASON-REQUIRED", _("请填写撤销理由。"))
    disbursement.mark_cancelled()
    disbursement.note = f"{disbursement.note}（撤销：{reason.strip()}）"[:500]
    disbursement.save()
    record_audit(
        action="project.disbursement_cancelled",
        actor=by,
        target=disbursement.project,
        summary=f"撤销拨付：{disbursement.project.code}，{disbursement.amount} 元",
        data={"disbursement": disbursement.pk, "reason": reason},
        request=request,
    )
    return disbursement


@transaction.atomic
def record_expenditure(
    *,
    project_id: int,
    by,
    category: str,
    source: str,
    amount,
    spent_on: dt.date,
    description: str,
    voucher_file,
    request=None,
) -> Expenditure:
    """The solver reports spending with its voucher (budget versus actual).

    Side effects: the voucher stored; the Expenditure; audit entry.
    """
    project = locked(project_id)
    if project.state not in ACTIVE_STATES:
        raise DomainError("PROJECT-CLOSED", _("项目已结束，不能再登记支出。"))
    if category not in BudgetCategory.values or source not in FundSource.values:
        raise DomainError("CATEGORY-INVALID", _("请选择预算科目和资金来源。"))
    amount = _positive(amount, _("支出金额"))
    _not_future(spent_on, _("支出日期"))
    if spent_on < project.start_on:
        raise DomainError("DATE-INVALID", _("支出日期不能早于项目开始日期。"))
    if not description.strip():
        raise DomainError("DESCRIPTION-MISSING", _("请填写支出摘要。"))
    if source == FundSource.FISCAL:
        received = _sum(project.disbursements.filter(state=DisbursementState.PAID))
        spent = _sum(project.expenditures.filter(source=FundSource.FISCAL))
        if spent + amount > received:
            raise DomainError(
                "FISCAL-OVERSPENT",
                _("财政资金已到账%(r)s元、已支出%(s)s元，本次%(a)s元超出到账金额。")
                % {"r": received, "s": spent, "a": amount},
            )
    voucher = store_attachment(
        uploaded_file=voucher_file, kind="expense_voucher", user=by, organization=project.solver
    )
    expenditure = Expenditure.objects.create(
        project=project,
        category=category,
        source=source,
        amount=amount,
        spent_on=spent_on,
        description=description.strip(),
        voucher=voucher,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    record_audit(
        action="project.expenditure_recorded",
        actor=by,
        target=project,
        summary=f"登记支出：{project.code}，{expenditure.get_category_display()} {amount} 元",
        data={"expenditure": expenditure.pk, "amount": str(amount), "source": source},
        request=request,
    )
    return expenditure


def open_refund(project: Project, reason: str) -> Refund | None:
    """Stop the money after termination, 结题 or 不通过: approved, unpaid instalments are
    cancelled and the unspent fiscal balance (paid in minus fiscal spending) is due back
    within 30 days. Returns the Refund, or None when nothing is left to return."""
    for disbursement in project.disbursements.filter(state=DisbursementState.APPROVED):
        disbursement.mark_cancelled()
        disbursement.note = f"{disbursement.note}（项目{project.get_state_display()}，自动撤销）"[
            :500
        ]
        disbursement.save()
    project.funding_stopped = True
    received = _sum(project.disbursements.filter(state=DisbursementState.PAID))
    spent = _sum(project.expenditures.filter(source=FundSource.FISCAL))
    balance = money.unspent_balance(received, spent)
    if balance <= 0:
        return None
    return Refund.objects.create(
        project=project,
        reason=reason,
        amount_due=balance,
        due_on=clock.today() + dt.timedelta(days=30),
        created_at=clock.now(),
    )


@transaction.atomic
def settle_refund(
    *, refund_id: int, by, amount_returned, returned_on: dt.date, voucher_file, request=None
) -> Refund:
    """The bureau records the money returned. Refused when less than the amount due is
    returned. Side effects: `settled`; the voucher; audit entry."""
    refund = (
        Refund.objects.select_for_update(of=("self",)).select_related("project").get(pk=refund_id)
    )
    if refund.state != "open":
        raise DomainError("REFUND-SETTLED", _("该笔退回已办结。"))
    amount = _positive(amount_returned, _("退回金额"))
    if amount < refund.amount_due:
        raise DomainError(
            "REFUND-SHORT",
            _("应退%(d)s元，本次登记%(a)s元，不足部分请继续追缴。")
            % {"d": refund.amount_due, "a": amount},
        )
    _not_future(returned_on, _("退回日期"))
    refund.voucher = store_attachment(uploaded_file=voucher_file, kind="refund_voucher", user=by)
    refund.amount_returned, refund.returned_on = amount, returned_on
    refund.mark_settled()
    refund.save()
    record_audit(
        action="project.refund_settled",
        actor=by,
        target=refund.project,
        summary=f"资金退回办结：{refund.project.code}，{amount} 元",
        data={"refund": refund.pk, "amount": str(amount)},
        request=request,
    )
    return refund


__all__ = [
    "RefundReason",
    "approve_disbursement",
    "cancel_disbursement",
    "check_payment",
    "confirmed_paid",
    "committed_disbursed",
    "next_trigger",
    "open_refund",
    "reached_triggers",
    "record_disbursement_paid",
    "record_expenditure",
    "record_payment",
    "settle_refund",
]
