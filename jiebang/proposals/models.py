from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.demands.enums import IPKind
from jiebang.proposals.enums import MemberRole, PerformanceKind, ProposalState

MONEY = {"max_digits": 14, "decimal_places": 2}


class Proposal(FSMModelMixin, models.Model):
    """A solver's application (揭榜申请) to a published demand, alone or as a consortium."""

    demand = models.ForeignKey("demands.Demand", on_delete=models.PROTECT, related_name="proposals")
    lead = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(
        _("状态"),
        max_length=16,
        choices=ProposalState.choices,
        default=ProposalState.DRAFT,
        protected=True,
    )
    number = models.CharField(_("揭榜编号"), max_length=40, unique=True, null=True, blank=True)
    route = models.ForeignKey(
        "demands.RaceRoute",
        verbose_name=_("选择的技术路线"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    technical_plan = models.TextField(_("技术方案概述"), blank=True, max_length=8000)
    budget_total = models.DecimalField(_("预算总额（元）"), **MONEY, null=True, blank=True)
    budget_breakdown = models.TextField(_("预算构成"), blank=True, max_length=3000)
    schedule = models.TextField(_("进度安排与里程碑"), blank=True, max_length=3000)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("最后修改"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    state_reason = models.TextField(_("处理意见"), blank=True)
    issuer_rank = models.PositiveSmallIntegerField(_("发榜方意向排序"), null=True, blank=True)
    issuer_note = models.CharField(_("发榜方意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("揭榜申请")
        verbose_name_plural = _("揭榜申请")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["demand", "state"])]

    def __str__(self):
        return f"{self.number or '草稿'} → {self.demand.title}"

    @transition(field=state, source=ProposalState.DRAFT, target=ProposalState.SUBMITTED)
    def mark_submitted(self):
        pass

    @transition(
        field=state,
        source=[ProposalState.DRAFT, ProposalState.SUBMITTED],
        target=ProposalState.WITHDRAWN,
    )
    def mark_withdrawn(self):
        pass

    @transition(field=state, source=ProposalState.SUBMITTED, target=ProposalState.ELIGIBLE)
    def mark_eligible(self):
        pass

    @transition(field=state, source=ProposalState.SUBMITTED, target=ProposalState.INELIGIBLE)
    def mark_ineligible(self):
        pass

    @transition(field=state, source=ProposalState.ELIGIBLE, target=ProposalState.UNDER_REVIEW)
    def mark_under_review(self):
        pass

    @transition(field=state, source=ProposalState.UNDER_REVIEW, target=ProposalState.SHORTLISTED)
    def mark_shortlisted(self):
        pass

    @transition(
        field=state,
        source=[ProposalState.UNDER_REVIEW, ProposalState.SHORTLISTED],
        target=ProposalState.NOT_SELECTED,
    )
    def mark_not_selected(self):
        pass

    @transition(field=state, source=ProposalState.SHORTLISTED, target=ProposalState.PUBLICIZED)
    def mark_publicized(self):
        pass

    @transition(field=state, source=ProposalState.PUBLICIZED, target=ProposalState.SELECTED)
    def mark_selected(self):
        pass


class ConsortiumMember(models.Model):
    """A unit of the proposal: the lead (position 1) and consortium members, with their shares."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="members")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="proposal_memberships"
    )
    position = models.PositiveSmallIntegerField()
    role = models.CharField(_("角色"), max_length=8, choices=MemberRole.choices)
    work_share = models.DecimalField(
        _("任务分工占比（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    budget_share = models.DecimalField(_("经费分配（元）"), **MONEY, null=True, blank=True)
    tasks = models.CharField(_("承担任务"), max_length=500, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="member_position"),
            models.UniqueConstraint(fields=["proposal", "organization"], name="member_org"),
        ]


class ProposalTeamMember(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="team")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="proposal_roles"
    )
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    responsibility = models.CharField(_("分工"), max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="proposal_team_position"),
            models.UniqueConstraint(fields=["proposal", "person"], name="proposal_team_person"),
        ]


class IndicatorAnswer(models.Model):
    """How the plan reaches one indicator of the demand."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="indicator_answers"
    )
    indicator = models.ForeignKey("demands.DemandIndicator", on_delete=models.PROTECT)
    answer = models.TextField(_("实现方案"), max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "indicator"], name="answer_per_indicator")
        ]


class ProposalIPItem(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ip_items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("类型"), max_length=24, choices=IPKind.choices)
    number = models.CharField(_("授权号/登记号"), max_length=64)
    owner = models.CharField(_("权利人"), max_length=200)
    legal_status = models.CharField(_("法律状态"), max_length=64)

    class Meta:
        ordering = ["position"]


class PriorPerformance(models.Model):
    """Prior performance items, at most five per type."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="performance")
    kind = models.CharField(_("类型"), max_length=16, choices=PerformanceKind.choices)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "kind", "position"], name="performance_position"
            ),
            models.CheckConstraint(
                condition=models.Q(position__lte=5), name="performance_at_most_five"
            ),
        ]


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=32)
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")


class ProposalVersion(models.Model):
    """The immutable copy of a proposal as submitted, with its digest (the receipt)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    receipt_number = models.CharField(max_length=40, unique=True)
    content = models.JSONField()
    digest = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.JSONField(default=list)

    class Meta:
        ordering = ["proposal", "version"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="proposal_version")
        ]

    def save(self, *args, **kwargs):
        # Immutability guard: a submitted version is evidence and is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("proposal versions are immutable")
        super().save(*args, **kwargs)


class MatchingKind(models.TextChoices):
    MEETING = "meeting", _("洽谈会")
    SITE_VISIT = "site_visit", _("实地考察")
    REMOTE = "remote", _("线上沟通")


class MatchingRecord(models.Model):
    """A negotiation step between issuer and solver (揭榜对接): meeting, site visit, call."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="matching_records"
    )
    kind = models.CharField(_("方式"), max_length=16, choices=MatchingKind.choices)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.CharField(_("参加人员"), max_length=500)
    summary = models.TextField(_("纪要"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("对接记录")
        verbose_name_plural = _("对接记录")
        ordering = ["held_on", "id"]


class Agreement(models.Model):
    """The issuer–solver agreement (协议) with the agreed contract amount."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="agreement")
    contract_amount = models.DecimalField(
        _("合同金额（元）"), **MONEY, validators=[MinValueValidator(0)]
    )
    signed_on = models.DateField(_("签订日期"))
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("揭榜协议")
        verbose_name_plural = _("揭榜协议")
