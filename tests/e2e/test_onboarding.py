"""Browser: register a unit → bureau verifies → unit admin approves an applicant → applicant sees 我的单位."""

import pytest

from jiebang.orgs.enums import AccountState, Role, VerificationState
from jiebang.orgs.models import Organization, User
from tests.e2e.conftest import login, logout
from tests.factories import DistrictFactory, UserFactory, make_uscc
from tests.helpers import pdf_file_on_disk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_unit_onboarding_end_to_end(page, tmp_path):
    district = DistrictFactory(code="650102", name="天山区", office_name="天山区科技局")
    UserFactory(username="bureau", roles=[Role.BUREAU_OFFICER])
    uscc = make_uscc(777)

    # 1. A unit registers itself and its administrator account.
    page.goto("/")
    page.get_by_role("link", name="单位注册").first.click()
    page.locator("#id_org-name").fill("乌鲁木齐天山智能装备有限公司")
    page.locator("#id_org-uscc").fill(uscc)
    page.locator("#id_org-kind").select_option(label="企业")
    page.locator("#id_org-district").select_option(label=str(district))
    page.locator("#id_org-registered_in_city_on").fill("2016-05-20")
    page.locator("#id_org-address").fill("乌鲁木齐市天山区中山路88号")
    page.locator("#id_org-contact_name").fill("孙联系")
    page.locator("#id_org-contact_phone").fill("0991-2824158")
    page.locator("#id_org-business_license").set_input_files(str(pdf_file_on_disk(tmp_path)))
    page.locator("#id_admin-username").fill("tszb_admin")
    page.locator("#id_admin-real_name").fill("周管理")
    page.locator("#id_admin-mobile").fill("13899991234")
    page.locator("#id_admin-password1").fill("Tianshan#2024")
    page.locator("#id_admin-password2").fill("Tianshan#2024")
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url("**/org/")
    assert "单位注册已提交" in page.content()
    assert page.get_by_text("待审核").first.is_visible()
    logout(page)

    # 2. An applicant asks for an account under that unit.
    page.goto("/register/applicant/")
    page.locator("#id_uscc").fill(uscc)
    page.locator("#id_username").fill("tszb_shenbao")
    page.locator("#id_real_name").fill("吴申报")
    page.locator("#id_mobile").fill("13899995678")
    page.locator("#id_password1").fill("Shenbao#2024")
    page.locator("#id_password2").fill("Shenbao#2024")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("申请已提交").first.wait_for()

    # 3. The bureau verifies the unit from its queue.
    login(page, "bureau")
    page.get_by_role("link", name="单位认证").click()
    page.get_by_role("link", name="乌鲁木齐天山智能装备有限公司").click()
    page.get_by_role("button", name="认证通过").click()
    page.get_by_text("已认证通过").first.wait_for()
    assert Organization.objects.get(uscc=uscc).verification_state == VerificationState.VERIFIED
    logout(page)

    # 4. The unit admin approves the applicant (logging in with the mobile number).
    login(page, "13899991234", "Tianshan#2024")
    page.get_by_role("link", name="账号管理").click()
    row = page.locator("tr[data-username='tszb_shenbao']")
    row.get_by_role("button", name="审批通过").click()
    page.get_by_text("已审批通过").first.wait_for()
    assert User.objects.get(username="tszb_shenbao").account_state == AccountState.ACTIVE
    logout(page)

    # 5. The applicant logs in and sees 我的单位.
    login(page, "tszb_shenbao", "Shenbao#2024")
    page.get_by_role("link", name="我的单位").click()
    page.wait_for_url("**/org/")
    assert page.get_by_role("heading", name="我的单位").is_visible()
    assert page.get_by_text("乌鲁木齐天山智能装备有限公司").first.is_visible()
    assert page.get_by_text("已认证").first.is_visible()
