from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.core.fields import EncryptedCharField
from jiebang.demands.enums import (
    Category,
    DemandState,
    IPKind,
    ResearchLevel,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Demand(FSMModelMixin, models.Model):
    """A technical demand (需求 / 榜单) posted by an issuer for one call.

    Content is edited while `draft` or `returned`; each submission freezes an immutable
    `DemandVersion`. State changes only through `demands.services`.
    """

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="demands")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("发榜方"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("需求类别"), max_length=24, choices=Category.choices)
    state = FSMField(
        _("状态"),
        max_length=20,
        choices=DemandState.choices,
        default=DemandState.DRAFT,
        protected=True,
    )
    number = models.CharField(_("需求编号"), max_length=32, unique=True, null=True, blank=True)

    # 基本信息
    title = models.CharField(_("需求名称"), max_length=120)
    industry = models.ForeignKey(
        "calls.Industry",
        verbose_name=_("所属产业领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    summary = models.TextField(_("需求概述"), blank=True, max_length=2000)
    problem = models.TextField(_("技术难题与攻关目标"), blank=True, max_length=5000)
    is_horse_race = models.BooleanField(_("赛马制（多团队、不同技术路线同步攻关）"), default=False)
    is_classified = models.BooleanField(_("涉及涉密内容"), default=False)
    involves_ethics = models.BooleanField(_("涉及科技伦理或科技安全"), default=False)
    ethics_review_record = models.TextField(_("伦理/安全审查情况"), blank=True, max_length=2000)
    priority_common_tech = models.BooleanField(_("属于产业共性技术"), default=False)
    priority_first_set = models.BooleanField(_("属于首台（套）重大装备"), default=False)
    priority_public_benefit = models.BooleanField(
        _("属于公益性、辐射带动效应显著的成果"), default=False
    )

    # 指标与要求
    time_requirement = models.TextField(_("时限要求"), blank=True, max_length=2000)
    ip_terms = models.TextField(_("知识产权归属"), blank=True, max_length=2000)
    solver_conditions = models.TextField(_("对揭榜方的条件要求"), blank=True, max_length=3000)

    # 投入与周期
    total_investment = models.DecimalField(
        _("项目投入总额（元）"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    investment_breakdown = models.TextField(_("投入构成说明"), blank=True, max_length=3000)
    period_months = models.PositiveSmallIntegerField(_("实施周期（月）"), null=True, blank=True)
    period_justification = models.TextField(_("超过一般周期的理由"), blank=True, max_length=2000)

    # 技术攻关类
    declares_end_user = models.BooleanField(_("本单位是该技术的最终用户或用户代表"), default=False)
    commits_funding = models.BooleanField(
        _("承诺保障科研投入并提供研发实施支持和配套条件"), default=False
    )
    support_conditions = models.TextField(_("研发实施支持和配套条件"), blank=True, max_length=3000)

    # 成果转化类
    success_cases = models.TextField(_("成功案例"), blank=True, max_length=3000)
    transfer_team = models.TextField(_("成果转化支撑队伍情况"), blank=True, max_length=3000)

    # 联系人
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)

    current_version = models.PositiveIntegerField(_("当前版本"), default=0)
    # Optimistic lock of the editor: every saved change of the content adds one; a save that
    # was loaded at an older number is refused (demands.services.check_edit_version).
    edit_version = models.PositiveIntegerField(_("编辑版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("最后修改"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    state_reason = models.TextField(_("处理意见"), blank=True)
    resubmit_by = models.DateTimeField(_("退回后重新提交截止时间"), null=True, blank=True)

    # 榜单发布
    publication = models.ForeignKey(
        "PublicationBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="demands"
    )
    published_at = models.DateTimeField(_("发榜时间"), null=True, blank=True, db_index=True)
    solicitation_deadline = models.DateTimeField(_("揭榜截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["call", "state"]),
            models.Index(fields=["organization", "state"]),
        ]

    def __str__(self):
        return f"{self.number or '草稿'} {self.title}"

    @property
    def is_tech_breakthrough(self) -> bool:
        return self.category == Category.TECH_BREAKTHROUGH

    @transition(
        field=state, source=[DemandState.DRAFT, DemandState.RETURNED], target=DemandState.SUBMITTED
    )
    def mark_submitted(self):
        pass

    @transition(
        field=state,
        source=[DemandState.DRAFT, DemandState.SUBMITTED, DemandState.RETURNED],
        target=DemandState.WITHDRAWN,
    )
    def mark_withdrawn(self):
        pass

    # 审核推荐: the district recommends, returns or declines a submitted demand.
    @transition(field=state, source=DemandState.SUBMITTED, target=DemandState.RECOMMENDED)
    def mark_recommended(self):
        pass

    @transition(
        field=state,
        source=[DemandState.SUBMITTED, DemandState.RECOMMENDED],
        target=DemandState.RETURNED,
    )
    def mark_returned(self):
        pass

    @transition(field=state, source=DemandState.SUBMITTED, target=DemandState.NOT_RECOMMENDED)
    def mark_not_recommended(self):
        pass

    # 形式审查: the bureau accepts or rejects (a unit outside the city has no district, so the
    # bureau acts on its submitted demand directly; the service enforces that).
    @transition(
        field=state,
        source=[DemandState.RECOMMENDED, DemandState.SUBMITTED],
        target=DemandState.ACCEPTED,
    )
    def mark_accepted(self):
        pass

    @transition(
        field=state,
        source=[DemandState.RECOMMENDED, DemandState.SUBMITTED],
        target=DemandState.REJECTED,
    )
    def mark_rejected(self):
        pass

    # 需求论证 (expert review of demands, [4/9]); skipped when the call does not require it.
    @transition(field=state, source=DemandState.ACCEPTED, target=DemandState.APPROVED)
    def mark_approved(self):
        pass

    @transition(field=state, source=DemandState.ACCEPTED, target=DemandState.DECLINED)
    def mark_declined(self):
        pass

    # 榜单发布
    @transition(
        field=state,
        source=[DemandState.APPROVED, DemandState.ACCEPTED],
        target=DemandState.PUBLISHED,
    )
    def mark_published(self):
        pass

    # 开榜: a published demand ends matched (solvers selected) or unsolved (流榜).
    @transition(field=state, source=DemandState.PUBLISHED, target=DemandState.MATCHED)
    def mark_matched(self):
        pass

    @transition(field=state, source=DemandState.PUBLISHED, target=DemandState.UNSOLVED)
    def mark_unsolved(self):
        pass


class DemandIndicator(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("指标名称"), max_length=200)
    target_value = models.CharField(_("目标值"), max_length=200)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    test_method = models.CharField(_("考核/检测方式"), max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "position"], name="indicator_position")
        ]


class DemandFinancial(models.Model):
    """Sales revenue and R&D spend of one audit year (技术攻关类, 五（二）4)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="financials")
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("销售收入（元）"), **MONEY, null=True, blank=True)
    rnd_spend = models.DecimalField(_("研发投入（元）"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["demand", "year"], name="financial_year")]


class DemandResearchTask(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="research_tasks")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("任务名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=16, choices=ResearchLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    role = models.CharField(_("承担角色"), max_length=64, blank=True)

    class Meta:
        ordering = ["position"]


class DemandIPItem(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="ip_items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("类型"), max_length=24, choices=IPKind.choices)
    number = models.CharField(_("授权号/登记号"), max_length=64)
    owner = models.CharField(_("权利人"), max_length=200)
    legal_status = models.CharField(_("法律状态"), max_length=64)

    class Meta:
        ordering = ["position"]


class RaceRoute(models.Model):
    """One technical route of a horse-race demand, with its own R&D investment (五（二）6)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="routes")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("技术路线"), max_length=200)
    description = models.TextField(_("路线说明"), blank=True, max_length=2000)
    rnd_investment = models.DecimalField(_("研发投入（元）"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["position"]


class DemandTeamMember(models.Model):
    """The ordered team; position 1 is the leader, the first three are the principals."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="team")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="demand_roles")
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    responsibility = models.CharField(_("分工"), max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "position"], name="team_position"),
            models.UniqueConstraint(fields=["demand", "person"], name="team_person"),
        ]


class DemandAttachment(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "year", "id"]


class DemandVersion(models.Model):
    """An immutable copy of a demand as submitted: content, attachment digests, SM3 digest."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    receipt_number = models.CharField(_("回执编号"), max_length=40, unique=True)
    content = models.JSONField(_("内容"))
    digest = models.CharField(_("SM3摘要"), max_length=64)
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.JSONField(_("提交时的审查提示"), default=list)

    class Meta:
        verbose_name = _("需求版本")
        verbose_name_plural = _("需求版本")
        ordering = ["demand", "version"]
        constraints = [models.UniqueConstraint(fields=["demand", "version"], name="demand_version")]

    def __str__(self):
        return self.receipt_number

    def save(self, *args, **kwargs):
        # Immutability guard: a submitted version is evidence and is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("demand versions are immutable")
        super().save(*args, **kwargs)


class ReceiptSequence(models.Model):
    """Per year and category counter for demand numbers (JB-2024-TB-000123)."""

    year = models.PositiveSmallIntegerField()
    category_code = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "category_code"], name="receipt_seq")
        ]


class OfflineDemandEntry(models.Model):
    """A classified demand delivered to the bureau offline: metadata only, never content.

    It counts towards the unit and person limits like an online application.
    """

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="offline_entries")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("申报单位"), on_delete=models.PROTECT
    )
    category = models.CharField(_("需求类别"), max_length=24, choices=Category.choices)
    reference = models.CharField(_("线下受理编号"), max_length=64, unique=True)
    received_on = models.DateField(_("接收日期"))
    principals = models.ManyToManyField(
        "orgs.Person", through="OfflineEntryPrincipal", verbose_name=_("主要承担人")
    )
    note = models.CharField(_("备注（不得填写涉密内容）"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("涉密需求线下登记")
        verbose_name_plural = _("涉密需求线下登记")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return self.reference


class OfflineEntryPrincipal(models.Model):
    entry = models.ForeignKey(OfflineDemandEntry, on_delete=models.PROTECT)
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="offline_principal_position")
        ]


class DemandEvent(models.Model):
    """A readable history line per state change (who, what, why); the audit log is the proof."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="events")
    ACTIONS = {
        "recommended": _("推荐"),
        "returned": _("退回修改"),
        "not_recommended": _("不予推荐"),
        "accepted": _("形式审查通过"),
        "rejected": _("不予受理"),
        "approved": _("需求论证通过"),
        "declined": _("需求论证未通过"),
        "published": _("发榜"),
    }

    action = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reason = models.TextField(_("意见/理由"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(_("处理单位"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("需求处理记录")
        verbose_name_plural = _("需求处理记录")
        ordering = ["created_at", "id"]

    def action_label(self) -> str:
        return str(self.ACTIONS.get(self.action, self.action))


class PublicationBatch(models.Model):
    """A batch of demands published together (榜单发布) with one solicitation deadline."""

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="publications")
    title = models.CharField(_("榜单批次名称"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"))
    solicitation_deadline = models.DateTimeField(_("揭榜截止时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("榜单发布批次")
        verbose_name_plural = _("榜单发布批次")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title
