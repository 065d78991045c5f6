from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.core import clock
from jiebang.projects.enums import (
    ACTIVE_STATES,
    RUNNING_STATES,
    AcceptanceOutcome,
    BudgetCategory,
    ChangeKind,
    ChangeState,
    DisbursementState,
    FundSource,
    MidtermOutcome,
    PaymentState,
    ProjectState,
    RefundReason,
    RefundState,
    ReportState,
    Trigger,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Project(FSMModelMixin, models.Model):
    """An initiated (立项) demand–solver pair: agreement, contract, funding, running, acceptance.

    The call's funding terms (ratio, cap, instalment plan) are copied at initiation so a
    later edit of the call never changes a running project's money.
    """

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="projects")
    demand = models.ForeignKey("demands.Demand", on_delete=models.PROTECT, related_name="projects")
    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="project"
    )
    issuer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("发榜单位"),
        on_delete=models.PROTECT,
        related_name="issued_projects",
    )
    solver = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("揭榜单位（承担单位）"),
        on_delete=models.PROTECT,
        related_name="solved_projects",
    )
    city_project = models.OneToOneField(
        "orgs.CityProject",
        on_delete=models.PROTECT,
        related_name="platform_project",
        null=True,
        blank=True,
    )
    title = models.CharField(_("项目名称"), max_length=255)
    category = models.CharField(_("类别"), max_length=24)
    is_race = models.BooleanField(_("赛马制项目"), default=False)
    route = models.ForeignKey(
        "demands.RaceRoute",
        verbose_name=_("技术路线"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ProjectState.choices,
        default=ProjectState.INITIATED,
        protected=True,
    )

    # Money (元, Decimal). fiscal_total = min(contract × ratio, cap), rounded to the fen.
    contract_amount = models.DecimalField(
        _("技术合同金额（元）"), **MONEY, validators=[MinValueValidator(0)]
    )
    total_investment = models.DecimalField(_("项目投入总额（元）"), **MONEY)
    subsidy_ratio_percent = models.DecimalField(
        _("财政补助比例（%）"), max_digits=5, decimal_places=2
    )
    subsidy_cap = models.DecimalField(_("财政补助上限（元）"), **MONEY)
    fiscal_total = models.DecimalField(_("财政资助总额（元）"), **MONEY)
    instalment_plan = models.JSONField(_("拨付计划"))
    race_first_phase_cap_percent = models.DecimalField(
        _("赛马制首期资助上限（%）"), max_digits=5, decimal_places=2
    )

    # Time.
    start_on = models.DateField(_("开始日期"))
    planned_end = models.DateField(_("计划结束日期"))
    original_end = models.DateField(_("原计划结束日期"))
    period_justification = models.TextField(_("超期说明"), blank=True)
    midterm_due_on = models.DateField(_("中期评估时间"))
    progress_interval_months = models.PositiveSmallIntegerField(_("进展报告周期（月）"), default=6)

    # Initiation documents.
    agreement_attachment = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("三方协议")
    )
    agreement_signed_on = models.DateField(_("三方协议签订日期"))
    tech_contract_number = models.CharField(_("技术合同登记号"), max_length=64, blank=True)
    tech_contract_registered_on = models.DateField(_("技术合同登记日期"), null=True, blank=True)
    tech_contract_attachment = models.ForeignKey(
        "core.Attachment",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("技术合同登记证明"),
    )

    # Gates and outcomes.
    midterm_passed_on = models.DateField(_("中期评估通过日期"), null=True, blank=True)
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    funding_stopped = models.BooleanField(_("已停止拨付"), default=False)
    final_submitted_at = models.DateTimeField(_("验收材料提交时间"), null=True, blank=True)
    reworked = models.BooleanField(_("已进行验收整改"), default=False)
    rework_deadline = models.DateField(_("验收整改期限"), null=True, blank=True)
    acceptance_outcome = models.CharField(
        _("验收结论"), max_length=24, choices=AcceptanceOutcome.choices, blank=True
    )
    acceptance_opinion = models.TextField(_("验收意见"), blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    overdue_since = models.DateField(_("逾期未验收起始日"), null=True, blank=True)

    initiated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    initiated_at = models.DateTimeField(_("立项时间"))
    updated_at = models.DateTimeField(_("最后修改"))

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-initiated_at", "-id"]
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["solver", "state"]),
            models.Index(fields=["issuer", "state"]),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def payer_id(self) -> int:
        """Who pays the contract amount: the issuer for 技术攻关 (it funds the solver's R&D),
        the solver enterprise for 成果转化 (it buys the transfer)."""
        return self.issuer_id if self.category == "tech_breakthrough" else self.solver_id

    @property
    def has_tech_contract(self) -> bool:
        return bool(self.tech_contract_number and self.tech_contract_registered_on)

    @transition(field=state, source=ProjectState.INITIATED, target=ProjectState.IN_PROGRESS)
    def mark_in_progress(self):
        pass

    @transition(
        field=state,
        source=[ProjectState.IN_PROGRESS, ProjectState.RECTIFYING],
        target=ProjectState.IN_PROGRESS,
    )
    def mark_midterm_passed(self):
        pass

    @transition(
        field=state,
        source=[ProjectState.IN_PROGRESS, ProjectState.RECTIFYING],
        target=ProjectState.CONTINUED,
    )
    def mark_continued(self):
        pass

    @transition(field=state, source=ProjectState.IN_PROGRESS, target=ProjectState.RECTIFYING)
    def mark_rectifying(self):
        pass

    @transition(
        field=state,
        source=[ProjectState.IN_PROGRESS, ProjectState.CONTINUED, ProjectState.REWORK],
        target=ProjectState.FINAL_SUBMITTED,
    )
    def mark_final_submitted(self):
        pass

    @transition(field=state, source=ProjectState.FINAL_SUBMITTED, target=ProjectState.REWORK)
    def mark_rework(self):
        pass

    @transition(field=state, source=ProjectState.FINAL_SUBMITTED, target=ProjectState.ACCEPTED)
    def mark_accepted(self):
        pass

    @transition(
        field=state,
        source=[ProjectState.FINAL_SUBMITTED, ProjectState.REWORK],
        target=ProjectState.CONCLUDED,
    )
    def mark_concluded(self):
        pass

    @transition(
        field=state,
        source=[ProjectState.FINAL_SUBMITTED, ProjectState.REWORK],
        target=ProjectState.FAILED,
    )
    def mark_failed(self):
        pass

    @transition(field=state, source=list(ACTIVE_STATES), target=ProjectState.TERMINATED)
    def mark_terminated(self):
        pass


