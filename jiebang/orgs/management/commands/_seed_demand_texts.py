"""Demo data for `manage.py seed_demo`: the demands of the demo call (fictional content for
Urumqi's key industries). `_seed_demands` drives each one through the demand services to
its `target` state.

Issuers are units of `_seed_units` that pass every issuer rule: verified, local and at least
a year old for 技术攻关类 (enterprises and public institutions), universities, institutes,
hospitals or certified technology enterprises for 成果转化类, no serious credit record, at
most 3 ongoing city R&D projects, none overdue (so never 恒远化工, 北庭生物, 丝路云数据,
新锐氢能, 天润智造, the branch or the pending/rejected units). Team members are fresh
persons (their ID numbers are generated from the unit's area code and the birth date), so
nobody exceeds LIM-PERSON-LOAD; the two drafts of the demo unit use its own staff, whose load
allows both to be submitted.
"""

from dataclasses import dataclass

from jiebang.demands.enums import Category, DemandState, IPKind, ResearchLevel

TB, AT = Category.TECH_BREAKTHROUGH, Category.ACHIEVEMENT_TRANSFER
DRAFT, SUBMITTED, RETURNED = DemandState.DRAFT, DemandState.SUBMITTED, DemandState.RETURNED
RECOMMENDED, ACCEPTED, PUBLISHED = (
    DemandState.RECOMMENDED,
    DemandState.ACCEPTED,
    DemandState.PUBLISHED,
)
NATIONAL, REGION, CITY = ResearchLevel.NATIONAL, ResearchLevel.REGION, ResearchLevel.CITY
INVENTION, UTILITY, SOFTWARE = IPKind.INVENTION_PATENT, IPKind.UTILITY_PATENT, IPKind.SOFTWARE

BATCH_NUMERALS = "一二三四五六七八九十"
RECOMMEND_OPINION = "经核实，该单位注册信息、申报材料真实完整，需求符合本区产业发展方向，同意推荐。"
ACCEPT_OPINION = "形式审查通过，申报材料齐全、符合申报指南要求。"
REVIEW_OPINION = "经需求论证专家组论证，需求来源真实、技术指标明确可考核、投入保障有力，同意发榜。"

IP_TB_SHARED = (
    "项目执行中新产生的知识产权（专利、软件著作权、技术秘密等）归发榜方与揭榜方共有，"
    "发榜方享有在本单位及控股企业内优先、免费实施的权利；双方的背景知识产权归原权利人所有。"
)
IP_TB_ISSUER = (
    "项目形成的知识产权归发榜方所有，揭榜方享有署名权及非商业性科研使用权；"
    "揭榜方的背景知识产权归其所有，发榜方在项目成果实施范围内可免费使用。"
)
IP_AT = (
    "拟转化成果的知识产权归发榜方所有，以技术许可或作价入股方式向承接方转化；转化过程中"
    "产生的改进技术知识产权归承接方所有，发榜方享有免费使用权，具体以技术合同约定为准。"
)


@dataclass(frozen=True)
class DemandText:
    org: str  # unit key in `_seed_units.ORG_BY_KEY`
    target: str  # the DemandState to reach
    category: str
    industry: str  # Industry code
    title: str
    summary: str
    problem: str
    indicators: tuple  # (name, target value, unit, test method)
    time_requirement: str
    investment_wan: int  # 万元
    months: int
    team: tuple = ()  # fresh persons: (name, male, birth YYYYMMDD, title, responsibility)
    staff: tuple = ()  # seeded persons of the unit: (PersonSpec key, title, responsibility)
    ip_terms: str = ""
    solver_conditions: str = ""
    complete: bool = True  # False: a half-filled draft (pre-check shows several findings)
    author: str = ""  # username; default: an applicant of the unit
    # 技术攻关类
    support: str = ""
    revenue_wan: tuple = ()  # (sales revenue, R&D spend) of the latest audit year, 万元
    routes: tuple = ()  # 赛马制: (name, description, R&D investment 万元)
    # 成果转化类
    tasks: tuple = ()  # (name, level, year, role)
    cases: str = ""
    ip: tuple = ()  # (kind, number, legal status); the unit is the owner
    transfer_team: str = ""
    priorities: tuple = ()  # priority_common_tech | priority_first_set | priority_public_benefit
    ethics: str = ""  # the ethics review record (the demand involves science ethics)
    reason: str = ""  # why the district returned it


