from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    DEMAND_REVIEW = "demand_review", _("需求论证")
    PROPOSAL_REVIEW = "proposal_review", _("专家评榜")
    ACCEPTANCE = "acceptance", _("验收评审")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("评审结束")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("待声明")
    DECLARED = "declared", _("已声明无利害关系")
    SUBMITTED = "submitted", _("已评分")
    RECUSED = "recused", _("已回避")


class AssignmentSource(models.TextChoices):
    AUTO = "auto", _("自动分配")
    MANUAL = "manual", _("人工指定")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("建议支持")
    REVISE = "revise", _("修改后支持")
    OPPOSE = "oppose", _("不建议支持")


class AffiliationKind(models.TextChoices):
    EMPLOYED = "employed", _("任职")
    ADVISOR = "advisor", _("顾问/兼职")


class Decision(models.TextChoices):
    APPROVE = "approve", _("通过")
    DECLINE = "decline", _("不通过")
