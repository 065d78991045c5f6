from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of domain.md §2; each is a Django group of the same name."""

    ORG_ADMIN = "org_admin", _("单位管理员")
    APPLICANT = "applicant", _("申报人")
    DISTRICT_OFFICER = "district_officer", _("区县科技部门")
    BUREAU_OFFICER = "bureau_officer", _("市科技局")
    EXPERT = "expert", _("评审专家")
    AUDITOR = "auditor", _("审计/纪检")


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    UNIVERSITY = "university", _("高校")
    RESEARCH_INSTITUTE = "research_institute", _("科研机构")
    MEDICAL_INSTITUTION = "medical_institution", _("医疗机构")
    INNOVATION_PLATFORM = "innovation_platform", _("创新平台")
    OTHER = "other", _("其他组织")


class TechCertification(models.TextChoices):
    NONE = "", _("无")
    HIGH_TECH = "high_tech", _("高新技术企业")
    TECH_SME = "tech_sme", _("科技型中小企业")


class VerificationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已认证")
    REJECTED = "rejected", _("未通过")


class AccountState(models.TextChoices):
    PENDING = "pending", _("待审批")
    ACTIVE = "active", _("已启用")
    DISABLED = "disabled", _("已停用")


class RelationKind(models.TextChoices):
    SUBORDINATE = "subordinate", _("隶属")
    SHAREHOLDING = "shareholding", _("股权")


class CreditKind(models.TextChoices):
    SERIOUS_DISHONESTY = "serious_dishonesty", _("严重失信")
    SERIOUS_ILLEGAL = "serious_illegal", _("严重违法")
    RESEARCH_MISCONDUCT = "research_misconduct", _("科研失信")
    FAILED_ACCEPTANCE = "failed_acceptance", _("项目验收不通过")


class CityProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("在研")
    ACCEPTED = "accepted", _("已验收")
    CONCLUDED = "concluded", _("已结题")
    TERMINATED = "terminated", _("已终止")
    FAILED = "failed", _("验收未通过")


class RecordSource(models.TextChoices):
    IMPORTED = "imported", _("历史导入")
    PLATFORM = "platform", _("本平台")
    BUREAU = "bureau", _("市科技局录入")
    DECLARED = "declared", _("单位申报")


class LoginEventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKED_OUT = "locked_out", _("账号锁定")
