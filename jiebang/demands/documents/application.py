"""《乌鲁木齐市重点领域科技创新攻关“揭榜挂帅”需求申请表》 (guide 五（二）3).

Printed from the demand's current content (drafts too: the unit prints, signs and stamps it,
then uploads the scan). The content is taken through `services.demand_content`, the same
JSON a submission freezes, so only masked ID numbers and phones can ever reach the paper.
"""

from jiebang.core import clock
from jiebang.demands.documents.layout import (
    BLANK,
    Document,
    Grid,
    Pair,
    Paragraphs,
    Row,
    Section,
    Signatures,
    Table,
    label_of,
    ratio,
    text,
    wan,
    yes_no,
    yuan,
    yuan_plain,
)
from jiebang.demands.enums import Category, IPKind, ResearchLevel

FORM_TITLE = "乌鲁木齐市重点领域科技创新攻关“揭榜挂帅”需求申请表"
NUMBER_PENDING = "（提交后生成）"


def _team_role(position: int, principal_count: int) -> str:
    if position == 1:
        return "负责人"
    return "主要承担人" if position <= principal_count else "成员"


def _long(label: str, value) -> list[Pair]:
    return [Pair(label, text(value), long=True)]


def _basic(content: dict, meta: dict) -> Section:
    org = content.get("organization") or {}
    return Section(
        "基本信息",
        [
            Grid(
                [
                    [Pair("需求编号", meta["number"]), Pair("需求类别", meta["category"])],
                    [Pair("需求名称", text(content.get("title")))],
                    [
                        Pair("所属产业领域", text(content.get("industry"))),
                        Pair("赛马制", yes_no(content.get("is_horse_race"))),
                    ],
                    [Pair("发榜单位", text(org.get("name")))],
                    [
                        Pair("统一社会信用代码", text(org.get("uscc"))),
                        Pair("所在区县", text(meta["district"])),
                    ],
                    [Pair("推荐单位", text(meta["recommender"]))],
                    [
                        Pair("联系人", text(content.get("contact_name"))),
                        Pair("联系电话", text(content.get("contact_phone_masked"))),
                    ],
                    [Pair("电子邮箱", text(content.get("contact_email")))],
                ]
            )
        ],
    )


def _content(content: dict) -> list[Section]:
    indicators = Table(
        ["序号", "指标名称", "目标值", "单位", "考核方式"],
        [
            Row(
                [
                    str(i),
                    text(r.get("name")),
                    text(r.get("target_value")),
                    r.get("unit") or "—",
                    r.get("test_method") or "—",
                ]
            )
            for i, r in enumerate(content.get("indicators") or [], 1)
        ],
        [8, 30, 22, 10, 30],
    )
    rows = [
        _long("时限要求", content.get("time_requirement")),
        _long("知识产权归属", content.get("ip_terms")),
        _long("对揭榜方的条件要求", content.get("solver_conditions")),
    ]
    if content.get("involves_ethics"):
        rows.append(_long("伦理/安全审查情况", content.get("ethics_review_record")))
    return [
        Section(
            "需求内容",
            [
                Grid(
                    [
                        _long("需求概述", content.get("summary")),
                        _long("技术难题与攻关目标", content.get("problem")),
                    ]
                )
            ],
        ),
        Section("指标参数", [indicators]),
        Section("需求要求", [Grid(rows)]),
    ]


def _investment(content: dict) -> list[Section]:
    months = content.get("period_months")
    rows = [
        [Pair("项目投入总额", yuan(content.get("total_investment")))],
        _long("投入构成", content.get("investment_breakdown")),
        [Pair("实施周期（月）", f"{months} 个月" if months else BLANK)],
    ]
    if (content.get("period_justification") or "").strip():
        rows.append(_long("超过一般周期的理由", content["period_justification"]))
    sections = [Section("项目投入与实施周期", [Grid(rows)])]
    if content.get("is_horse_race"):
        routes = content.get("routes") or []
        sections.append(
            Section(
                "赛马制技术路线",
                [
                    Table(
                        ["序号", "技术路线", "路线说明", "研发投入（元）", "研发投入（万元）"],
                        [
                            Row(
                                [
                                    str(i),
                                    text(r.get("name")),
                                    r.get("description") or "—",
                                    yuan_plain(r.get("rnd_investment")),
                                    wan(r.get("rnd_investment")),
                                ]
                            )
                            for i, r in enumerate(routes, 1)
                        ],
                        [7, 22, 33, 20, 18],
                        note="每条技术路线分别明确研发投入总额（申报指南 五（二）6）。",
                    )
                ],
            )
        )
    return sections


def _team(content: dict, principal_count: int) -> Section:
    return Section(
        "项目团队",
        [
            Table(
                ["序号", "角色", "姓名", "身份证号", "职称/职务", "工作单位", "分工"],
                [
                    Row(
                        [
                            str(m.get("position") or i),
                            _team_role(m.get("position") or i, principal_count),
                            text(m.get("name")),
                            m.get("id_masked") or "—",
                            m.get("title") or "—",
                            m.get("work_unit") or "—",
                            m.get("responsibility") or "—",
                        ]
                    )
                    for i, m in enumerate(content.get("team") or [], 1)
                ],
                [7, 13, 10, 21, 14, 20, 15],
                note="第1位为项目负责人，前3位为项目主要承担人（含负责人）；身份证号已脱敏。",
            )
        ],
    )


