"""Demo data for `manage.py seed_demo`: people, their city-project history and credit
records.
"""

from dataclasses import dataclass

from jiebang.orgs.enums import CityProjectStatus, CreditKind
from jiebang.orgs.management.commands._seed_units import make_id_number

# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    area: str
    birth: str
    seq: int  # odd for men, even for women (GB 11643)
    org: str
    title: str

    @property
    def id_number(self) -> str:
        return make_id_number(self.area, self.birth, self.seq)


PERSONS = (
    # The demo enterprise (雪峰新能源) and its accounts.
    PersonSpec("zhangwei", "张伟", "650102", "19800316", 31, "xuefeng", "总经理"),
    PersonSpec("liuyang", "刘洋", "650103", "19880921", 53, "xuefeng", "研发部主任"),
    PersonSpec("gaoming", "高明", "650104", "19850605", 17, "xuefeng", "高级工程师"),
    PersonSpec("chenjing", "陈静", "650105", "19920112", 26, "xuefeng", "项目专员"),
    # 昆仑新材料: the unit with exactly 3 ongoing R&D projects.
    PersonSpec("wangzhigang", "王志刚", "650106", "19760823", 15, "kunlun", "总工程师"),
    PersonSpec("luomin", "罗敏", "650102", "19830410", 48, "kunlun", "研究员级高级工程师"),
    PersonSpec("songjia", "宋佳", "650104", "19900727", 64, "kunlun", "工程师"),
    PersonSpec("tanglei", "唐磊", "650109", "19870219", 73, "kunlun", "高级工程师"),
    PersonSpec("lixiaoyan", "李晓燕", "650103", "19860514", 82, "xju", "副教授"),
    PersonSpec("majianjun", "马建军", "650121", "19790930", 91, "kunlun", "工程师"),
    # 恒远化工: four ongoing R&D projects.
    PersonSpec("hewei", "何伟", "650109", "19780304", 35, "hengyuan", "技术总监"),
    PersonSpec("xiefang", "谢芳", "650109", "19840818", 22, "hengyuan", "高级工程师"),
    PersonSpec("dengchao", "邓超", "650105", "19891102", 57, "hengyuan", "工程师"),
    PersonSpec("hanxue", "韩雪", "650102", "19910625", 40, "hengyuan", "工程师"),
    # 北庭生物: the overdue project.
    PersonSpec("lintao", "林涛", "650104", "19750117", 79, "beiting", "研究员"),
    # Credit: misconduct in force / penalty ended yesterday.
    PersonSpec("zhouwenbin", "周文斌", "650103", "19810708", 11, "lvzhou_agri", "技术负责人"),
    PersonSpec("zhengli", "郑丽", "650105", "19820219", 66, "jinyang", "高级工程师"),
    # Researchers at universities and institutes.
    PersonSpec("zhaozhiqiang", "赵志强", "650104", "19710403", 95, "xju", "教授"),
    PersonSpec("maimaitijiang", "买买提江·吐尔逊", "650102", "19800901", 13, "xju", "副教授"),
    PersonSpec("gulimila", "古丽米拉·阿不都热合曼", "650103", "19830512", 28, "xjau", "教授"),
    PersonSpec("huanghaitao", "黄海涛", "650104", "19770306", 37, "cas_xjipc", "研究员"),
    PersonSpec("sunjianguo", "孙建国", "650102", "19720715", 59, "xjmu_first_hospital", "主任医师"),
    PersonSpec("yangfan", "杨帆", "110108", "19790228", 75, "tsinghua", "教授"),
    PersonSpec("wuxiaodong", "吴晓东", "650104", "19860110", 33, "zhixin", "高级工程师"),
    PersonSpec("xujing", "徐静", "650102", "19750926", 44, "tianshan_group", "总工程师"),
)
PERSON_BY_KEY = {spec.key: spec for spec in PERSONS}


# ---------------------------------------------------------------------------------------
# City-project history
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSpec:
    code: str  # stable: never derived from today's date
    title: str
    org: str
    years_ago: int  # initiated in (this year - years_ago)
    status: str
    end_days: int  # planned end = today + end_days (negative: in the past)
    principals: tuple = ()
    is_rnd: bool = True
    accepted_days: int | None = None  # accepted on today + accepted_days


ONGOING, ACCEPTED = CityProjectStatus.ONGOING, CityProjectStatus.ACCEPTED
TERMINATED, FAILED = CityProjectStatus.TERMINATED, CityProjectStatus.FAILED

