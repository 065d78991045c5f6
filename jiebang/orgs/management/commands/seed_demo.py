"""`manage.py seed_demo`: a demo data set that exercises every role and every restriction.

Idempotent: every row is keyed by a natural key (district code, industry code, USCC,
username, call year + name, city-project code, ID blind index, credit subject + kind +
source document, relation subject + object + kind). A second run changes nothing; a run
on a later day only moves the dates that are defined relative to today (the demo call's
windows, the credit penalties, the young unit's registration date, project end dates).

Seeding is setup, not a user action: rows are written with the ORM, except personal data
(phones, mobiles, ID numbers), which goes through the orgs services that encrypt, index
and mask it. No audit entries and no notifications are written.

Every demo account shares DEMO_PASSWORD; an existing demo account whose password was
changed gets it back (so the printed table stays true). Never run this on a production
database: it creates units and accounts with a published password.
"""

import datetime as dt
import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from jiebang.calls.models import Call, Industry
from jiebang.core import clock
from jiebang.core.crypto import blind_index
from jiebang.core.validators import USCC_CHARSET, id_check_digit, uscc_check_character
from jiebang.orgs import services
from jiebang.orgs.enums import (
    AccountState,
    CityProjectStatus,
    CreditKind,
    OrgKind,
    RecordSource,
    RelationKind,
    Role,
    TechCertification,
    VerificationState,
)
from jiebang.orgs.models import (
    CityProject,
    CityProjectPrincipal,
    CreditRecord,
    District,
    Organization,
    OrgRelation,
    Person,
    User,
)

DEMO_PASSWORD = "Jiebang@2024"

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
# Accounts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    real_name: str
    mobile: str
    roles: tuple = ()
    org: str | None = None
    district: str | None = None
    state: str = AccountState.ACTIVE
    superuser: bool = False
    person: str | None = None
    where_label: str = ""
    role_label_override: str = ""
    email: str = ""

    @property
    def role_label(self) -> str:
        if self.role_label_override:
            return self.role_label_override
        return "、".join(str(Role(role).label) for role in self.roles)

    @property
    def where(self) -> str:
        if self.where_label:
            return self.where_label
        if self.org:
            return ORG_BY_KEY[self.org].name
        if self.district:
            return next(d[3] for d in DISTRICTS if d[0] == self.district)
        return BUREAU_NAME


ACCOUNTS = (
    AccountSpec(
        "bureau", "王建华", "13899100001", (Role.BUREAU_OFFICER,), email="bureau@example.com"
    ),
    AccountSpec("district_tianshan", "李梅", "13899100002", (Role.DISTRICT_OFFICER,), district=TS),
    AccountSpec(
        "district_gaoxin", "艾力·买买提", "13899100003", (Role.DISTRICT_OFFICER,), district=XS
    ),
    AccountSpec(
        "unit_admin",
        "张伟",
        "13899100004",
        (Role.ORG_ADMIN, Role.APPLICANT),
        org="xuefeng",
        person="zhangwei",
    ),
    AccountSpec(
        "applicant", "刘洋", "13899100005", (Role.APPLICANT,), org="xuefeng", person="liuyang"
    ),
    AccountSpec(
        "applicant_pending",
        "陈静",
        "13899100006",
        (Role.APPLICANT,),
        org="xuefeng",
        state=AccountState.PENDING,
        person="chenjing",
        role_label_override="申报人（待单位管理员审批，暂不能登录）",
    ),
    # register_organization gives a unit's administrator both roles; so does the seed.
    AccountSpec(
        "research_admin", "孙海波", "13899100007", (Role.ORG_ADMIN, Role.APPLICANT), org="xju"
    ),
    AccountSpec(
        "expert",
        "赵志强",
        "13899100008",
        (Role.EXPERT,),
        person="zhaozhiqiang",
        where_label="评审专家库（新疆大学）",
    ),
    AccountSpec(
        "auditor",
        "孙丽",
        "13899100009",
        (Role.AUDITOR,),
        where_label="市纪委监委驻市科技局纪检监察组",
    ),
    AccountSpec(
        "admin",
        "系统管理员",
        "13899100010",
        superuser=True,
        role_label_override="系统管理员（Django 管理后台）",
        where_label="/django-admin/",
    ),
)


