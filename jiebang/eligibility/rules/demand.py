"""Rules on a demand (需求) and its issuing unit (发榜方 / 需求方) at submission.

Each function is `rule_xxx(check, call) -> list[Finding]`, pure: everything comes from the
`DemandCheck` snapshot and the `CallParams`. Its docstring states the interpretation of
the guide it implements; its thresholds are call parameters. `DEMAND_RULES` registers every
function with the demand categories it applies to.
"""

import datetime as dt

from django.utils.translation import gettext as _

from jiebang.core.clock import format_beijing
from jiebang.eligibility.catalogue import (
    ACHIEVEMENT_TRANSFER,
    ATT_APPLICATION_FORM,
    ATT_AUDIT_REPORT,
    ATT_COMMIT_LEADER,
    ATT_COMMIT_UNIT,
    ATT_ETHICS_REVIEW,
    ATT_IP_EVIDENCE,
    ATT_TEST_REPORT,
    ATTACHMENT_KINDS,
    RESEARCH_TASK_LEVELS,
    TB_SUPPORT_EVIDENCE_KINDS,
    finding,
)
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import (
    AT,
    BOTH,
    TB,
    DemandRule,
    add_years,
    barring_misconduct,
    format_money,
    join,
    join_problems,
    ongoing_rnd_city_projects,
    overdue_city_projects,
    person_label,
    person_load,
    principals,
    serious_credit_records,
)
from jiebang.eligibility.snapshots import CallParams, CreditSnapshot, DemandCheck
from jiebang.orgs.enums import (
    CreditKind,
    OrgKind,
    TechCertification,
    VerificationState,
)


def _label(choices, value: str) -> str:
    """The Chinese label of an enum value; the raw value if unknown."""
    return str(dict(choices.choices).get(value, value))


def _day(day: dt.date) -> str:
    return day.isoformat()


def _source(record: CreditSnapshot) -> str:
    return record.source_document.strip() or _("未登记依据文件")


# ---------------------------------------------------------------------------- window, unit


def rule_window_submit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """WINDOW-SUBMIT: submitted inside the call's online window (五（一）1、3).

    Passes when `submission_opens_at <= at <= submission_closes_at`, both ends inclusive to
    the second: `at` is truncated to whole seconds first, so 19:30:00.999 passes and
    19:30:01 does not. Aware datetimes are compared (the instant, whatever the zone); the
    message shows the window in Beijing time. Before the window: says when it opens. After
    it: late submissions are not accepted (五（一）3).

    Note: the snapshot does not say whether this is a resubmission after a return (allowed
    until `call.resubmission_deadline`, domain.md §3); this rule always applies the
    submission window.
    """
    at = check.at.replace(microsecond=0)
    opens, closes = call.submission_opens_at, call.submission_closes_at
    window = _("{opens}至{closes}").format(
        opens=format_beijing(opens), closes=format_beijing(closes)
    )
    if at < opens:
        return [
            finding(
                "WINDOW-SUBMIT",
                _(
                    "网上填报尚未开始：本批次网上填报时间为{window}。"
                    "请于{opens}开始后再提交，提交前可先保存草稿。"
                ).format(window=window, opens=format_beijing(opens)),
            )
        ]
    if at > closes:
        return [
            finding(
                "WINDOW-SUBMIT",
                _(
                    "网上填报已于{closes}截止（本批次网上填报时间为{window}），"
                    "未按期完成申报的项目不予受理（申报指南 五（一）3）。"
                    "请关注下一年度征集批次。"
                ).format(closes=format_beijing(closes), window=window),
            )
        ]
    return []


