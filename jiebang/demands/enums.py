from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    TECH_BREAKTHROUGH = "tech_breakthrough", _("技术攻关类")
    ACHIEVEMENT_TRANSFER = "achievement_transfer", _("成果转化类")


CATEGORY_CODES = {Category.TECH_BREAKTHROUGH: "TB", Category.ACHIEVEMENT_TRANSFER: "AT"}


class DemandState(models.TextChoices):
    """Demand lifecycle (domain.md §3). Groupings below say which states count for what."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RECOMMENDED = "recommended", _("已推荐")
    NOT_RECOMMENDED = "not_recommended", _("不予推荐")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("形式审查通过")
    REJECTED = "rejected", _("不予受理")
    APPROVED = "approved", _("论证通过")
    DECLINED = "declined", _("论证未通过")
    PUBLISHED = "published", _("已发榜")
    MATCHED = "matched", _("已揭榜")
    UNSOLVED = "unsolved", _("流榜")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the unit may still edit the content.
EDITABLE_STATES = (DemandState.DRAFT, DemandState.RETURNED)
# States the issuer may withdraw from (before the district acts; see design notes).
WITHDRAWABLE_STATES = (DemandState.DRAFT, DemandState.SUBMITTED, DemandState.RETURNED)
# An application "counts" for LIM-PERSON-LOAD once submitted, unless withdrawn or refused.
NOT_COUNTED_STATES = (
    DemandState.DRAFT,
    DemandState.WITHDRAWN,
    DemandState.REJECTED,
    DemandState.NOT_RECOMMENDED,
    DemandState.DECLINED,
)

STATE_BADGES = {
    DemandState.DRAFT: "state-draft",
    DemandState.SUBMITTED: "state-submitted",
    DemandState.RECOMMENDED: "state-submitted",
    DemandState.RETURNED: "state-returned",
    DemandState.ACCEPTED: "state-approved",
    DemandState.APPROVED: "state-approved",
    DemandState.PUBLISHED: "state-published",
    DemandState.MATCHED: "state-published",
    DemandState.REJECTED: "state-rejected",
    DemandState.NOT_RECOMMENDED: "state-rejected",
    DemandState.DECLINED: "state-rejected",
    DemandState.UNSOLVED: "state-draft",
    DemandState.WITHDRAWN: "state-draft",
}


class ResearchLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    REGION = "region", _("自治区级")
    CITY = "city", _("市级")


class IPKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("发明专利")
    UTILITY_PATENT = "utility_patent", _("实用新型专利")
    DESIGN_PATENT = "design_patent", _("外观设计专利")
    SOFTWARE = "software", _("软件著作权")
    IC_LAYOUT = "ic_layout", _("集成电路布图设计")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    OTHER = "other", _("其他")


class AttachmentKind(models.TextChoices):
    """Kinds of demand attachments; the rule catalogue says which kind each rule needs."""

    APPLICATION_FORM = "application_form", _("需求申请表（签字盖章）")
    COMMIT_UNIT = "commit_unit", _("单位诚信承诺书")
    COMMIT_LEADER = "commit_leader", _("负责人诚信承诺书")
    AUDIT_REPORT = "audit_report", _("年度审计报告")
    EVIDENCE_EQUIPMENT = "evidence_equipment", _("设备条件佐证")
    EVIDENCE_SITE = "evidence_site", _("场地条件佐证")
    EVIDENCE_APPLICATION = "evidence_application", _("推广应用能力佐证")
    EVIDENCE_TEAM = "evidence_team", _("自身研发团队佐证")
    TEST_REPORT = "test_report", _("技术指标检测报告")
    IP_EVIDENCE = "ip_evidence", _("知识产权证明")
    CASE_EVIDENCE = "case_evidence", _("成功案例佐证")
    ETHICS_REVIEW = "ethics_review", _("伦理/安全审查记录")
    OTHER = "other", _("其他材料")


ATTACHMENTS_BY_CATEGORY = {
    Category.TECH_BREAKTHROUGH: [
        AttachmentKind.APPLICATION_FORM,
        AttachmentKind.COMMIT_UNIT,
        AttachmentKind.COMMIT_LEADER,
        AttachmentKind.AUDIT_REPORT,
        AttachmentKind.EVIDENCE_EQUIPMENT,
        AttachmentKind.EVIDENCE_SITE,
        AttachmentKind.EVIDENCE_APPLICATION,
        AttachmentKind.EVIDENCE_TEAM,
        AttachmentKind.ETHICS_REVIEW,
        AttachmentKind.OTHER,
    ],
    Category.ACHIEVEMENT_TRANSFER: [
        AttachmentKind.APPLICATION_FORM,
        AttachmentKind.COMMIT_UNIT,
        AttachmentKind.COMMIT_LEADER,
        AttachmentKind.TEST_REPORT,
        AttachmentKind.IP_EVIDENCE,
        AttachmentKind.CASE_EVIDENCE,
        AttachmentKind.ETHICS_REVIEW,
        AttachmentKind.OTHER,
    ],
}