@functools.cache
def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once, with a fixed salt.

    The password is published, so a per-account salt protects nothing here; a fixed one
    makes the hash deterministic: a repeated seed compares strings instead of running the
    (deliberately slow) hasher twenty times, and leaves the stored hashes untouched.
    """
    # At least 22 characters, or Django would re-hash the password at every login.
    return make_password(DEMO_PASSWORD, salt="JiebangDemoSeedSalt2024")


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role label in Chinese, unit or district) of every demo account."""
    return [(a.username, a.role_label, a.where) for a in ACCOUNTS]


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


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------


def _differs(obj, name, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def accounts_table(rows=None) -> str:
    """The demo accounts as an aligned text table (CJK characters count double)."""
    header = ("用户名 username", "角色 role", "单位/区县 unit or district", "密码 password")
    body = [(u, r, w, DEMO_PASSWORD) for u, r, w in (rows or demo_accounts())]
    widths = [max(_display_width(row[i]) for row in (header, *body)) for i in range(4)]
    rule = "-+-".join("-" * w for w in widths)
    lines = [" | ".join(_pad(c, w) for c, w in zip(header, widths, strict=True)).rstrip(), rule]
    lines += [
        " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "创建演示数据（区县、产业、批次、单位、账号、人员、关联关系、信用记录、市级项目），可重复执行。"

    def handle(self, *args, **options):
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}
        self.now = clock.now()
        self.today = clock.today()
        with transaction.atomic():
            districts = self.seed_districts()
            industries = self.seed_industries()
            self.seed_calls(industries)
            orgs = self.seed_organizations(districts)
            persons = self.seed_persons(orgs)
            self.seed_accounts(orgs, districts, persons)
            self.seed_relations(orgs)
            self.seed_credit(orgs, persons)
            self.seed_city_projects(orgs, persons)
        summary = "，".join(
            f"{label} 新建{self.created.get(label, 0)}/更新{self.updated.get(label, 0)}"
            for label in ("区县", "产业", "批次", "单位", "人员", "账号", "关联", "信用", "项目")
        )
        self.stdout.write(f"演示数据已就绪：{summary}。")
        self.stdout.write("")
        self.stdout.write("演示账号 Demo accounts:")
        self.stdout.write(accounts_table())

    # -- helpers --------------------------------------------------------------------------

    def _count(self, label: str, created: bool, changed: bool = True) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1
        elif changed:
            self.updated[label] = self.updated.get(label, 0) + 1

    def _sync(
        self,
        label,
        model,
        lookup: dict,
        values: dict,
        create_only: dict | None = None,
        prepare=None,
    ):
        """Get the row by its natural key and bring `values` up to date; create it if missing.

        Only changed columns are written (`update_fields`), so encrypted columns are never
        re-sealed and a repeated run leaves every row untouched. `create_only` values (FSM
        states, creation times) are set when the row is created and never overwritten.
        """
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            if prepare is not None:
                prepare(obj)
            obj.save()
            self._count(label, created=True)
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
            self._count(label, created=False)
        return obj

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.BEIJING)

    # -- reference data -------------------------------------------------------------------

    def seed_districts(self) -> dict[str, District]:
        return {
            code: self._sync(
                "区县",
                District,
                {"code": code},
                {"name": name, "alias": alias, "office_name": office, "sort_order": i},
            )
            for i, (code, name, alias, office) in enumerate(DISTRICTS, 1)
        }

    def seed_industries(self) -> list[Industry]:
        return [
            self._sync("产业", Industry, {"code": code}, {"name": name, "sort_order": i})
            for i, (code, name) in enumerate(INDUSTRIES, 1)
        ]

    def seed_calls(self, industries) -> None:
        b = clock.BEIJING
        call_2024 = self._sync(
            "批次",
            Call,
            {"year": 2024, "name": CALL_2024_NAME},
            {
                "guide_reference": CALL_2024_GUIDE,
                "is_active": False,
                # 五(一)1: online submission 2024-08-01 10:00 – 2024-08-30 19:30.
                "submission_opens_at": dt.datetime(2024, 8, 1, 10, 0, tzinfo=b),
                "submission_closes_at": dt.datetime(2024, 8, 30, 19, 30, tzinfo=b),
                # 五(一)2: "2024年9月2日24:00" is the first instant of 3 September.
                "recommendation_deadline": dt.datetime(2024, 9, 3, 0, 0, tzinfo=b),
                # The guide is silent on resubmitting a returned demand; the platform's choice
                # for 2024 is 2 September 19:30, leaving the districts the evening to recommend.
                "resubmission_deadline": dt.datetime(2024, 9, 2, 19, 30, tzinfo=b),
                "min_total_investment": Decimal("5000000.00"),
            },
        )
        call_2024.industries.set(industries)

        # The demo call: open now, so every role has something to do.
        opens_on = self.today - dt.timedelta(days=30)
        closes_on = self.today + dt.timedelta(days=30)
        demo = self._sync(
            "批次",
            Call,
            {"year": self.today.year, "name": DEMO_CALL_NAME},
            {
                "guide_reference": "演示用批次：参数同2024年度申报指南，时间窗口随演示数据生成日期滚动",
                "is_active": True,
                "submission_opens_at": self._at(opens_on, 10),
                "submission_closes_at": self._at(closes_on, 19, 30),
                # "24:00 three days after the close" = 00:00 on the fourth day.
                "recommendation_deadline": self._at(closes_on + dt.timedelta(days=4), 0),
                "resubmission_deadline": self._at(closes_on + dt.timedelta(days=2), 19, 30),
            },
        )
        demo.industries.set(industries)
        # A demo call of an earlier year (seeded before New Year) is no longer current.
        Call.objects.filter(name=DEMO_CALL_NAME, is_active=True).exclude(pk=demo.pk).update(
            is_active=False
        )

    # -- units ----------------------------------------------------------------------------

    def _org_values(self, spec: OrgSpec, districts) -> dict:
        if spec.is_local:
            street = _pick(STREETS[spec.area], spec.name, "street")
            district_name = next(d[1] for d in DISTRICTS if d[0] == spec.area)
            address = (
                spec.address or f"乌鲁木齐市{district_name}{street}{_digest(spec.name) % 400 + 1}号"
            )
        else:
            address = (
                spec.address or f"{OUT_OF_CITY[spec.area][0]}科技路{_digest(spec.name) % 200 + 1}号"
            )
        since = spec.since
        if spec.registered_days_ago is not None:
            since = self.today - dt.timedelta(days=spec.registered_days_ago)
        values = {
            "name": spec.name,
            "kind": spec.kind,
            "is_independent_legal_person": spec.independent,
            "district": districts[spec.area] if spec.is_local else None,
            "registered_in_city_on": since if spec.is_local else None,
            "address": address,
            "legal_representative": _pick(PEOPLE_POOL, spec.name, "legal"),
            "contact_name": _pick(PEOPLE_POOL, spec.name, "contact"),
            "tech_certification": spec.cert,
            "tech_certificate_number": "",
            "tech_certificate_valid_until": None,
        }
        if spec.cert:
            # The number is stable; the validity moves with today so that the demo keeps
            # its valid (and its expired) certificates whenever it is seeded.
            serial = _digest(spec.name) % 100000
            values["tech_certificate_number"] = (
                f"GR2023{spec.area[:2]}{serial:06d}"
                if spec.cert == TechCertification.HIGH_TECH
                else f"2024{spec.area}{serial:07d}"
            )
            values["tech_certificate_valid_until"] = self.today + dt.timedelta(
                days=spec.cert_valid_days
            )
        return values

    def _org_phone(self, spec: OrgSpec) -> str:
        prefix = "0991" if spec.is_local else OUT_OF_CITY[spec.area][1]
        digits = 8 if len(prefix) == 3 else 7
        number = str(_digest(spec.name + "phone"))[:digits]
        number = str(int(number[0]) % 6 + 2) + number[1:]  # local numbers start with 2–7
        return f"{prefix}-{number}"

    def seed_organizations(self, districts) -> dict[str, Organization]:
        orgs = {}
        for spec in ORGS:
            phone = self._org_phone(spec)
            verified = spec.state == VerificationState.VERIFIED
            org = self._sync(
                "单位",
                Organization,
                {"uscc": spec.uscc},
                self._org_values(spec, districts),
                create_only={
                    "verification_state": spec.state,
                    "verification_reason": spec.reason,
                    "verified_at": self.now if verified else None,
                    "created_at": self.now,
                },
                prepare=lambda o, phone=phone: services.set_contact_phone(o, phone),
            )
            if org.contact_phone != phone:
                services.set_contact_phone(org, phone)
                org.save(update_fields=["contact_phone", "contact_phone_masked"])
            orgs[spec.key] = org
        return orgs

    # -- people ---------------------------------------------------------------------------

    def seed_persons(self, orgs) -> dict[str, Person]:
        persons = {}
        for spec in PERSONS:
            org = orgs[spec.org]
            person = Person.objects.filter(id_index=blind_index(spec.id_number)).first()
            if (
                person is None
                or person.name != spec.name
                or person.title != spec.title
                or person.organization_id != org.pk
            ):
                self._count("人员", created=person is None)
                person = services.upsert_person(
                    name=spec.name, id_number=spec.id_number, title=spec.title, organization=org
                )
            persons[spec.key] = person
        return persons

    # -- accounts -------------------------------------------------------------------------

    def seed_accounts(self, orgs, districts, persons) -> None:
        for spec in ACCOUNTS:
            user = self._sync(
                "账号",
                User,
                {"username": spec.username},
                {
                    "real_name": spec.real_name,
                    "email": spec.email or f"{spec.username}@example.com",
                    "organization": orgs[spec.org] if spec.org else None,
                    "district": districts[spec.district] if spec.district else None,
                    "is_active": True,
                    "is_staff": spec.superuser,
                    "is_superuser": spec.superuser,
                },
                create_only={"account_state": spec.state},
                prepare=lambda u: setattr(u, "password", demo_password_hash()),
            )
            if user.password != demo_password_hash() and not user.check_password(DEMO_PASSWORD):
                user.password = demo_password_hash()
                user.save(update_fields=["password"])
            if user.mobile != spec.mobile:
                if services.mobile_taken(spec.mobile, exclude_user_id=user.pk):
                    self.stderr.write(
                        f"手机号 {spec.mobile} 已被其他账号使用，{spec.username} 未设置手机号。"
                    )
                else:
                    services.set_mobile(user, spec.mobile)
                    user.save(update_fields=["mobile", "mobile_index", "mobile_masked"])
            if spec.roles and not set(map(str, spec.roles)) <= user.role_names:
                services.assign_roles(user, *spec.roles)
            if spec.person:
                person = persons[spec.person]
                if person.user_id != user.pk:
                    person.user = user
                    person.save(update_fields=["user"])

    # -- relations, credit, history -------------------------------------------------------

    def seed_relations(self, orgs) -> None:
        for subject, obj, kind, percent, note in RELATIONS:
            self._sync(
                "关联",
                OrgRelation,
                {"subject": orgs[subject], "object": orgs[obj], "kind": kind},
                {"percent": percent, "note": note, "source": RecordSource.BUREAU},
                create_only={"created_at": self.now},
            )

    def seed_credit(self, orgs, persons) -> None:
        for subject_kind, key, kind, decided_ago, end_in, bars, document, description in CREDITS:
            decided = self.today - dt.timedelta(days=decided_ago)
            subject = (
                {"organization": orgs[key], "person": None}
                if subject_kind == "org"
                else {"organization": None, "person": persons[key]}
            )
            self._sync(
                "信用",
                CreditRecord,
                {**subject, "kind": kind, "source_document": document},
                {
                    "decided_on": decided,
                    "penalty_start": decided,
                    "penalty_end": None
                    if end_in is None
                    else self.today + dt.timedelta(days=end_in),
                    "bars_city_fiscal_projects": bars,
                    "description": description,
                },
                create_only={"recorded_at": self.now},
            )

    def seed_city_projects(self, orgs, persons) -> None:
        for spec in PROJECTS:
            project = self._sync(
                "项目",
                CityProject,
                {"code": spec.code},
                {
                    "title": spec.title,
                    "organization": orgs[spec.org],
                    "year": self.today.year - spec.years_ago,
                    "is_rnd": spec.is_rnd,
                    "status": spec.status,
                    "planned_end": self.today + dt.timedelta(days=spec.end_days),
                    "accepted_on": (
                        None
                        if spec.accepted_days is None
                        else self.today + dt.timedelta(days=spec.accepted_days)
                    ),
                    "source": RecordSource.IMPORTED,
                },
            )
            wanted = [
                (position, persons[key].pk) for position, key in enumerate(spec.principals, 1)
            ]
            current = list(
                project.principals.order_by("position").values_list("position", "person_id")
            )
            if current != wanted:
                project.principals.all().delete()
                CityProjectPrincipal.objects.bulk_create(
                    CityProjectPrincipal(project=project, person_id=person_id, position=position)
                    for position, person_id in wanted
                )
