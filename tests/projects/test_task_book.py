"""The task book (任务书) of an initiated project, as PDF and DOCX.

PDFs are read back with pypdf and DOCX files with python-docx; team ID numbers must appear
only masked. Without WeasyPrint's system libraries the PDF tests skip locally and fail
under CI (as in tests/demands/test_documents.py).
"""

import io
import os
from decimal import Decimal

import docx
import pytest
from pypdf import PdfReader

from jiebang.demands.documents import PdfUnavailable, pdf_support
from jiebang.demands.documents import pdf as pdf_module
from jiebang.projects import documents, money
from jiebang.projects.models import Project
from tests.factories import make_id_number
from tests.projects.builders import (
    initiate,
    register_contract,
    selected_proposal,
    selected_race_proposals,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TEAM_START = 900
LEADER_ID = make_id_number(TEAM_START, birth="19820202")  # as tests/proposals/builders.py
INDICATOR = "缺陷识别准确率"  # the demand's indicator, copied into the task book


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
    return flat("\n".join(parts))


def masked(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


@pytest.fixture
def require_pdf():
    ok, reason = pdf_support()
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PDF rendering must work under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def project() -> Project:
    proposal, bureau = selected_proposal(team_start=TEAM_START)
    return initiate(proposal, bureau)


def assert_task_book(text: str, project: Project) -> None:
    # 6,000,000 contract × 30 % = 1,800,000 fiscal; plan 30/40/30.
    assert project.fiscal_total == Decimal("1800000.00")
    for item in [
        "乌鲁木齐市“揭榜挂帅”项目任务书",
        project.code,
        project.title,
        project.issuer.name,
        project.solver.name,
        INDICATOR,
        "样机研制完成",  # a milestone
        "1,800,000.00元（180.00万元）",  # 财政资助总额
        "6,000,000.00元（600.00万元）",  # 技术合同金额
        "8,000,000.00元（800.00万元）",  # 项目投入总额
        "540,000.00",  # 立项后 30 %
        "720,000.00",  # 中期评估合格后 40 %
        "立项后",
        "验收通过后",
        "按技术合同实际支付额的30%给予补助，最高不超过300.00万元",
        "技术合同登记号（待登记）",
        "设备费",
        "业务费",
        "揭榜人900",  # the project leader
        masked(LEADER_ID),
        "发榜单位（盖章）：",
        "揭榜单位（盖章）：",
        "市科技局（盖章）：",
    ]:
        assert flat(item) in text, item
    # The consortium member from the proposal.
    partner = project.proposal.members.get(position=2).organization
    assert flat(partner.name) in text
    # Instalment amounts add up to the total, as printed.
    amounts = [i.amount for i in money.instalments(project.fiscal_total, project.instalment_plan)]
    assert amounts == [Decimal("540000.00"), Decimal("720000.00"), Decimal("540000.00")]
    # The report schedule and the mid-term date.
    first = project.reports.order_by("sequence").first()
    assert f"{first.due_on.year}年{first.due_on.month}月{first.due_on.day}日" in text
    midterm = project.midterm_due_on
    assert f"{midterm.year}年{midterm.month}月{midterm.day}日" in text
    # ID numbers only masked.
    for member in project.proposal.team.select_related("person"):
        assert member.person.id_number not in text
    assert LEADER_ID not in text


def test_task_book_pdf_prints_the_terms_with_masked_ids(project, require_pdf):
    text = pdf_text(documents.task_book_pdf(project))
    assert_task_book(text, project)
    assert "第1页共" in text


def test_task_book_docx_carries_the_same_items(project):
    text = docx_text(documents.task_book_docx(project))
    assert_task_book(text, project)
    assert "赛马制" in text and "首期资助不超过" not in text  # not a horse race


def test_a_registered_contract_replaces_the_pending_mark(project):
    register_contract(project, number="2026650102000777")
    project.refresh_from_db()
    text = docx_text(documents.task_book_docx(project))
    assert "2026650102000777" in text and "（待登记）" not in text


def test_a_horse_race_task_book_states_the_first_phase_cap_and_the_route():
    a, _b, bureau = selected_race_proposals()
    project = initiate(a, bureau)
    text = docx_text(documents.task_book_docx(project))
    assert project.route.name in text
    ceiling = money.race_first_phase_ceiling(
        project.fiscal_total, project.race_first_phase_cap_percent
    )
    assert f"首期资助不超过财政资助总额的20%，即不超过{ceiling:,.2f}元" in text
    assert "“继续支持”决定后方可拨付" in text and "五（二）6" in text


def test_task_book_pdf_refuses_with_the_chinese_reason_when_unsupported(project, monkeypatch):
    monkeypatch.setattr(pdf_module, "pdf_support", lambda: (False, pdf_module.UNAVAILABLE))
    with pytest.raises(PdfUnavailable) as refused:
        documents.task_book_pdf(project)
    assert "请下载 Word 版本" in refused.value.message
