"""Demo data for `manage.py seed_demo`: reference data (bureau, calls, districts,
industries), stable identifiers (USCC, ID numbers) and the demo units with their relations.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from jiebang.core.validators import USCC_CHARSET, id_check_digit, uscc_check_character
from jiebang.orgs.enums import OrgKind, RelationKind, TechCertification, VerificationState

BUREAU_NAME = "乌鲁木齐市科学技术局"
CALL_2024_NAME = "乌鲁木齐市2024年度重点领域科技创新攻关项目“揭榜挂帅”需求征集"
CALL_2024_GUIDE = "附件1：乌鲁木齐市2024年度重点领域科技创新攻关项目“揭榜挂帅”需求征集申报指南"
DEMO_CALL_NAME = "演示批次"

# ---------------------------------------------------------------------------------------
# Districts and industries (domain.md §1)
# ---------------------------------------------------------------------------------------

# (code, name, alias, office name)
DISTRICTS = (
    ("650102", "天山区", "", "天山区科技局"),
    ("650103", "沙依巴克区", "", "沙依巴克区科技局"),
    ("650104", "新市区", "高新区", "新市区（高新区）科技局"),
    ("650105", "水磨沟区", "", "水磨沟区科技局"),
    ("650106", "头屯河区", "经开区", "头屯河区（经开区）科技局"),
    ("650107", "达坂城区", "", "达坂城区科技局"),
    ("650109", "米东区", "", "米东区科技局"),
    ("650121", "乌鲁木齐县", "", "乌鲁木齐县科技局"),
)
TS, SYBK, XS, SMG, TTH, DBC, MD, WLMQX = (d[0] for d in DISTRICTS)

INDUSTRIES = (
    ("new_energy", "新能源"),
    ("equipment", "装备制造"),
    ("new_materials", "新材料"),
    ("chemical", "化工"),
    ("biomedicine", "生物医药"),
    ("digital_economy", "数字经济"),
    ("urban_agriculture", "现代都市农业"),
    ("other", "其他"),
)

# Street names per district for generated addresses.
STREETS = {
    TS: ("解放南路", "新华北路", "延安路", "中山路", "人民路"),
    SYBK: ("友好北路", "西北路", "克拉玛依西街", "扬子江路"),
    XS: ("北京南路", "长春南路", "高新街", "苏州东街", "天津南路"),
    SMG: ("南湖北路", "温泉东路", "七道湾路", "会展大道"),
    TTH: ("维泰南路", "嵩山街", "上海路", "卫星路"),
    DBC: ("盐湖路", "达坂城镇风电路", "艾维尔沟路"),
    MD: ("米东南路", "石化大道", "古牧地西路"),
    WLMQX: ("水西沟镇闸阀路", "板房沟镇东湾路", "永丰镇阳光路"),
}

# Out-of-city area codes: (city label for addresses, phone area code).
OUT_OF_CITY = {
    "110108": ("北京市海淀区", "010"),
    "310104": ("上海市徐汇区", "021"),
    "310115": ("上海市浦东新区", "021"),
    "440305": ("深圳市南山区", "0755"),
    "610113": ("西安市雁塔区", "029"),
    "330106": ("杭州市西湖区", "0571"),
    "420111": ("武汉市洪山区", "027"),
    "510107": ("成都市武侯区", "028"),
    "210204": ("大连市沙河口区", "0411"),
    "220104": ("长春市朝阳区", "0431"),
}

PEOPLE_POOL = (
    "王建新",
    "李红梅",
    "张国强",
    "刘晓东",
    "陈丽娟",
    "杨志勇",
    "赵雪莲",
    "黄文华",
    "周海燕",
    "吴振宇",
    "徐明辉",
    "孙玉兰",
    "马成林",
    "胡春燕",
    "朱海峰",
    "郭宏伟",
    "何秀英",
    "高志远",
    "林晓红",
    "罗建军",
    "阿依古丽·吐尔洪",
    "艾尔肯·买买提",
    "迪丽娜尔·艾力",
    "努尔兰·哈山",
)


def _digest(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def _pick(pool, key: str, salt: str = ""):
    return pool[_digest(salt + key) % len(pool)]


# ---------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body8: str) -> str:
    """A 9-character organisation code (GB 11714): 8 body characters + check character."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(reg: str, area: str, name: str, since: dt.date | None) -> str:
    """A valid, stable USCC derived from the unit's name.

    `reg` is the registration authority + category (91 enterprise, 12 public institution,
    51 social organisation, 52 private non-enterprise unit, 53 foundation). Enterprises
    registered from 2016 on get the newer "MA…" organisation codes.
    """
    number = _digest(name)
    if reg == "91" and since is not None and since.year >= 2016:
        tail = ""
        for _ in range(6):
            number, rest = divmod(number, len(USCC_CHARSET))
            tail += USCC_CHARSET[rest]
        body = "MA" + tail
    else:
        body = f"{number % 10**8:08d}"
    first17 = reg + area + org_code(body)
    return first17 + uscc_check_character(first17)


