"""《乌鲁木齐市“揭榜挂帅”项目任务书》: the task book of an initiated project, as PDF and DOCX.

Described once as a `layout.Document` and rendered by the demand documents' two back ends
(WeasyPrint through the generic `demands/pdf/base.html`, python-docx through
`render_docx`), so the PDF and the Word file always carry the same items.

Printed from the project's frozen terms (contract amount, ratio, cap, instalment plan),
its indicators, milestones, budget lines and report schedule. Team members appear with
their names, titles and *masked* ID numbers only (`Person.id_masked`).
"""

import datetime as dt
from decimal import Decimal

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
    text,
    wan,
    yes_no,
    yuan,
    yuan_plain,
)
from jiebang.demands.documents.pdf import render_pdf
from jiebang.demands.documents.word import render_docx
from jiebang.demands.enums import Category
from jiebang.projects import money
from jiebang.projects.enums import BudgetCategory, FundSource, Trigger
from jiebang.projects.services.initiation import planned_end_for
from jiebang.proposals.enums import MemberRole

TITLE = "乌鲁木齐市“揭榜挂帅”项目任务书"
CONTRACT_PENDING = "（待登记）"
PDF_TEMPLATE = "demands/pdf/base.html"  # renders any layout.Document's sections


def task_book_pdf(project) -> bytes:
    """The task book as PDF bytes; raises `PdfUnavailable` without pango or CJK fonts."""
    return render_pdf(PDF_TEMPLATE, {"doc": document_for(project)})


def task_book_docx(project) -> bytes:
    return render_docx(document_for(project))


# -- formatting -----------------------------------------------------------------------------


