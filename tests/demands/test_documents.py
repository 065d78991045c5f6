"""Printable documents: the application form, the two integrity commitments and the receipt.

PDFs are read back with pypdf and DOCX files with python-docx; personal data must appear only
masked. Without WeasyPrint's system libraries the PDF tests skip locally and fail under CI.
"""

import io
import os
from decimal import Decimal

import docx
import pytest
from pypdf import PdfReader

from jiebang.core import clock
from jiebang.demands import documents
from jiebang.demands.documents import pdf as pdf_module
from jiebang.demands.enums import Category, IPKind, ResearchLevel
from jiebang.demands.models import (
    Demand,
    DemandFinancial,
    DemandIndicator,
    DemandIPItem,
    DemandResearchTask,
    DemandTeamMember,
    DemandVersion,
    RaceRoute,
)
from jiebang.demands.services import content_digest, demand_content
from tests.factories import (
    CallFactory,
    IndustryFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    beijing,
    make_id_number,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FORM_TITLE = "乌鲁木齐市重点领域科技创新攻关“揭榜挂帅”需求申请表"
UNIT = "乌鲁木齐天山新材料股份有限公司"
TITLE = "高纯多晶硅还原炉节能降耗关键技术攻关"
LEADER_ID = make_id_number(7, "19790315")
MEMBER_ID = make_id_number(8, "19860521")
INDICATOR = "单位产品综合电耗"
DIGEST_FILE = "ab" * 32


def flat(value: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines and spaces where it likes."""
    return "".join(value.split())


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def require_pdf():
    ok, reason = documents.pdf_support()
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PDF rendering must work under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def user():
    return UserFactory(real_name="王提交")


@pytest.fixture
def demand(user):
    org = OrganizationFactory(name=UNIT)
    now = clock.now()
    demand = Demand.objects.create(
        call=CallFactory(),
        organization=org,
        created_by=user,
        category=Category.TECH_BREAKTHROUGH,
        title=TITLE,
        industry=IndustryFactory(name="新材料"),
        summary="还原炉电耗占多晶硅生产成本的三成以上。\n需突破热场与控制技术。",
        problem="攻克还原炉热场优化与智能控制技术，降低单位电耗。",
        is_horse_race=True,
        time_requirement="揭榜后24个月内完成中试验证。",
        ip_terms="新产生的知识产权归发榜方所有，揭榜方享有署名权。",
        solver_conditions="具有硅材料或热工领域研发团队。",
        total_investment=Decimal("6000000.00"),
        investment_breakdown="设备购置300万元，材料与测试200万元，人员100万元。",
        period_months=36,
        declares_end_user=True,
        commits_funding=True,
        support_conditions="提供中试车间和两台在役还原炉。",
        contact_name="张联系",
        contact_phone="13912345678",
        contact_phone_masked="139****5678",
        contact_email="contact@example.cn",
        created_at=now,
        updated_at=now,
    )
    DemandIndicator.objects.create(
        demand=demand, position=1, name=INDICATOR, target_value="≤45", unit="kWh/kg",
        test_method="第三方检测机构现场测试",
    )  # fmt: skip
    DemandIndicator.objects.create(
        demand=demand, position=2, name="单炉产量", target_value="≥12", unit="t"
    )
    DemandFinancial.objects.create(
        demand=demand, year=2022, revenue=Decimal("820000000"), rnd_spend=Decimal("31000000")
    )
    RaceRoute.objects.create(
        demand=demand, position=1, name="热场结构优化路线", rnd_investment=Decimal("3000000")
    )
    RaceRoute.objects.create(
        demand=demand, position=2, name="智能控制算法路线", rnd_investment=Decimal("3000000")
    )
    leader = PersonFactory(name="李攻关", id_plain=LEADER_ID)
    member = PersonFactory(name="赵成员", id_plain=MEMBER_ID)
    for position, person in enumerate([leader, member], 1):
        DemandTeamMember.objects.create(
            demand=demand, position=position, person=person, title="正高级工程师",
            work_unit=UNIT, responsibility="总体负责" if position == 1 else "工艺试验",
        )  # fmt: skip
    return demand


def masked(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def assert_form_items(text: str) -> None:
    text = flat(text)
    for item in [FORM_TITLE, "（2024年度）", TITLE, UNIT, INDICATOR, "李攻关", "负责人"]:
        assert flat(item) in text, item
    assert masked(LEADER_ID) in text and masked(MEMBER_ID) in text
    assert LEADER_ID not in text and MEMBER_ID not in text
    assert "13912345678" not in text and "139****5678" in text
    assert "（提交后生成）" in text  # a draft has no number yet
    assert "6,000,000.00元（600.00万元）" in text
    assert "热场结构优化路线" in text  # 赛马制 routes
    for label in [
        "发榜单位（盖章）：",
        "法定代表人（签字）：",
        "项目负责人（签字）：",
        "推荐单位意见（盖章）：",
    ]:
        assert label in text, label


def test_application_form_pdf_prints_the_current_content_with_masked_ids(demand, require_pdf):
    text = pdf_text(documents.application_form_pdf(demand))
    assert_form_items(text)
    assert "第1页共" in text  # page numbers from @page counters
    assert "31,000,000.00" in text  # audit-year R&D spend


def test_application_form_docx_carries_the_same_items(demand):
    text = docx_text(documents.application_form_docx(demand))
    assert_form_items(text)
    assert "年  月  日" in text
    assert "本单位是该技术的最终用户或用户代表" in text
    assert "2023年度" in text  # audit years of the call are listed even when not filled


def test_achievement_transfer_form_prints_its_own_tables(demand):
    Demand.objects.filter(pk=demand.pk).update(
        category=Category.ACHIEVEMENT_TRANSFER, is_horse_race=False, number="JB-2024-AT-000003"
    )
    demand.refresh_from_db()
    DemandResearchTask.objects.create(
        demand=demand,
        position=1,
        name="国家重点研发计划课题",
        level=ResearchLevel.NATIONAL,
        year=2021,
    )
    DemandIPItem.objects.create(
        demand=demand, position=1, kind=IPKind.INVENTION_PATENT, number="ZL202110000001.X",
        owner=UNIT, legal_status="有效",
    )  # fmt: skip
    text = docx_text(documents.application_form_docx(demand))
    for item in ["JB-2024-AT-000003", "成果转化类", "国家级", "发明专利", "ZL202110000001.X"]:
        assert item in text, item
    assert "最终用户" not in text and "热场结构优化路线" not in text


@pytest.mark.parametrize("signer", ["unit", "leader"])
def test_commitment_docx_names_the_unit_and_the_leader(demand, signer):
    text = docx_text(documents.commitment_docx(demand, signer))
    assert "科技计划项目诚信承诺书" in text and "附件3" in text
    assert UNIT in text and "李攻关" in text and TITLE in text
    assert "《乌鲁木齐市科研诚信管理办法》" in text
    if signer == "unit":
        assert "承诺单位（盖章）：" in text and "法定代表人（签字）：" in text
    else:
        assert "承诺人（签字）：" in text and "承诺单位（盖章）" not in text
    assert LEADER_ID not in text


@pytest.mark.parametrize("signer", ["unit", "leader"])
def test_commitment_pdf_names_the_unit_and_the_leader(demand, signer, require_pdf):
    text = pdf_text(documents.commitment_pdf(demand, signer))
    assert flat("科技计划项目诚信承诺书") in text
    assert UNIT in text and "李攻关" in text
    assert ("承诺单位（盖章）：" if signer == "unit" else "承诺人（签字）：") in text


def test_commitment_without_a_team_says_not_filled_and_rejects_unknown_signers(demand):
    demand.team.all().delete()
    assert "本人（未填写）作为" in docx_text(documents.commitment_docx(demand, "leader"))
    with pytest.raises(ValueError):
        documents.commitment_docx(demand, "district")


@pytest.fixture
def version(demand, user):
    content = demand_content(demand)
    content["number"] = "JB-2024-TB-000001"
    content["version"] = 1
    content["attachments"] = [
        {"kind": "audit_report", "year": 2022, "name": "2022年度审计报告.pdf", "size": 1536000,
         "sm3": DIGEST_FILE, "sha256": "cd" * 32},
    ]  # fmt: skip
    return DemandVersion.objects.create(
        demand=demand,
        version=1,
        receipt_number="JB-2024-TB-000001",
        content=content,
        digest=content_digest(content),
        submitted_at=beijing(2024, 8, 30, 19, 29, 58),
        submitted_by=user,
    )


def test_receipt_pdf_shows_number_time_to_the_second_and_digest(version, require_pdf):
    Demand.objects.filter(pk=version.demand_id).update(title="提交后改过的标题")
    text = pdf_text(documents.receipt_pdf(version))
    assert "JB-2024-TB-000001" in text
    assert flat("2024-08-30 19:29:58（北京时间）") in text
    assert version.digest in text and DIGEST_FILE in text
    assert TITLE in text and "提交后改过的标题" not in text  # the frozen content, not the live row
    assert "第1版" in text and "王提交" in text and UNIT in text
    assert "年度审计报告（2022年度）" in text and "2022年度审计报告.pdf" in text
    assert flat("本回执由系统自动生成，服务器时间为准，可凭回执编号及摘要值核验提交内容。") in text
    assert "乌鲁木齐市科学技术局" in text


def test_receipt_docx_matches_the_pdf_items(version):
    text = docx_text(documents.receipt_docx(version))
    assert "JB-2024-TB-000001" in text and version.digest in text
    assert "2024-08-30 19:29:58（北京时间）" in text and "1.46 MB" in text


def test_render_pdf_refuses_with_the_chinese_reason_when_unsupported(demand, monkeypatch):
    monkeypatch.setattr(pdf_module, "pdf_support", lambda: (False, pdf_module.UNAVAILABLE))
    with pytest.raises(documents.PdfUnavailable) as refused:
        documents.application_form_pdf(demand)
    assert "请下载 Word 版本" in refused.value.message
