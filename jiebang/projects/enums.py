from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectState(models.TextChoices):
    """Project lifecycle (domain.md §3, §7)."""

    INITIATED = "initiated", _("已立项")
    IN_PROGRESS = "in_progress", _("实施中")
    RECTIFYING = "rectifying", _("中期整改中")
    CONTINUED = "continued", _("赛马评估继续支持")
    FINAL_SUBMITTED = "final_submitted", _("已提交验收")
    REWORK = "rework", _("验收整改中")
    ACCEPTED = "accepted", _("已验收")
    CONCLUDED = "concluded", _("已结题")
    FAILED = "failed", _("验收不通过")
    TERMINATED = "terminated", _("已终止")


# Still running: the states a project can be overdue in, and those that count as 在研.
ACTIVE_STATES = (
    ProjectState.INITIATED,
    ProjectState.IN_PROGRESS,
    ProjectState.RECTIFYING,
    ProjectState.CONTINUED,
    ProjectState.FINAL_SUBMITTED,
    ProjectState.REWORK,
)
# Where the solver works on the project (reports, expenditures, change requests).
RUNNING_STATES = (
    ProjectState.IN_PROGRESS,
    ProjectState.RECTIFYING,
    ProjectState.CONTINUED,
)
CLOSED_STATES = (
    ProjectState.ACCEPTED,
    ProjectState.CONCLUDED,
    ProjectState.FAILED,
    ProjectState.TERMINATED,
)


class Trigger(models.TextChoices):
    """What releases an instalment of the fiscal subsidy (calls.Call.instalment_plan)."""

    INITIATION = "initiation", _("立项后")
    MIDTERM_PASSED = "midterm_passed", _("中期评估合格（赛马制：继续支持）后")
    ACCEPTANCE = "acceptance", _("验收通过后")


class MidtermOutcome(models.TextChoices):
    PASSED = "passed", _("合格")
    RECTIFY = "rectify", _("限期整改")
    TERMINATE = "terminate", _("终止")
    # Horse race (赛马制) stage gate, one decision per route (= per project).
    CONTINUE = "continue", _("继续支持")
    STOP = "stop", _("停止支持")


ORDINARY_MIDTERM_OUTCOMES = (
    MidtermOutcome.PASSED,
    MidtermOutcome.RECTIFY,
    MidtermOutcome.TERMINATE,
)
RACE_MIDTERM_OUTCOMES = (MidtermOutcome.CONTINUE, MidtermOutcome.RECTIFY, MidtermOutcome.STOP)


class AcceptanceOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    PASSED_AFTER_REWORK = "passed_after_rework", _("整改后通过")
    REWORK = "rework", _("限期整改（整改后复验）")
    CONCLUDED = "concluded", _("结题")
    FAILED = "failed", _("不通过")


class PaymentState(models.TextChoices):
    RECORDED = "recorded", _("待核实")
    CONFIRMED = "confirmed", _("已核实")
    REJECTED = "rejected", _("未予认定")


class DisbursementState(models.TextChoices):
    APPROVED = "approved", _("已审批待拨付")
    PAID = "paid", _("已拨付")
    CANCELLED = "cancelled", _("已撤销")


class BudgetCategory(models.TextChoices):
    """Budget categories of the 2021 central fiscal research-funding reform."""

    EQUIPMENT = "equipment", _("设备费")
    BUSINESS = "business", _("业务费")
    LABOUR = "labour", _("劳务费")
    INDIRECT = "indirect", _("间接费用")


class FundSource(models.TextChoices):
    FISCAL = "fiscal", _("财政资金")
    SELF = "self", _("自筹资金")


class ReportState(models.TextChoices):
    DUE = "due", _("待提交")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审阅")


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("延期")
    CONTENT = "content", _("研究内容/指标调整")
    TEAM = "team", _("项目负责人/团队变更")
    BUDGET = "budget", _("预算调剂")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


class RefundReason(models.TextChoices):
    TERMINATION = "termination", _("项目终止")
    CONCLUSION = "conclusion", _("结题结余")
    FAILURE = "failure", _("验收不通过")


class RefundState(models.TextChoices):
    OPEN = "open", _("待退回")
    SETTLED = "settled", _("已退回")