def _day(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else BLANK


def _percent(value) -> str:
    """`30`, `33.5`: a percentage without trailing zeros."""
    return f"{Decimal(str(value)).normalize():f}"


def period_months(start_on: dt.date, end_on: dt.date) -> int | None:
    """The whole number of months from `start_on` whose last day is `end_on`, if any."""
    for months in range(1, 241):
        end = planned_end_for(start_on, months)
        if end == end_on:
            return months
        if end > end_on:
            return None
    return None


def _period(project) -> str:
    months = period_months(project.start_on, project.planned_end)
    value = f"{_day(project.start_on)} 至 {_day(project.planned_end)}"
    if months:
        value += f"（共 {months} 个月）"
    if project.original_end and project.original_end != project.planned_end:
        value += f"\n原计划结束日期 {_day(project.original_end)}，经批准延期。"
    return value


def _team_role(position: int, principal_count: int) -> str:
    if position == 1:
        return "项目负责人"
    return "主要承担人" if position <= principal_count else "成员"


# -- sections -------------------------------------------------------------------------------


def _basic(project) -> Section:
    demand, proposal = project.demand, project.proposal
    rows = [
        [Pair("项目编号", project.code), Pair("项目类别", label_of(Category, project.category))],
        [Pair("项目名称", text(project.title))],
        [Pair("需求编号", text(demand.number)), Pair("揭榜编号", text(proposal.number))],
        [
            Pair("所属产业领域", text(demand.industry.name if demand.industry_id else "")),
            Pair("赛马制项目", yes_no(project.is_race)),
        ],
    ]
    if project.route_id:
        rows.append([Pair("技术路线", text(project.route.name))])
    rows += [
        [Pair("年度批次", text(project.call.name))],
        [
            Pair("立项日期", _day(clock.beijing(project.initiated_at).date())),
            Pair("三方协议签订日期", _day(project.agreement_signed_on)),
        ],
    ]
    return Section("项目基本信息", [Grid(rows)])


def _parties(project) -> Section:
    issuer, solver = project.issuer, project.solver
    grid = Grid(
        [
            [Pair("发榜单位", text(issuer.name))],
            [
                Pair("统一社会信用代码", text(issuer.uscc), mono=True),
                Pair("法定代表人", text(issuer.legal_representative)),
            ],
            [Pair("揭榜单位（承担单位）", text(solver.name))],
            [
                Pair("统一社会信用代码", text(solver.uscc), mono=True),
                Pair("法定代表人", text(solver.legal_representative)),
            ],
        ]
    )
    members = Table(
        ["序号", "单位名称", "角色", "统一社会信用代码", "任务分工占比", "承担任务"],
        [
            Row(
                [
                    str(m.position),
                    text(m.organization.name),
                    label_of(MemberRole, m.role),
                    m.organization.uscc,
                    f"{_percent(m.work_share)}%",
                    m.tasks or "—",
                ]
            )
            for m in project.proposal.members.select_related("organization").order_by("position")
        ],
        [7, 27, 12, 22, 12, 20],
        note="第1位为揭榜单位（牵头单位）；联合体揭榜的，各成员单位按联合体协议承担任务。",
    )
    return Section(
        "项目承担各方",
        [Section("发榜单位与揭榜单位", [grid]), Section("揭榜单位及联合体成员", [members])],
    )


def _team(project) -> Section:
    principal_count = project.call.principal_count
    team = list(project.proposal.team.select_related("person").order_by("position"))
    leader = team[0] if team else None
    grid = Grid(
        [
            [
                Pair("项目负责人", text(leader.person.name if leader else "")),
                Pair("职称/职务", text(leader.title if leader else "")),
            ]
        ]
    )
    table = Table(
        ["序号", "角色", "姓名", "身份证号", "职称/职务", "工作单位", "分工"],
        [
            Row(
                [
                    str(m.position),
                    _team_role(m.position, principal_count),
                    text(m.person.name),
                    m.person.id_masked or "—",
                    m.title or "—",
                    m.work_unit or "—",
                    m.responsibility or "—",
                ]
            )
            for m in team
        ],
        [7, 13, 11, 21, 14, 19, 15],
        note=f"前{principal_count}位为项目主要承担人（含负责人）；身份证号已脱敏。",
    )
    return Section("项目负责人及团队", [grid, table])


def _funding(project) -> Section:
    rows = [
        [Pair("实施周期", _period(project))],
        [Pair("技术合同金额", yuan(project.contract_amount))],
        [Pair("项目投入总额", yuan(project.total_investment))],
        [Pair("财政资助总额", yuan(project.fiscal_total))],
        [
            Pair(
                "资助方式",
                f"按技术合同实际支付额的{_percent(project.subsidy_ratio_percent)}%给予补助，"
                f"最高不超过{wan(project.subsidy_cap)}万元；财政资金分期拨付。",
                long=True,
            )
        ],
        [
            Pair("技术合同登记号", project.tech_contract_number or CONTRACT_PENDING, mono=True),
            Pair(
                "登记日期",
                _day(project.tech_contract_registered_on)
                if project.tech_contract_registered_on
                else CONTRACT_PENDING,
            ),
        ],
    ]
    if project.period_justification.strip():
        rows.append([Pair("实施周期超过一般周期的说明", project.period_justification, long=True)])
    return Section("实施周期与项目经费", [Grid(rows)])


def _instalments(project) -> Section:
    plan = money.instalments(project.fiscal_total, project.instalment_plan)
    table = Table(
        ["期次", "拨付节点", "比例", "金额（元）", "金额（万元）", "累计（元）"],
        [
            Row(
                [
                    f"第{n}期",
                    label_of(Trigger, i.trigger),
                    f"{_percent(i.percent)}%",
                    yuan_plain(i.amount),
                    wan(i.amount),
                    yuan_plain(i.cumulative),
                ]
            )
            for n, i in enumerate(plan, 1)
        ],
        [9, 31, 9, 18, 14, 19],
        note="每期拨付以已核实的技术合同实际支付额为限（按补助比例计算）；"
        "完成技术合同认定登记后方可拨付财政资金。",
    )
    blocks: list = [table]
    if project.is_race:
        ceiling = money.race_first_phase_ceiling(
            project.fiscal_total, project.race_first_phase_cap_percent
        )
        blocks.append(
            Paragraphs(
                [
                    f"本项目为赛马制项目：首期资助不超过财政资助总额的"
                    f"{_percent(project.race_first_phase_cap_percent)}%，即不超过"
                    f"{yuan(ceiling)}（申报指南 五（二）6）；后续资金须经阶段评估作出"
                    "“继续支持”决定后方可拨付，评估决定“停止支持”的，不再拨付后续资金。"
                ],
                small=True,
            )
        )
    return Section("财政资金拨付计划", blocks)


def _indicators(project) -> Section:
    return Section(
        "考核指标",
        [
            Table(
                ["序号", "指标名称", "目标值", "单位", "考核/检测方式"],
                [
                    Row(
                        [
                            str(n),
                            text(i.name),
                            text(i.target_value),
                            i.unit or "—",
                            i.test_method or "—",
                        ]
                    )
                    for n, i in enumerate(project.indicators.order_by("position"), 1)
                ],
                [8, 32, 18, 12, 30],
                note="验收时逐项提交指标完成值及检测报告等佐证材料。",
            )
        ],
    )


def _schedule(project) -> Section:
    milestones = Table(
        ["序号", "里程碑", "计划完成日期", "考核成果"],
        [
            Row([str(n), text(m.title), _day(m.due_on), m.deliverable or "—"])
            for n, m in enumerate(project.milestones.order_by("position"), 1)
        ],
        [8, 38, 20, 34],
    )
    checks = Grid(
        [
            [
                Pair("中期评估时间", _day(project.midterm_due_on)),
                Pair("进展报告周期", f"每{project.progress_interval_months}个月"),
            ]
        ]
    )
    reports = Table(
        ["期次", "报告期截止", "提交期限"],
        [
            Row([f"第{r.sequence}期", _day(r.period_end), _day(r.due_on)])
            for r in project.reports.order_by("sequence")
        ],
        [20, 40, 40],
        empty="（项目周期内无定期进展报告）",
        note="项目结束后提交验收申请（总结报告），最后一个阶段的进展并入总结报告。",
    )
    return Section(
        "实施进度与过程管理",
        [
            Section("进度安排与里程碑", [milestones]),
            Section("中期评估与进展报告", [checks, reports]),
        ],
    )


def _budget(project) -> Section:
    amounts: dict[tuple[str, str], Decimal] = {
        (line.category, line.source): line.amount for line in project.budget_lines.all()
    }
    zero = Decimal("0.00")

    def cell(category: str, source: str) -> Decimal:
        return amounts.get((category, source), zero)

    rows = []
    for category in BudgetCategory:
        fiscal, own = cell(category, FundSource.FISCAL), cell(category, FundSource.SELF)
        rows.append(
            Row([category.label, yuan_plain(fiscal), yuan_plain(own), yuan_plain(fiscal + own)])
        )
    fiscal_total = sum((a for (_c, s), a in amounts.items() if s == FundSource.FISCAL), zero)
    own_total = sum((a for (_c, s), a in amounts.items() if s == FundSource.SELF), zero)
    rows.append(
        Row(
            [
                "合计",
                yuan_plain(fiscal_total),
                yuan_plain(own_total),
                yuan_plain(fiscal_total + own_total),
            ]
        )
    )
    table = Table(
        [
            "预算科目",
            f"{FundSource.FISCAL.label}（元）",
            f"{FundSource.SELF.label}（元）",
            "合计（元）",
        ],
        rows,
        [22, 26, 26, 26],
        note=f"财政资金合计 {wan(fiscal_total)} 万元，自筹资金合计 {wan(own_total)} 万元，"
        f"预算总额 {wan(fiscal_total + own_total)} 万元。",
    )
    return Section("经费预算", [table])


def _signatures() -> Section:
    return Section(
        "签字盖章",
        [
            Paragraphs(
                [
                    "发榜单位、揭榜单位同意按本任务书约定的目标任务、考核指标、进度安排和经费"
                    "预算组织实施，接受市科技局的过程管理、中期评估和验收；财政资金专款专用，"
                    "按规定接受监督检查。"
                ],
                small=True,
            ),
            Signatures(
                [
                    ["发榜单位（盖章）：", "法定代表人（签字）：", "年  月  日"],
                    ["揭榜单位（盖章）：", "项目负责人（签字）：", "年  月  日"],
                    ["市科技局（盖章）：", "", "年  月  日"],
                ]
            ),
        ],
    )


def document_for(project) -> Document:
    return Document(
        title=TITLE,
        subtitle=f"（{project.call.year}年度·{label_of(Category, project.category)}）",
        header=[
            Pair("项目编号", project.code),
            Pair("生成时间", clock.format_beijing(clock.now())),
        ],
        sections=[
            _basic(project),
            _parties(project),
            _team(project),
            _funding(project),
            _instalments(project),
            _indicators(project),
            _schedule(project),
            _budget(project),
            _signatures(),
        ],
    ).numbered()
