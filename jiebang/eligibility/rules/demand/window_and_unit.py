"""Demand rules on the submission window and the issuing unit (发榜方 / 需求方):
WINDOW-SUBMIT, ORG-UNVERIFIED, TB-ISSUER-*, AT-ISSUER-KIND, CREDIT-SERIOUS.
"""

from django.utils.translation import gettext as _

from jiebang.core.clock import format_beijing
from jiebang.eligibility.catalogue import ACHIEVEMENT_TRANSFER, finding
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.rules import add_years, join, join_problems, serious_credit_records
from jiebang.eligibility.rules.demand._common import _day, _label, _source
from jiebang.eligibility.snapshots import CallParams, DemandCheck
from jiebang.orgs.enums import CreditKind, OrgKind, TechCertification, VerificationState


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
