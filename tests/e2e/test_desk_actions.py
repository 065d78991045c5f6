"""Browser happy paths of the other pages that change state."""

import pytest

from jiebang.calls.models import Call
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, OfflineDemandEntry
from jiebang.orgs.enums import AccountState, Role, VerificationState
from jiebang.orgs.models import Organization, OrgRelation, User
from tests.demands.builders import open_call, valid_tb_demand
from tests.e2e.conftest import login
from tests.factories import CallFactory, OrganizationFactory, UserFactory, make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bureau_edits_call_parameters(page):
    call = CallFactory()
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    login(page, "bureau")
    page.get_by_role("link", name="征集批次").click()
    page.get_by_role("link", name="修改参数").click()
    page.locator("#id_unit_max_ongoing_projects").fill("4")
    page.locator("#id_instalment_plan_text").fill("30,40,31")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("三期拨付比例合计应为100%").wait_for()
    assert (
        page.locator("#id_unit_max_ongoing_projects").input_value() == "4"
    )  # kept after the error
    page.locator("#id_instalment_plan_text").fill("30,40,30")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()
    assert Call.objects.get(pk=call.pk).unit_max_ongoing_projects == 4


def test_bureau_rejects_a_unit_with_a_reason(page):
    org = OrganizationFactory(name="待审企业", verification_state=VerificationState.PENDING)
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    login(page, "bureau")
    page.goto(f"/units/{org.pk}/")
    page.get_by_label("不予通过理由").fill("营业执照已过期")
    page.get_by_role("button", name="不予通过").click()
    page.get_by_text("理由已通知单位管理员").wait_for()
    org = Organization.objects.get(pk=org.pk)
    assert (
        org.verification_state == VerificationState.REJECTED
        and org.verification_reason == "营业执照已过期"
    )


def test_unit_admin_declares_a_relation_and_disables_a_member(page):
    org = OrganizationFactory(name="母公司")
    child = OrganizationFactory(name="子公司")
    UserFactory(username="boss", organization=org, roles=[Role.ORG_ADMIN, Role.APPLICANT])
    UserFactory(username="leaver", real_name="离职员工", organization=org, roles=[Role.APPLICANT])
    login(page, "boss")
    page.get_by_role("link", name="我的单位").click()
    page.get_by_role("link", name="登记关联关系").click()
    page.locator("#id_other_uscc").fill(child.uscc)
    page.locator("#id_kind").select_option(label="股权")
    page.get_by_label("对方隶属于/持股本单位").check()
    page.locator("#id_percent").fill("60")
    page.get_by_role("button", name="登记").click()
    page.get_by_text("已登记关联关系").wait_for()
    relation = OrgRelation.objects.get()
    assert (relation.subject, relation.object, str(relation.percent)) == (child, org, "60.00")

    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="账号管理").click()
    row = page.locator("tr[data-username='leaver']")
    row.get_by_label("停用理由").fill("已离职")
    row.get_by_role("button", name="停用").click()
    page.get_by_text("理由已通知本人").wait_for()
    assert User.objects.get(username="leaver").account_state == AccountState.DISABLED


def test_bureau_records_an_offline_classified_entry(page):
    open_call()
    org = OrganizationFactory(name="涉密单位")
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    login(page, "bureau")
    page.get_by_role("link", name="涉密需求线下登记").click()
    page.get_by_label("申报单位统一社会信用代码").fill(org.uscc)
    page.get_by_label("线下受理编号").fill("MJ-2024-009")
    page.get_by_label("接收日期").fill("2024-08-20")
    page.get_by_label("负责人姓名").fill("保密负责人")
    page.get_by_label("负责人身份证号").fill(make_id_number(77, birth="19750505"))
    page.get_by_role("button", name="登记").click()
    page.get_by_text("已登记线下受理 MJ-2024-009").wait_for()
    assert OfflineDemandEntry.objects.get().organization == org


def test_applicant_withdraws_a_submitted_demand(page):
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    login(page, user.username)
    page.goto(f"/demands/{demand.pk}/")
    page.get_by_label("理由").fill("需求已通过其他渠道解决")
    page.get_by_role("button", name="撤回").click()
    page.get_by_text("需求已撤回").wait_for()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.WITHDRAWN
