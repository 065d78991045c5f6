"""The rule catalogue of domain.md §5: one `RuleSpec` per stable code.

Codes are a public contract (API, exports, tests): never rename one. Severity and guide
clause live here only; rules build their findings through `finding()`, so a rule cannot get
its own severity or clause wrong.

Conventions shared by the rule modules:

- `Finding.field` names the `DemandSnapshot` attribute the applicant has to fix
  (`"total_investment"`, `"team"`, ...), `"attachments"` for a missing attachment, and is
  empty when the fix is on the unit (organization) record or outside the form.
- A rule reports at most one finding per subject (the unit, or one team member), listing
  every problem of that subject in its message.
- The value strings below (attachment kinds, research-task levels, demand categories) are
  what the selectors put into the snapshots; the Chinese labels are for messages and forms.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from jiebang.eligibility.findings import Finding, Severity

# Demand categories (`DemandSnapshot.category`).
TECH_BREAKTHROUGH = "tech_breakthrough"
ACHIEVEMENT_TRANSFER = "achievement_transfer"
DEMAND_CATEGORIES: dict[str, str] = {
    TECH_BREAKTHROUGH: N_("技术攻关类"),
    ACHIEVEMENT_TRANSFER: N_("成果转化类"),
}

# Attachment kinds (`DemandSnapshot.attachment_kinds`).
ATT_APPLICATION_FORM = "application_form"
ATT_COMMIT_UNIT = "commit_unit"
ATT_COMMIT_LEADER = "commit_leader"
ATT_AUDIT_REPORT = "audit_report"
ATT_EVIDENCE_EQUIPMENT = "evidence_equipment"
ATT_EVIDENCE_SITE = "evidence_site"
ATT_EVIDENCE_APPLICATION = "evidence_application"
ATT_EVIDENCE_TEAM = "evidence_team"
ATT_TEST_REPORT = "test_report"
ATT_IP_EVIDENCE = "ip_evidence"
ATT_CASE_EVIDENCE = "case_evidence"
ATT_ETHICS_REVIEW = "ethics_review"

ATTACHMENT_KINDS: dict[str, str] = {
    ATT_APPLICATION_FORM: N_("需求申请表"),
    ATT_COMMIT_UNIT: N_("单位诚信承诺书"),
    ATT_COMMIT_LEADER: N_("负责人诚信承诺书"),
    ATT_AUDIT_REPORT: N_("审计报告"),
    ATT_EVIDENCE_EQUIPMENT: N_("设备条件佐证材料"),
    ATT_EVIDENCE_SITE: N_("场地条件佐证材料"),
    ATT_EVIDENCE_APPLICATION: N_("推广应用能力佐证材料"),
    ATT_EVIDENCE_TEAM: N_("自身研发团队佐证材料"),
    ATT_TEST_REPORT: N_("技术指标检测报告"),
    ATT_IP_EVIDENCE: N_("知识产权证明材料"),
    ATT_CASE_EVIDENCE: N_("成功案例佐证材料"),
    ATT_ETHICS_REVIEW: N_("科技伦理/安全审查记录"),
}

# The four kinds of 技术攻关 support evidence (五（二）4), in the guide's order.
TB_SUPPORT_EVIDENCE_KINDS: tuple[str, ...] = (
    ATT_EVIDENCE_EQUIPMENT,
    ATT_EVIDENCE_SITE,
    ATT_EVIDENCE_APPLICATION,
    ATT_EVIDENCE_TEAM,
)

# Levels of a research task undertaken (`ResearchTaskSnapshot.level`), 二（二）2（1）.
RESEARCH_TASK_LEVELS: dict[str, str] = {
    "national": N_("国家级"),
    "region": N_("自治区级"),
    "city": N_("市级"),
}


@dataclass(frozen=True)
class RuleSpec:
    code: str
    severity: Severity
    applies_to: str  # as in domain.md §5 ("TB demand", "issuer, solver", ...)
    clause: str  # "申报指南 二（一）2（2）"
    title: str  # short Chinese name (marked for translation, translate when shown)


B, J, P = Severity.BLOCK, Severity.JUSTIFY, Severity.PRIORITY

# In the order of domain.md §5; findings are sorted by this order within a severity.
_SPECS: tuple[RuleSpec, ...] = (
    RuleSpec("WINDOW-SUBMIT", B, "demand", "申报指南 五（一）1、3", N_("网上填报时间")),
    RuleSpec(
        "WINDOW-RECOMMEND", B, "district action", "申报指南 五（一）2", N_("区县推荐截止时间")
    ),
    RuleSpec("ORG-UNVERIFIED", B, "all", "申报指南 五（二）1、2", N_("单位注册及申报账号审核")),
    RuleSpec("TB-ISSUER-LOCAL", B, "TB demand", "申报指南 二（一）1", N_("发榜方为市域内独立法人")),
    RuleSpec("TB-ISSUER-KIND", B, "TB demand", "申报指南 二（一）1", N_("发榜方单位类型")),
    RuleSpec(
        "TB-ISSUER-AGE", B, "TB demand", "申报指南 二（一）2（2）", N_("发榜方在本市注册年限")
    ),
    RuleSpec(
        "CREDIT-SERIOUS",
        B,
        "TB issuer; TB solver (each consortium member); AT parties only where the call extends it",
        "申报指南 二（一）2（2）、二（三）2",
        N_("近三年无严重失信或严重违法记录"),
    ),
    RuleSpec(
        "TB-END-USER", B, "TB demand", "申报指南 二（一）2（5）", N_("需求方为最终用户或用户代表")
    ),
    RuleSpec(
        "TB-FUNDING-COMMIT",
        B,
        "TB demand",
        "申报指南 二（一）2（1）",
        N_("承诺保障科研投入及配套条件"),
    ),
    RuleSpec("TB-CONTENT", B, "TB demand", "申报指南 二（一）2（4）", N_("需求内容要素完整")),
    RuleSpec(
        "TB-AUDIT-REPORTS", B, "TB demand", "申报指南 五（二）4", N_("年度审计报告及财务数据")
    ),
    RuleSpec(
        "TB-SUPPORT-EVIDENCE", B, "TB demand", "申报指南 五（二）4", N_("研发支持与配套条件佐证")
    ),
    RuleSpec("AT-ISSUER-KIND", B, "AT demand", "申报指南 二（二）1", N_("成果持有方单位类型")),
    RuleSpec(
        "AT-TRACK-RECORD", B, "AT demand", "申报指南 二（二）2（1）", N_("科研任务基础与成功案例")
    ),
    RuleSpec("AT-IP-CLEAR", B, "AT demand", "申报指南 二（二）2（2）", N_("成果知识产权明晰")),
    RuleSpec("AT-TEAM", B, "AT demand", "申报指南 二（二）2（3）", N_("成果转化支撑队伍")),
    RuleSpec("AT-TEST-REPORT", B, "AT demand", "申报指南 五（二）4", N_("技术指标检测报告")),
    RuleSpec("FUND-MIN", B, "demand, project", "申报指南 三", N_("项目投入总额下限")),
    RuleSpec("PERIOD-MAX", J, "demand, project", "申报指南 三", N_("项目实施周期")),
    RuleSpec("CLASSIFIED", B, "demand", "申报指南 五（二）9", N_("涉密内容不得网上申报")),
    RuleSpec("ATT-APPLICATION-FORM", B, "demand", "申报指南 五（二）3", N_("需求申请表")),
    RuleSpec("ATT-COMMIT-UNIT", B, "demand", "申报指南 五（二）3", N_("单位诚信承诺书")),
    RuleSpec("ATT-COMMIT-LEADER", B, "demand", "申报指南 五（二）3", N_("负责人诚信承诺书")),
    RuleSpec(
        "LIM-UNIT-OVERDUE", B, "issuer, solver", "申报指南 四（一）", N_("单位逾期未验收项目")
    ),
    RuleSpec(
        "LIM-UNIT-ONGOING", B, "issuer, solver", "申报指南 四（二）", N_("单位市级研发在研项目数")
    ),
    RuleSpec("LIM-PERSON-LOAD", B, "demand, proposal", "申报指南 四（二）", N_("主要承担人项目数")),
    RuleSpec(
        "LIM-MISCONDUCT",
        B,
        "unit, leader, every member",
        "申报指南 四（三）",
        N_("科研失信惩戒执行期"),
    ),
    RuleSpec("RACE-ROUTES", B, "horse-race demand", "申报指南 五（二）6", N_("赛马制技术路线")),
    RuleSpec(
        "RACE-FIRST-PHASE-CAP",
        B,
        "horse-race project funding",
        "申报指南 五（二）6",
        N_("赛马制首期资助比例"),
    ),
    RuleSpec(
        "SOLVER-TB-KIND", B, "TB proposal", "申报指南 二（三）", N_("技术攻关类揭榜方单位类型")
    ),
    RuleSpec(
        "SOLVER-AT-LOCAL",
        B,
        "AT proposal",
        "申报指南 二（四）",
        N_("成果转化类揭榜方为市域内独立法人企业"),
    ),
    RuleSpec(
        "SOLVER-AFFILIATED",
        B,
        "proposal",
        "申报指南 二（三）5、二（四）4",
        N_("揭榜方与需求方无关联关系"),
    ),
    RuleSpec("SOLVER-IP", B, "TB proposal", "申报指南 二（三）3", N_("揭榜方自主知识产权")),
    RuleSpec("SOLVER-PLAN", B, "proposal", "申报指南 二（三）3、二（四）1", N_("可行的技术方案")),
    RuleSpec("TECH-CONTRACT", B, "project", "申报指南 五（二）5", N_("技术合同登记")),
    RuleSpec(
        "ETHICS-REVIEW", J, "demand, proposal", "申报指南 五（二）8", N_("科技伦理和安全审查")
    ),
    RuleSpec(
        "PRIORITY-COMMON-TECH",
        P,
        "demand",
        "申报指南 二（二）2（4）",
        N_("产业共性技术（优先支持）"),
    ),
    RuleSpec(
        "PRIORITY-FIRST-SET",
        P,
        "demand",
        "申报指南 二（二）2（4）",
        N_("首台（套）重大装备（优先支持）"),
    ),
    RuleSpec(
        "PRIORITY-PUBLIC-BENEFIT",
        P,
        "demand",
        "申报指南 二（二）2（4）",
        N_("公益性、辐射带动效应显著（优先支持）"),
    ),
    RuleSpec(
        "PRIORITY-INDUSTRY-ACADEMIA",
        P,
        "proposal",
        "申报指南 二（三）4",
        N_("产学研合作揭榜（优先支持）"),
    ),
    RuleSpec(
        "PRIORITY-RESEARCH-ASSISTANT",
        P,
        "project",
        "申报指南 五（二）10",
        N_("开发科研助理岗位（优先支持）"),
    ),
)

RULES: dict[str, RuleSpec] = {spec.code: spec for spec in _SPECS}
assert len(RULES) == len(_SPECS), "duplicate rule code in the catalogue"

# Position of each code in the catalogue: the tie-break when findings are sorted.
CATALOGUE_ORDER: dict[str, int] = {code: index for index, code in enumerate(RULES)}


def finding(code: str, message: str, field: str = "", justified: bool = False) -> Finding:
    """A `Finding` for `code` with the catalogue's severity and clause.

    Raises `KeyError` for a code that is not in the catalogue, and `ValueError` when
    `justified` is set on a rule whose severity is not `justify`.
    """
    spec = RULES[code]
    if justified and spec.severity != Severity.JUSTIFY:
        raise ValueError(
            f"{code} has severity {spec.severity}; only justify findings are justified"
        )
    return Finding(
        code=code,
        severity=spec.severity,
        message=message,
        clause=spec.clause,
        field=field,
        justified=justified,
    )
