"""Browser: an applicant fills a demand step by step, reads the pre-check, fixes what it
reports, uploads the attachments, submits and reads the receipt — for both categories."""

import re

import pytest

from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.orgs.enums import OrgKind
from tests.demands.builders import issuer_with_applicant, open_call
from tests.e2e.conftest import login
from tests.factories import make_id_number
from tests.helpers import pdf_file_on_disk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save_step(page, next_step):
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url(f"**/edit/{next_step}/")


def precheck_codes(page):
    page.locator("#precheck-panel").wait_for()
    return set(
        page.locator("#precheck-panel [data-code]").evaluate_all(
            "els => els.map(e => e.dataset.code)"
        )
    )


def start_demand(page, category_label, title):
    page.get_by_role("link", name="本单位需求").click()
    page.get_by_role("link", name="新建需求").click()
    page.get_by_label(category_label).check()
    page.locator("#id_title").fill(title)
    page.get_by_role("button", name="创建并开始填写").click()
    page.wait_for_url("**/edit/basic/")


def fill_basic_content_funding_team(page, amount_first, team_seed):
    page.locator("#id_industry").select_option(label="新能源")
    page.locator("#id_summary").fill("面向新能源场站的关键技术需求。")
    page.locator("#id_problem").fill("现有方法精度不足，需要突破关键核心技术。")
    page.locator("#id_contact_phone").fill("0991-2824158")
    save_step(page, "content")
    page.locator("#id_ind-0-name").fill("识别准确率")
    page.locator("#id_ind-0-target_value").fill("≥95")
    page.locator("#id_ind-0-unit").fill("%")
    page.locator("#id_time_requirement").fill("24个月内完成")
    page.locator("#id_ip_terms").fill("新产生的知识产权归发榜方所有")
    page.locator("#id_solver_conditions").fill("具有相关研发经验")
    save_step(page, "funding")
    page.locator("#id_total_investment").fill(amount_first)
    page.locator("#id_period_months").fill("36")
    save_step(page, "team")
    page.locator("#id_team-0-name").fill("负责人甲")
    page.locator("#id_team-0-id_number").fill(make_id_number(team_seed, birth="19800808"))
    page.get_by_role("button", name="添加一行").click()
    page.locator("#id_team-1-name").fill("成员乙")
    page.locator("#id_team-1-id_number").fill(make_id_number(team_seed + 1, birth="19900909"))
    save_step(page, "special")


def upload(page, kind_label, tmp_path, name, year=None):
    page.locator("#id_kind").select_option(label=kind_label)
    if year:
        page.locator("#id_year").select_option(value=str(year))
    page.locator("#id_file").set_input_files(str(pdf_file_on_disk(tmp_path, name)))
    page.get_by_role("button", name="上传").click()
    page.get_by_text(f"已上传：{name}").wait_for()


def submit_and_read_receipt(page, title, category_code):
    page.get_by_role("link", name=re.compile("预检与提交")).first.click()
    page.wait_for_url("**/edit/submit/")
    page.get_by_text("可以提交").wait_for()
    page.get_by_role("button", name="提交需求").click()
    page.wait_for_url("**/receipt/")
    number = page.get_by_test_id("receipt-number").inner_text()
    assert re.fullmatch(rf"JB-\d{{4}}-{category_code}-\d{{6}}", number)
    assert "北京时间" in page.get_by_test_id("receipt-time").inner_text()
    assert len(page.get_by_test_id("receipt-digest").inner_text().strip()) == 64
    demand = Demand.objects.get(title=title)
    assert demand.state == DemandState.SUBMITTED and demand.number == number


def test_tech_breakthrough_demand_from_first_step_to_receipt(page, tmp_path):
    call = open_call()
    org, user = issuer_with_applicant()
    login(page, user.username)
    title = "风机叶片缺陷智能识别技术攻关"
    start_demand(page, "技术攻关类", title)
    fill_basic_content_funding_team(page, "4999999.99", 10)

    # The pre-check reports what is still wrong, with the guide clause.
    codes = precheck_codes(page)
    assert {"FUND-MIN", "TB-END-USER", "TB-FUNDING-COMMIT", "ATT-APPLICATION-FORM"} <= codes
    assert "依据：申报指南 三" in page.locator("[data-code='FUND-MIN']").inner_text()

    page.get_by_label("本单位是该技术的最终用户或用户代表").check()
    page.get_by_label("承诺保障科研投入并提供研发实施支持和配套条件").check()
    for index in range(2):
        page.locator(f"#id_fin-{index}-revenue").fill("80000000")
        page.locator(f"#id_fin-{index}-rnd_spend").fill("6000000")
    page.locator("#id_support_conditions").fill("具备中试场地与检测设备")
    save_step(page, "attachments")

    # Fix the amount flagged by FUND-MIN.
    page.locator("[data-code='FUND-MIN']").get_by_role("link").click()
    page.wait_for_url("**/edit/funding/")
    page.locator("#id_total_investment").fill("5000000")
    save_step(page, "team")
    assert "FUND-MIN" not in precheck_codes(page)

    page.goto(page.url.replace("/team/", "/attachments/"))
    for label, name in [
        ("需求申请表（签字盖章）", "申请表.pdf"),
        ("单位诚信承诺书", "单位承诺书.pdf"),
        ("负责人诚信承诺书", "负责人承诺书.pdf"),
        ("设备条件佐证", "设备.pdf"),
        ("场地条件佐证", "场地.pdf"),
        ("推广应用能力佐证", "推广.pdf"),
        ("自身研发团队佐证", "团队.pdf"),
    ]:
        upload(page, label, tmp_path, name)
    for year in call.effective_audit_years:
        upload(page, "年度审计报告", tmp_path, f"审计报告{year}.pdf", year=year)
    submit_and_read_receipt(page, title, "TB")


def test_achievement_transfer_demand_from_first_step_to_receipt(page, tmp_path):
    open_call()
    org, user = issuer_with_applicant(kind=OrgKind.UNIVERSITY, name="新疆某大学")
    login(page, user.username)
    title = "高效钙钛矿电池成果转化"
    start_demand(page, "成果转化类", title)
    fill_basic_content_funding_team(page, "6000000", 20)

    codes = precheck_codes(page)
    assert {"AT-TRACK-RECORD", "AT-IP-CLEAR", "AT-TEAM", "AT-TEST-REPORT"} <= codes

    page.locator("#id_task-0-name").fill("国家重点研发计划课题")
    page.locator("#id_task-0-level").select_option(label="国家级")
    page.locator("#id_task-0-year").fill("2021")
    page.locator("#id_success_cases").fill("已在两家企业中试应用")
    page.locator("#id_ip-0-kind").select_option(label="发明专利")
    page.locator("#id_ip-0-number").fill("ZL202110000001.1")
    page.locator("#id_ip-0-owner").fill("新疆某大学")
    page.locator("#id_ip-0-legal_status").fill("有效")
    page.locator("#id_transfer_team").fill("转化团队8人，含工程师5人")
    save_step(page, "attachments")
    assert {"AT-TRACK-RECORD", "AT-TEAM"}.isdisjoint(precheck_codes(page))

    for label, name in [
        ("需求申请表（签字盖章）", "申请表.pdf"),
        ("单位诚信承诺书", "单位承诺书.pdf"),
        ("负责人诚信承诺书", "负责人承诺书.pdf"),
        ("技术指标检测报告", "检测报告.pdf"),
        ("知识产权证明", "专利证书.pdf"),
    ]:
        upload(page, label, tmp_path, name)
    submit_and_read_receipt(page, title, "AT")
