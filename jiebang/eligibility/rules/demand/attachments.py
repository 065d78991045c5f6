"""Demand rules on the attached documents: ATT-*, TB-AUDIT-REPORTS, TB-SUPPORT-EVIDENCE,
AT-TEST-REPORT.
"""

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import (
    ATT_APPLICATION_FORM,
    ATT_AUDIT_REPORT,
    ATT_COMMIT_LEADER,
    ATT_COMMIT_UNIT,
    ATT_TEST_REPORT,
    ATTACHMENT_KINDS,
    TB_SUPPORT_EVIDENCE_KINDS,
    finding,
)
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import join, join_problems
from jiebang.eligibility.snapshots import CallParams, DemandCheck


def _attachment_rule(code: str, kind: str, check: DemandCheck, hint: str) -> list[Finding]:
    if kind in check.demand.attachment_kinds:
        return []
    return [
        finding(
            code,
            _("未上传{name}，{hint}").format(name=_(ATTACHMENT_KINDS[kind]), hint=hint),
            field="attachments",
        )
    ]


def rule_att_application_form(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ATT-APPLICATION-FORM: the signed 需求申请表 is attached (五（二）3): "application_form"
    among the attachments.
    """
    return _attachment_rule(
        "ATT-APPLICATION-FORM",
        ATT_APPLICATION_FORM,
        check,
        _(
            "需求申请表须作为附件上传。请在平台生成需求申请表，打印后签字并加盖单位公章，"
            "扫描后上传。"
        ),
    )


def rule_att_commit_unit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ATT-COMMIT-UNIT: the unit's integrity commitment (附件3) is attached (五（二）3):
    "commit_unit" among the attachments; without it the demand is not accepted.
    """
    return _attachment_rule(
        "ATT-COMMIT-UNIT",
        ATT_COMMIT_UNIT,
        check,
        _(
            "未上传承诺书的项目不予受理。请在平台生成单位科技计划项目诚信承诺书（附件3），"
            "打印后由单位签署并加盖公章，扫描后上传。"
        ),
    )


def rule_att_commit_leader(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ATT-COMMIT-LEADER: the leader's integrity commitment (附件3) is attached (五（二）3):
    "commit_leader" among the attachments; without it the demand is not accepted.
    """
    return _attachment_rule(
        "ATT-COMMIT-LEADER",
        ATT_COMMIT_LEADER,
        check,
        _(
            "未上传承诺书的项目不予受理。请在平台生成负责人科技计划项目诚信承诺书（附件3），"
            "打印后由项目负责人本人签字，并加盖单位公章，扫描后上传。"
        ),
    )


def _audit_years(call: CallParams) -> tuple[int, ...]:
    return call.audit_years or (call.year - 2, call.year - 1)


def rule_tb_audit_reports(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-AUDIT-REPORTS: an audit report for each audit year attached, with the year's
    revenue and R&D spend entered (五（二）4).

    For each year of `call.audit_years` (when the call lists none: the two years before the
    call year, as `calls.Call.effective_audit_years` does): the year is among
    `demand.audit_report_years` (the years of the attached "audit_report" files; an
    "audit_report" kind must be among the attachments too) and a
    financial row of that year has `revenue` and `rnd_spend` entered. One finding listing
    every missing report and figure by year.
    """
    demand = check.demand
    rows = {row.year: row for row in demand.financials}
    has_reports = ATT_AUDIT_REPORT in demand.attachment_kinds
    missing = []
    for year in _audit_years(call):
        items = []
        if not has_reports or year not in demand.audit_report_years:
            items.append(_("审计报告"))
        row = rows.get(year)
        if row is None or row.revenue is None:
            items.append(_("销售收入"))
        if row is None or row.rnd_spend is None:
            items.append(_("研发投入"))
        if items:
            missing.append(_("{year}年度的{items}").format(year=year, items=join(items)))
    if not missing:
        return []
    years = join(_("{year}年度").format(year=year) for year in _audit_years(call))
    return [
        finding(
            "TB-AUDIT-REPORTS",
            _(
                "技术攻关类需求须提供{years}审计报告，证明销售收入、研发投入等情况。"
                "目前缺少：{missing}。请上传对应年度的审计报告，并在财务信息中填写"
                "该年度的销售收入和研发投入。"
            ).format(years=years, missing=join_problems(missing)),
            field="financials",
        )
    ]


def rule_tb_support_evidence(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-SUPPORT-EVIDENCE: evidence of the equipment, site, application capability and own
    R&D team that support the project (五（二）4).

    All four kinds "evidence_equipment", "evidence_site", "evidence_application",
    "evidence_team" among the attachments; the missing ones are named in Chinese.
    """
    present = check.demand.attachment_kinds
    missing = [kind for kind in TB_SUPPORT_EVIDENCE_KINDS if kind not in present]
    if not missing:
        return []
    return [
        finding(
            "TB-SUPPORT-EVIDENCE",
            _(
                "技术攻关类需求须提供项目研发实施的支持和配套条件佐证材料，目前缺少：{missing}。"
                "请在附件中分别上传设备、场地、推广应用能力和自身研发团队人员情况的佐证材料。"
            ).format(missing=join(_(ATTACHMENT_KINDS[kind]) for kind in missing)),
            field="attachments",
        )
    ]


def rule_at_test_report(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-TEST-REPORT: a technical-indicator test report is attached (五（二）4):
    "test_report" among the attachments.
    """
    if ATT_TEST_REPORT in check.demand.attachment_kinds:
        return []
    return [
        finding(
            "AT-TEST-REPORT",
            _(
                "成果转化类需求须提供拟转化成果的技术指标检测资料。请上传技术指标检测报告"
                "（第三方检测机构出具的检测报告或同等效力的检测资料）。"
            ),
            field="attachments",
        )
    ]
