"""Demo projects (项目) for `manage.py seed_demo`: three demands taken from 发榜 to 立项 and
beyond, replayed through the real services at past dates.

The demo call's own demands are published on the day of the seed (their solicitation runs
for 30 more days), so a project cannot come from them. Each story below therefore has its
own demand, in a call of an earlier year, and replays its whole history: the issuer fills
and submits the demand, the district recommends it, the bureau accepts it, records the
expert review and publishes it; a solver unit submits a proposal, which is checked,
shortlisted and put on public notice (公示, 5 working days of the notices calendar), the
notice ends and the demand is closed as matched (开榜); the project is initiated (立项)
and, depending on the story, runs on:

- 2024年度 call, 新疆大学 with a consortium partner: 技术攻关, contract registered, both
  contract payments confirmed, two instalments paid, three progress reports, milestones,
  spending, mid-term passed, indicators achieved — the final report submitted
  (`final_submitted`, awaiting acceptance).
- 2025年度 call (created here, parameters as 2024), 中国科学院新疆生态与地理研究所: 技术攻关,
  contract registered, the issuer's first payment confirmed, the first instalment approved
  and paid, one progress report submitted (`in_progress`).
- 2025年度 call, second batch, 乌鲁木齐雪峰新能源科技有限公司 (the demo applicant's unit):
  成果转化, just initiated, no technology contract yet (`initiated`).

Every step runs at its own past moment (`replay_at`), so the rules see the dates of the
story (deadlines passed, notices over, payments not in the future) and the rows, audit
entries and inbox messages carry them. All dates lie in 2024–2026, the years whose
holidays the notices calendar knows. When the seed runs before the stories' last day (a
test with a frozen clock) the projects are left out.

Idempotent: a story is keyed by (its call, its demand's title); an existing one is skipped
and only reported. Actors are the demo accounts (`bureau`, `research_admin`, `applicant`)
and, where a unit has none, an `org_<unit key>` account with the demo password (the same
helper as the demands). Email and SMS copies are not sent.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

from django.core.management.base import CommandError
from django.db import transaction

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.demands import services as demand_services
from jiebang.demands.models import Demand
from jiebang.notices import services as notice_services
from jiebang.orgs import services as org_services
from jiebang.orgs.management.commands._seed_demand_texts import (
    ACCEPT_OPINION,
    AT,
    INVENTION,
    IP_AT,
    IP_TB_SHARED,
    NATIONAL,
    PUBLISHED,
    RECOMMEND_OPINION,
    REGION,
    REVIEW_OPINION,
    SOFTWARE,
    TB,
    DemandText,
)
from jiebang.orgs.management.commands._seed_demands import DemandSeeder, _quiet, _upload
from jiebang.orgs.management.commands._seed_units import (
    CALL_2024_NAME,
    ORG_BY_KEY,
    _digest,
    make_id_number,
)
from jiebang.orgs.models import Organization
from jiebang.projects import money
from jiebang.projects import services as project_services
from jiebang.projects.enums import BudgetCategory, FundSource, ProjectState, Trigger
from jiebang.projects.models import Project
from jiebang.proposals import selection
from jiebang.proposals import services as proposal_services

CALL_2025_NAME = "乌鲁木齐市2025年度重点领域科技创新攻关项目“揭榜挂帅”需求征集"
CALL_2025_GUIDE = "演示用批次：参数同2024年度申报指南，用于演示项目的立项与实施"
B = clock.BEIJING
D = dt.date
FEN = Decimal("0.01")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=B)


@contextlib.contextmanager
def replay_at(moment: dt.datetime):
    """Run the services as if it were `moment`.

    Why: the seed replays history at past dates instead of writing rows by hand. The
    services check time through `jiebang.core.clock.now` (the one source of "now";
    `clock.today()` reads it too): a demand is closed only after its solicitation deadline,
    a public notice only after its working days, payments, disbursements and evaluations
    may not be dated after today. Patching `clock.now` to the story's moment lets every
    rule run against the historical date and stamps the rows, audit entries and inbox
    messages with it. Only for the seed; tests freeze time with time-machine.
    """
    with mock.patch.object(clock, "now", return_value=moment.astimezone(dt.UTC)):
        yield


# ---------------------------------------------------------------------------------------
# The stories
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    key: str  # names the story in error messages
    call_year: int
    demand: DemandText
    # Demand: filled, submitted, recommended, accepted, expert review, published.
    demand_dates: tuple[dt.datetime, ...]
    solver: str  # unit key of the lead solver
    solver_username: str  # "" = the unit's applicant, created if missing
    partners: tuple  # consortium members: (unit key, work share %, tasks)
    team: tuple  # fresh persons: (name, male, birth, title, responsibility)
    plan: str
    schedule: str
    answers: tuple  # one per demand indicator
    ip: tuple  # the solver's own IP: (kind, number, legal status)
    # Proposal: created, submitted; selection: eligible + sent to review, shortlisted,
    # publicized (notice opens), closed (notice ended, demand matched).
    selection_dates: tuple[dt.datetime, ...]
    agreement_signed_on: dt.date
    initiated_at: dt.datetime
    start_on: dt.date
    period_months: int
    contract_wan: int
    total_wan: int
    milestones: tuple  # (title, due_on, deliverable)
    stage: str  # the ProjectState the story ends in
    script: tuple = ()  # after initiation: (action, moment, kwargs)


HEATING = DemandText(
    "heating_center",
    PUBLISHED,
    TB,
    "digital_economy",
    "城市集中供热管网智能调控与热损失在线监测技术攻关",
    "针对本市集中供热管网水力失调、热损失偏高的问题，研发供热管网数字孪生智能调控与热损失"
    "在线监测系统，在头屯河区供热片区示范应用。",
    "二级管网依靠人工经验调节，末端用户冷热不均，管网热损失率超过12%；缺少对保温层破损和"
    "隐蔽漏点的在线监测手段，故障发现滞后。",
    (
        ("管网热损失率", "≤8", "%", "第三方能效检测"),
        ("末端用户室温达标率", "≥98", "%", "示范片区供热季抽检"),
        ("漏点定位误差", "≤5", "m", "现场开挖验证"),
    ),
    "24个月内完成系统研发，并在不少于300万平方米供热面积示范运行一个完整供热季",
    900,
    24,
    team=(
        ("贺建军", True, "19750612", "高级工程师", "项目负责人"),
        ("马丽娜", False, "19840305", "工程师", "管网运行"),
        ("吾买尔江·托合提", True, "19890920", "工程师", "数据采集"),
    ),
    ip_terms=IP_TB_SHARED,
    solver_conditions="具有供热工程、数字孪生或智能控制研究基础的高校、科研机构或科技型企业。",
    support="中心提供头屯河区供热片区管网运行数据、换热站改造条件和示范场地，承诺配套研发经费。",
    revenue_wan=(18500, 760),
)

WEATHER = DemandText(
    "weather_service",
    PUBLISHED,
    TB,
    "new_energy",
    "面向新能源场站的短临风光功率精细化预报系统研发",
    "研发融合数值天气预报、卫星云图和场站实测数据的短临风光功率预报系统，为达坂城等风光"
    "基地的调度和储能运行提供逐15分钟预报。",
    "天山北坡风场受山谷风和冷空气过程影响大，现有预报对大风骤升骤降和沙尘天气的光伏出力"
    "预报误差大，造成弃风弃光和考核罚款。",
    (
        ("短期风电功率预报准确率", "≥88", "%", "电网调度机构考核数据"),
        ("短期光伏功率预报准确率", "≥92", "%", "电网调度机构考核数据"),
        ("0–4小时超短期预报更新频次", "15", "min", "系统运行日志"),
    ),
    "24个月内完成系统研发，并在不少于5座新能源场站业务化运行",
    1100,
    24,
    team=(
        ("帕尔哈提·吐尔逊", True, "19780215", "正高级工程师", "项目负责人"),
        ("刘雪", False, "19860909", "高级工程师", "数值预报"),
        ("王一鸣", True, "19910403", "工程师", "业务系统"),
    ),
    ip_terms=IP_TB_SHARED,
    solver_conditions="具有大气科学、新能源功率预测或人工智能研究基础的高校、科研机构或企业。",
    support="中心提供气象观测资料、数值预报产品和业务运行环境，协调示范场站数据接入。",
    revenue_wan=(9600, 520),
)

PV_DIAGNOSIS = DemandText(
    "cas_xjipc",
    PUBLISHED,
    AT,
    "new_energy",
    "光伏电站组串级智能诊断与故障定位技术成果转化",
    "转化本所光伏组串电流-电压曲线智能诊断与故障定位成果，形成可批量部署的诊断终端和运维"
    "平台，在疆内光伏电站推广应用。",
    "大型光伏电站组串数量多、巡检依赖人工，热斑、隐裂和积灰损失难以及时发现；实验室样机"
    "需完成工程化、批量生产和电站适配。",
    (
        ("故障类型识别准确率", "≥95", "%", "第三方检测机构测试"),
        ("单台终端覆盖组串数", "≥24", "路", "产品检验报告"),
        ("推广应用装机容量", "≥500", "MW", "用户应用证明"),
    ),
    "24个月内完成产品定型和批量生产，并在3座以上光伏电站应用",
    650,
    24,
    team=(
        ("祁振东", True, "19770811", "研究员", "项目负责人"),
        ("邵婷", False, "19870126", "副研究员", "诊断算法"),
        ("买合木提·热合曼", True, "19900503", "工程师", "终端硬件"),
    ),
    ip_terms=IP_AT,
    solver_conditions="在乌鲁木齐市注册、具有光伏电站建设或运维业务和电子产品生产能力的企业。",
    tasks=(
        ("光伏电站智能运维关键技术研究", REGION, 2021, "承担单位"),
        ("新能源装备状态监测与故障诊断", NATIONAL, 2022, "参与单位"),
    ),
    cases="诊断样机已在米东区20MW电站试运行一年，发现热斑和接线故障120余处。",
    ip=((INVENTION, "ZL202110563214.7", "有效"), (SOFTWARE, "2022SR0345678", "有效")),
    transfer_team="研究所成果转化办公室与课题组共8人，负责技术许可、产品定型和运维培训。",
)

STORIES = (
    Story(
        key="final_submitted",
        call_year=2024,
        demand=HEATING,
        demand_dates=(
            at(2024, 8, 12),
            at(2024, 8, 13),
            at(2024, 8, 20, 16),
            at(2024, 9, 4),
            at(2024, 9, 10, 15),
            at(2024, 9, 12),
        ),
        solver="xju",
        solver_username="research_admin",
        partners=(("silk_digital", "30", "数据平台开发与示范片区部署"),),
        team=(
            ("艾尼瓦尔·阿不都拉", True, "19760418", "教授", "项目负责人"),
            ("陈晓雯", False, "19830722", "副教授", "数字孪生建模"),
            ("赵凯", True, "19880315", "讲师", "漏损监测算法"),
            ("古丽娜·木拉提", False, "19920608", "工程师", "示范运行"),
        ),
        plan="以管网水力-热力耦合机理模型和运行数据构建供热管网数字孪生，采用模型预测控制实现"
        "换热站和楼栋阀门的协同调控；以分布式光纤测温与压力波分析实现保温层破损和漏点的在线"
        "识别定位。",
        schedule="第1–6个月建模与传感部署；第7–15个月调控系统研发；第16–24个月示范运行与验证。",
        answers=(
            "通过水力平衡调控和保温破损及时修复，将热损失率降至8%以下。",
            "模型预测控制按楼栋调节供热量，末端室温达标率不低于98%。",
            "分布式光纤测温结合负压波定位，漏点定位误差不超过5米。",
        ),
        ip=((INVENTION, "ZL202210654321.8", "有效"), (SOFTWARE, "2023SR0456789", "有效")),
        selection_dates=(
            at(2024, 9, 20),
            at(2024, 10, 8),
            at(2024, 10, 21),
            at(2024, 11, 1),
            at(2024, 11, 4),
            at(2024, 11, 11),
        ),
        agreement_signed_on=D(2024, 11, 25),
        initiated_at=at(2024, 11, 28),
        start_on=D(2024, 12, 1),
        period_months=24,
        contract_wan=600,
        total_wan=900,
        milestones=(
            ("管网数字孪生模型建成", D(2025, 5, 31), "模型及校核报告"),
            ("智能调控系统上线", D(2025, 11, 30), "系统软件及测试报告"),
            ("示范供热季运行完成", D(2026, 5, 31), "示范运行报告"),
            ("第三方检测与总结", D(2026, 10, 31), "检测报告及总结报告"),
        ),
        stage=ProjectState.FINAL_SUBMITTED,
        script=(
            ("contract", at(2024, 12, 10), {"number": "2024650106000318", "on": D(2024, 12, 6)}),
            ("payment", at(2024, 12, 16), {"percent": 50, "paid_on": D(2024, 12, 13)}),
            (
                "disburse",
                at(2024, 12, 20),
                {"trigger": Trigger.INITIATION, "paid_on": D(2024, 12, 30)},
            ),
            (
                "spend",
                at(2025, 1, 20),
                {
                    "category": BudgetCategory.EQUIPMENT,
                    "source": FundSource.FISCAL,
                    "wan": "35",
                    "spent_on": D(2025, 1, 15),
                    "description": "分布式光纤测温主机及传感光缆",
                },
            ),
            (
                "spend",
                at(2025, 3, 10),
                {
                    "category": BudgetCategory.EQUIPMENT,
                    "source": FundSource.SELF,
                    "wan": "80",
                    "spent_on": D(2025, 3, 6),
                    "description": "换热站电动调节阀及压力变送器",
                },
            ),
            (
                "milestone",
                at(2025, 6, 3),
                {
                    "position": 1,
                    "on": D(2025, 5, 28),
                    "note": "完成示范片区126座换热站及管网的数字孪生建模，经运行数据校核误差小于5%。",
                },
            ),
            (
                "report",
                at(2025, 6, 10),
                {
                    "sequence": 1,
                    "progress": "完成管网拓扑与运行数据采集，建立水力-热力耦合模型；部署光纤测温12公里。",
                    "next_steps": "开发模型预测控制算法，开展换热站调控试验。",
                },
            ),
            (
                "review",
                at(2025, 6, 20),
                {"sequence": 1, "note": "进展符合任务书要求，请按期推进调控系统研发。"},
            ),
            (
                "spend",
                at(2025, 8, 25),
                {
                    "category": BudgetCategory.BUSINESS,
                    "source": FundSource.FISCAL,
                    "wan": "16",
                    "spent_on": D(2025, 8, 20),
                    "description": "调控试验材料、测试化验加工费",
                },
            ),
            (
                "milestone",
                at(2025, 12, 2),
                {
                    "position": 2,
                    "on": D(2025, 11, 28),
                    "note": "智能调控系统随2025–2026供热季上线运行。",
                },
            ),
            (
                "report",
                at(2025, 12, 8),
                {
                    "sequence": 2,
                    "progress": "智能调控系统上线，覆盖供热面积320万平方米；漏点识别算法现场验证3处。",
                    "problems": "部分老旧换热站阀门不具备远程控制条件。",
                    "next_steps": "完成阀门改造，开展整个供热季的示范运行。",
                },
            ),
            (
                "midterm",
                at(2025, 12, 15),
                {
                    "on": D(2025, 12, 12),
                    "opinion": "经专家中期评估，项目进度和经费使用符合任务书要求，阶段目标已完成，同意继续实施。",
                },
            ),
            (
                "review",
                at(2025, 12, 16),
                {"sequence": 2, "note": "已阅，结合中期评估意见继续实施。"},
            ),
            ("payment", at(2025, 12, 22), {"percent": 50, "paid_on": D(2025, 12, 19)}),
            (
                "disburse",
                at(2025, 12, 26),
                {"trigger": Trigger.MIDTERM_PASSED, "paid_on": D(2026, 1, 9)},
            ),
            (
                "spend",
                at(2026, 3, 16),
                {
                    "category": BudgetCategory.LABOUR,
                    "source": FundSource.FISCAL,
                    "wan": "24",
                    "spent_on": D(2026, 3, 13),
                    "description": "研究生及临时聘用人员劳务费",
                },
            ),
            (
                "milestone",
                at(2026, 6, 2),
                {"position": 3, "on": D(2026, 5, 31), "note": "完成一个完整供热季示范运行。"},
            ),
            (
                "report",
                at(2026, 6, 9),
                {
                    "sequence": 3,
                    "progress": "示范供热季结束，示范片区热损失率7.4%，室温达标率98.6%。",
                    "next_steps": "委托第三方检测并准备验收材料。",
                },
            ),
            ("review", at(2026, 6, 18), {"sequence": 3, "note": "已阅，请尽快完成第三方检测。"}),
            (
                "milestone",
                at(2026, 11, 2),
                {
                    "position": 4,
                    "on": D(2026, 10, 30),
                    "note": "第三方检测完成，各项指标达到任务书要求。",
                },
            ),
            (
                "achievements",
                at(2026, 11, 12),
                {
                    "values": (
                        ("7.4%", "新疆维吾尔自治区节能监测中心检测报告"),
                        ("98.6%", "示范片区供热季抽检1200户"),
                        ("3.2m", "现场开挖验证8处漏点"),
                    )
                },
            ),
            (
                "final",
                at(2026, 11, 18),
                {
                    "summary": "项目建成供热管网数字孪生智能调控与热损失在线监测系统，"
                    "在头屯河区320万平方米供热面积示范运行一个完整供热季，"
                    "三项考核指标全部达到任务书要求。",
                    "outputs": "申请发明专利3项、登记软件著作权2项；示范片区年节约标准煤约6800吨。",
                },
            ),
        ),
    ),
    Story(
        key="in_progress",
        call_year=2025,
        demand=WEATHER,
        demand_dates=(
            at(2025, 8, 11),
            at(2025, 8, 12),
            at(2025, 8, 20, 16),
            at(2025, 9, 1),
            at(2025, 9, 5, 15),
            at(2025, 9, 10),
        ),
        solver="cas_xjieg",
        solver_username="",
        partners=(),
        team=(
            ("孟庆海", True, "19740902", "研究员", "项目负责人"),
            ("阿依努尔·买买提", False, "19850117", "副研究员", "风电功率预报"),
            ("周婷婷", False, "19900628", "助理研究员", "光伏功率预报"),
        ),
        plan="以区域高分辨率数值天气预报为背景场，融合风云卫星云图、场站测风塔和功率数据，采用"
        "深度学习订正与集合概率预报方法，建立天山北坡风光功率短临精细化预报业务系统。",
        schedule="第1–8个月资料整编与模型研发；第9–16个月系统开发；第17–24个月业务化运行。",
        answers=(
            "数值预报订正与集合预报结合，短期风电功率预报准确率不低于88%。",
            "卫星云图外推识别沙尘和云团，短期光伏功率预报准确率不低于92%。",
            "同化场站实测资料，0–4小时超短期预报每15分钟滚动更新。",
        ),
        ip=((INVENTION, "ZL202310112233.4", "有效"),),
        selection_dates=(
            at(2025, 9, 16),
            at(2025, 9, 26),
            at(2025, 10, 13),
            at(2025, 10, 24),
            at(2025, 10, 27),
            at(2025, 11, 3),
        ),
        agreement_signed_on=D(2025, 12, 10),
        initiated_at=at(2025, 12, 15),
        start_on=D(2026, 1, 1),
        period_months=24,
        contract_wan=800,
        total_wan=1100,
        milestones=(
            ("资料整编与预报模型研发完成", D(2026, 8, 31), "模型及检验报告"),
            ("预报业务系统上线", D(2027, 4, 30), "系统软件及测试报告"),
            ("5座场站业务化运行", D(2027, 12, 31), "运行报告及用户证明"),
        ),
        stage=ProjectState.IN_PROGRESS,
        script=(
            ("contract", at(2026, 1, 12), {"number": "2026650104000215", "on": D(2026, 1, 9)}),
            ("payment", at(2026, 1, 20), {"percent": 40, "paid_on": D(2026, 1, 16)}),
            (
                "disburse",
                at(2026, 2, 5),
                {"trigger": Trigger.INITIATION, "paid_on": D(2026, 2, 16)},
            ),
            (
                "spend",
                at(2026, 3, 10),
                {
                    "category": BudgetCategory.EQUIPMENT,
                    "source": FundSource.FISCAL,
                    "wan": "42",
                    "spent_on": D(2026, 3, 6),
                    "description": "高性能计算服务器及存储",
                },
            ),
            (
                "report",
                at(2026, 7, 10),
                {
                    "sequence": 1,
                    "progress": "完成近5年风光场站资料整编，建立风电功率深度学习订正模型，试预报准确率86.5%。",
                    "problems": "部分场站测风塔数据缺测较多。",
                    "next_steps": "接入卫星云图外推产品，开发光伏功率预报模块。",
                },
            ),
        ),
    ),
    Story(
        key="initiated",
        call_year=2025,
        demand=PV_DIAGNOSIS,
        demand_dates=(
            at(2025, 8, 13),
            at(2025, 8, 14),
            at(2025, 8, 21, 16),
            at(2025, 9, 2),
            at(2026, 5, 20, 15),
            at(2026, 6, 15),
        ),
        solver="xuefeng",
        solver_username="applicant",
        partners=(),
        team=(
            ("姜海龙", True, "19820514", "高级工程师", "项目负责人"),
            ("苏比努尔·艾合买提", False, "19890227", "工程师", "运维平台"),
            ("钱磊", True, "19930819", "助理工程师", "终端生产"),
        ),
        plan="引进研究所组串诊断技术，完成诊断终端工程化设计和批量生产工艺，开发电站运维平台，"
        "在公司运维的光伏电站推广应用。",
        schedule="第1–8个月产品定型；第9–16个月批量生产；第17–24个月推广应用。",
        answers=(
            "以研究所诊断模型为基础，结合公司电站故障样本库训练，识别准确率不低于95%。",
            "终端采用24路采集板卡设计，单台覆盖24路组串。",
            "在公司运维的3座电站及合作电站推广，应用装机容量不低于500MW。",
        ),
        ip=((INVENTION, "ZL202010987654.3", "有效"),),
        selection_dates=(
            at(2026, 6, 22),
            at(2026, 7, 6),
            at(2026, 7, 20),
            at(2026, 8, 10),
            at(2026, 8, 17),
            at(2026, 8, 24),
        ),
        agreement_signed_on=D(2026, 11, 10),
        initiated_at=at(2026, 11, 16),
        start_on=D(2026, 12, 1),
        period_months=24,
        contract_wan=500,
        total_wan=650,
        milestones=(
            ("诊断终端定型", D(2027, 7, 31), "产品检验报告"),
            ("批量生产线建成", D(2028, 3, 31), "生产记录"),
            ("推广应用500MW", D(2028, 11, 30), "用户应用证明"),
        ),
        stage=ProjectState.INITIATED,
    ),
)


def _moments(story: Story) -> list[dt.datetime]:
    moments = [*story.demand_dates, *story.selection_dates, story.initiated_at]
    return moments + [moment for _action, moment, _kw in story.script]


def history_ends() -> dt.datetime:
    """The last moment any story replays: before it, the stories are not seeded."""
    return max(moment for story in STORIES for moment in _moments(story))


# ---------------------------------------------------------------------------------------
# The seeder
# ---------------------------------------------------------------------------------------


def _wan(amount) -> Decimal:
    return Decimal(str(amount)) * 10000


def _share(amount: Decimal, percent: int) -> Decimal:
    return (amount * percent / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def budget_for(fiscal: Decimal, total: Decimal) -> dict:
    """The task book's budget: fiscal money 35/45/15/5 % over equipment / business /
    labour / indirect, the unit's own money 50/30/20 % over equipment / business / labour;
    the last line takes the rounding so each source adds up to the fen."""
    own = total - fiscal
    fiscal_lines = {
        BudgetCategory.EQUIPMENT: _share(fiscal, 35),
        BudgetCategory.LABOUR: _share(fiscal, 15),
        BudgetCategory.INDIRECT: _share(fiscal, 5),
    }
    fiscal_lines[BudgetCategory.BUSINESS] = fiscal - sum(fiscal_lines.values())
    own_lines = {
        BudgetCategory.EQUIPMENT: _share(own, 50),
        BudgetCategory.BUSINESS: _share(own, 30),
    }
    own_lines[BudgetCategory.LABOUR] = own - sum(own_lines.values())
    budget = {(c, FundSource.FISCAL): a for c, a in fiscal_lines.items()}
    budget.update({(c, FundSource.SELF): a for c, a in own_lines.items()})
    return budget


def ensure_call_2025() -> Call:
    """The 2025 call of the stories: the 2024 call's rule parameters, the guide's windows
    moved by a year (online 1–29 August, districts until 1 September 24:00)."""
    call = Call.objects.filter(year=2025, name=CALL_2025_NAME).first()
    if call is not None:
        return call
    call = Call.objects.create(
        year=2025,
        name=CALL_2025_NAME,
        guide_reference=CALL_2025_GUIDE,
        is_active=False,
        submission_opens_at=at(2025, 8, 1),
        submission_closes_at=at(2025, 8, 29, 19, 30),
        recommendation_deadline=at(2025, 9, 2, 0),
        resubmission_deadline=at(2025, 9, 1, 19, 30),
        min_total_investment=Decimal("5000000.00"),
    )
    call.industries.set(Industry.objects.all())
    return call


def _org(key: str) -> Organization:
    return Organization.objects.select_related("district").get(uscc=ORG_BY_KEY[key].uscc)


class ProjectSeeder:
    def __init__(self, calls: dict[int, Call]):
        self.calls = calls
        self.seeders = {year: DemandSeeder(call) for year, call in calls.items()}
        self.bureau = self.seeders[2024].bureau

    @property
    def accounts_created(self) -> list[str]:
        return [name for seeder in self.seeders.values() for name in seeder.accounts_created]

    # -- demand --------------------------------------------------------------------------

    def demand(self, story: Story) -> Demand:
        spec, seeder = story.demand, self.seeders[story.call_year]
        filled, submitted, recommended, accepted, reviewed, published = story.demand_dates
        org = _org(spec.org)
        with replay_at(filled):
            user = seeder.applicant(org, spec.org)
            demand = demand_services.create_demand(
                call=seeder.call, org=org, by=user, category=spec.category, title=spec.title
            )
            seeder.fill(demand, spec, org, user)
        with replay_at(submitted):
            demand_services.submit_demand(demand_id=demand.pk, by=user)
        with replay_at(recommended):
            demand_services.recommend_demand(
                demand_id=demand.pk, by=seeder.officer(org.district), opinion=RECOMMEND_OPINION
            )
        with replay_at(accepted):
            demand_services.accept_demand(
                demand_id=demand.pk, by=self.bureau, opinion=ACCEPT_OPINION
            )
        if seeder.call.expert_review_of_demands:
            with replay_at(reviewed):
                demand_services.record_demand_review(
                    demand_id=demand.pk, by=self.bureau, approved=True, opinion=REVIEW_OPINION
                )
        with replay_at(published):
            seeder.publish([demand])
        demand.refresh_from_db()
        return demand

    # -- proposal and selection ----------------------------------------------------------

    def team(self, story: Story, org: Organization) -> list[dict]:
        area = ORG_BY_KEY[story.solver].area
        members = []
        for name, male, birth, title, duty in story.team:
            seq = 500 + _digest(name + birth) % 200 * 2 + (1 if male else 0)
            id_number = make_id_number(area, birth, seq)
            # Created with their unit first: set_team matches them and keeps the unit.
            org_services.upsert_person(
                name=name, id_number=id_number, title=title, organization=org
            )
            members.append(
                {
                    "name": name,
                    "id_number": id_number,
                    "title": title,
                    "work_unit": org.name,
                    "responsibility": duty,
                }
            )
        return members

    def proposal(self, story: Story, demand: Demand):
        created, submitted = story.selection_dates[:2]
        lead = _org(story.solver)
        seeder = self.seeders[story.call_year]
        with replay_at(created):
            user = seeder.applicant(lead, story.solver, story.solver_username)
            proposal = proposal_services.create_proposal(demand=demand, org=lead, by=user)
            proposal_services.update_proposal(
                proposal=proposal,
                by=user,
                fields={
                    "technical_plan": story.plan,
                    "budget_total": _wan(story.total_wan),
                    "budget_breakdown": f"项目总投入{story.total_wan}万元，其中申请财政补助按技术合同"
                    f"金额{story.contract_wan}万元的{demand.call.subsidy_ratio_percent.normalize():f}%"
                    "计算，其余由揭榜方和发榜方自筹。",
                    "schedule": story.schedule,
                },
            )
            if story.partners:
                proposal_services.set_members(
                    proposal=proposal,
                    by=user,
                    members=[
                        {"uscc": ORG_BY_KEY[key].uscc, "work_share": share, "tasks": tasks}
                        for key, share, tasks in story.partners
                    ],
                )
            proposal_services.set_team(proposal=proposal, by=user, members=self.team(story, lead))
            indicators = list(demand.indicators.order_by("position"))
            proposal_services.set_answers(
                proposal=proposal,
                by=user,
                answers={i.pk: a for i, a in zip(indicators, story.answers, strict=True)},
            )
            proposal_services.set_ip_items(
                proposal=proposal,
                by=user,
                rows=[
                    {"kind": k, "number": n, "owner": lead.name, "legal_status": s}
                    for k, n, s in story.ip
                ],
            )
            kinds = ["plan", "commit_unit", "commit_leader"]
            if story.partners:
                kinds.insert(1, "consortium_agreement")
            labels = {
                "plan": "揭榜技术方案",
                "consortium_agreement": "联合体协议",
                "commit_unit": "单位诚信承诺书",
                "commit_leader": "负责人诚信承诺书",
            }
            for kind in kinds:
                proposal_services.attach_file(
                    proposal=proposal, by=user, kind=kind, uploaded_file=_upload(labels[kind])
                )
        with replay_at(submitted):
            try:
                proposal_services.submit_proposal(proposal_id=proposal.pk, by=user)
            except DomainError as error:
                problems = "；".join(d.get("message", "") for d in error.details or ())
                raise CommandError(
                    f"演示揭榜申请“{demand.title}”未能提交：{error}{problems}"
                ) from error
        proposal.refresh_from_db()
        return proposal

    def select(self, story: Story, demand: Demand, proposal) -> None:
        _c, _s, eligible, shortlisted, publicized, closed = story.selection_dates
        bureau = self.bureau
        with replay_at(eligible):
            selection.confirm_eligibility(
                proposal_id=proposal.pk, eligible=True, reason="", by=bureau
            )
            selection.send_to_review(proposal_ids=[proposal.pk], by=bureau)
        with replay_at(shortlisted):
            selection.record_review_outcome(
                proposal_id=proposal.pk,
                shortlisted=True,
                reason="经专家评榜，技术方案可行、团队基础扎实，综合排名第一，建议入围。",
                by=bureau,
            )
        with replay_at(publicized):
            # publicize opens the 公示 as well; close_demand ends it after its period.
            selection.publicize(demand_id=demand.pk, proposal_ids=[proposal.pk], by=bureau)
        with replay_at(closed):
            selection.close_demand(demand_id=demand.pk, by=bureau)
            notice_services.publish_announcement(
                title=f"开榜公告：{demand.title}",
                body=f"经公示无异议，现公告揭榜结果：{proposal.lead.name}揭榜成功。",
                by=bureau,
            )

    # -- the project ---------------------------------------------------------------------

    def initiate(self, story: Story, proposal) -> Project:
        contract, total = _wan(story.contract_wan), _wan(story.total_wan)
        call = proposal.demand.call
        fiscal = money.fiscal_total(contract, call.subsidy_ratio_percent, call.subsidy_cap)
        with replay_at(story.initiated_at):
            return project_services.initiate_project(
                proposal_id=proposal.pk,
                by=self.bureau,
                agreement_file=_upload("三方协议"),
                agreement_signed_on=story.agreement_signed_on,
                contract_amount=contract,
                start_on=story.start_on,
                period_months=story.period_months,
                total_investment=total,
                milestones=[
                    {"title": t, "due_on": due, "deliverable": d} for t, due, d in story.milestones
                ],
                budget=budget_for(fiscal, total),
            )

    def run(self, project: Project, action: str, moment: dt.datetime, kw: dict) -> None:
        solver = project.proposal.created_by
        with replay_at(moment):
            getattr(self, f"_{action}")(project, solver, **kw)

    def _contract(self, project, solver, *, number, on):
        project_services.register_tech_contract(
            project_id=project.pk,
            by=solver,
            number=number,
            registered_on=on,
            uploaded_file=_upload("技术合同认定登记证明"),
        )

    def _payment(self, project, solver, *, percent, paid_on):
        """The issuer pays part of the contract amount; the bureau confirms it the same day."""
        amount = _share(project.contract_amount, percent)
        payment = project_services.record_payment(
            project_id=project.pk,
            by=project.demand.created_by,
            amount=amount,
            paid_on=paid_on,
            reference=f"YH{paid_on:%Y%m%d}{project.pk:04d}{percent:02d}",
            voucher_file=_upload("合同款支付凭证"),
        )
        project_services.check_payment(payment_id=payment.pk, by=self.bureau, confirmed=True)

    def _disburse(self, project, solver, *, trigger, paid_on):
        """The bureau approves the trigger's instalment now and records it paid on `paid_on`."""
        project.refresh_from_db()
        instalment = next(
            i
            for i in money.instalments(project.fiscal_total, project.instalment_plan)
            if i.trigger == trigger
        )
        disbursement = project_services.approve_disbursement(
            project_id=project.pk,
            by=self.bureau,
            trigger=trigger,
            amount=instalment.amount,
            note=f"{Trigger(trigger).label}拨付",
        )
        paid_at = dt.datetime.combine(paid_on, dt.time(16), tzinfo=B)
        with replay_at(paid_at):
            project_services.record_disbursement_paid(
                disbursement_id=disbursement.pk,
                by=self.bureau,
                paid_on=paid_on,
                voucher_file=_upload("财政资金拨付凭证"),
            )

    def _spend(self, project, solver, *, category, source, wan, spent_on, description):
        project_services.record_expenditure(
            project_id=project.pk,
            by=solver,
            category=category,
            source=source,
            amount=_wan(wan),
            spent_on=spent_on,
            description=description,
            voucher_file=_upload("支出凭证"),
        )

    def _milestone(self, project, solver, *, position, on, note):
        milestone = project.milestones.get(position=position)
        project_services.complete_milestone(
            milestone_id=milestone.pk, by=solver, completed_on=on, note=note
        )

    def _report(self, project, solver, *, sequence, progress, problems="", next_steps=""):
        report = project.reports.get(sequence=sequence)
        project_services.submit_progress_report(
            report_id=report.pk,
            by=solver,
            progress=progress,
            problems=problems,
            next_steps=next_steps,
        )

    def _review(self, project, solver, *, sequence, note):
        report = project.reports.get(sequence=sequence)
        project_services.review_progress_report(report_id=report.pk, by=self.bureau, note=note)

    def _midterm(self, project, solver, *, on, opinion):
        project_services.record_midterm(
            project_id=project.pk,
            by=self.bureau,
            outcome="passed",
            opinion=opinion,
            evaluated_on=on,
        )

    def _achievements(self, project, solver, *, values):
        indicators = list(project.indicators.order_by("position"))
        for indicator, (value, explanation) in zip(indicators, values, strict=True):
            project_services.save_achievement(
                indicator_id=indicator.pk,
                by=solver,
                achieved_value=value,
                achieved=True,
                explanation=explanation,
                evidence_file=_upload(f"{indicator.name}检测报告"),
            )

    def _final(self, project, solver, *, summary, outputs):
        project_services.submit_final_report(
            project_id=project.pk,
            by=solver,
            summary=summary,
            outputs=outputs,
            uploaded_file=_upload("项目总结报告"),
        )

    def seed(self, story: Story) -> Project:
        demand = self.demand(story)
        proposal = self.proposal(story, demand)
        self.select(story, demand, proposal)
        proposal.refresh_from_db()
        project = self.initiate(story, proposal)
        for action, moment, kw in story.script:
            self.run(project, action, moment, kw)
        project.refresh_from_db()
        if project.state != story.stage:
            raise CommandError(
                f"演示项目“{project.title}”（{story.key}）停在“{project.get_state_display()}”，"
                f"应为“{ProjectState(story.stage).label}”。"
            )
        return project


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def story_project(story: Story) -> Project | None:
    return (
        Project.objects.filter(
            call__year=story.call_year,
            demand__title=story.demand.title,
            solver__uscc=ORG_BY_KEY[story.solver].uscc,
        )
        .select_related("solver", "issuer", "proposal__created_by", "demand__created_by")
        .first()
    )


