"""Browser: a verified university finds a published demand in the hall, takes it (我要揭榜),
fills the proposal step by step with a consortium partner, uploads the attachments, reads
the pre-check, submits and reads the receipt."""

import re

import pytest

from jiebang.proposals.enums import ProposalState
from jiebang.proposals.models import Proposal
from tests.e2e.conftest import login
from tests.factories import make_id_number
from tests.helpers import pdf_file_on_disk
from tests.proposals.builders import published_demand, solver, tech_enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save_step(page, next_step):
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url(f"**/edit/{next_step}/")


def upload(page, kind_label, tmp_path, name):
    page.locator("#id_kind").select_option(label=kind_label)
    page.locator("#id_file").set_input_files(str(pdf_file_on_disk(tmp_path, name)))
    page.get_by_role("button", name="上传").click()
    page.get_by_text(f"已上传：{name}").wait_for()


def take_and_submit(page, tmp_path, demand, lead, user, partner):
    """As the solver: find the demand by search, take it, fill every step, submit; returns
    (proposal, receipt number). Shared by the full-chain test."""
    indicator = demand.indicators.get()
    login(page, user.username)

    # Find the demand in the hall by a two-character word of its title and open it.
    page.goto("/")
    page.get_by_label("搜索榜单").fill("覆冰")
    page.get_by_role("button", name="搜索").click()
    page.get_by_test_id("result-count").filter(has_text="共 1 项").wait_for()
    page.get_by_role("link", name=demand.title).click()
    page.wait_for_url(f"**/hall/{demand.pk}/")
    page.get_by_role("button", name="我要揭榜").click()
    page.wait_for_url("**/edit/plan/")
    proposal = Proposal.objects.get(demand=demand, lead=lead)

    # 1 方案, autosaved while typing.
    page.locator("#id_technical_plan").fill("多光谱成像结合深度学习识别叶片覆冰，边缘端实时预警。")
    page.locator("#id_schedule").fill("第1-12个月样机研制；第13-24个月风场示范。")
    page.locator("#id_budget_total").fill("5200000")
    page.get_by_text("折合 520 万元").wait_for()
    page.locator("#id_budget_breakdown").fill(
        "设备费200万元，材料费120万元，测试费80万元，劳务费120万元"
    )
    page.locator("#autosave-status").get_by_text(
        re.compile(r"已自动保存 \d\d:\d\d:\d\d")
    ).wait_for()
    save_step(page, "consortium")

    # 2 联合体: one member with 40 %; the lead keeps the remaining 60 %.
    page.locator("#id_member-0-uscc").fill(partner.uscc)
    page.locator("#id_member-0-work_share").fill("40")
    page.locator("#id_member-0-budget_share").fill("2000000")
    page.locator("#id_member-0-tasks").fill("样机研制与风场部署")
    page.get_by_test_id("lead-share").filter(has_text="60").wait_for()
    save_step(page, "team")

    # 3 团队 of two.
    page.locator("#id_team-0-name").fill("负责人王")
    page.locator("#id_team-0-id_number").fill(make_id_number(501, birth="19790606"))
    page.locator("#id_team-0-title").fill("教授")
    page.get_by_role("button", name="添加一行").click()
    page.locator("#id_team-1-name").fill("成员李")
    page.locator("#id_team-1-id_number").fill(make_id_number(502, birth="19880808"))
    save_step(page, "indicators")

    # 4 指标实现: labelled with the indicator and its target.
    page.get_by_label(re.compile(re.escape(indicator.name) + "（目标值")).fill(
        "多光谱相机与深度学习模型，实测识别准确率97%。"
    )
    save_step(page, "ip")

    # 5 知识产权.
    page.locator("#id_ip-0-kind").select_option(label="发明专利")
    page.locator("#id_ip-0-number").fill("ZL202210000009.9")
    page.locator("#id_ip-0-owner").fill(lead.name)
    page.locator("#id_ip-0-legal_status").fill("有效")
    save_step(page, "attachments")

    # 6 附件: the four required kinds.
    for label, name in [
        ("技术方案", "技术方案.pdf"),
        ("联合体协议", "联合体协议.pdf"),
        ("单位诚信承诺书", "单位承诺书.pdf"),
        ("负责人诚信承诺书", "负责人承诺书.pdf"),
    ]:
        upload(page, label, tmp_path, name)

    # 7 预检与提交.
    page.get_by_role("link", name=re.compile("预检与提交")).first.click()
    page.wait_for_url("**/edit/submit/")
    page.locator("#precheck-panel").get_by_text("可以提交").wait_for()
    assert page.locator("#precheck-panel [data-code='PRIORITY-INDUSTRY-ACADEMIA']").count() == 1
    page.get_by_role("button", name="提交揭榜申请").click()
    page.wait_for_url("**/receipt/")
    number = page.get_by_test_id("receipt-number").inner_text()
    assert re.fullmatch(rf"JB-{demand.call.year}-PTB-\d{{6}}", number)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）",
        page.get_by_test_id("receipt-time").inner_text().strip(),
    )
    assert len(page.get_by_test_id("receipt-digest").inner_text().strip()) == 64
    return proposal, number


def test_a_university_takes_a_demand_with_a_partner_and_submits(page, tmp_path):
    demand = published_demand(title="风电机组叶片覆冰监测技术攻关")
    lead, user = solver(name="新疆某理工大学")
    partner = tech_enterprise(name="乌鲁木齐智感科技有限公司")
    proposal, number = take_and_submit(page, tmp_path, demand, lead, user, partner)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED and proposal.number == number
    assert [(m.organization_id, m.work_share) for m in proposal.members.all()] == [
        (lead.pk, 60),
        (partner.pk, 40),
    ]
    assert list(proposal.team.values_list("person__name", flat=True)) == ["负责人王", "成员李"]
    assert proposal.indicator_answers.get().answer.endswith("97%。")

    # The list shows it as submitted.
    page.get_by_role("link", name="我的揭榜").click()
    row = page.locator(f"[data-proposal='{proposal.pk}']")
    assert number in row.inner_text() and "已提交" in row.inner_text()