def make_id_number(area: str, birth: str, seq: int) -> str:
    """A valid resident ID number: area + birth date + 3-digit sequence (odd = male) + check."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + id_check_digit(first17)


# ---------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    reg: str  # registration authority + category code of the USCC
    area: str  # a district code (local) or an out-of-city area code
    since: dt.date | None = None  # registered in Urumqi on; None for out-of-city units
    cert: str = ""
    cert_valid_days: int | None = None  # certificate valid until today + N days
    state: str = VerificationState.VERIFIED
    reason: str = ""
    independent: bool = True
    address: str = ""
    registered_days_ago: int | None = None  # overrides `since`, relative to today

    @property
    def is_local(self) -> bool:
        return self.area in STREETS

    @property
    def uscc(self) -> str:
        return make_uscc(self.reg, self.area, self.name, self.since)


D = dt.date
E, PI, UNI, INST = (
    OrgKind.ENTERPRISE,
    OrgKind.PUBLIC_INSTITUTION,
    OrgKind.UNIVERSITY,
    OrgKind.RESEARCH_INSTITUTE,
)
MED, PLAT, OTHER = OrgKind.MEDICAL_INSTITUTION, OrgKind.INNOVATION_PLATFORM, OrgKind.OTHER
HT, SME = TechCertification.HIGH_TECH, TechCertification.TECH_SME
PENDING, REJECTED = VerificationState.PENDING, VerificationState.REJECTED

ORGS = (
    # Enterprises (企业). Fictional names.
    OrgSpec("xuefeng", "乌鲁木齐雪峰新能源科技有限公司", E, "91", TS, D(2013, 4, 18), HT, 540),
    OrgSpec("tianshan_group", "新疆天山智能装备集团有限公司", E, "91", TS, D(2009, 5, 12), HT, 700),
    OrgSpec("tianzhi_invest", "乌鲁木齐天智投资控股有限公司", E, "91", XS, D(2015, 9, 1)),
    OrgSpec("zhixin", "新疆智芯微电子科技有限公司", E, "91", XS, D(2018, 3, 26), HT, 400),
    OrgSpec("jinyang", "新疆金阳新能源装备有限公司", E, "91", TTH, D(2012, 7, 9), HT, 300),
    OrgSpec("kunlun", "新疆昆仑新材料股份有限公司", E, "91", TTH, D(2011, 11, 3), HT, 620),
    OrgSpec("hengyuan", "乌鲁木齐恒远化工科技有限公司", E, "91", MD, D(2010, 6, 15)),
    OrgSpec("beiting", "新疆北庭生物工程有限公司", E, "91", XS, D(2014, 8, 20), SME, 200),
    OrgSpec("silu_cloud", "乌鲁木齐丝路云数据科技有限公司", E, "91", XS, D(2017, 2, 14), SME, 150),
    OrgSpec("lvzhou_agri", "新疆绿洲都市农业发展有限公司", E, "91", WLMQX, D(2016, 5, 30)),
    # Registered in Urumqi less than a year ago: trips TB-ISSUER-AGE.
    OrgSpec("xinrui_h2", "乌鲁木齐新锐氢能科技有限公司", E, "91", DBC, registered_days_ago=200),
    # Its high-tech certificate expired a month ago: not a 科技型企业 any more.
    OrgSpec("tianrun", "新疆天润智造机械有限公司", E, "91", SYBK, D(2008, 10, 8), HT, -30),
    OrgSpec("bochuang", "乌鲁木齐博创软件有限公司", E, "91", SMG, D(2019, 4, 2), SME, 250, PENDING),
    OrgSpec(
        "yaou_logistics",
        "新疆亚欧陆港物流有限公司",
        E,
        "91",
        SYBK,
        D(2013, 1, 22),
        state=REJECTED,
        reason="上传的营业执照扫描件不清晰，且统一社会信用代码与执照不一致，请重新上传清晰的营业执照并核对代码。",
    ),
    # A serious-illegal record four years ago: outside the 3-year look-back, passes.
    OrgSpec("zhongtai", "乌鲁木齐众泰建材有限公司", E, "91", SYBK, D(2006, 3, 11)),
    # A branch: no independent legal-person status (fails TB-ISSUER-LOCAL as an issuer).
    OrgSpec(
        "tianshan_branch",
        "新疆天山智能装备集团有限公司米东分公司",
        E,
        "91",
        MD,
        D(2019, 9, 9),
        independent=False,
    ),
    OrgSpec(
        "pengcheng",
        "深圳鹏城智能科技有限公司",
        E,
        "91",
        "440305",
        cert=HT,
        cert_valid_days=480,
        address="深圳市南山区科技园科发路8号",
    ),
    OrgSpec(
        "qinchuan",
        "西安秦川先进材料科技有限公司",
        E,
        "91",
        "610113",
        cert=HT,
        cert_valid_days=365,
        address="西安市雁塔区科技路48号",
    ),
    # Public institutions (事业单位).
    OrgSpec("water_center", "乌鲁木齐市城市供水技术服务中心", PI, "12", TS, D(2001, 6, 1)),
    OrgSpec("eco_monitor", "乌鲁木齐市生态环境监测中心", PI, "12", SMG, D(1998, 3, 15)),
    OrgSpec("agri_extension", "乌鲁木齐市农业技术推广中心", PI, "12", SYBK, D(1996, 9, 10)),
    OrgSpec("weather_service", "乌鲁木齐市气象服务中心", PI, "12", XS, D(2003, 4, 1)),
    OrgSpec("municipal_design", "乌鲁木齐市市政工程设计院", PI, "12", TS, D(1988, 7, 1)),
    OrgSpec("forestry_station", "乌鲁木齐市林业和草原技术推广站", PI, "12", MD, D(2005, 5, 20)),
    OrgSpec("drug_testing", "乌鲁木齐市食品药品检验所", PI, "12", SMG, D(1999, 12, 1)),
    OrgSpec("heating_center", "乌鲁木齐市供热管理服务中心", PI, "12", TTH, D(2008, 10, 15)),
    OrgSpec("dbc_agri_station", "达坂城区农业技术推广站", PI, "12", DBC, D(2002, 3, 1)),
    OrgSpec("county_vet", "乌鲁木齐县畜牧兽医站", PI, "12", WLMQX, D(2000, 8, 1)),
    OrgSpec(
        "md_park_service", "米东区产业园区服务中心", PI, "12", MD, D(2020, 6, 30), state=PENDING
    ),
    # Universities (高校).
    OrgSpec("xju", "新疆大学", UNI, "12", XS, D(1985, 1, 1)),
    OrgSpec("xjau", "新疆农业大学", UNI, "12", SYBK, D(1985, 1, 1)),
    OrgSpec("xjmu", "新疆医科大学", UNI, "12", XS, D(1985, 1, 1)),
    OrgSpec("xjnu", "新疆师范大学", UNI, "12", SYBK, D(1985, 1, 1)),
    OrgSpec("xjufe", "新疆财经大学", UNI, "12", XS, D(1985, 1, 1)),
    OrgSpec("uvu", "乌鲁木齐职业大学", UNI, "12", SYBK, D(1990, 1, 1)),
    OrgSpec("tsinghua", "清华大学", UNI, "12", "110108", address="北京市海淀区清华园1号"),
    OrgSpec("xjtu", "西安交通大学", UNI, "12", "610113", address="西安市咸宁西路28号"),
    OrgSpec("zju", "浙江大学", UNI, "12", "330106", address="杭州市西湖区余杭塘路866号"),
    OrgSpec("hust", "华中科技大学", UNI, "12", "420111", address="武汉市洪山区珞喻路1037号"),
    # Research institutes (科研机构).
    OrgSpec("cas_xjipc", "中国科学院新疆理化技术研究所", INST, "12", XS, D(1985, 1, 1)),
    OrgSpec("cas_xjieg", "中国科学院新疆生态与地理研究所", INST, "12", XS, D(1985, 1, 1)),
    OrgSpec("xaas_mech", "新疆农业科学院农业机械化研究所", INST, "12", SYBK, D(1986, 1, 1)),
    OrgSpec("wlmq_agri_inst", "乌鲁木齐市农业科学研究所", INST, "12", MD, D(1992, 4, 1)),
    OrgSpec("xj_analysis", "新疆维吾尔自治区分析测试研究院", INST, "12", TS, D(1989, 1, 1)),
    OrgSpec("tianshan_inst", "新疆天山智能装备研究院有限公司", INST, "91", TS, D(2016, 8, 8)),
    OrgSpec(
        "smart_city_inst",
        "乌鲁木齐智慧城市研究院有限公司",
        INST,
        "91",
        SMG,
        D(2021, 3, 3),
        state=PENDING,
    ),
    OrgSpec(
        "cas_ipe",
        "中国科学院过程工程研究所",
        INST,
        "12",
        "110108",
        address="北京市海淀区中关村北二条1号",
    ),
    OrgSpec(
        "cas_dicp",
        "中国科学院大连化学物理研究所",
        INST,
        "12",
        "210204",
        address="大连市沙河口区中山路457号",
    ),
    OrgSpec(
        "cas_ciac",
        "中国科学院长春应用化学研究所",
        INST,
        "12",
        "220104",
        address="长春市人民大街5625号",
    ),
    # Medical institutions (医疗机构).
    OrgSpec("wlmq_first", "乌鲁木齐市第一人民医院", MED, "12", TS, D(1990, 1, 1)),
    OrgSpec("wlmq_tcm", "乌鲁木齐市中医医院", MED, "12", SYBK, D(1990, 1, 1)),
    OrgSpec("wlmq_youyi", "乌鲁木齐市友谊医院", MED, "12", SYBK, D(1990, 1, 1)),
    OrgSpec("wlmq_dental", "乌鲁木齐市口腔医院", MED, "12", TS, D(1992, 1, 1)),
    OrgSpec("xjmu_first_hospital", "新疆医科大学第一附属医院", MED, "12", XS, D(1990, 1, 1)),
    OrgSpec("xj_peoples", "新疆维吾尔自治区人民医院", MED, "12", TS, D(1990, 1, 1)),
    OrgSpec("wlmq_mch", "乌鲁木齐市妇幼保健院", MED, "12", TS, D(1994, 1, 1)),
    OrgSpec("md_hospital", "乌鲁木齐市米东区人民医院", MED, "12", MD, D(1996, 1, 1)),
    OrgSpec("kangning_rehab", "乌鲁木齐康宁康复医院", MED, "52", TTH, D(2015, 10, 12)),
    OrgSpec("huaxi", "四川大学华西医院", MED, "12", "510107", address="成都市武侯区国学巷37号"),
    # Innovation platforms (创新平台).
    OrgSpec("hitech_incubator", "乌鲁木齐高新技术创业服务中心", PLAT, "12", XS, D(1997, 5, 1)),
    OrgSpec("silk_digital", "新疆丝路数字经济创新中心有限公司", PLAT, "91", XS, D(2020, 9, 18)),
    OrgSpec(
        "etdz_incubator", "乌鲁木齐经开区科技企业孵化器有限公司", PLAT, "91", TTH, D(2012, 4, 16)
    ),
    OrgSpec("equip_innovation", "新疆装备制造业创新中心有限公司", PLAT, "91", TTH, D(2019, 12, 6)),
    OrgSpec("biomed_inst", "新疆生物医药产业创新研究院", PLAT, "52", SMG, D(2018, 7, 1)),
    OrgSpec("materials_pilot", "乌鲁木齐新材料中试基地有限公司", PLAT, "91", MD, D(2017, 5, 25)),
    OrgSpec("agri_park", "乌鲁木齐县农业科技园区创新服务中心", PLAT, "12", WLMQX, D(2011, 3, 1)),
    OrgSpec("ts_startup", "天山区大学生创业孵化基地", PLAT, "12", TS, D(2014, 6, 1)),
    OrgSpec("dbc_wind", "达坂城区风电技术创新服务中心", PLAT, "12", DBC, D(2016, 10, 1)),
    OrgSpec(
        "zhangjiang",
        "上海张江科技创新服务中心",
        PLAT,
        "12",
        "310115",
        address="上海市浦东新区张江路665号",
    ),
    # Other organisations (其他组织): associations, societies, a foundation.
    OrgSpec("software_assoc", "乌鲁木齐市软件行业协会", OTHER, "51", XS, D(2004, 5, 1)),
    OrgSpec("mech_society", "乌鲁木齐市机械工程学会", OTHER, "51", TS, D(1993, 9, 1)),
    OrgSpec("ne_alliance", "新疆新能源产业技术创新战略联盟", OTHER, "51", XS, D(2013, 11, 1)),
    OrgSpec("biomed_assoc", "乌鲁木齐市生物医药产业促进会", OTHER, "51", SMG, D(2016, 3, 1)),
    OrgSpec("chem_society", "乌鲁木齐市化工学会", OTHER, "51", MD, D(1995, 4, 1)),
    OrgSpec("transfer_assoc", "新疆科技成果转化促进会", OTHER, "51", TS, D(2010, 7, 1)),
    OrgSpec("agri_service_assoc", "乌鲁木齐市农业技术服务协会", OTHER, "51", WLMQX, D(2009, 2, 1)),
    OrgSpec("tianshan_fund", "乌鲁木齐天山科技发展基金会", OTHER, "53", TS, D(2012, 12, 12)),
    OrgSpec("tech_transfer_center", "乌鲁木齐市技术转移服务中心", OTHER, "52", SYBK, D(2015, 6, 1)),
    OrgSpec(
        "zgc_transfer",
        "中关村技术转移协会",
        OTHER,
        "51",
        "110108",
        address="北京市海淀区中关村大街11号",
    ),
)
ORG_BY_KEY = {spec.key: spec for spec in ORGS}

# (subject, object, kind, percent, note): subject is subordinate to / holds shares of object.
RELATIONS = (
    # The two-step equity chain issuer → holding → solver (SOLVER-AFFILIATED through a chain).
    ("tianshan_group", "tianzhi_invest", RelationKind.SHAREHOLDING, Decimal("60.00"), "控股子公司"),
    ("tianzhi_invest", "zhixin", RelationKind.SHAREHOLDING, Decimal("35.00"), "参股"),
    ("tianshan_inst", "tianshan_group", RelationKind.SUBORDINATE, None, "集团下属研究院"),
    ("tianshan_branch", "tianshan_group", RelationKind.SUBORDINATE, None, "分公司"),
    ("xjmu_first_hospital", "xjmu", RelationKind.SUBORDINATE, None, "直属附属医院"),
    ("kunlun", "materials_pilot", RelationKind.SHAREHOLDING, Decimal("20.00"), "发起股东"),
    ("jinyang", "xinrui_h2", RelationKind.SHAREHOLDING, Decimal("51.00"), "控股"),
)
