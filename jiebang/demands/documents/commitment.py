"""科技计划项目诚信承诺书 (附件3), signed separately by the unit and by the project leader.

Guide 五（二）3: both letters are uploaded as attachments; without them the application is
not accepted. 五（二）7 names the rules the text refers to.
"""

from jiebang.demands.documents.layout import (
    BLANK,
    Document,
    Grid,
    Pair,
    Paragraphs,
    Section,
    Signatures,
    text,
)
from jiebang.demands.enums import Category

TITLE = "科技计划项目诚信承诺书"
NUMBER_PENDING = "（提交后生成）"
SIGNERS = ("unit", "leader")
RULES = (
    "科技部《科学技术活动违规行为处理暂行规定》《科研诚信案件调查处理规则（试行）》"
    "及《乌鲁木齐市科研诚信管理办法》《乌鲁木齐市科技计划项目管理办法》"
)


def _unit_text(f: dict) -> list[str]:
    return [
        f"本单位{f['unit']}作为“{f['title']}”{f['ref']}的申报单位，"
        f"现就申报乌鲁木齐市{f['year']}年度重点领域科技创新攻关“揭榜挂帅”{f['category']}需求"
        "郑重承诺如下：",
        f"一、严格遵守{RULES}等规定，恪守科研诚信和科技伦理要求，对申报材料的真实性负主体责任。",
        "二、所提交的需求申请表、审计报告、佐证材料等全部申报材料真实、准确、完整，"
        "单位信息、推荐单位信息和项目团队人员信息均已核实，不存在夸大不实、弄虚作假的情形。",
        "三、申报内容不存在抄袭、剽窃他人科研成果，不存在伪造、篡改数据、图表、"
        "检测报告及证明材料等行为；所涉知识产权权属清晰，不侵犯他人合法权益。",
        "四、不以相同或相近内容重复申报、多头申报财政资助科技计划项目；"
        "本单位不存在申报指南规定的限制申报情形。",
        "五、需求经评审发榜并达成揭榜协议后，按照约定落实科研投入和研发实施的支持、配套条件，"
        "规范使用和管理项目资金，不截留、挤占、挪用。",
        "六、积极配合科技主管部门及推荐单位开展审核、评审、监督检查和科研诚信调查，"
        "如实提供有关情况和材料。",
        "如违反上述承诺，本单位愿意接受科技主管部门及有关部门依据相关规定作出的处理，"
        "包括取消申报或立项资格、追回财政资金等，并同意将有关失信行为记入科研诚信记录，"
        "纳入信用信息共享平台，依法依规承担相应责任。",
    ]


def _leader_text(f: dict) -> list[str]:
    return [
        f"本人{f['leader']}作为{f['unit']}申报的“{f['title']}”{f['ref']}"
        "的项目负责人，郑重承诺如下：",
        f"一、严格遵守{RULES}等规定，恪守科学道德和学术规范。",
        "二、本人提供的个人信息、研究基础、业绩成果及项目团队成员信息真实、准确、完整，"
        "不存在夸大不实、弄虚作假的情形；团队成员均知情并同意参与。",
        "三、不抄袭、剽窃他人科研成果，不伪造、篡改研究数据和研究结论，"
        "不存在违反科研伦理规范的行为。",
        "四、不以相同或相近内容重复申报；本人不存在在研和当年申报的市级研发项目累计超过规定数量、"
        "在惩戒执行期内的科研失信行为记录等申报指南规定的限制申报情形。",
        "五、项目立项后，严格按照任务书组织实施，规范使用项目资金，按期完成任务，"
        "如实报告项目进展和成果。",
        "六、积极配合科技主管部门开展审核、评审、监督检查和科研诚信调查，如实说明有关情况。",
        "如违反上述承诺，本人愿意接受科技主管部门及有关部门依据相关规定作出的处理，"
        "并同意将有关失信行为记入科研诚信记录，纳入信用信息共享平台，依法依规承担相应责任。",
    ]


def build(fields: dict, signer: str) -> Document:
    """`fields`: unit, leader, title, number (None before submission), year, category."""
    if signer not in SIGNERS:
        raise ValueError(f"signer must be one of {SIGNERS}, not {signer!r}")
    number = fields.get("number")
    fields = {
        **fields,
        "number": number or NUMBER_PENDING,
        "ref": f"（需求编号：{number}）" if number else "",
    }
    info = Grid(
        [
            [Pair("需求名称", fields["title"])],
            [Pair("需求编号", fields["number"]), Pair("需求类别", fields["category"])],
            [Pair("申报单位", fields["unit"])],
            [Pair("项目负责人", fields["leader"])],
        ]
    )
    if signer == "unit":
        body, subtitle = _unit_text(fields), "（项目申报单位）"
        lines = ["承诺单位（盖章）：", "法定代表人（签字）：", "年  月  日"]
    else:
        body, subtitle = _leader_text(fields), "（项目负责人）"
        lines = ["承诺人（签字）：", "年  月  日"]
    return Document(
        title=TITLE,
        subtitle=subtitle,
        top_left="附件3",
        sections=[
            Section("", [info]),
            Section("", [Paragraphs(body)]),
            Section("", [Signatures([[], lines], boxed=False)]),
        ],
    )


def document_for(demand, signer: str) -> Document:
    leader = next((m for m in demand.team.all() if m.position == 1), None)
    fields = {
        "unit": text(demand.organization.name),
        "leader": leader.person.name if leader else BLANK,
        "title": text(demand.title),
        "number": demand.number,
        "year": demand.call.year,
        "category": str(Category(demand.category).label) if demand.category else BLANK,
    }
    return build(fields, signer)