class ProjectIndicator(models.Model):
    """A task-book indicator (from the demand) and, at acceptance, what was achieved."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("指标名称"), max_length=200)
    target_value = models.CharField(_("目标值"), max_length=200)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    test_method = models.CharField(_("考核/检测方式"), max_length=300, blank=True)
    achieved_value = models.CharField(_("完成值"), max_length=200, blank=True)
    achieved = models.BooleanField(_("是否达到"), null=True)
    explanation = models.CharField(_("完成情况说明"), max_length=1000, blank=True)
    evidence = models.ForeignKey(
        "core.Attachment",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("佐证材料"),
    )

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="project_indicator_position"
            )
        ]


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    deliverable = models.CharField(_("考核成果"), max_length=500, blank=True)
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    completion_note = models.CharField(_("完成情况"), max_length=1000, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="project_milestone_position"
            )
        ]


class BudgetLine(models.Model):
    """The task book's budget for one category and source (budget versus actual)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="budget_lines")
    category = models.CharField(_("科目"), max_length=16, choices=BudgetCategory.choices)
    source = models.CharField(_("资金来源"), max_length=8, choices=FundSource.choices)
    amount = models.DecimalField(_("预算（元）"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["project", "source", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "source"], name="budget_line_unique"
            )
        ]


class Expenditure(models.Model):
    """Money actually spent, reported by the solver with its voucher."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenditures")
    category = models.CharField(_("科目"), max_length=16, choices=BudgetCategory.choices)
    source = models.CharField(_("资金来源"), max_length=8, choices=FundSource.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(0)])
    spent_on = models.DateField(_("支出日期"))
    description = models.CharField(_("摘要"), max_length=300)
    voucher = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("凭证")
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["project", "spent_on", "id"]


class IssuerPayment(FSMModelMixin, models.Model):
    """A payment of the contract amount by the payer (TB: the issuer; AT: the solver
    enterprise) to the other party, with its voucher; confirmed payments earn the subsidy."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("支付金额（元）"), **MONEY, validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("支付日期"))
    reference = models.CharField(_("银行流水号/凭证号"), max_length=64)
    voucher = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("支付凭证")
    )
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=PaymentState.choices,
        default=PaymentState.RECORDED,
        protected=True,
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.CharField(_("核实意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("合同款支付")
        verbose_name_plural = _("合同款支付")
        ordering = ["project", "paid_on", "id"]

    @transition(field=state, source=PaymentState.RECORDED, target=PaymentState.CONFIRMED)
    def mark_confirmed(self):
        pass

    @transition(field=state, source=PaymentState.RECORDED, target=PaymentState.REJECTED)
    def mark_rejected(self):
        pass


class Disbursement(FSMModelMixin, models.Model):
    """One instalment of the fiscal subsidy (资金拨付): approved, then paid with a voucher."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disbursements")
    trigger = models.CharField(_("拨付节点"), max_length=16, choices=Trigger.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(0)])
    first_phase = models.BooleanField(_("赛马制首期"), default=False)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=DisbursementState.choices,
        default=DisbursementState.APPROVED,
        protected=True,
    )
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    voucher = models.ForeignKey(
        "core.Attachment",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("拨付凭证"),
    )
    paid_recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["project", "approved_at", "id"]

    @transition(field=state, source=DisbursementState.APPROVED, target=DisbursementState.PAID)
    def mark_paid(self):
        pass

    @transition(field=state, source=DisbursementState.APPROVED, target=DisbursementState.CANCELLED)
    def mark_cancelled(self):
        pass


class Refund(FSMModelMixin, models.Model):
    """Fiscal money to be returned after termination, 结题 or failure."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="refunds")
    reason = models.CharField(_("原因"), max_length=16, choices=RefundReason.choices)
    amount_due = models.DecimalField(
        _("应退金额（元）"), **MONEY, validators=[MinValueValidator(0)]
    )
    due_on = models.DateField(_("退回期限"))
    state = FSMField(
        _("状态"),
        max_length=8,
        choices=RefundState.choices,
        default=RefundState.OPEN,
        protected=True,
    )
    amount_returned = models.DecimalField(_("已退金额（元）"), **MONEY, null=True, blank=True)
    returned_on = models.DateField(_("退回日期"), null=True, blank=True)
    voucher = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("资金退回")
        verbose_name_plural = _("资金退回")
        ordering = ["project", "created_at"]

    @transition(field=state, source=RefundState.OPEN, target=RefundState.SETTLED)
    def mark_settled(self):
        pass


class ProgressReport(FSMModelMixin, models.Model):
    """A periodic progress report (进展报告), due every `progress_interval_months`."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    sequence = models.PositiveSmallIntegerField(_("期次"))
    period_end = models.DateField(_("报告期截止"))
    due_on = models.DateField(_("提交期限"))
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ReportState.choices,
        default=ReportState.DUE,
        protected=True,
    )
    progress = models.TextField(_("工作进展"), blank=True, max_length=5000)
    problems = models.TextField(_("存在问题及措施"), blank=True, max_length=3000)
    next_steps = models.TextField(_("下一步计划"), blank=True, max_length=3000)
    attachment = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_note = models.CharField(_("审阅意见"), max_length=1000, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True)
    reminded_late_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="report_sequence")
        ]

    @property
    def is_late(self) -> bool:
        """Submitted after its due date, or still missing after it."""
        if self.submitted_at is None:
            return clock.today() > self.due_on
        return clock.beijing(self.submitted_at).date() > self.due_on

    @transition(field=state, source=ReportState.DUE, target=ReportState.SUBMITTED)
    def mark_submitted(self):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.REVIEWED)
    def mark_reviewed(self):
        pass


class ChangeRequest(FSMModelMixin, models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("变更类型"), max_length=16, choices=ChangeKind.choices)
    extension_months = models.PositiveSmallIntegerField(_("延期月数"), null=True, blank=True)
    reason = models.TextField(_("变更理由"), max_length=3000)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ChangeState.choices,
        default=ChangeState.PENDING,
        protected=True,
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["project", "filed_at"]

    @transition(field=state, source=ChangeState.PENDING, target=ChangeState.APPROVED)
    def mark_approved(self):
        pass

    @transition(field=state, source=ChangeState.PENDING, target=ChangeState.REJECTED)
    def mark_rejected(self):
        pass


class MidtermEvaluation(models.Model):
    """A mid-term evaluation / horse-race stage gate and its outcome."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="midterms")
    outcome = models.CharField(_("评估结论"), max_length=16, choices=MidtermOutcome.choices)
    opinion = models.TextField(_("评估意见"), max_length=3000)
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    evaluated_on = models.DateField(_("评估日期"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("中期评估")
        verbose_name_plural = _("中期评估")
        ordering = ["project", "decided_at"]


class FinalReport(models.Model):
    """The solver's acceptance application (验收申请 / 总结报告); one per submission."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="final_reports")
    round_number = models.PositiveSmallIntegerField(_("提交次数"))
    summary = models.TextField(_("总结报告"), max_length=8000)
    outputs = models.TextField(_("成果与效益"), max_length=5000, blank=True)
    attachment = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    snapshot = models.JSONField(_("指标完成情况"), default=list)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["project", "round_number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round_number"], name="final_report_round")
        ]


class ResearchAssistantPost(models.Model):
    """Research-assistant posts (科研助理岗位) created by the project for graduates (五(二)10)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assistant_posts")
    title = models.CharField(_("岗位名称"), max_length=100)
    openings = models.PositiveSmallIntegerField(_("岗位数"), validators=[MinValueValidator(1)])
    created_on = models.DateField(_("设岗日期"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "created_on", "id"]


class ResearchAssistantHire(models.Model):
    post = models.ForeignKey(ResearchAssistantPost, on_delete=models.PROTECT, related_name="hires")
    name = models.CharField(_("姓名"), max_length=64)
    school = models.CharField(_("毕业院校"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"))
    hired_on = models.DateField(_("聘用日期"))

    class Meta:
        ordering = ["post", "hired_on", "id"]


__all__ = [
    "AcceptanceOutcome",
    "BudgetLine",
    "ChangeRequest",
    "Disbursement",
    "Expenditure",
    "FinalReport",
    "IssuerPayment",
    "MidtermEvaluation",
    "MidtermOutcome",
    "Milestone",
    "ProgressReport",
    "Project",
    "ProjectIndicator",
    "Refund",
    "ResearchAssistantHire",
    "ResearchAssistantPost",
]