PROJECTS = (
    # 昆仑新材料: exactly 3 ongoing R&D projects (passes LIM-UNIT-ONGOING), plus an ongoing
    # soft-science project and an accepted one, neither of which counts.
    # 王志刚 is principal of two ongoing R&D projects (at the LIM-PERSON-LOAD limit); 李晓燕
    # of one; 马建军 only at position 4 (not a principal person).
    ProjectSpec(
        "WKJ-KL-001",
        "高性能铝基复合材料制备关键技术研究",
        "kunlun",
        2,
        ONGOING,
        240,
        ("wangzhigang", "luomin", "lixiaoyan", "majianjun"),
    ),
    ProjectSpec(
        "WKJ-KL-002",
        "光伏级多晶硅副产物综合利用技术研发",
        "kunlun",
        1,
        ONGOING,
        420,
        ("songjia", "wangzhigang"),
    ),
    ProjectSpec(
        "WKJ-KL-003",
        "稀土永磁材料低成本制备工艺研究",
        "kunlun",
        1,
        ONGOING,
        560,
        ("tanglei", "majianjun"),
    ),
    ProjectSpec(
        "WKJ-KL-004",
        "乌鲁木齐市新材料产业发展路径软科学研究",
        "kunlun",
        1,
        ONGOING,
        180,
        ("songjia",),
        is_rnd=False,
    ),
    ProjectSpec(
        "WKJ-KL-005",
        "高纯铝电解节能技术开发",
        "kunlun",
        5,
        ACCEPTED,
        -700,
        ("wangzhigang", "luomin"),
        accepted_days=-640,
    ),
    # 恒远化工: four ongoing R&D projects (fails LIM-UNIT-ONGOING).
    ProjectSpec(
        "WKJ-HY-001", "煤基精细化学品催化合成技术研究", "hengyuan", 2, ONGOING, 150, ("hewei",)
    ),
    ProjectSpec(
        "WKJ-HY-002", "石化废催化剂贵金属回收工艺开发", "hengyuan", 2, ONGOING, 210, ("xiefang",)
    ),
    ProjectSpec("WKJ-HY-003", "高端聚烯烃专用料开发", "hengyuan", 1, ONGOING, 380, ("dengchao",)),
    ProjectSpec(
        "WKJ-HY-004", "化工园区VOCs智能监测与治理技术", "hengyuan", 1, ONGOING, 520, ("hanxue",)
    ),
    # 北庭生物: planned end more than a year ago, not accepted (LIM-UNIT-OVERDUE).
    ProjectSpec("WKJ-BT-001", "新型兽用疫苗佐剂研发", "beiting", 4, ONGOING, -410, ("lintao",)),
    ProjectSpec(
        "WKJ-BT-002",
        "益生菌发酵饲料中试",
        "beiting",
        6,
        ACCEPTED,
        -1100,
        ("lintao",),
        accepted_days=-1020,
    ),
    # The demo enterprise: one ongoing, one accepted (passes every limit).
    ProjectSpec(
        "WKJ-XF-001",
        "风光储一体化微电网能量管理系统研发",
        "xuefeng",
        1,
        ONGOING,
        330,
        ("gaoming", "liuyang"),
    ),
    ProjectSpec(
        "WKJ-XF-002",
        "寒区光伏组件积雪清除装置研制",
        "xuefeng",
        4,
        ACCEPTED,
        -500,
        ("zhangwei", "gaoming"),
        accepted_days=-430,
    ),
    # Universities, institutes, hospitals.
    ProjectSpec(
        "WKJ-XJU-001",
        "新疆特色植物资源活性成分高效提取技术",
        "xju",
        1,
        ONGOING,
        450,
        ("zhaozhiqiang", "maimaitijiang"),
    ),
    ProjectSpec(
        "WKJ-XJU-002",
        "干旱区光伏电站运维智能诊断方法",
        "xju",
        5,
        ACCEPTED,
        -800,
        ("maimaitijiang",),
        accepted_days=-720,
    ),
    ProjectSpec(
        "WKJ-AU-001",
        "设施农业节水灌溉智能控制技术示范",
        "xjau",
        5,
        ACCEPTED,
        -760,
        ("gulimila",),
        accepted_days=-690,
    ),
    ProjectSpec(
        "WKJ-LH-001", "荧光传感爆炸物痕量检测材料", "cas_xjipc", 1, ONGOING, 600, ("huanghaitao",)
    ),
    ProjectSpec(
        "WKJ-YD-001",
        "包虫病早期诊断试剂研制",
        "xjmu_first_hospital",
        2,
        ONGOING,
        260,
        ("sunjianguo",),
    ),
    ProjectSpec(
        "WKJ-TR-001", "大型矿用破碎机智能控制系统", "tianrun", 4, TERMINATED, -300, ("xujing",)
    ),
    ProjectSpec("WKJ-SL-001", "城市交通大数据融合平台", "silu_cloud", 5, FAILED, -600),
)

# ---------------------------------------------------------------------------------------
# Credit records: (subject kind, subject key, kind, decided days ago, penalty end in days
# from today or None for open-ended, bars city fiscal projects, source document, description)
# ---------------------------------------------------------------------------------------

CREDITS = (
    # Inside the 3-year look-back: CREDIT-SERIOUS blocks this unit.
    (
        "org",
        "silu_cloud",
        CreditKind.SERIOUS_DISHONESTY,
        300,
        3 * 365 - 300,
        False,
        "乌信用办〔演示〕12号",
        "虚报项目材料骗取财政补助，列入严重失信主体名单（演示数据）。",
    ),
    # Four years ago: outside the look-back, does not block.
    (
        "org",
        "zhongtai",
        CreditKind.SERIOUS_ILLEGAL,
        4 * 365 + 30,
        -(365 + 30),
        False,
        "乌市监处〔演示〕7号",
        "生产销售不合格建材，行政处罚已执行完毕（演示数据）。",
    ),
    # A research-misconduct penalty in force that bars city fiscal projects (LIM-MISCONDUCT).
    (
        "person",
        "zhouwenbin",
        CreditKind.RESEARCH_MISCONDUCT,
        200,
        2 * 365,
        True,
        "乌科诚〔演示〕3号",
        "项目结题报告数据造假，三年内限制参与财政资助市级科技项目（演示数据）。",
    ),
    # The same kind of penalty that ended yesterday: no longer in force.
    (
        "person",
        "zhengli",
        CreditKind.RESEARCH_MISCONDUCT,
        365 + 1,
        -1,
        True,
        "乌科诚〔演示〕1号",
        "论文署名不当，限制申报一年，已于昨日期满（演示数据）。",
    ),
)
