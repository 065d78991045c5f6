from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_instalment_plan():
    return [
        {"trigger": "initiation", "percent": "30"},
        {"trigger": "midterm_passed", "percent": "40"},
        {"trigger": "acceptance", "percent": "30"},
    ]


def default_proposal_criteria():
    return [
        {"name": "研究基础", "weight": 15},
        {"name": "目标任务", "weight": 15},
        {"name": "技术路线", "weight": 20},
        {"name": "团队实力", "weight": 15},
        {"name": "进度安排", "weight": 10},
        {"name": "预期成果", "weight": 15},
        {"name": "经费预算", "weight": 10},
    ]


def default_demand_criteria():
    return [
        {"name": "产业带动", "weight": 25},
        {"name": "研究基础", "weight": 25},
        {"name": "技术指标", "weight": 25},
        {"name": "财务指标", "weight": 25},
    ]


class Industry(models.Model):
    """A key industry (重点产业领域); each call chooses which it solicits."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("产业领域"), max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点产业领域")
        verbose_name_plural = _("重点产业领域")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


percent = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
positive = [MinValueValidator(1)]


class Call(models.Model):
    """One yearly round (年度征集批次): its windows and every rule parameter (domain.md §4, §7).

    Rules read their thresholds from here, never from constants, so another city or year
    changes them without code.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("批次名称"), max_length=200)
    guide_reference = models.CharField(_("申报指南文号/名称"), max_length=255, blank=True)
    is_active = models.BooleanField(_("当前批次"), default=True)
    accepts_tech_breakthrough = models.BooleanField(_("征集技术攻关类"), default=True)
    accepts_achievement_transfer = models.BooleanField(_("征集成果转化类"), default=True)
    industries = models.ManyToManyField(Industry, verbose_name=_("征集产业领域"), blank=True)

    # Windows (五(一)): inclusive to the second, Beijing time.
    submission_opens_at = models.DateTimeField(_("网上填报开始时间"))
    submission_closes_at = models.DateTimeField(_("网上填报截止时间"))
    recommendation_deadline = models.DateTimeField(_("区县推荐截止时间"))
    resubmission_deadline = models.DateTimeField(_("退回修改重新提交截止时间"))

    # Money and period (三).
    min_total_investment = models.DecimalField(
        _("项目投入总额下限（元）"), max_digits=14, decimal_places=2, default=Decimal("5000000.00")
    )
    normal_max_period_months = models.PositiveSmallIntegerField(
        _("实施周期一般上限（月）"), default=36, validators=positive
    )

    # Eligibility (二) and restrictions (四).
    issuer_min_registration_years = models.PositiveSmallIntegerField(
        _("发榜方在本市注册年限（年）"), default=1
    )
    credit_lookback_years = models.PositiveSmallIntegerField(_("信用记录回溯年限（年）"), default=3)
    credit_check_extends_to_transfer = models.BooleanField(
        _("成果转化类双方也核查严重失信记录"), default=False
    )
    overdue_threshold_years = models.PositiveSmallIntegerField(
        _("逾期未验收认定年限（年）"), default=1
    )
    unit_max_ongoing_projects = models.PositiveSmallIntegerField(
        _("单位市级研发在研项目上限（项）"), default=3
    )
    principal_count = models.PositiveSmallIntegerField(
        _("主要承担人人数（含负责人）"), default=3, validators=positive
    )
    person_max_load = models.PositiveSmallIntegerField(
        _("主要承担人在研+当年申报上限（项）"), default=2, validators=positive
    )
    audit_years = models.JSONField(_("审计报告年度"), default=list, blank=True)

    # Horse race (五(二)6).
    race_first_phase_cap_percent = models.DecimalField(
        _("赛马制首期资助上限（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=percent,
    )
    race_min_routes = models.PositiveSmallIntegerField(
        _("赛马制最少技术路线数"), default=2, validators=[MinValueValidator(2)]
    )

    # Later stages (domain.md §7), defaults where the guide is silent.
    expert_review_of_demands = models.BooleanField(_("发榜前进行需求专家论证"), default=True)
    demand_review_experts = models.PositiveSmallIntegerField(
        _("需求论证专家人数"), default=5, validators=positive
    )
    demand_review_criteria = models.JSONField(
        _("需求论证评审指标"), default=default_demand_criteria
    )
    proposal_review_experts = models.PositiveSmallIntegerField(
        _("揭榜评审专家人数"), default=5, validators=positive
    )
    proposal_review_criteria = models.JSONField(
        _("揭榜评审指标及权重"), default=default_proposal_criteria
    )
    score_spread_threshold = models.DecimalField(
        _("评分极差预警阈值（分）"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    conflict_lookback_years = models.PositiveSmallIntegerField(
        _("专家回避追溯年限（年）"), default=3
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"), default=5, validators=positive
    )
    subsidy_ratio_percent = models.DecimalField(
        _("财政补助比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=percent,
    )
    subsidy_cap = models.DecimalField(
        _("财政补助上限（元）"), max_digits=14, decimal_places=2, default=Decimal("3000000.00")
    )
    issuer_matching_ratio_percent = models.DecimalField(
        _("发榜方配套比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=percent,
    )
    instalment_plan = models.JSONField(_("拨付计划"), default=default_instalment_plan)
    midterm_after_months = models.PositiveSmallIntegerField(
        _("中期评估时间（立项后月数）"), default=12
    )
    progress_report_interval_months = models.PositiveSmallIntegerField(
        _("进展报告周期（月）"), default=6, validators=positive
    )
    progress_report_due_days = models.PositiveSmallIntegerField(
        _("进展报告提交期限（报告期结束后天数）"), default=15
    )
    change_request_min_months_before_end = models.PositiveSmallIntegerField(
        _("变更申请至少提前（月）"), default=3
    )
    max_extension_months = models.PositiveSmallIntegerField(_("延期上限（月）"), default=12)
    acceptance_rework_months = models.PositiveSmallIntegerField(_("整改期限（月）"), default=3)
    failed_acceptance_writes_credit = models.BooleanField(_("验收不通过记入信用记录"), default=True)

    class Meta:
        verbose_name = _("年度征集批次")
        verbose_name_plural = _("年度征集批次")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission_opens_at__lt=models.F("submission_closes_at")),
                name="call_window_order",
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation_deadline__gte=models.F("submission_closes_at")),
                name="call_recommendation_after_submission",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def effective_audit_years(self) -> list[int]:
        """The audit years of 五(二)4: as configured, else the two years before the call year."""
        return [int(y) for y in self.audit_years] or [self.year - 2, self.year - 1]
