"""Browser, a project's life: the bureau initiates (立项) a selected proposal, the solver
registers the technology contract, the issuer records its payment, the bureau confirms it
and disburses the first instalment, the solver reports progress, the bureau records the
mid-term, the solver applies for acceptance with evidence and the bureau accepts."""

import datetime as dt

import pytest
import time_machine

from jiebang.core import clock
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Disbursement, Project
from tests.e2e.conftest import action_form, keep_a_holiday_year, login, logout
from tests.helpers import pdf_file_on_disk
from tests.projects.builders import selected_proposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=clock.BEIJING)


def test_initiation_disbursement_report_midterm_acceptance(page, tmp_path):
    keep_a_holiday_year(2026)
    with time_machine.travel(START, tick=False):
        proposal, bureau = selected_proposal()
    solver, issuer = proposal.created_by, proposal.demand.created_by
    voucher = str(pdf_file_on_disk(tmp_path, "凭证.pdf"))

    with time_machine.travel(START + dt.timedelta(days=40), tick=True):
        today = clock.today().isoformat()
        # 1. 立项 by the bureau, with a budget that adds up to the fiscal funding.
        login(page, bureau.username)
        page.get_by_role("link", name="项目管理", exact=True).click()
        page.get_by_role("link", name="待立项（1）").click()
        page.get_by_role("link", name="立项", exact=True).click()
        page.get_by_label("技术合同金额（元）").fill("6000000")
        page.get_by_label("项目投入总额（元）").fill("8000000")
        page.get_by_label("实施周期（月）").fill("24")
        page.get_by_label("三方协议签订日期").fill(today)
        page.get_by_label("三方协议扫描件").set_input_files(voucher)
        page.get_by_label("里程碑1", exact=True).fill("样机研制完成")
        page.get_by_label("里程碑1计划完成日期").fill(today)
        page.get_by_label("业务费（财政资金）").fill("1800000")
        page.get_by_label("设备费（自筹资金）").fill("6200000")
        page.get_by_role("button", name="立项").click()
        page.get_by_test_id("project-code").wait_for()
        project = Project.objects.get(proposal=proposal)
        assert page.get_by_test_id("fiscal-total").inner_text() == "1800000.00"
        logout(page)

        # 2. The solver registers the technology contract.
        login(page, solver.username)
        page.goto(f"/projects/{project.pk}/")
        contract = action_form(page, "contract")
        contract.get_by_label("技术合同登记号").fill("2026650102000123")
        contract.get_by_role("button", name="保存登记信息").click()
        page.get_by_test_id("tech-contract").filter(has_text="2026650102000123").wait_for()
        logout(page)

        # 3. The issuer records its payment of the contract amount with the bank slip.
        login(page, issuer.username)
        page.goto(f"/projects/{project.pk}/")
        page.get_by_text("登记一笔合同款支付").click()
        payment = action_form(page, "payment")
        payment.get_by_label("支付金额（元）").fill("2000000")
        payment.get_by_label("银行流水号/凭证号").fill("HX20261212001")
        payment.get_by_label("支付凭证").set_input_files(voucher)
        payment.get_by_role("button", name="登记支付").click()
        page.get_by_text("已登记合同款支付，待市科技局核实").wait_for()
        logout(page)

        # 4. The bureau confirms it and disburses what it earned (30 % of 2,000,000).
        login(page, bureau.username)
        page.goto(f"/projects/{project.pk}/")
        action_form(page, "payment_check").get_by_role("button", name="提交核实结果").click()
        page.get_by_test_id("earned").filter(has_text="600000.00").wait_for()
        disburse = action_form(page, "disburse")
        disburse.get_by_label("本次拨付金额（元）").fill("540000.00")
        disburse.get_by_role("button", name="审批拨付").click()
        page.get_by_text("已审批拨付").wait_for()
        paid = action_form(page, "disbursement_paid")
        paid.get_by_label("拨付凭证").set_input_files(voucher)
        paid.get_by_role("button", name="登记到账").click()
        page.get_by_test_id("disbursed").filter(has_text="540000.00").wait_for()
        assert Disbursement.objects.get(project=project).state == "paid"
        logout(page)

        # 5. The solver submits the first progress report.
        login(page, solver.username)
        page.goto(f"/projects/{project.pk}/")
        page.get_by_text("填写并提交").first.click()
        report = action_form(page, "report").first
        report.get_by_label("工作进展").fill("完成样机总体设计和关键部件采购。")
        report.get_by_role("button", name="提交进展报告").click()
        page.get_by_text("进展报告已提交").wait_for()
        logout(page)

        # 6. The bureau records the mid-term evaluation.
        login(page, bureau.username)
        page.goto(f"/projects/{project.pk}/")
        midterm = action_form(page, "midterm")
        midterm.get_by_label("评估结论").select_option(label="合格")
        midterm.get_by_label("评估意见").fill("按计划推进，同意继续实施。")
        midterm.get_by_role("button", name="保存评估结论").click()
        page.locator("[data-midterm='passed']").wait_for()
        logout(page)

        # 7. The solver states each indicator with its evidence and applies for acceptance.
        login(page, solver.username)
        page.goto(f"/projects/{project.pk}/")
        for form in action_form(page, "achievement").all():
            form.get_by_label("实际完成值").fill("97%")
            form.get_by_label("佐证材料").set_input_files(voucher)
            form.get_by_role("button", name="保存").click()
            page.get_by_text("已保存指标完成情况").wait_for()
        final = action_form(page, "final")
        final.get_by_label("总结报告").fill("全部指标达到任务书要求，样机通过第三方检测。")
        final.get_by_role("button", name="提交验收申请").click()
        page.get_by_test_id("project-state").filter(has_text="已提交验收").wait_for()
        logout(page)

        # 8. The bureau accepts the project.
        login(page, bureau.username)
        page.goto(f"/projects/{project.pk}/")
        decision = action_form(page, "acceptance")
        decision.get_by_label("验收结论").select_option(label="通过")
        decision.get_by_label("验收意见").fill("专家组一致同意通过验收。")
        decision.get_by_role("button", name="保存验收结论").click()
        page.get_by_test_id("acceptance-outcome").filter(has_text="通过").wait_for()
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTED
    assert project.city_project.status == "accepted"
