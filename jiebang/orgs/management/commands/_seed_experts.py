"""The expert pool (评审专家库) and one draft review round for `manage.py seed_demo`.

Experts are setup, like the units: written with the ORM (no audit entries), personal data
through the orgs services (`upsert_person`, `set_mobile`). Each expert has an active
account `expert_<name>` with the demo password and the expert role; the existing `expert`
demo account (赵志强, 新疆大学) gets a profile too. Two retired experts have a unit name
only (their person keeps the former unit, whose employment is recorded as an affiliation).

Conflicts (回避) seeded on purpose: 程立伟 works at the issuer of the demand awaiting the
expert review (SAME-UNIT), 范文博 is a visiting researcher there (AFFILIATION), 付建伟 has
advised 新疆天山智能装备集团 since 2024 and 许东升 left 新疆大学 last year (both issuers).

Then ONE review round in `draft` over the demo call's demands in state `accepted`, with no
assignment, so the bureau can press 自动分配专家. Idempotent: experts are keyed by the ID
blind index, accounts by username, affiliations by (expert, unit, kind), the round by
(call, title); a second run writes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.orgs import services as org_services
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.management.commands._seed_accounts import DEMO_PASSWORD, demo_password_hash
from jiebang.orgs.management.commands._seed_people import PERSON_BY_KEY, PersonSpec
from jiebang.orgs.management.commands._seed_units import DEMO_CALL_NAME, ORG_BY_KEY
from jiebang.orgs.models import Organization, Person, User
from jiebang.review.enums import AffiliationKind, RoundKind, RoundState
from jiebang.review.models import ExpertAffiliation, ExpertProfile, ReviewItem, ReviewRound
from jiebang.review.services import validate_criteria

EMPLOYED, ADVISOR = AffiliationKind.EMPLOYED, AffiliationKind.ADVISOR
D = dt.date
ROUND_EXPERTS_PER_ITEM = 3
ROUND_DEADLINE_DAYS = 10


@dataclass(frozen=True)
class ExpertSpec:
    person: PersonSpec  # unit = where the person works (a retiree: the former unit)
    industries: tuple  # Industry codes
    keywords: str
    bio: str
    projects: str
    publications: str
    unit_name: str = ""  # set for a retiree: the profile has a unit name only
    # (unit key, kind, start, end): end None = ongoing, an int N = 31 August N years ago.
    affiliations: tuple = ()
    max_load: int = 10
    available: bool = True

    @property
    def username(self) -> str:
        return "expert" if self.person.key == "zhaozhiqiang" else f"expert_{self.person.key}"


# The `expert` demo account (赵志强): person and account are seeded by `seed_demo` itself.
DEMO_EXPERT = ExpertSpec(
    PERSON_BY_KEY["zhaozhiqiang"],
    ("new_materials", "new_energy"),
    "高分子材料、光伏封装胶膜、POE胶膜、抗电势诱导衰减、功能薄膜、材料老化、天然产物提取",
    "新疆大学化学学院教授、博士生导师，长期从事高分子功能材料与光伏组件封装材料研究，"
    "在POE/EVA封装胶膜配方设计、抗PID改性和湿热老化评价方面有系统积累。",
    "主持国家自然科学基金地区基金项目2项；主持市级项目“新疆特色植物资源活性成分高效提取技术”。",
    "发表SCI论文60余篇，授权发明专利12件。",
)

POOL = (
    ExpertSpec(
        PersonSpec("chenguanghui", "陈光辉", "610113", "19720518", 131, "xjtu", "教授"),
        ("new_energy", "new_materials"),
        "光伏组件可靠性、电势诱导衰减、PID、绝缘材料、封装材料、湿热老化测试",
        "西安交通大学电气工程学院教授，电力设备电气绝缘国家重点实验室骨干，研究光伏组件"
        "封装绝缘材料的电势诱导衰减机理与加速老化试验方法。",
        "主持国家重点研发计划课题“双面光伏组件长期可靠性评价”。",
        "参与制定光伏组件PID测试国家标准1项，发表论文80余篇。",
    ),
    ExpertSpec(
        PersonSpec("liuzhenhua", "刘振华", "330106", "19750822", 151, "zju", "教授"),
        ("new_energy", "new_materials"),
        "光伏材料、晶体硅、钙钛矿、叠层太阳电池、高纯石英砂、石英坩埚",
        "浙江大学材料科学与工程学院教授，从事晶体硅与钙钛矿光伏材料研究，熟悉光伏产业链"
        "上游高纯石英砂、石英坩埚等关键辅材。",
        "主持国家自然科学基金重点项目“钙钛矿/晶硅叠层电池界面调控”。",
        "发表论文120余篇，授权发明专利30余件。",
    ),
    ExpertSpec(
        PersonSpec("chengliwei", "程立伟", "650104", "19780214", 171, "cas_xjipc", "研究员"),
        ("new_materials",),
        "光伏封装材料、高分子改性、POE胶膜、材料老化、功能膜材料",
        "中国科学院新疆理化技术研究所研究员，从事高分子功能膜材料与光伏封装材料改性研究。",
        "主持中国科学院西部之光项目“光伏封装胶膜耐候改性”。",
        "发表论文50余篇，授权发明专利15件。",
    ),
    ExpertSpec(
        PersonSpec("fanwenbo", "范文博", "650106", "19740611", 193, "kunlun", "正高级工程师"),
        ("new_materials", "new_energy"),
        "高纯石英砂、提纯工艺、光伏辅材、封装胶膜、粉体材料",
        "新疆昆仑新材料股份有限公司副总工程师，长期从事光伏辅材与高纯石英砂提纯工艺开发，"
        "兼任中国科学院新疆理化技术研究所客座研究员。",
        "主持自治区重点研发项目“光伏级石英砂酸浸提纯工艺”。",
        "授权发明专利9件，获自治区科技进步二等奖1项。",
        affiliations=(("cas_xjipc", ADVISOR, D(2021, 9, 1), None),),
    ),
    ExpertSpec(
        PersonSpec("pengguodong", "彭国栋", "420111", "19700309", 115, "hust", "教授"),
        ("new_energy", "equipment"),
        "风电机组、主轴承、滚动轴承、摩擦学、故障诊断、大型轴承国产化",
        "华中科技大学机械科学与工程学院教授，研究大型风电机组主轴承设计、润滑与故障诊断。",
        "主持国家重点研发计划项目“大兆瓦风电机组主轴承设计制造关键技术”。",
        "发表论文100余篇，主编《风电轴承设计》。",
    ),
    ExpertSpec(
        PersonSpec(
            "fujianwei", "付建伟", "650106", "19730725", 137, "equip_innovation", "正高级工程师"
        ),
        ("equipment", "new_energy"),
        "高端装备、矿用卡车、线控底盘、无人驾驶、风电装备、智能制造",
        "新疆装备制造业创新中心有限公司首席工程师，从事矿山装备电动化与智能化研究；"
        "2024年起受聘为新疆天山智能装备集团有限公司技术顾问。",
        "主持自治区重大科技专项课题“露天矿山无人运输系统”。",
        "授权发明专利11件，获中国机械工业科学技术奖二等奖。",
        affiliations=(("tianshan_group", ADVISOR, D(2024, 3, 1), None),),
    ),
    ExpertSpec(
        PersonSpec("mengqinghua", "孟庆华", "110108", "19760130", 159, "tsinghua", "教授"),
        ("new_energy",),
        "储能、电化学储能、锂离子电池、电池热管理、热失控、安全预警",
        "清华大学电机工程与应用电子技术系教授，研究电化学储能系统集成、电池热管理与"
        "热失控早期预警，熟悉高寒地区储能电站运行。",
        "主持国家重点研发计划“储能与智能电网技术”重点专项项目1项。",
        "发表论文90余篇，参与编制储能电站安全标准2项。",
        max_load=6,
    ),
    ExpertSpec(
        PersonSpec("jiangwentao", "姜文涛", "210204", "19771012", 177, "cas_dicp", "研究员"),
        ("new_energy", "chemical"),
        "氢能、电解水制氢、碱性电解槽、PEM电解、可再生能源制氢、催化剂",
        "中国科学院大连化学物理研究所研究员，从事电解水制氢催化剂与电解槽系统研究，"
        "参与多个风光制氢示范项目。",
        "主持中国科学院战略性先导科技专项课题“兆瓦级碱性电解水制氢”。",
        "发表论文70余篇，授权发明专利20件。",
    ),
    ExpertSpec(
        PersonSpec("luzhijun", "卢志军", "110108", "19710904", 119, "cas_ipe", "研究员"),
        ("chemical",),
        "煤化工、合成气、费托合成、低碳烯烃、催化反应工程、过程强化",
        "中国科学院过程工程研究所研究员，从事煤基合成气转化与反应工程研究。本年度赴国外"
        "合作研究，暂不参加评审。",
        "主持国家重点研发计划项目“煤制低碳烯烃新工艺”。",
        "发表论文110余篇，授权发明专利40余件。",
        available=False,
    ),
    ExpertSpec(
        PersonSpec("reyihanguli", "热依汗古丽·艾合买提", "650102", "19790617", 186, "xjmu", "教授"),
        ("biomedicine", "digital_economy"),
        "医学影像、超声诊断、人工智能辅助诊断、包虫病、影像组学",
        "新疆医科大学医学影像学院教授、主任医师，从事超声影像诊断与人工智能辅助诊断研究，"
        "在包虫病影像诊断方面经验丰富。",
        "主持国家自然科学基金地区基金项目“肝包虫病超声影像组学研究”。",
        "发表论文60余篇，获自治区科技进步三等奖1项。",
    ),
    ExpertSpec(
        PersonSpec("abudurexiti", "阿不都热西提·艾买提", "650103", "19580407", 113, "xjmu", "教授"),
        ("biomedicine",),
        "维吾尔医、民族药、复方制剂、质量标准、药物分析、中药制剂",
        "原新疆医科大学维吾尔医学院教授（已退休），长期从事维吾尔医药复方制剂质量标准与"
        "药效物质基础研究。",
        "主持国家科技支撑计划课题“维吾尔医特色制剂质量控制”。",
        "主编《维吾尔药志》（修订版），制定药材与制剂质量标准30余项。",
        unit_name="新疆医科大学（退休）",
        affiliations=(("xjmu", EMPLOYED, D(1982, 7, 1), D(2018, 4, 30)),),
        max_load=5,
    ),
    ExpertSpec(
        PersonSpec("wangxiuzhi", "王秀芝", "650103", "19770928", 148, "xjau", "教授"),
        ("urban_agriculture", "biomedicine"),
        "农药残留、农残检测、快速检测、光谱无损检测、林果、食品安全",
        "新疆农业大学食品科学与药学学院教授，研究特色林果农药残留快速检测与光谱无损检测技术。",
        "主持自治区自然科学基金重点项目“林果农残近红外无损检测模型”。",
        "发表论文50余篇，授权发明专利8件。",
    ),
    ExpertSpec(
        PersonSpec(
            "gezhendong", "葛振东", "650102", "19610315", 157, "municipal_design", "正高级工程师"
        ),
        ("digital_economy", "other"),
        "供水管网、漏损控制、压力分区、水力模型、智慧水务、市政给排水",
        "原乌鲁木齐市市政工程设计院总工程师（已退休），从事城市给排水与供水管网设计近四十年，"
        "主持多项供水管网漏损控制与压力分区改造工程。",
        "主持“乌鲁木齐市中心城区供水管网分区计量与漏损控制工程”设计。",
        "获全国优秀工程勘察设计行业奖二等奖2项。",
        unit_name="乌鲁木齐市市政工程设计院（退休）",
        affiliations=(("municipal_design", EMPLOYED, D(1983, 8, 1), D(2021, 3, 31)),),
    ),
    ExpertSpec(
        PersonSpec(
            "xudongsheng", "许东升", "650104", "19800502", 179, "silk_digital", "正高级工程师"
        ),
        ("digital_economy", "equipment"),
        "边缘计算、工业互联网、边缘智能网关、嵌入式系统、国产化芯片、机器视觉",
        "新疆丝路数字经济创新中心有限公司首席技术官，从事工业互联网与边缘计算平台研发；"
        "此前在新疆大学信息科学与工程学院任教多年。",
        "主持自治区重点研发项目“面向工业现场的国产化边缘计算平台”。",
        "授权发明专利10件，软件著作权20余项。",
        affiliations=(("xju", EMPLOYED, D(2008, 9, 1), 1),),
    ),
)
EXPERTS = (DEMO_EXPERT, *POOL)
# New accounts' mobiles: this prefix + the position in EXPERTS (the demo account has its own).
MOBILE_PREFIX = "138992001"


def _end(value, today: dt.date):
    return D(today.year - value, 8, 31) if isinstance(value, int) else value


class ExpertSeeder:
    def __init__(self):
        self.now = clock.now()
        self.today = clock.today()
        usccs = [spec.uscc for spec in ORG_BY_KEY.values()]
        self.units = {o.uscc: o for o in Organization.objects.filter(uscc__in=usccs)}
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.created: list[str] = []
        self.warnings: list[str] = []

    def unit(self, key: str) -> Organization:
        return self.units[ORG_BY_KEY[key].uscc]

    def person(self, spec: PersonSpec) -> Person:
        unit = self.unit(spec.org)
        person = Person.objects.filter(id_index=blind_index(spec.id_number)).first()
        if person is None or (person.name, person.title, person.organization_id) != (
            spec.name,
            spec.title,
            unit.pk,
        ):
            person = org_services.upsert_person(
                name=spec.name, id_number=spec.id_number, title=spec.title, organization=unit
            )
        return person

    def account(self, spec: ExpertSpec, person: Person, mobile: str) -> User | None:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            if org_services.mobile_taken(mobile):
                self.warnings.append(
                    f"手机号 {mobile} 已被其他账号使用，未建账号 {spec.username}。"
                )
                return None
            user = User(
                username=spec.username,
                real_name=person.name,
                email=f"{spec.username}@example.com",
                account_state=AccountState.ACTIVE,
                password=demo_password_hash(),
            )
            org_services.set_mobile(user, mobile)
            user.save()
        elif user.password != demo_password_hash() and not user.check_password(DEMO_PASSWORD):
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        if not user.has_role(Role.EXPERT):
            org_services.assign_roles(user, Role.EXPERT)
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        return user

    def profile(self, spec: ExpertSpec, person: Person, user: User | None) -> ExpertProfile:
        unit = None if spec.unit_name else self.unit(spec.person.org)
        values = {
            "user_id": user.pk if user else None,
            "organization_id": unit.pk if unit else None,
            "unit_name": spec.unit_name or unit.name,
            "title": spec.person.title,
            "keywords": spec.keywords,
            "bio": spec.bio,
            "past_projects": spec.projects,
            "publications": spec.publications,
            "is_available": spec.available,
            "max_load": spec.max_load,
        }
        expert = ExpertProfile.objects.filter(person=person).first()
        if expert is None:
            expert = ExpertProfile.objects.create(person=person, created_at=self.now, **values)
            self.created.append(person.name)
        else:
            changed = [name for name, value in values.items() if getattr(expert, name) != value]
            for name in changed:
                setattr(expert, name, values[name])
            if changed:
                expert.save(update_fields=changed)
        wanted = {self.industries[code].pk for code in spec.industries}
        if set(expert.industries.values_list("pk", flat=True)) != wanted:
            expert.industries.set(wanted)
        for key, kind, start, end in spec.affiliations:
            dates = {"start": start, "end": _end(end, self.today)}
            row, made = ExpertAffiliation.objects.get_or_create(
                expert=expert, organization=self.unit(key), kind=kind, defaults=dates
            )
            if not made and (row.start, row.end) != (start, dates["end"]):
                row.start, row.end = start, dates["end"]
                row.save(update_fields=["start", "end"])
        return expert

    def seed(self) -> None:
        for number, spec in enumerate(EXPERTS):
            person = self.person(spec.person)
            user = self.account(spec, person, f"{MOBILE_PREFIX}{number:02d}")
            self.profile(spec, person, user)

    def review_round(self, call: Call) -> tuple[ReviewRound | None, bool]:
        """The draft demand-review round over the accepted demands; (round, created)."""
        title = f"{call.year}年度揭榜挂帅需求论证（第一组）"
        deadline = dt.datetime.combine(
            self.today + dt.timedelta(days=ROUND_DEADLINE_DAYS),
            dt.time(17, 30),
            tzinfo=clock.BEIJING,
        )
        existing = ReviewRound.objects.filter(call=call, title=title).first()
        if existing is not None:
            # A draft seeded on an earlier day keeps a deadline ten days ahead.
            if existing.state == RoundState.DRAFT and existing.deadline != deadline:
                existing.deadline = deadline
                existing.save(update_fields=["deadline"])
            return existing, False
        demands = list(Demand.objects.filter(call=call, state=DemandState.ACCEPTED).order_by("pk"))
        bureau = User.objects.filter(username="bureau").first()
        if not demands or bureau is None:
            return None, False
        review_round = ReviewRound.objects.create(
            call=call,
            kind=RoundKind.DEMAND_REVIEW,
            title=title,
            experts_per_item=ROUND_EXPERTS_PER_ITEM,
            blind=True,
            criteria=validate_criteria(call.demand_review_criteria),
            deadline=deadline,
            spread_threshold=call.score_spread_threshold,
            created_by=bureau,
            created_at=self.now,
        )
        content_type = ContentType.objects.get_for_model(Demand)
        ReviewItem.objects.bulk_create(
            ReviewItem(round=review_round, target_type=content_type, target_id=d.pk, position=i)
            for i, d in enumerate(demands, 1)
        )
        return review_round, True


def seed_experts() -> list[str]:
    """Seed the expert pool and the draft review round; returns the lines to print."""
    seeder = ExpertSeeder()
    call = Call.objects.filter(name=DEMO_CALL_NAME, is_active=True).order_by("-year").first()
    with transaction.atomic():
        seeder.seed()
        review_round, round_created = seeder.review_round(call) if call else (None, False)
    available = ExpertProfile.objects.filter(
        is_available=True, user__isnull=False, user__account_state=AccountState.ACTIVE
    ).count()
    lines = [
        f"评审专家库：新建{len(seeder.created)}，已存在{len(EXPERTS) - len(seeder.created)}；"
        f"可参加评审{available}人（账号 expert_<姓名拼音>，密码同下表）。",
        *seeder.warnings,
    ]
    if review_round is None:
        lines.append("专家评审：没有待论证（已受理）的演示需求，未建评审。")
    else:
        lines.append(
            f"专家评审“{review_round.title}”（{review_round.get_state_display()}，"
            f"{review_round.items.count()}项，每项{review_round.experts_per_item}位专家）"
            f"{'已新建' if round_created else '已存在'}，"
            f"截止 {clock.format_beijing(review_round.deadline)}；请以 bureau 登录自动分配专家。"
        )
    return lines