def rule_org_unverified(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ORG-UNVERIFIED: the unit's registration is verified and the applicant's account is
    approved and active (五（二）1、2).

    `org.verification_state == "verified"` and `check.applicant_active`. Each failing
    condition is its own finding, with its own message (who has to act differs: the bureau
    verifies the unit, the unit's administrator approves the account).
    """
    findings = []
    state = check.org.verification_state
    if state != VerificationState.VERIFIED:
        if state == VerificationState.REJECTED:
            message = _(
                "本单位的注册信息审核未通过，单位账号不能申报。"
                "请单位管理员按退回意见修改单位信息（单位名称、统一社会信用代码、推荐单位等）"
                "后重新提交审核，审核通过后再提交需求。"
            )
        else:
            message = _(
                "本单位的注册信息尚未审核通过（当前状态：{state}），暂不能提交需求。"
                "请单位管理员核实单位名称、推荐单位等信息并等待审核通过后再提交；"
                "如长时间未审核，请联系市科技局或科技信息服务中心。"
            ).format(state=_label(VerificationState, state))
        findings.append(finding("ORG-UNVERIFIED", message))
    if not check.applicant_active:
        findings.append(
            finding(
                "ORG-UNVERIFIED",
                _(
                    "您的申报账号尚未经本单位管理员审批启用（或已停用），不能提交需求。"
                    "请联系本单位管理员在平台上审批启用您的申报账号，并核实申报人信息后再提交。"
                ),
            )
        )
    return findings


def rule_tb_issuer_local(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-ISSUER-LOCAL: the issuer is an independent legal entity registered in a Urumqi
    district (二（一）1).

    `org.is_local` (a district is recorded) and `org.is_independent_legal_person`; one
    finding listing whichever fails.
    """
    org = check.org
    problems = []
    if not org.is_local:
        problems.append(_("未登记为在乌鲁木齐市所辖区县注册的单位"))
    if not org.is_independent_legal_person:
        problems.append(_("不具有独立法人资格"))
    if not problems:
        return []
    return [
        finding(
            "TB-ISSUER-LOCAL",
            _(
                "技术攻关类需求须由市域内具有独立法人资格的单位提出，本单位{problems}。"
                "如单位信息有误，请单位管理员更正所属区县或法人资格信息；"
                "分支机构请以具有独立法人资格的本市单位名义申报。"
            ).format(problems=join(problems, "，且")),
        )
    ]


_TB_ISSUER_KINDS = {OrgKind.ENTERPRISE, OrgKind.PUBLIC_INSTITUTION}


def rule_tb_issuer_kind(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-ISSUER-KIND: the issuer is an enterprise or a public institution (二（一）1).

    `org.kind` in {enterprise, public_institution}.
    """
    if check.org.kind in _TB_ISSUER_KINDS:
        return []
    return [
        finding(
            "TB-ISSUER-KIND",
            _(
                "技术攻关类需求的发榜方须为企业或事业单位，本单位的单位类型为“{kind}”。"
                "如单位类型登记有误，请单位管理员更正；高校、科研机构等可作为揭榜方参与揭榜，"
                "或以成果持有方身份申报成果转化类需求。"
            ).format(kind=_label(OrgKind, check.org.kind)),
        )
    ]


def rule_tb_issuer_age(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-ISSUER-AGE: registered in Urumqi for at least the call's number of years at
    submission (二（一）2（2））.

    Passes when `registered_in_city_on + issuer_min_registration_years <= today`, in
    calendar years: registered on 2023-08-20 passes on 2024-08-20 and not on 2024-08-19.
    29 February plus one year is 28 February of the next year. A missing registration date
    fails, asking the unit to fill it in.
    """
    years = call.issuer_min_registration_years
    registered = check.org.registered_in_city_on
    if registered is None:
        return [
            finding(
                "TB-ISSUER-AGE",
                _(
                    "单位信息中缺少在乌鲁木齐市的注册日期，无法核实是否注册满{years}年。"
                    "请单位管理员在单位信息中填写注册日期（以营业执照或事业单位法人证书为准）。"
                ).format(years=years),
            )
        ]
    qualifies_on = add_years(registered, years)
    if qualifies_on <= check.today:
        return []
    return [
        finding(
            "TB-ISSUER-AGE",
            _(
                "技术攻关类需求的发榜方须在乌鲁木齐市注册{years}年以上。本单位注册日期为"
                "{registered}，至{qualifies_on}方满{years}年，本批次不符合申报条件。"
                "如注册日期登记有误，请单位管理员按营业执照更正后再提交。"
            ).format(
                years=years,
                registered=_day(registered),
                qualifies_on=_day(qualifies_on),
            ),
        )
    ]


def rule_credit_serious(check: DemandCheck, call: CallParams) -> list[Finding]:
    """CREDIT-SERIOUS: no serious dishonesty or serious illegal record in the look-back
    period (二（一）2（2）; for solvers 二（三）2, checked by the proposal rules).

    Always for a 技术攻关 issuer; for a 成果转化 demand only when
    `call.credit_check_extends_to_transfer`. A record counts when its kind is
    serious_dishonesty or serious_illegal and `decided_on >= today - credit_lookback_years`
    (calendar years, inclusive: decided exactly 3 years ago still counts, 3 years and one
    day ago does not). One finding listing every counting record with its date and source
    document. Research-misconduct records are LIM-MISCONDUCT's business.
    """
    if check.demand.category == ACHIEVEMENT_TRANSFER and not call.credit_check_extends_to_transfer:
        return []
    since = add_years(check.today, -call.credit_lookback_years)
    records = serious_credit_records(
        check.org.credit_records, check.today, call.credit_lookback_years
    )
    if not records:
        return []
    listed = join_problems(
        _("{kind}（认定日期{day}，依据：{source}）").format(
            kind=_label(CreditKind, record.kind),
            day=_day(record.decided_on),
            source=_source(record),
        )
        for record in records
    )
    return [
        finding(
            "CREDIT-SERIOUS",
            _(
                "本单位近{years}年内（{since}以来）有严重失信或严重违法记录：{records}，"
                "不符合申报条件。如记录有误或已依法完成信用修复，"
                "请持相关证明联系市科技局核实更正后再提交。"
            ).format(years=call.credit_lookback_years, since=_day(since), records=listed),
        )
    ]


# ----------------------------------------------------------------- 技术攻关 demand content


def rule_tb_end_user(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-END-USER: the issuer declares it is the end user of the technology or the users'
    representative (二（一）2（5）): `demand.declares_end_user`.
    """
    if check.demand.declares_end_user:
        return []
    return [
        finding(
            "TB-END-USER",
            _(
                "技术攻关类需求方须为技术的最终用户或用户代表，不是最终用户的单位提出的需求"
                "不予支持。请在需求表中确认并声明本单位为该技术的最终用户或用户代表。"
            ),
            field="declares_end_user",
        )
    ]


def rule_tb_funding_commit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-FUNDING-COMMIT: the issuer commits to fund the R&D and to provide the supporting
    conditions (二（一）2（1））: `demand.commits_funding`.
    """
    if check.demand.commits_funding:
        return []
    return [
        finding(
            "TB-FUNDING-COMMIT",
            _(
                "技术攻关类需求方须承诺并有能力保障项目科研投入，提供研发实施的支持和配套条件，"
                "并在攻关成功后率先推动应用。请在需求表中勾选并作出该项承诺。"
            ),
            field="commits_funding",
        )
    ]


def rule_tb_content(check: DemandCheck, call: CallParams) -> list[Finding]:
    """TB-CONTENT: indicators, time limits, IP ownership, funding and the conditions on the
    solver are all stated (二（一）2（4））.

    At least one indicator, each with a name and a target value; `time_requirement`,
    `ip_terms`, `solver_conditions` non-blank; `total_investment` set (its amount is
    FUND-MIN's business). The message lists exactly what is missing; `field` points to the
    first missing item.
    """
    demand = check.demand
    missing: list[tuple[str, str]] = []  # (field, Chinese description)
    if not demand.indicators:
        missing.append(("indicators", _("技术指标参数（至少一项）")))
    for number, indicator in enumerate(demand.indicators, start=1):
        parts = []
        if not indicator.name.strip():
            parts.append(_("名称"))
        if not indicator.target_value.strip():
            parts.append(_("目标值"))
        if parts:
            missing.append(
                (
                    "indicators",
                    _("第{number}项指标的{parts}").format(number=number, parts=join(parts)),
                )
            )
    if not demand.time_requirement.strip():
        missing.append(("time_requirement", _("时限要求")))
    if not demand.ip_terms.strip():
        missing.append(("ip_terms", _("知识产权归属")))
    if demand.total_investment is None:
        missing.append(("total_investment", _("资金投入（项目投入总额）")))
    if not demand.solver_conditions.strip():
        missing.append(("solver_conditions", _("对揭榜方的条件要求")))
    if not missing:
        return []
    return [
        finding(
            "TB-CONTENT",
            _(
                "需求内容不完整，缺少：{missing}。技术攻关类需求应明确项目指标参数、时限要求、"
                "产权归属、资金投入及对揭榜方的条件要求，请在需求表中补充完整后再提交。"
            ).format(missing=join_problems(text for _field, text in missing)),
            field=missing[0][0],
        )
    ]


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


# --------------------------------------------------------------- 成果转化 demand content

_AT_ISSUER_KINDS = {
    OrgKind.UNIVERSITY,
    OrgKind.RESEARCH_INSTITUTE,
    OrgKind.MEDICAL_INSTITUTION,
}


def rule_at_issuer_kind(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-ISSUER-KIND: the holder of the achievement is a university, research institute,
    technology enterprise or medical institution (二（二）1).

    Kind in {university, research_institute, medical_institution}; or an enterprise with a
    technology certification (高新技术企业 / 科技型中小企业) whose certificate is valid
    today (`tech_certificate_valid_until` is None or >= today; valid on its last day).
    The guide's "等" is not read as opening the list to other kinds.
    """
    org = check.org
    if org.kind in _AT_ISSUER_KINDS:
        return []
    if org.kind == OrgKind.ENTERPRISE:
        if not org.tech_certification:
            message = _(
                "成果转化类需求的持有方为企业的，须为科技型企业（高新技术企业或科技型中小企业）。"
                "本单位未登记科技型企业认定信息，请单位管理员补充认定类别、证书编号和有效期，"
                "并上传有效证书。"
            )
        else:
            valid_until = org.tech_certificate_valid_until
            if valid_until is None or valid_until >= check.today:
                return []
            message = _(
                "本单位的{certification}证书已于{day}到期，不再属于科技型企业，"
                "不能作为成果转化类需求的持有方。请取得新的有效证书后，"
                "由单位管理员更新认定信息和证书有效期。"
            ).format(
                certification=_label(TechCertification, org.tech_certification),
                day=_day(valid_until),
            )
    else:
        message = _(
            "成果转化类需求须由拥有重大科技成果的高校、科研机构、科技型企业或医疗机构提出，"
            "本单位的单位类型为“{kind}”。如单位类型登记有误，请单位管理员更正；"
            "否则请由成果持有单位申报。"
        ).format(kind=_label(OrgKind, org.kind))
    return [finding("AT-ISSUER-KIND", message)]


def rule_at_track_record(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-TRACK-RECORD: at least one national, autonomous-region or city research task
    undertaken, with success cases (二（二）2（1））.

    At least one research task whose level is "national", "region" or "city", and
    `success_cases` non-blank.
    """
    demand = check.demand
    missing: list[tuple[str, str]] = []  # (field, Chinese description)
    if not any(task.level in RESEARCH_TASK_LEVELS for task in demand.research_tasks):
        missing.append(("research_tasks", _("承担过的国家级、自治区级或市级科研任务（至少一项）")))
    if not demand.success_cases.strip():
        missing.append(("success_cases", _("成功案例")))
    if not missing:
        return []
    return [
        finding(
            "AT-TRACK-RECORD",
            _(
                "成果转化类需求须具有承担国家或自治区、市级科研任务的基础条件和成功案例，"
                "目前缺少：{missing}。请在需求表中填写承担的科研任务（名称、级别、年度）"
                "和成功案例，并可上传成功案例佐证材料。"
            ).format(missing=join_problems(text for _field, text in missing)),
            field=missing[0][0],
        )
    ]


def rule_at_ip_clear(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-IP-CLEAR: the achievement's IP items are listed with clear ownership and evidence
    attached (二（二）2（2））.

    At least one IP item, each with `number`, `owner` and `legal_status` non-blank, and an
    "ip_evidence" attachment. The message lists what is missing per item.
    """
    demand = check.demand
    missing = []
    if not demand.ip_items:
        missing.append(_("知识产权清单（至少一项）"))
    for number, item in enumerate(demand.ip_items, start=1):
        parts = []
        if not item.number.strip():
            parts.append(_("编号"))
        if not item.owner.strip():
            parts.append(_("权利人"))
        if not item.legal_status.strip():
            parts.append(_("法律状态"))
        if parts:
            missing.append(
                _("第{number}项知识产权的{parts}").format(number=number, parts=join(parts))
            )
    if ATT_IP_EVIDENCE not in demand.attachment_kinds:
        missing.append(_(ATTACHMENT_KINDS[ATT_IP_EVIDENCE]))
    if not missing:
        return []
    return [
        finding(
            "AT-IP-CLEAR",
            _(
                "拟转化成果的知识产权须明晰，目前缺少：{missing}。请逐项填写知识产权的编号、"
                "权利人和法律状态，并上传证书等知识产权证明材料。"
            ).format(missing=join_problems(missing)),
            field="ip_items",
        )
    ]


def rule_at_team(check: DemandCheck, call: CallParams) -> list[Finding]:
    """AT-TEAM: the transfer support team is stated (二（二）2（3））.

    `transfer_team` non-blank and at least two team members (the leader and at least one
    more).
    """
    demand = check.demand
    missing = []
    if not demand.transfer_team.strip():
        missing.append(_("成果转化支撑队伍情况说明"))
    if len(demand.team) < 2:
        missing.append(
            _("项目组成员（除负责人外至少一人，目前共{count}人）").format(count=len(demand.team))
        )
    if not missing:
        return []
    return [
        finding(
            "AT-TEAM",
            _(
                "成果转化类需求须拥有成果转化的支撑队伍，目前缺少：{missing}。"
                "请说明支撑队伍的组成及其参与推广转化的方式，并在项目组成员中填写负责人"
                "和至少一名成员。"
            ).format(missing=join_problems(missing)),
            field="transfer_team" if not demand.transfer_team.strip() else "team",
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


# -------------------------------------------------------------------- money and period


def rule_fund_min(check: DemandCheck, call: CallParams) -> list[Finding]:
    """FUND-MIN: the project's total investment is at least the call minimum (三).

    `total_investment >= call.min_total_investment` (5,000,000.00 passes, 4,999,999.99
    fails). A missing amount fails. Amounts are shown in 元 and 万元.
    """
    amount = check.demand.total_investment
    minimum = call.min_total_investment
    if amount is None:
        message = _("请填写项目投入总额。单个“揭榜挂帅”项目投入总额不低于{minimum}。").format(
            minimum=format_money(minimum)
        )
    elif amount >= minimum:
        return []
    else:
        message = _(
            "项目投入总额为{amount}，低于本批次规定的下限{minimum}。"
            "单个“揭榜挂帅”项目投入总额不低于该下限，请调整项目投入总额后再提交。"
        ).format(amount=format_money(amount), minimum=format_money(minimum))
    return [finding("FUND-MIN", message, field="total_investment")]


def rule_period_max(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PERIOD-MAX (justify): the period is at most the normal maximum, else a written
    justification (三: "一般原则上不超过3年").

    `period_months <= normal_max_period_months` → no finding. Longer → a finding that is
    justified when `period_justification` is non-blank (it then does not block and reviewers
    see it). A missing period → an unjustified finding asking for the period.
    """
    demand = check.demand
    limit = call.normal_max_period_months
    months = demand.period_months
    if months is None:
        return [
            finding(
                "PERIOD-MAX",
                _("请填写项目实施周期（月），一般原则上不超过{limit}个月。").format(limit=limit),
                field="period_months",
            )
        ]
    if months <= limit:
        return []
    if demand.period_justification.strip():
        return [
            finding(
                "PERIOD-MAX",
                _(
                    "项目实施周期为{months}个月，超过一般上限{limit}个月；已填写超期理由，"
                    "将由评审专家审核其必要性。"
                ).format(months=months, limit=limit),
                field="period_justification",
                justified=True,
            )
        ]
    return [
        finding(
            "PERIOD-MAX",
            _(
                "项目实施周期为{months}个月，超过一般上限{limit}个月。请将周期缩短至{limit}个月"
                "以内，或在“周期说明”中填写需要更长周期的理由。"
            ).format(months=months, limit=limit),
            field="period_justification",
        )
    ]


# ------------------------------------------------------------- classified, attachments


def rule_classified(check: DemandCheck, call: CallParams) -> list[Finding]:
    """CLASSIFIED: classified content is never submitted online (五（二）9).

    `demand.is_classified` → the platform refuses the online submission; the material goes
    to the city bureau offline, and the bureau records an offline entry without content.
    """
    if not check.demand.is_classified:
        return []
    return [
        finding(
            "CLASSIFIED",
            _(
                "经认定有涉密内容的项目不通过网上申报，本平台不接收涉密内容。"
                "请勿在平台填写或上传任何涉密材料，将申报材料直接报送至市科技局，"
                "由市科技局进行线下登记。如本需求不含涉密内容，请取消“涉密”标记。"
            ),
            field="is_classified",
        )
    ]


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


# ------------------------------------------------------------------- restrictions (四)


def rule_lim_unit_overdue(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-OVERDUE: the unit has no city project overdue and unaccepted for the call's
    threshold or longer (四（一）: "逾期一年以上（含一年）").

    A city project of the unit counts when its status is "ongoing" and
    `planned_end + overdue_threshold_years <= today` (calendar years; exactly one year
    overdue counts). Accepted, terminated and failed projects do not count. One finding
    naming every such project with its planned end.
    """
    overdue = overdue_city_projects(
        check.org.city_projects, check.today, call.overdue_threshold_years
    )
    if not overdue:
        return []
    listed = join_problems(
        _("{code}“{title}”（计划结束日期{day}）").format(
            code=project.code, title=project.title, day=_day(project.planned_end)
        )
        for project in overdue
    )
    return [
        finding(
            "LIM-UNIT-OVERDUE",
            _(
                "本单位有逾期{years}年以上（含{years}年）未验收的市级科技计划项目：{projects}，"
                "属于限制申报范围。请先完成上述项目的验收（或结题）；如项目已验收，"
                "请联系市科技局更新项目状态后再提交。"
            ).format(years=call.overdue_threshold_years, projects=listed),
        )
    ]


def rule_lim_unit_ongoing(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-UNIT-ONGOING: the unit has at most the call's number of ongoing city R&D
    projects (四（二）: "累计超过3项的" is restricted, so 3 passes and 4 fails).

    Counts the unit's city projects with status "ongoing" and `is_rnd`; the message lists
    their codes.
    """
    ongoing = ongoing_rnd_city_projects(check.org.city_projects)
    limit = call.unit_max_ongoing_projects
    if len(ongoing) <= limit:
        return []
    return [
        finding(
            "LIM-UNIT-ONGOING",
            _(
                "本单位市级研发在研项目累计{count}项（{codes}），超过{limit}项，"
                "属于限制申报范围。请待部分在研项目验收结题后再申报；如其中有已验收的项目，"
                "请联系市科技局更新项目状态。"
            ).format(
                count=len(ongoing),
                codes=join(project.code for project in ongoing),
                limit=limit,
            ),
        )
    ]


def rule_lim_person_load(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-PERSON-LOAD: each principal's ongoing city R&D projects plus this year's
    applications, this one included, are at most the call's limit (四（二）).

    Principals are the team members with `position <= call.principal_count` (first 3,
    leader included). Count = `len(ongoing_rnd_projects) + len(other_applications_this_year)
    + 1`; more than `person_max_load` is restricted (2 passes, 3 fails). One finding per
    person, naming the person (name and masked ID) and what was counted.
    """
    findings = []
    for person in principals(check.demand.team, call.principal_count):
        count = person_load(person)
        if count <= call.person_max_load:
            continue
        counted = []
        if person.ongoing_rnd_projects:
            counted.append(
                _("市级研发在研项目{count}项（{codes}）").format(
                    count=len(person.ongoing_rnd_projects),
                    codes=join(person.ongoing_rnd_projects),
                )
            )
        if person.other_applications_this_year:
            counted.append(
                _("本年度其他申报{count}项（{codes}）").format(
                    count=len(person.other_applications_this_year),
                    codes=join(person.other_applications_this_year),
                )
            )
        counted.append(_("本次申报1项"))
        findings.append(
            finding(
                "LIM-PERSON-LOAD",
                _(
                    "{person}为项目主要承担人（项目组成员前{principals}名），"
                    "{counted}，累计{count}项，超过{limit}项，属于限制申报范围。"
                    "请更换该主要承担人或调整项目组成员排序，或待其在研项目验收结题后再申报。"
                ).format(
                    person=person_label(person),
                    principals=call.principal_count,
                    counted=join(counted, "，"),
                    count=count,
                    limit=call.person_max_load,
                ),
                field="team",
            )
        )
    return findings


def _penalty_text(records: list[CreditSnapshot]) -> str:
    return join_problems(
        _("惩戒期{start}至{end}，依据：{source}").format(
            start=_day(record.penalty_start),
            end=_day(record.penalty_end) if record.penalty_end else _("长期"),
            source=_source(record),
        )
        for record in records
    )


def rule_lim_misconduct(check: DemandCheck, call: CallParams) -> list[Finding]:
    """LIM-MISCONDUCT: neither the unit nor any team member (leader and every member, not
    only the principals) has a research-misconduct penalty in force that bars city fiscal
    projects (四（三）).

    A record counts when its kind is "research_misconduct", `bars_city_fiscal_projects`,
    and `penalty_start <= today <= penalty_end` (no end: in force indefinitely). A penalty
    ending today still counts; one that ended yesterday no longer does. One finding for the
    unit and one per member concerned, naming who.
    """
    findings = []
    records = barring_misconduct(check.org.credit_records, check.today)
    if records:
        findings.append(
            finding(
                "LIM-MISCONDUCT",
                _(
                    "本单位有在惩戒执行期内的科研失信行为记录（{penalties}），在限制参与财政资助"
                    "市级科技项目期限内，属于限制申报范围。请在惩戒期满后再申报；"
                    "如记录有误，请联系市科技局核实。"
                ).format(penalties=_penalty_text(records)),
            )
        )
    for person in check.demand.team:
        records = barring_misconduct(person.credit_records, check.today)
        if records:
            findings.append(
                finding(
                    "LIM-MISCONDUCT",
                    _(
                        "{person}有在惩戒执行期内的科研失信行为记录（{penalties}），"
                        "在限制参与财政资助市级科技项目期限内，属于限制申报范围。"
                        "请将其移出项目组；如记录有误，请联系市科技局核实。"
                    ).format(person=person_label(person), penalties=_penalty_text(records)),
                    field="team",
                )
            )
    return findings


# ------------------------------------------------------------------ horse race, ethics


def rule_race_routes(check: DemandCheck, call: CallParams) -> list[Finding]:
    """RACE-ROUTES: a horse-race (赛马制) demand states at least the call's number of
    technical routes, each with its own R&D investment (五（二）6).

    Only when `is_horse_race`: at least `race_min_routes` routes, each with a non-blank
    name and `rnd_investment > 0`.
    """
    demand = check.demand
    if not demand.is_horse_race:
        return []
    problems = []
    if len(demand.routes) < call.race_min_routes:
        problems.append(
            _("技术路线只有{count}条，至少需要{minimum}条").format(
                count=len(demand.routes), minimum=call.race_min_routes
            )
        )
    for number, route in enumerate(demand.routes, start=1):
        parts = []
        if not route.name.strip():
            parts.append(_("未填写名称"))
        if route.rnd_investment is None or route.rnd_investment <= 0:
            parts.append(_("未填写大于零的研发投入总额"))
        if parts:
            problems.append(
                _("第{number}条技术路线{parts}").format(number=number, parts=join(parts))
            )
    if not problems:
        return []
    return [
        finding(
            "RACE-ROUTES",
            _(
                "“赛马制”需求须由多个团队采取不同路径同步攻关，并分别明确每个技术路线的"
                "研发投入总额。目前：{problems}。请补充技术路线及各路线的研发投入总额，"
                "或取消“赛马制”标记。"
            ).format(problems=join_problems(problems)),
            field="routes",
        )
    ]


def rule_ethics_review(check: DemandCheck, call: CallParams) -> list[Finding]:
    """ETHICS-REVIEW (justify): where the work involves science ethics or security, a review
    record is provided (五（二）8).

    Only when `involves_ethics`: justified when `ethics_review_record` is non-blank or an
    "ethics_review" attachment is present (reviewers see it); otherwise unjustified.
    """
    demand = check.demand
    if not demand.involves_ethics:
        return []
    if demand.ethics_review_record.strip() or ATT_ETHICS_REVIEW in demand.attachment_kinds:
        return [
            finding(
                "ETHICS-REVIEW",
                _("本需求涉及科技伦理或科技安全问题，已提供审查记录，评审时将一并审核。"),
                field="ethics_review_record",
                justified=True,
            )
        ]
    return [
        finding(
            "ETHICS-REVIEW",
            _(
                "本需求涉及科技伦理或科技安全问题，但未提供审查记录。请填写本单位科技伦理和"
                "科技安全审查情况，或上传审查记录；如不涉及，请取消相应标记。"
            ),
            field="ethics_review_record",
        )
    ]


# ------------------------------------------------------------------------- priorities


def _priority(code: str, flag: bool, what: str, field: str) -> list[Finding]:
    if not flag:
        return []
    return [
        finding(
            code,
            _(
                "本需求申报为{what}，属于优先支持方向，评审专家将看到该优先支持标识。"
                "请在需求内容中说明其依据。"
            ).format(what=what),
            field=field,
        )
    ]


def rule_priority_common_tech(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-COMMON-TECH: the demand is flagged as an industry common technology
    (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-COMMON-TECH",
        check.demand.priority_common_tech,
        _("产业共性技术"),
        "priority_common_tech",
    )


def rule_priority_first_set(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-FIRST-SET: the demand is flagged as a first set (首台（套）) of major
    equipment (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-FIRST-SET",
        check.demand.priority_first_set,
        _("首台（套）重大装备"),
        "priority_first_set",
    )


def rule_priority_public_benefit(check: DemandCheck, call: CallParams) -> list[Finding]:
    """PRIORITY-PUBLIC-BENEFIT: the demand is flagged as public-benefit with a strong
    spill-over (二（二）2（4））; informational, never blocks.
    """
    return _priority(
        "PRIORITY-PUBLIC-BENEFIT",
        check.demand.priority_public_benefit,
        _("公益性、辐射带动效应显著的重大成果"),
        "priority_public_benefit",
    )


DEMAND_RULES: tuple[DemandRule, ...] = (
    DemandRule("WINDOW-SUBMIT", rule_window_submit, BOTH),
    DemandRule("ORG-UNVERIFIED", rule_org_unverified, BOTH),
    DemandRule("TB-ISSUER-LOCAL", rule_tb_issuer_local, TB),
    DemandRule("TB-ISSUER-KIND", rule_tb_issuer_kind, TB),
    DemandRule("TB-ISSUER-AGE", rule_tb_issuer_age, TB),
    # TB always; AT only where the call extends the check (decided inside the rule).
    DemandRule("CREDIT-SERIOUS", rule_credit_serious, BOTH),
    DemandRule("TB-END-USER", rule_tb_end_user, TB),
    DemandRule("TB-FUNDING-COMMIT", rule_tb_funding_commit, TB),
    DemandRule("TB-CONTENT", rule_tb_content, TB),
    DemandRule("TB-AUDIT-REPORTS", rule_tb_audit_reports, TB),
    DemandRule("TB-SUPPORT-EVIDENCE", rule_tb_support_evidence, TB),
    DemandRule("AT-ISSUER-KIND", rule_at_issuer_kind, AT),
    DemandRule("AT-TRACK-RECORD", rule_at_track_record, AT),
    DemandRule("AT-IP-CLEAR", rule_at_ip_clear, AT),
    DemandRule("AT-TEAM", rule_at_team, AT),
    DemandRule("AT-TEST-REPORT", rule_at_test_report, AT),
    DemandRule("FUND-MIN", rule_fund_min, BOTH),
    DemandRule("PERIOD-MAX", rule_period_max, BOTH),
    DemandRule("CLASSIFIED", rule_classified, BOTH),
    DemandRule("ATT-APPLICATION-FORM", rule_att_application_form, BOTH),
    DemandRule("ATT-COMMIT-UNIT", rule_att_commit_unit, BOTH),
    DemandRule("ATT-COMMIT-LEADER", rule_att_commit_leader, BOTH),
    DemandRule("LIM-UNIT-OVERDUE", rule_lim_unit_overdue, BOTH),
    DemandRule("LIM-UNIT-ONGOING", rule_lim_unit_ongoing, BOTH),
    DemandRule("LIM-PERSON-LOAD", rule_lim_person_load, BOTH),
    DemandRule("LIM-MISCONDUCT", rule_lim_misconduct, BOTH),
    DemandRule("RACE-ROUTES", rule_race_routes, BOTH),
    DemandRule("ETHICS-REVIEW", rule_ethics_review, BOTH),
    DemandRule("PRIORITY-COMMON-TECH", rule_priority_common_tech, BOTH),
    DemandRule("PRIORITY-FIRST-SET", rule_priority_first_set, BOTH),
    DemandRule("PRIORITY-PUBLIC-BENEFIT", rule_priority_public_benefit, BOTH),
)
