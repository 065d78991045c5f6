"""Browser, the other turns of a project: the solver asks for an extension, records its
spending and its research-assistant posts; the bureau approves the extension, terminates
the project and records the unspent fiscal money coming back."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from jiebang.core import clock
from jiebang.projects import services
from jiebang.projects.enums import ProjectState
from jiebang.projects.models import Refund
from tests.e2e.conftest import action_form, keep_a_holiday_year, login, logout
from tests.helpers import pdf_file_on_disk, pdf_upload
from tests.projects.builders import initiate, pay, register_contract, selected_proposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=clock.BEIJING)


def test_extension_spending_assistants_termination_and_refund(page, tmp_path):
    keep_a_holiday_year(2026)
    with time_machine.travel(START, tick=False):
        proposal, bureau = selected_proposal()
    solver = proposal.created_by
    voucher = str(pdf_file_on_disk(tmp_path, "凭证.pdf"))
    with time_machine.travel(START + dt.timedelta(days=40), tick=True):
        project = initiate(proposal, bureau)
        register_contract(project)
        pay(project, Decimal("6000000.00"))
        disbursement = services.approve_disbursement(
            project_id=project.pk, by=bureau, trigger="initiation", amount=Decimal("540000.00")
        )
        services.record_disbursement_paid(
            disbursement_id=disbursement.pk,
            by=bureau,
            paid_on=clock.today(),
            voucher_file=pdf_upload(),
        )
        original_end = project.planned_end

        # 1. The solver: an extension request, a fiscal expenditure and a research-assistant post.
        login(page, solver.username)
        page.goto(f"/projects/{project.pk}/")
        page.get_by_text("提出变更申请").click()
        change = action_form(page, "change")
        change.get_by_label("变更类型").select_option(label="延期")
        change.get_by_label("延期月数").fill("6")
        change.get_by_label("变更理由").fill("现场试验受冬季停运影响，需顺延一个供暖季。")
        change.get_by_role("button", name="提交变更申请").click()
        page.get_by_text("变更申请已提交").wait_for()

        page.get_by_text("登记支出").first.click()
        spending = action_form(page, "expenditure")
        spending.get_by_label("预算科目").select_option(label="业务费")
        spending.get_by_label("资金来源").select_option(label="财政资金")
        spending.get_by_label("金额（元）").fill("140000")
        spending.get_by_label("摘要").fill("测试化验加工费")
        spending.get_by_label("支出凭证").set_input_files(voucher)
        spending.get_by_role("button", name="登记支出").click()
        page.get_by_text("已登记支出").wait_for()

        page.get_by_text("设立岗位").click()
        post = action_form(page, "post")
        post.get_by_label("岗位名称").fill("数据标注科研助理")
        post.get_by_label("岗位数").fill("2")
        post.get_by_role("button", name="保存").click()
        page.locator("[data-rule='PRIORITY-RESEARCH-ASSISTANT']").wait_for()
        logout(page)

        # 2. The bureau approves the extension, then terminates the project.
        login(page, bureau.username)
        page.goto(f"/projects/{project.pk}/")
        decision = action_form(page, "change_decision")
        decision.get_by_label("审批意见").fill("同意延期6个月。")
        decision.get_by_role("button", name="提交审批").click()
        page.get_by_text("已审批变更申请").wait_for()
        project.refresh_from_db()
        assert project.planned_end > original_end
        page.get_by_test_id("planned-end").filter(
            has_text=f"{project.planned_end:%Y-%m-%d}"
        ).wait_for()

        page.locator("summary", has_text="终止项目").click()
        end = action_form(page, "terminate")
        end.get_by_label("终止原因").fill("承担单位申请终止：核心技术路线被证明不可行。")
        end.get_by_role("button", name="终止项目").click()
        page.get_by_test_id("project-state").filter(has_text="已终止").wait_for()

        # 3. The unspent fiscal money (540,000.00 − 140,000.00) comes back.
        refund = Refund.objects.get(project=project)
        assert refund.amount_due == Decimal("400000.00")
        settle = action_form(page, "refund")
        settle.get_by_label("退回金额（元）").fill("400000.00")
        settle.get_by_label("退款凭证").set_input_files(voucher)
        settle.get_by_role("button", name="登记退回").click()
        page.get_by_text("已登记资金退回").wait_for()
    project.refresh_from_db()
    refund.refresh_from_db()
    assert project.state == ProjectState.TERMINATED and project.funding_stopped
    assert refund.state == "settled" and refund.amount_returned == Decimal("400000.00")
    assert project.city_project.status == "terminated"
