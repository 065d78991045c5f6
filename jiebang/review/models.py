from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.review.enums import (
    AffiliationKind,
    AssignmentSource,
    AssignmentState,
    Decision,
    Recommendation,
    RoundKind,
    RoundState,
)


class ExpertProfile(models.Model):
    """An expert of the pool (评审专家库): who, where, what they know, how much they can take."""

    person = models.OneToOneField(
        "orgs.Person", on_delete=models.PROTECT, related_name="expert_profile"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profile",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
    )
    unit_name = models.CharField(_("工作单位名称"), max_length=200, blank=True)
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    industries = models.ManyToManyField(
        "calls.Industry", verbose_name=_("熟悉的产业领域"), blank=True
    )
    keywords = models.CharField(
        _("专业关键词"), max_length=500, blank=True, help_text=_("用顿号或逗号分隔")
    )
    bio = models.TextField(_("个人简介"), blank=True, max_length=3000)
    past_projects = models.TextField(_("主持或参与的项目"), blank=True, max_length=3000)
    publications = models.TextField(_("代表性成果"), blank=True, max_length=3000)
    is_available = models.BooleanField(_("可参加评审"), default=True)
    max_load = models.PositiveSmallIntegerField(
        _("每轮评审量上限"), default=10, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("入库时间"))

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["id"]

    def __str__(self):
        return f"{self.person.name}（{self.display_unit}）"

    @property
    def display_unit(self) -> str:
        return self.organization.name if self.organization_id else self.unit_name

    def profile_text(self) -> str:
        """What the affinity model reads: keywords weigh three times."""
        keywords = self.keywords.replace("、", " ").replace("，", " ").replace(",", " ")
        return " ".join(
            [keywords] * 3 + [self.title, self.bio, self.past_projects, self.publications]
        )


class ExpertAffiliation(models.Model):
    """Employment or advisory ties with units; recent ones are conflicts (回避)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("关系"), max_length=16, choices=AffiliationKind.choices)
    start = models.DateField(_("开始"), null=True, blank=True)
    end = models.DateField(_("结束"), null=True, blank=True, help_text=_("空表示至今"))

    class Meta:
        verbose_name = _("专家任职/兼职经历")
        verbose_name_plural = _("专家任职/兼职经历")


class ReviewRound(FSMModelMixin, models.Model):
    """One review round over items of one kind (demands now, proposals later), with its rubric."""

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="review_rounds")
    kind = models.CharField(_("评审类型"), max_length=24, choices=RoundKind.choices)
    title = models.CharField(_("评审名称"), max_length=200)
    experts_per_item = models.PositiveSmallIntegerField(
        _("每项专家人数"), default=5, validators=[MinValueValidator(1)]
    )
    max_load = models.PositiveSmallIntegerField(
        _("每位专家评审上限"), default=10, validators=[MinValueValidator(1)]
    )
    blind = models.BooleanField(_("盲评（对专家隐藏申报单位信息）"), default=True)
    criteria = models.JSONField(_("评审指标"), default=list)
    deadline = models.DateTimeField(_("评审截止时间"))
    spread_threshold = models.DecimalField(
        _("极差预警阈值（分）"), max_digits=5, decimal_places=2, default=20
    )
    drop_extremes_from = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少评分数"), default=5
    )
    normalise = models.BooleanField(_("按专家标准化评分"), default=False)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=RoundState.choices,
        default=RoundState.DRAFT,
        protected=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    opened_at = models.DateTimeField(_("开始评审时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束评审时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @transition(field=state, source=RoundState.DRAFT, target=RoundState.OPEN)
    def mark_open(self):
        pass

    @transition(field=state, source=RoundState.OPEN, target=RoundState.CLOSED)
    def mark_closed(self):
        pass


class ReviewItem(models.Model):
    """A target under review in a round (a Demand, later a Proposal), with the bureau's decision."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="items")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    position = models.PositiveIntegerField(_("序号"))
    consensus_note = models.TextField(_("专家组合议意见"), blank=True)
    consensus_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("决定"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评审对象")
        verbose_name_plural = _("评审对象")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "target_type", "target_id"], name="review_item_unique"
            ),
        ]

    @property
    def code(self) -> str:
        """The anonymous code shown to experts in a blind round."""
        return f"R{self.round_id}-{self.position:03d}"


class Assignment(FSMModelMixin, models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    item = models.ForeignKey(ReviewItem, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    source = models.CharField(_("来源"), max_length=8, choices=AssignmentSource.choices)
    affinity = models.FloatField(_("匹配度"), default=0)
    shared_terms = models.JSONField(_("共同关键词"), default=list, blank=True)
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=AssignmentState.choices,
        default=AssignmentState.ASSIGNED,
        protected=True,
    )
    declared_at = models.DateTimeField(_("声明时间"), null=True, blank=True)
    declaration = models.TextField(_("声明"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["item__position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "expert"], name="assignment_unique")]

    @transition(field=state, source=AssignmentState.ASSIGNED, target=AssignmentState.DECLARED)
    def mark_declared(self):
        pass

    @transition(
        field=state,
        source=[AssignmentState.DECLARED, AssignmentState.SUBMITTED],
        target=AssignmentState.SUBMITTED,
    )
    def mark_submitted(self):
        pass

    @transition(
        field=state,
        source=[AssignmentState.ASSIGNED, AssignmentState.DECLARED],
        target=AssignmentState.RECUSED,
    )
    def mark_recused(self):
        pass


class Score(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="score")
    scores = models.JSONField(_("各项得分"))
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("评审意见"), max_length=3000)
    recommendation = models.CharField(_("评审建议"), max_length=16, choices=Recommendation.choices)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")


class DeclaredConflict(models.Model):
    """An expert's own declaration of a conflict with an item (DECLARED)."""

    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="declared_conflicts"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(_("回避理由"), max_length=500)
    declared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("专家主动回避")
        verbose_name_plural = _("专家主动回避")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "target_type", "target_id"], name="declared_conflict_unique"
            )
        ]