DEMANDS = (
    # --- the demo unit (雪峰新能源, unit_admin / applicant): two drafts -------------------
    DemandText(
        "xuefeng",
        DRAFT,
        TB,
        "new_energy",
        "风光耦合碱性电解水制氢系统宽功率波动适应技术攻关",
        "面向达坂城风区“绿电制氢”示范需求，研制可跟随风光出力大幅波动运行的碱性电解水制氢"
        "系统及其协调控制策略。",
        "现有碱性电解槽最低稳定负荷约30%、负荷调节速率慢，难以跟随风光出力的分钟级波动；"
        "频繁启停导致氢中氧含量超标和电极加速衰减。",
        (
            ("电解槽稳定运行负荷范围", "10%～110%", "额定功率", "第三方现场测试"),
            ("单位制氢直流电耗", "≤4.3", "kWh/Nm³", ""),
        ),
        "24个月内完成1000Nm³/h样机研制并在达坂城风电场开展示范运行",
        380,
        24,
        staff=(("zhangwei", "总经理", "项目负责人"), ("gaoming", "高级工程师", "系统集成")),
        complete=False,
        author="unit_admin",
    ),
    DemandText(
        "xuefeng",
        DRAFT,
        AT,
        "new_energy",
        "寒区光伏组件积雪智能清除装置成果转化",
        "转化本单位已验收市级项目“寒区光伏组件积雪清除装置研制”的成果，开发适用于大型地面"
        "电站的轨道式自动清雪机器人并实现批量生产。",
        "乌鲁木齐冬季积雪期长达4个月，组件积雪造成发电量损失20%以上；现有样机在-30℃下电池"
        "续航短、跨排通过性差，需完成产品化设计、低温可靠性验证和批量生产工艺。",
        (
            ("单排清雪时间（100m组串）", "≤8", "min", "第三方现场测试"),
            ("最低工作温度", "-35", "℃", "低温环境试验"),
            ("积雪清除率", "≥95", "%", "示范电站现场实测"),
        ),
        "18个月内完成产品定型，24个月内在不少于3座地面电站累计应用200台套",
        620,
        24,
        staff=(
            ("liuyang", "研发部主任", "项目负责人，产品定型"),
            ("chenjing", "项目专员", "示范应用与推广"),
            ("zhangwei", "总经理", "生产组织"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有机电一体化产品批量制造能力和质量管理体系认证的企业；具有新能源"
        "电站运维服务渠道者优先。",
        author="applicant",
        tasks=(
            ("寒区光伏组件积雪清除装置研制", CITY, 2021, "承担单位"),
            ("风光储一体化微电网能量管理系统研发", CITY, 2025, "承担单位"),
        ),
        cases="样机已在米东区20MW光伏电站连续运行两个冬季，积雪期发电量提升约18%。",
        ip=(
            (INVENTION, "ZL202210358712.4", "有效"),
            (UTILITY, "ZL202221876540.2", "有效"),
            (SOFTWARE, "2023SR0457812", "有效"),
        ),
        transfer_team="本单位成果转化团队12人，其中高级工程师4人，负责工艺转化、现场调试和运维。",
    ),
    # --- submitted, waiting for 天山区 ----------------------------------------------------
    DemandText(
        "tianshan_group",
        SUBMITTED,
        TB,
        "equipment",
        "露天煤矿电动轮矿用卡车线控底盘与无人驾驶系统研制",
        "面向疆内大型露天煤矿无人化运输需求，研制220吨级电动轮矿用卡车线控底盘及车端无人驾驶"
        "系统，形成首台（套）装备。",
        "矿用卡车转向、制动系统为液压机械结构，难以实现毫秒级线控响应；冬季-35℃低温、扬尘和"
        "强电磁干扰环境下，激光雷达与毫米波雷达融合感知的可靠性不足。",
        (
            ("线控转向响应时间", "≤100", "ms", "台架及整车测试"),
            ("无人驾驶运输效率", "≥人工驾驶的90", "%", "示范矿区连续运行3个月统计"),
            ("低温冷启动", "-40℃冷启动成功", "", "低温实验室测试"),
            ("障碍物检出率", "≥99.5", "%", "第三方测评"),
        ),
        "30个月内完成2台样车研制，并在示范矿区连续无人化运行不少于3000小时",
        2800,
        30,
        team=(
            ("韩振华", True, "19780412", "总工程师", "项目负责人，总体方案"),
            ("潘晓燕", False, "19850923", "高级工程师", "线控底盘设计"),
            ("热合曼·吐尔逊", True, "19880217", "工程师", "感知与决策系统"),
        ),
        ip_terms=IP_TB_SHARED,
        solver_conditions="具有矿用车辆或工程机械线控系统研发经验的高校、科研机构或企业，团队中"
        "应有具备车辆电控系统工程化经验的高级职称人员；鼓励产学研联合体揭榜。",
        support="集团拥有整车总装厂房2.4万平方米、电驱动系统试验台和低温试验舱，提供示范矿区"
        "运输线路及样车改装所需底盘。",
        revenue_wan=(186000, 9200),
        priorities=("priority_first_set",),
    ),
    DemandText(
        "xj_peoples",
        SUBMITTED,
        AT,
        "biomedicine",
        "维吾尔医特色复方制剂质量标准提升及成果转化",
        "将医院临床应用多年的维吾尔医院内复方制剂的质量标准提升成果进行转化，与制药企业合作"
        "完成中试放大、稳定性研究和新药注册申报准备。",
        "院内制剂以经验工艺生产，指标成分不清、批间差异较大；需建立指纹图谱与多指标定量相"
        "结合的质量控制体系，并完成中试放大和稳定性研究。",
        (
            ("指纹图谱相似度", "≥0.90", "", "第三方药品检验机构检测"),
            ("中试批量", "≥50", "kg/批", "中试生产记录"),
            ("加速稳定性试验", "6个月各项指标合格", "", "按《中国药典》方法检验"),
        ),
        "24个月内完成中试放大3批次及质量标准复核",
        900,
        24,
        team=(
            ("阿不都拉·买买提", True, "19720306", "主任药师", "项目负责人"),
            ("王雅琴", False, "19810715", "副主任药师", "质量标准研究"),
            ("古丽巴哈尔·艾则孜", False, "19860528", "主管药师", "中试与稳定性研究"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有中药或民族药生产许可及GMP车间的制药企业，具备中药新药研发和"
        "注册申报经验。",
        tasks=(
            ("维吾尔医特色制剂质量控制关键技术研究", REGION, 2021, "承担单位"),
            ("民族医药院内制剂临床评价研究", NATIONAL, 2019, "参与单位"),
        ),
        cases="相关制剂已在本院及3家基层医疗机构调剂使用10余年，累计使用患者2万余人次。",
        ip=(
            (INVENTION, "ZL201910745632.8", "有效"),
            (INVENTION, "ZL202011208815.3", "有效"),
        ),
        transfer_team="药学部与维吾尔医科组成的转化团队9人，负责工艺技术转移、质量标准培训与"
        "临床评价。",
        ethics="本院医学伦理委员会已对临床评价方案进行审查（演示批件编号 KY-2025-031），同意开展。",
    ),
    # --- returned by 天山区 ---------------------------------------------------------------
    DemandText(
        "water_center",
        RETURNED,
        TB,
        "digital_economy",
        "城市供水管网漏损智能感知与压力分区调控系统研发",
        "在天山区老城片区建设供水管网漏损智能感知网络和压力分区调控系统，降低管网漏损率。",
        "老城片区管网建设年代久、管材混杂，暗漏难以及时发现；夜间压力偏高加剧漏损，现有"
        "人工听漏方式效率低、定位误差大。",
        (
            ("管网漏损率", "降低至9%以下", "", "示范片区连续6个月计量统计"),
            ("漏点定位误差", "≤5", "m", "现场开挖验证"),
            ("压力调控响应时间", "≤15", "min", "系统运行日志"),
        ),
        "24个月内完成系统研发并在示范片区上线运行",
        650,
        24,
        team=(
            ("宋立新", True, "19750819", "高级工程师", "项目负责人"),
            ("马丽", False, "19830304", "工程师", "管网水力模型"),
            ("叶尔兰·托合塔尔", True, "19900611", "工程师", "感知设备部署"),
        ),
        ip_terms=IP_TB_ISSUER,
        solver_conditions="具有供水管网漏损控制或城市生命线监测系统研发经验的单位。",
        support="提供示范片区管网GIS数据、营业收费数据、试验管段及现场施工配合。",
        revenue_wan=(21000, 680),
        reason="“管网漏损率”指标未说明基准值和核算口径（应按《城镇供水管网漏损控制及评定标准》"
        "计算），示范片区范围也不明确。请补充指标的考核方法和示范片区范围后重新提交。",
    ),
    # --- recommended by 天山区, waiting for the bureau -------------------------------------
    DemandText(
        "xj_analysis",
        RECOMMENDED,
        AT,
        "urban_agriculture",
        "新疆特色林果农药残留快速无损检测技术成果转化",
        "转化本院近红外光谱与表面增强拉曼农药残留快速检测技术，研制便携式检测仪并在果品批发"
        "市场和产地推广应用。",
        "现有农药残留检测依赖实验室色谱方法，单样检测需数小时，难以满足红枣、葡萄干等特色"
        "林果收购现场的快速筛查需求。",
        (
            ("单样检测时间", "≤5", "min", "第三方比对测试"),
            ("检出限（毒死蜱等10种农药）", "≤0.05", "mg/kg", "国家标准方法比对"),
            ("与色谱法检测结果符合率", "≥90", "%", "200份样品比对"),
        ),
        "18个月内完成仪器定型，24个月内推广应用不少于100台",
        560,
        24,
        team=(
            ("李明辉", True, "19790127", "研究员", "项目负责人"),
            ("努尔古丽·阿不来提", False, "19870813", "副研究员", "检测模型"),
            ("赵婷", False, "19910402", "助理研究员", "仪器集成"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有分析仪器研发生产能力和市场渠道的科技型企业。",
        tasks=(
            ("特色林果质量安全快速检测技术研究", REGION, 2022, "承担单位"),
            ("农产品中农药多残留高通量检测方法", NATIONAL, 2020, "参与单位"),
        ),
        cases="检测方法已在2个果品批发市场试用，累计检测样品1.2万份。",
        ip=((INVENTION, "ZL202110562347.1", "有效"), (SOFTWARE, "2022SR1035567", "有效")),
        transfer_team="本院技术转移中心与光谱分析团队共8人，负责技术许可、培训与售后技术支持。",
    ),
    # --- accepted by the bureau, waiting for the expert review -----------------------------
    DemandText(
        "cas_xjipc",
        ACCEPTED,
        AT,
        "new_materials",
        "光伏组件用抗电势诱导衰减封装胶膜材料成果转化",
        "转化本所抗电势诱导衰减（PID）POE封装胶膜配方与共挤工艺成果，建设中试线并实现量产。",
        "双面双玻组件在高温高湿和高系统电压下PID衰减明显，进口POE胶膜成本高、供货周期长。",
        (
            ("PID衰减（96h，-1500V）", "≤2", "%", "第三方认证机构测试"),
            ("体积电阻率", "≥1×10¹⁶", "Ω·cm", "GB/T 31034"),
            ("中试线产能", "≥500", "万平方米/年", "生产记录"),
        ),
        "12个月内完成中试，30个月内实现规模化生产",
        1500,
        30,
        team=(
            ("钱卫东", True, "19760905", "研究员", "项目负责人"),
            ("梁晓雯", False, "19840318", "副研究员", "配方设计"),
            ("买买提艾力·吐尔地", True, "19890726", "助理研究员", "共挤工艺"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有高分子膜材料生产线和光伏辅材销售渠道的企业。",
        tasks=(
            ("光伏封装材料老化机理及抗PID改性研究", NATIONAL, 2020, "承担单位"),
            ("新疆光伏产业关键辅材国产化", REGION, 2022, "承担单位"),
        ),
        cases="小批量产品已在2家组件企业完成认证测试，累计供货30万平方米。",
        ip=((INVENTION, "ZL202010987654.3", "有效"), (INVENTION, "ZL202111223344.5", "有效")),
        transfer_team="研究所成果转化处与材料研究团队10人，负责中试放大、工艺包编制与技术服务。",
    ),
    # --- published: 2 categories, 5 districts and one unit outside the city ----------------
    DemandText(
        "jinyang",
        PUBLISHED,
        TB,
        "new_energy",
        "8MW级风电机组主轴承国产化关键技术攻关",
        "针对8MW级陆上风电机组主轴承依赖进口的问题，采用“赛马制”由两个团队分别按滚动轴承和"
        "滑动轴承路线同步攻关，研制可批量应用的国产主轴承。",
        "大兆瓦主轴承承受低速重载和复杂交变载荷，国产轴承在材料纯净度、热处理均匀性和寿命"
        "验证方面存在差距；-30℃低温启动工况下润滑和密封可靠性不足。",
        (
            ("设计寿命", "≥25", "年", "第三方设计校核"),
            ("台架加速试验等效寿命", "≥20", "年", "全尺寸台架试验"),
            ("国产化率", "≥95", "%", "物料清单核查"),
            ("低温启动", "-30℃正常启动", "", "低温台架试验"),
        ),
        "36个月内完成样件研制、台架试验和2台样机挂机运行",
        3200,
        36,
        team=(
            ("邵国庆", True, "19740623", "总工程师", "项目负责人"),
            ("蒋慧", False, "19820114", "高级工程师", "载荷与寿命分析"),
            ("吾斯曼·阿不都", True, "19870930", "工程师", "试验验证"),
        ),
        ip_terms=IP_TB_SHARED,
        solver_conditions="具有大型回转支承或风电轴承研发制造经验的企业、高校或科研机构；每条"
        "技术路线由一个团队独立揭榜，同一团队不得同时揭榜两条路线。",
        support="公司拥有风电机组总装线和主传动链试验台，提供达坂城风电场2个8MW样机挂机机位。",
        revenue_wan=(352000, 15600),
        routes=(
            ("双列圆锥滚子轴承路线", "高纯净轴承钢与感应淬火工艺，研制双列圆锥滚子主轴承", 900),
            ("滑动主轴承路线", "多瓦块滑动轴承与在线润滑监测，实现瓦块可现场更换", 800),
        ),
        priorities=("priority_common_tech",),
    ),
    DemandText(
        "zhixin",
        PUBLISHED,
        TB,
        "digital_economy",
        "工业现场边缘智能网关国产化芯片模组研发",
        "为本公司工业互联网边缘网关产品研发基于国产处理器的AI加速芯片模组，实现核心器件自主可控。",
        "现有网关采用进口处理器，AI推理算力不足且供货受限；需完成国产芯片模组的硬件设计、"
        "驱动适配和工业级可靠性验证。",
        (
            ("AI推理算力", "≥8", "TOPS", "第三方基准测试"),
            ("整机功耗", "≤12", "W", "实测"),
            ("工作温度范围", "-40～85", "℃", "环境试验"),
            ("核心器件国产化率", "100", "%", "物料清单核查"),
        ),
        "24个月内完成模组定型并在本公司网关产品中批量应用",
        800,
        24,
        team=(
            ("冯建峰", True, "19830208", "高级工程师", "项目负责人"),
            ("迪娜·哈斯木", False, "19890419", "工程师", "硬件设计"),
            ("吕晨", True, "19920707", "工程师", "驱动与算法适配"),
        ),
        ip_terms=IP_TB_ISSUER,
        solver_conditions="具有嵌入式AI芯片或模组研发经验的团队，熟悉国产处理器生态。",
        support="公司提供EMC实验室、环境试验箱、小批量贴片产线和网关整机测试平台。",
        revenue_wan=(26000, 3100),
    ),
    DemandText(
        "kunlun",
        PUBLISHED,
        TB,
        "new_materials",
        "光伏级高纯石英砂提纯关键技术攻关",
        "利用疆内脉石英资源，突破光伏坩埚用高纯石英砂提纯关键技术，建设千吨级中试线。",
        "疆内脉石英矿中铝、锂、钾等晶格杂质含量偏高，常规酸浸、浮选难以去除，光伏坩埚内层"
        "用高纯砂长期依赖外购。",
        (
            ("SiO₂纯度", "≥99.998", "%", "ICP-MS第三方检测"),
            ("铝含量", "≤15", "ppm", "ICP-MS第三方检测"),
            ("铁、钾、钠、锂总含量", "≤3", "ppm", "ICP-MS第三方检测"),
            ("中试线产能", "≥3000", "吨/年", "连续运行考核"),
        ),
        "36个月内完成工艺研发和中试线连续运行考核",
        4500,
        36,
        team=(
            ("杜海龙", True, "19770503", "高级工程师", "项目负责人"),
            ("孔令霞", False, "19840826", "高级工程师", "提纯工艺"),
            ("阿力木·沙塔尔", True, "19910215", "工程师", "中试线建设"),
        ),
        ip_terms=IP_TB_SHARED,
        solver_conditions="具有非金属矿物深加工或高纯材料制备研究基础的高校、科研机构或企业。",
        support="公司提供中试厂房3000平方米、原矿及检测分析平台，承诺配套研发经费。",
        revenue_wan=(98000, 4300),
        priorities=("priority_common_tech",),
    ),
    DemandText(
        "xju",
        PUBLISHED,
        AT,
        "new_energy",
        "钙钛矿/晶硅叠层太阳电池制备技术成果转化",
        "转化本校钙钛矿/晶硅叠层太阳电池界面钝化与大面积涂布成果，与企业共建中试线。",
        "实验室小面积电池效率高，但大面积涂布均匀性、组件稳定性和量产设备适配尚需中试验证。",
        (
            ("中试组件转换效率", "≥26", "%", "第三方认证测试"),
            ("湿热老化（1000h）效率保持率", "≥90", "%", "IEC 61215测试"),
            ("中试线产能", "≥10", "MW/年", "生产记录"),
        ),
        "36个月内建成中试线并完成组件认证",
        2000,
        36,
        team=(
            ("阿布都热合曼·艾尼", True, "19780921", "教授", "项目负责人"),
            ("张晓梅", False, "19850402", "副教授", "界面钝化"),
            ("周志鹏", True, "19900116", "讲师", "大面积涂布工艺"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有光伏电池或组件生产能力的企业，可提供中试场地和量产设备改造条件。",
        tasks=(
            ("高效钙钛矿太阳电池界面钝化机理研究", NATIONAL, 2021, "承担单位"),
            ("新疆光伏产业关键材料与器件", REGION, 2022, "承担单位"),
        ),
        cases="1cm²叠层电池经第三方认证效率达29.1%，已与疆内组件企业完成小批量试制。",
        ip=((INVENTION, "ZL202110456789.2", "有效"), (INVENTION, "ZL202210123987.6", "有效")),
        transfer_team="学校技术转移中心与课题组共11人，负责技术许可、中试工艺和人员培训。",
    ),
    DemandText(
        "xjmu_first_hospital",
        PUBLISHED,
        AT,
        "biomedicine",
        "肝包虫病超声影像智能辅助诊断系统成果转化",
        "转化本院肝包虫病超声影像人工智能辅助诊断成果，形成医疗器械软件产品并在基层推广。",
        "农牧区基层医院超声医师对包虫病分型诊断经验不足，漏诊误诊率高，需要可在便携超声设备"
        "上运行的辅助诊断软件并取得注册证。",
        (
            ("病灶检出灵敏度", "≥95", "%", "多中心临床试验"),
            ("WHO分型准确率", "≥90", "%", "多中心临床试验"),
            ("单幅图像分析时间", "≤1", "s", "第三方软件测评"),
        ),
        "24个月内完成产品定型、注册检验和临床评价",
        700,
        24,
        team=(
            ("温建民", True, "19710808", "主任医师", "项目负责人"),
            ("帕提古丽·艾买提", False, "19820630", "副主任医师", "临床评价"),
            ("刘思远", True, "19880912", "工程师", "算法与软件"),
        ),
        ip_terms=IP_AT,
        solver_conditions="具有二类以上医疗器械注册经验和医学影像软件研发能力的企业。",
        tasks=(
            ("包虫病影像智能诊断关键技术研究", NATIONAL, 2020, "承担单位"),
            ("包虫病早期诊断试剂研制", CITY, 2024, "参与单位"),
        ),
        cases="系统已在5家县级医院试用，累计辅助诊断1.6万人次。",
        ip=((INVENTION, "ZL202010876543.9", "有效"), (SOFTWARE, "2021SR0987321", "有效")),
        transfer_team="医院科研处、超声科与信息中心组成的转化团队10人。",
        priorities=("priority_public_benefit",),
        ethics="本院医学伦理委员会已审查多中心临床评价方案（演示批件编号 2025-LW-117），"
        "同意开展，受试者数据经脱敏处理。",
    ),
    DemandText(
        "cas_dicp",
        PUBLISHED,
        AT,
        "chemical",
        "煤基合成气一步法制低碳烯烃催化技术成果转化",
        "在乌鲁木齐转化本所合成气一步法制低碳烯烃催化剂及工艺成果，建设万吨级工业示范装置。",
        "传统煤制烯烃流程长、水耗高，一步法工艺需完成催化剂放大制备、反应器设计和长周期"
        "运行验证，并适配疆内煤种。",
        (
            ("低碳烯烃选择性", "≥75", "%", "第三方标定"),
            ("CO单程转化率", "≥40", "%", "第三方标定"),
            ("催化剂单程寿命", "≥2000", "h", "装置连续运行记录"),
        ),
        "36个月内完成催化剂放大和万吨级示范装置连续运行标定",
        8000,
        36,
        team=(
            ("谭志远", True, "19730527", "研究员", "项目负责人"),
            ("徐丽华", False, "19810109", "研究员", "催化剂放大"),
            ("孟凡超", True, "19860322", "副研究员", "反应工程"),
        ),
        ip_terms=IP_AT,
        solver_conditions="在乌鲁木齐市注册、具有煤化工装置运营经验和危险化学品生产许可的企业。",
        tasks=(
            ("合成气直接制低碳烯烃新过程", NATIONAL, 2018, "承担单位"),
            ("煤基清洁能源关键技术", NATIONAL, 2021, "承担单位"),
        ),
        cases="千吨级中试装置已连续运行3000小时，通过行业协会组织的72小时现场考核。",
        ip=((INVENTION, "ZL201810234567.X", "有效"), (INVENTION, "ZL202010345678.1", "有效")),
        transfer_team="研究所转化团队15人，负责工艺包、催化剂生产技术转移和开车指导。",
        priorities=("priority_common_tech",),
    ),
    DemandText(
        "wlmq_agri_inst",
        PUBLISHED,
        AT,
        "urban_agriculture",
        "日光温室番茄智能水肥一体化栽培技术成果转化",
        "转化本所日光温室番茄水肥一体化智能决策技术，在都市农业园区推广应用。",
        "冬春季温室番茄水肥管理依赖经验，肥料利用率低、土壤次生盐渍化严重，需要基于墒情与"
        "作物长势的智能决策设备和技术规程。",
        (
            ("节水率", "≥30", "%", "示范园区对比试验"),
            ("化肥减量", "≥25", "%", "示范园区对比试验"),
            ("推广面积", "≥3000", "亩", "推广应用证明"),
        ),
        "24个月内完成技术熟化，并在3个以上园区推广应用",
        520,
        24,
        team=(
            ("马永福", True, "19760219", "研究员", "项目负责人"),
            ("李晓霞", False, "19850611", "副研究员", "栽培技术规程"),
            ("艾克拜尔·吐拉克", True, "19900925", "助理研究员", "智能决策设备"),
        ),
        ip_terms=IP_AT,
        solver_conditions="从事设施农业装备或农业技术服务、具有园区推广渠道的企业或合作社。",
        tasks=(("设施蔬菜水肥高效利用技术集成与示范", REGION, 2022, "承担单位"),),
        cases="已在米东区、乌鲁木齐县3个园区示范800亩，番茄增产12%。",
        ip=((INVENTION, "ZL202110778899.0", "有效"), (SOFTWARE, "2022SR0765432", "有效")),
        transfer_team="本所成果转化团队7人及园区技术员10人，负责技术培训和田间指导。",
    ),
    DemandText(
        "xuefeng",
        PUBLISHED,
        TB,
        "new_energy",
        "高寒地区电化学储能电站热管理与安全预警技术攻关",
        "针对高寒地区电化学储能电站冬季低温容量衰减和热失控风险，研发液冷热管理与多参量"
        "安全预警系统，在本公司风光储项目中示范应用。",
        "-30℃环境下电池簇温差大、可用容量下降20%以上；现有电池管理系统对热失控早期征兆"
        "识别不足，预警时间短。",
        (
            ("电池簇温差", "≤3", "℃", "示范电站实测"),
            ("低温可用容量保持率（-30℃）", "≥90", "%", "第三方测试"),
            ("热失控预警提前时间", "≥30", "min", "热失控触发试验"),
        ),
        "30个月内完成系统研发，并在不少于50MWh储能电站示范运行",
        1200,
        30,
        team=(
            ("方志诚", True, "19800403", "高级工程师", "项目负责人"),
            ("郑雪梅", False, "19860817", "工程师", "热管理设计"),
            ("库尔班·买买提", True, "19890112", "工程师", "安全预警算法"),
        ),
        ip_terms=IP_TB_SHARED,
        solver_conditions="具有储能系统热管理或电池安全研究基础的高校、科研机构或企业。",
        support="公司提供在建100MWh风光储项目的示范场地、电池舱及运行数据。",
        revenue_wan=(42000, 2600),
    ),
)
