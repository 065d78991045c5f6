from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    """Proposal lifecycle (domain.md §3)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ELIGIBLE = "eligible", _("资格审查通过")
    INELIGIBLE = "ineligible", _("资格审查未通过")
    UNDER_REVIEW = "under_review", _("专家评榜中")
    SHORTLISTED = "shortlisted", _("入围")
    NOT_SELECTED = "not_selected", _("未入选")
    PUBLICIZED = "publicized", _("公示中")
    SELECTED = "selected", _("揭榜成功")
    WITHDRAWN = "withdrawn", _("已撤回")


EDITABLE_STATES = (ProposalState.DRAFT,)
# Still in the running and not yet decided: the issuer's 揭榜对接 (matching) concerns these.
AWAITING_MATCHING_STATES = (
    ProposalState.SUBMITTED,
    ProposalState.ELIGIBLE,
    ProposalState.UNDER_REVIEW,
    ProposalState.SHORTLISTED,
)
# Counted for LIM-PERSON-LOAD once submitted, unless withdrawn or refused.
NOT_COUNTED_STATES = (
    ProposalState.DRAFT,
    ProposalState.WITHDRAWN,
    ProposalState.INELIGIBLE,
    ProposalState.NOT_SELECTED,
)


class MemberRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    MEMBER = "member", _("联合体成员")


class ProposalAttachmentKind(models.TextChoices):
    PLAN = "plan", _("技术方案")
    CONSORTIUM_AGREEMENT = "consortium_agreement", _("联合体协议")
    COMMIT_UNIT = "commit_unit", _("单位诚信承诺书")
    COMMIT_LEADER = "commit_leader", _("负责人诚信承诺书")
    PERFORMANCE = "performance", _("业绩证明")
    OTHER = "other", _("其他材料")


class PerformanceKind(models.TextChoices):
    PROJECT = "project", _("科研项目")
    AWARD = "award", _("科技奖励")
    ACHIEVEMENT = "achievement", _("成果转化/产业化")
