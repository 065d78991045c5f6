from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from jiebang.core.fields import EncryptedCharField
from jiebang.core.validators import validate_uscc
from jiebang.orgs.enums import (
    AccountState,
    CityProjectStatus,
    CreditKind,
    LoginEventKind,
    OrgKind,
    RecordSource,
    RelationKind,
    Role,
    TechCertification,
    VerificationState,
)


class District(models.Model):
    """A district or zone of the city; its science office is the recommending unit (推荐单位).

    Two-name offices (新市区 / 高新区) are one row with an alias.
    """

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("区县名称"), max_length=64, unique=True)
    alias = models.CharField(_("别名"), max_length=64, blank=True)
    office_name = models.CharField(_("推荐单位（科技部门）"), max_length=128)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.name}（{self.alias}）" if self.alias else self.name


class Organization(FSMModelMixin, models.Model):
    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("单位类型"), max_length=32, choices=OrgKind.choices)
    is_independent_legal_person = models.BooleanField(_("具有独立法人资格"), default=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("所在区县"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("市外单位不选"),
    )
    registered_in_city_on = models.DateField(_("在本市注册日期"), null=True, blank=True)
    address = models.CharField(_("通讯地址"), max_length=255, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    contact_phone_masked = models.CharField(max_length=32, blank=True)
    tech_certification = models.CharField(
        _("科技型企业认定"),
        max_length=16,
        choices=TechCertification.choices,
        blank=True,
        default="",
    )
    tech_certificate_number = models.CharField(_("证书编号"), max_length=64, blank=True)
    tech_certificate_valid_until = models.DateField(_("证书有效期至"), null=True, blank=True)
    verification_state = FSMField(
        _("认证状态"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
        protected=True,
    )
    verification_reason = models.TextField(_("审核意见"), blank=True)
    expertise = models.TextField(_("研发方向与技术专长"), blank=True, max_length=2000)
    wants_recommendations = models.BooleanField(_("接收“为您推荐”的榜单通知"), default=False)
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("注册时间"))

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["id"]
        indexes = [models.Index(fields=["verification_state", "district"])]

    def __str__(self):
        return self.name

    @property
    def is_local(self) -> bool:
        return self.district_id is not None

    @property
    def is_verified(self) -> bool:
        return self.verification_state == VerificationState.VERIFIED

    def holds_tech_certification_on(self, day) -> bool:
        """'科技型企业': an enterprise with a certification valid on `day`."""
        return (
            self.kind == OrgKind.ENTERPRISE
            and bool(self.tech_certification)
            and (
                self.tech_certificate_valid_until is None
                or self.tech_certificate_valid_until >= day
            )
        )

    @transition(
        field=verification_state,
        source=VerificationState.PENDING,
        target=VerificationState.VERIFIED,
    )
    def mark_verified(self):
        pass

    @transition(
        field=verification_state,
        source=VerificationState.PENDING,
        target=VerificationState.REJECTED,
    )
    def mark_rejected(self):
        pass

    @transition(
        field=verification_state,
        source=VerificationState.REJECTED,
        target=VerificationState.PENDING,
    )
    def mark_resubmitted(self):
        pass


class User(FSMModelMixin, AbstractUser):
    """An account. Roles are groups (see Role); a unit account belongs to one organization."""

    real_name = models.CharField(_("姓名"), max_length=64, blank=True)
    mobile = EncryptedCharField(_("手机号码"), blank=True)
    mobile_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    mobile_masked = models.CharField(_("手机号码"), max_length=16, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("所属区县（区县科技部门）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    account_state = FSMField(
        _("账号状态"),
        max_length=16,
        choices=AccountState.choices,
        default=AccountState.ACTIVE,
        protected=True,
    )
    state_reason = models.CharField(_("状态说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(organization__isnull=False) & Q(district__isnull=False)),
                name="user_unit_or_district_not_both",
            )
        ]

    def __str__(self):
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def role_names(self) -> frozenset[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = (
                frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            )
            self._role_names = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @transition(field=account_state, source=AccountState.PENDING, target=AccountState.ACTIVE)
    def mark_approved(self):
        pass

    @transition(
        field=account_state,
        source=[AccountState.ACTIVE, AccountState.PENDING],
        target=AccountState.DISABLED,
    )
    def mark_disabled(self):
        pass

    @transition(field=account_state, source=AccountState.DISABLED, target=AccountState.ACTIVE)
    def mark_enabled(self):
        pass


class Person(models.Model):
    """A natural person keyed by the resident ID number (encrypted; blind index for matching)."""

    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedCharField(_("居民身份证号"))
    id_index = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField(_("居民身份证号"), max_length=32)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.id_masked}）"


class OrgRelation(models.Model):
    """`subject` is subordinate to `object` (隶属), or `subject` holds shares of `object` (股权)."""

    subject = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="relations_out"
    )
    object = models.ForeignKey(
        Organization,
        verbose_name=_("关联单位"),
        on_delete=models.CASCADE,
        related_name="relations_in",
    )
    kind = models.CharField(_("关系类型"), max_length=16, choices=RelationKind.choices)
    percent = models.DecimalField(
        _("持股比例（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=RecordSource.choices, default=RecordSource.DECLARED
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    declared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("单位关联关系")
        verbose_name_plural = _("单位关联关系")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "object", "kind"], name="orgrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(subject=models.F("object")), name="orgrelation_not_self"
            ),
        ]

    def __str__(self):
        return self.describe()

    def describe(self) -> str:
        if self.kind == RelationKind.SUBORDINATE:
            return f"{self.subject.name} 隶属于 {self.object.name}"
        share = f"{self.percent}%" if self.percent is not None else ""
        return f"{self.subject.name} 持有 {self.object.name} {share}股权".replace("  ", " ")


class CreditRecord(models.Model):
    """A dishonesty, illegal-conduct or research-misconduct record of a unit or a person."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_records"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_records"
    )
    kind = models.CharField(_("记录类型"), max_length=32, choices=CreditKind.choices)
    decided_on = models.DateField(_("认定日期"))
    penalty_start = models.DateField(_("惩戒开始日期"))
    penalty_end = models.DateField(
        _("惩戒结束日期"), null=True, blank=True, help_text=_("空表示长期")
    )
    bars_city_fiscal_projects = models.BooleanField(
        _("限制参与财政资助市级科技项目"), default=False
    )
    source_document = models.CharField(_("依据文件"), max_length=255)
    description = models.TextField(_("情况说明"), blank=True)
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(person__isnull=True))
                | (Q(organization__isnull=True) & Q(person__isnull=False)),
                name="creditrecord_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(penalty_end__isnull=True)
                | Q(penalty_end__gte=models.F("penalty_start")),
                name="creditrecord_penalty_order",
            ),
        ]

    def __str__(self):
        subject = self.organization or self.person
        return f"{subject} {self.get_kind_display()} {self.decided_on}"


class CityProject(models.Model):
    """A city-level S&T project, imported history or from this platform; feeds the §四 limits."""

    code = models.CharField(_("项目编号"), max_length=64, unique=True)
    title = models.CharField(_("项目名称"), max_length=255)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("承担单位"),
        on_delete=models.PROTECT,
        related_name="city_projects",
    )
    partner = models.ForeignKey(
        Organization,
        verbose_name=_("发榜单位（揭榜挂帅项目）"),
        on_delete=models.PROTECT,
        related_name="partnered_city_projects",
        null=True,
        blank=True,
        help_text=_("揭榜挂帅项目的发榜方，与承担单位同受第四条限制"),
    )
    year = models.PositiveSmallIntegerField(_("立项年度"))
    is_rnd = models.BooleanField(_("研发类项目"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=CityProjectStatus.choices)
    planned_end = models.DateField(_("计划结束日期"))
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=RecordSource.choices, default=RecordSource.IMPORTED
    )

    class Meta:
        verbose_name = _("市级科技计划项目")
        verbose_name_plural = _("市级科技计划项目")
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"{self.code} {self.title}"


class CityProjectPrincipal(models.Model):
    """The ordered team of a city project; positions 1–3 are its principal persons."""

    project = models.ForeignKey(CityProject, on_delete=models.CASCADE, related_name="principals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="city_project_roles")
    position = models.PositiveSmallIntegerField(_("排序（1为负责人）"))

    class Meta:
        verbose_name = _("项目主要承担人")
        verbose_name_plural = _("项目主要承担人")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="principal_position_unique"
            ),
            models.UniqueConstraint(fields=["project", "person"], name="principal_person_unique"),
        ]

    def __str__(self):
        return f"{self.project.code} #{self.position} {self.person.name}"


class LoginEvent(models.Model):
    """One sign-in, failed sign-in, sign-out or lockout of an account (登录记录).

    `username` is what was typed (a mobile number masked) for failures, the account's
    username otherwise; `user` is empty when the name typed matches no account.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
    )
    kind = models.CharField(_("事件"), max_length=16, choices=LoginEventKind.choices)
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"))
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    detail = models.CharField(_("说明"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.username} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M:%S}"