def _story_exists(story: Story) -> bool:
    name = CALL_2024_NAME if story.call_year == 2024 else CALL_2025_NAME
    return Demand.objects.filter(
        call__year=story.call_year, call__name=name, title=story.demand.title
    ).exists()


def seed_projects() -> list[str]:
    """Seed the demo projects that do not exist yet; returns the lines to print."""
    ends = history_ends()
    if clock.now() < ends:
        return [
            f"演示项目：演示项目的历史截至 {clock.format_beijing(ends)}，晚于当前时间，未生成。"
        ]
    todo = [story for story in STORIES if not _story_exists(story)]
    created = 0
    seeder = None
    if todo:
        call_2024 = Call.objects.filter(year=2024, name=CALL_2024_NAME).first()
        if call_2024 is None:
            return ["演示项目：缺少2024年度批次，未生成。"]
        with _quiet(), transaction.atomic():
            seeder = ProjectSeeder({2024: call_2024, 2025: ensure_call_2025()})
            for story in todo:
                seeder.seed(story)
                created += 1
    lines = [f"演示项目：新建{created}，已存在{len(STORIES) - created}。"]
    for story in STORIES:
        project = story_project(story)
        if project is None:
            continue
        lines.append(
            f"  {project.code}【{project.get_state_display()}】{project.title}："
            f"揭榜单位 {project.solver.name}（账号 {project.proposal.created_by.username}），"
            f"发榜单位 {project.issuer.name}（账号 {project.demand.created_by.username}）。"
        )
    if seeder is not None and seeder.accounts_created:
        lines.append(f"为演示项目新建账号（密码同下表）：{'、'.join(seeder.accounts_created)}。")
    return lines