def _tech_breakthrough(content: dict, audit_years: list[int]) -> Section:
    by_year = {int(f["year"]): f for f in content.get("financials") or [] if f.get("year")}
    years = sorted(set(audit_years) | set(by_year))
    financials = Table(
        ["年度", "销售收入（元）", "研发投入（元）", "研发投入占销售收入比例"],
        [
            Row(
                [
                    f"{y}年度",
                    yuan_plain(by_year.get(y, {}).get("revenue")),
                    yuan_plain(by_year.get(y, {}).get("rnd_spend")),
                    ratio(by_year.get(y, {}).get("rnd_spend"), by_year.get(y, {}).get("revenue")),
                ]
            )
            for y in years
        ],
        [16, 28, 28, 28],
        note="以经审计的年度审计报告为准（申报指南 五（二）4）。",
    )
    declarations = Table(
        ["声明/承诺事项", "是/否"],
        [
            Row(["本单位是该技术的最终用户或用户代表", yes_no(content.get("declares_end_user"))]),
            Row(
                [
                    "承诺保障科研投入并提供研发实施支持和配套条件",
                    yes_no(content.get("commits_funding")),
                ]
            ),
        ],
        [84, 16],
        note="需求方应为技术的最终用户或用户代表（申报指南 二（一）2（5））。",
    )
    support = Grid([_long("研发实施支持和配套条件", content.get("support_conditions"))])
    return Section(
        "技术攻关类需求情况",
        [
            Section("最终用户声明与投入承诺", [declarations]),
            Section("近年度销售收入与研发投入", [financials]),
            Section("研发实施支持和配套条件", [support]),
        ],
    )


def _achievement_transfer(content: dict) -> Section:
    tasks = Table(
        ["序号", "任务名称", "级别", "年度", "承担角色"],
        [
            Row(
                [
                    str(i),
                    text(t.get("name")),
                    label_of(ResearchLevel, t.get("level")),
                    str(t.get("year") or "—"),
                    t.get("role") or "—",
                ]
            )
            for i, t in enumerate(content.get("research_tasks") or [], 1)
        ],
        [8, 44, 14, 12, 22],
    )
    ip_items = Table(
        ["序号", "类型", "授权号/登记号", "权利人", "法律状态"],
        [
            Row(
                [
                    str(i),
                    label_of(IPKind, p.get("kind")),
                    text(p.get("number")),
                    text(p.get("owner")),
                    text(p.get("legal_status")),
                ]
            )
            for i, p in enumerate(content.get("ip_items") or [], 1)
        ],
        [8, 18, 26, 30, 18],
    )
    priorities = Table(
        ["优先支持情形", "是/否"],
        [
            Row(["属于产业共性技术", yes_no(content.get("priority_common_tech"))]),
            Row(["属于首台（套）重大装备", yes_no(content.get("priority_first_set"))]),
            Row(
                [
                    "属于公益性、辐射带动效应显著的成果",
                    yes_no(content.get("priority_public_benefit")),
                ]
            ),
        ],
        [84, 16],
    )
    return Section(
        "成果转化类需求情况",
        [
            Section("承担国家或自治区、市级科研任务情况", [tasks]),
            Section("成功案例", [Grid([_long("成功案例", content.get("success_cases"))])]),
            Section("拟转化成果的知识产权", [ip_items]),
            Section(
                "成果转化支撑队伍",
                [Grid([_long("成果转化支撑队伍情况", content.get("transfer_team"))])],
            ),
            Section("优先支持情形", [priorities]),
        ],
    )


def _signatures() -> Section:
    return Section(
        "签字盖章",
        [
            Paragraphs(
                [
                    "发榜单位承诺：以上填报内容及所附材料真实、准确、完整，如有不实，愿承担相应责任。"
                ],
                small=True,
            ),
            Signatures(
                [
                    [
                        "发榜单位（盖章）：",
                        "法定代表人（签字）：",
                        "项目负责人（签字）：",
                        "年  月  日",
                    ],
                    ["推荐单位意见（盖章）：", "", "", "年  月  日"],
                ]
            ),
        ],
    )


def build(content: dict, meta: dict) -> Document:
    """The form from content shaped like `services.demand_content` plus call/district facts.

    `meta`: number, year, category, district, recommender, audit_years, principal_count.
    """
    sections = [_basic(content, meta), *_content(content), *_investment(content)]
    sections.append(_team(content, meta.get("principal_count") or 3))
    if content.get("category") == Category.TECH_BREAKTHROUGH:
        sections.append(_tech_breakthrough(content, meta.get("audit_years") or []))
    elif content.get("category") == Category.ACHIEVEMENT_TRANSFER:
        sections.append(_achievement_transfer(content))
    sections.append(_signatures())
    return Document(
        title=FORM_TITLE,
        subtitle=f"（{meta['year']}年度）",
        header=[
            Pair("需求编号", meta["number"]),
            Pair("生成时间", clock.format_beijing(clock.now())),
        ],
        sections=sections,
    ).numbered()


def document_for(demand) -> Document:
    from jiebang.demands.services import demand_content

    content = demand_content(demand)
    district = demand.organization.district if demand.organization.district_id else None
    call = demand.call
    meta = {
        "number": demand.number or NUMBER_PENDING,
        "year": call.year,
        "category": label_of(Category, demand.category),
        "district": district.name if district else "",
        "recommender": district.office_name if district else "",
        "audit_years": call.effective_audit_years,
        "principal_count": call.principal_count,
    }
    return build(content, meta)
