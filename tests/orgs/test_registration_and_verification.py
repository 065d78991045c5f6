"""Unit registration → bureau verification → member approval, and the refusals around them."""

import pytest
from django.contrib.auth import authenticate

from jiebang.core.models import Attachment, AuditEntry, Notification
from jiebang.orgs.enums import AccountState, Role, VerificationState
from jiebang.orgs.models import Organization, User
from tests.factories import DistrictFactory, OrganizationFactory, UserFactory, make_uscc
from tests.helpers import pdf_upload
from tests.orgs.support import login_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def registration_post(district, uscc=None, license_file=None, **overrides):
    data = {
        "org-name": "乌鲁木齐新材料研究有限公司",
        "org-uscc": uscc or make_uscc(9001),
        "org-kind": "enterprise",
        "org-is_independent_legal_person": "on",
        "org-district": district.pk,
        "org-registered_in_city_on": "2018-06-01",
        "org-address": "乌鲁木齐市新市区北京南路1号",
        "org-legal_representative": "王法人",
        "org-contact_name": "李联系",
        "org-contact_phone": "0991-2824158",
        "org-tech_certification": "",
        "admin-username": "xcl_admin",
        "admin-real_name": "赵管理",
        "admin-mobile": "13899990001",
        "admin-email": "admin@example.com",
        "admin-password1": "Xinjiang#2024",
        "admin-password2": "Xinjiang#2024",
        "org-business_license": license_file or pdf_upload(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def bureau():
    return UserFactory(username="bureau1", roles=[Role.BUREAU_OFFICER])


def test_registration_creates_pending_unit_admin_license_and_audit(client, bureau):
    district = DistrictFactory()
    response = client.post("/register/", registration_post(district))
    assert response.status_code == 302 and response["Location"] == "/org/"
    org = Organization.objects.get(uscc=make_uscc(9001))
    assert org.verification_state == VerificationState.PENDING
    assert org.contact_phone == "0991-2824158" and org.contact_phone_masked == "0991-****4158"
    admin = User.objects.get(username="xcl_admin")
    assert (
        admin.organization == org
        and admin.has_role(Role.ORG_ADMIN)
        and admin.has_role(Role.APPLICANT)
    )
    license_doc = Attachment.objects.get(organization=org, kind="business_license")
    assert license_doc.file_type == "pdf" and license_doc.original_name == "营业执照.pdf"
    assert AuditEntry.objects.filter(action="org.registered", target_id=str(org.pk)).exists()
    assert Notification.objects.filter(recipient=bureau, title__contains=org.name).exists()
    page = client.get("/org/").content.decode()
    assert "待审核" in page and org.name in page


def test_registration_with_wrong_uscc_check_keeps_input_and_writes_nothing(client):
    district = DistrictFactory()
    bad = make_uscc(9002)[:-1] + ("0" if make_uscc(9002)[-1] != "0" else "1")
    response = client.post("/register/", registration_post(district, uscc=bad))
    assert response.status_code == 200
    page = response.content.decode()
    assert "统一社会信用代码校验位不正确" in page
    assert "乌鲁木齐新材料研究有限公司" in page and "13899990001" in page  # typed values kept
    assert (
        not Organization.objects.exists() and not User.objects.filter(username="xcl_admin").exists()
    )


def test_registration_with_fake_pdf_is_refused_by_content(client):
    district = DistrictFactory()
    fake = pdf_upload(name="营业执照.pdf", content=b"just some text pretending to be a pdf")
    response = client.post("/register/", registration_post(district, license_file=fake))
    assert response.status_code == 200
    assert "内容不是允许的类型" in response.content.decode()
    assert not Organization.objects.exists() and not Attachment.objects.exists()


def test_duplicate_uscc_is_refused_in_chinese(client):
    existing = OrganizationFactory()
    response = client.post("/register/", registration_post(existing.district, uscc=existing.uscc))
    assert "该统一社会信用代码已注册" in response.content.decode()
    assert Organization.objects.count() == 1


def test_bureau_verifies_and_admin_is_notified(client, bureau):
    org = OrganizationFactory(verification_state=VerificationState.PENDING)
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    client.force_login(bureau)
    assert org.name in client.get("/bureau/units/").content.decode()
    response = client.post(f"/units/{org.pk}/verify/", follow=True)
    assert "已认证通过" in response.content.decode()
    org.refresh_from_db()
    assert org.verification_state == VerificationState.VERIFIED and org.verified_at is not None
    assert Notification.objects.filter(recipient=admin, title="单位注册已审核通过").exists()
    assert AuditEntry.objects.filter(
        action="org.verified", actor=bureau, target_id=str(org.pk)
    ).exists()


def test_reject_requires_a_reason_and_changes_nothing_without_it(client, bureau):
    org = OrganizationFactory(verification_state=VerificationState.PENDING)
    client.force_login(bureau)
    response = client.post(f"/units/{org.pk}/reject/", {"reason": "  "}, follow=True)
    assert "必须填写理由" in response.content.decode()
    org.refresh_from_db()
    assert org.verification_state == VerificationState.PENDING
    client.post(f"/units/{org.pk}/reject/", {"reason": "营业执照扫描件不清晰"})
    org.refresh_from_db()
    assert org.verification_state == VerificationState.REJECTED
    assert org.verification_reason == "营业执照扫描件不清晰"


def test_rejected_unit_edits_and_goes_back_to_the_queue(client):
    org = OrganizationFactory(
        verification_state=VerificationState.REJECTED, verification_reason="地址不全"
    )
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    client.force_login(admin)
    form = client.get("/org/edit/").context["form"]
    data = {
        k: ("on" if v is True else v) for k, v in form.initial.items() if v not in (None, False)
    }
    data.update(
        {
            "district": org.district_id,
            "address": "乌鲁木齐市天山区解放北路100号",
            "contact_phone": "13912345678",
        }
    )
    data["registered_in_city_on"] = "2015-03-01"
    response = client.post("/org/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.verification_state == VerificationState.PENDING
    assert org.address == "乌鲁木齐市天山区解放北路100号"


def test_only_bureau_may_verify(client):
    org = OrganizationFactory(verification_state=VerificationState.PENDING)
    applicant = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(applicant)
    assert client.post(f"/units/{org.pk}/verify/").status_code == 403
    assert client.get("/bureau/units/").status_code == 403
    org.refresh_from_db()
    assert org.verification_state == VerificationState.PENDING


def test_applicant_signs_up_admin_approves_then_applicant_logs_in_by_mobile(client):
    org = OrganizationFactory()
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN, Role.APPLICANT])
    response = client.post(
        "/register/applicant/",
        {
            "uscc": org.uscc,
            "username": "shenbao1",
            "real_name": "钱申报",
            "mobile": "13700001111",
            "password1": "Urumqi@2024x",
            "password2": "Urumqi@2024x",
        },
    )
    assert "申请已提交" in response.content.decode()
    applicant = User.objects.get(username="shenbao1")
    assert applicant.account_state == AccountState.PENDING
    assert (
        authenticate(login_request(), username="shenbao1", password="Urumqi@2024x") is None
    )  # pending cannot log in
    client.force_login(admin)
    client.post(f"/org/members/{applicant.pk}/approve/")
    applicant.refresh_from_db()
    assert applicant.account_state == AccountState.ACTIVE
    assert (
        authenticate(login_request(), username="13700001111", password="Urumqi@2024x") == applicant
    )
    assert Notification.objects.filter(recipient=applicant, title="您的申报人账号已开通").exists()


def test_unverified_unit_admin_cannot_approve_members(client):
    org = OrganizationFactory(verification_state=VerificationState.PENDING)
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    pending = UserFactory(
        organization=org, roles=[Role.APPLICANT], account_state=AccountState.PENDING
    )
    client.force_login(admin)
    assert "尚未通过市科技局认证" in client.get("/org/members/").content.decode()
    assert client.post(f"/org/members/{pending.pk}/approve/").status_code == 403
    pending.refresh_from_db()
    assert pending.account_state == AccountState.PENDING


def test_applicant_cannot_approve_members(client):
    org = OrganizationFactory()
    applicant = UserFactory(organization=org, roles=[Role.APPLICANT])
    pending = UserFactory(
        organization=org, roles=[Role.APPLICANT], account_state=AccountState.PENDING
    )
    client.force_login(applicant)
    assert client.get("/org/members/").status_code == 403
    assert client.post(f"/org/members/{pending.pk}/approve/").status_code == 403
    pending.refresh_from_db()
    assert pending.account_state == AccountState.PENDING


def test_admin_cannot_manage_another_units_member(client):
    admin = UserFactory(organization=OrganizationFactory(), roles=[Role.ORG_ADMIN])
    stranger = UserFactory(organization=OrganizationFactory(), account_state=AccountState.PENDING)
    client.force_login(admin)
    assert client.post(f"/org/members/{stranger.pk}/approve/").status_code == 403
    stranger.refresh_from_db()
    assert stranger.account_state == AccountState.PENDING


def test_disable_needs_reason_then_blocks_login(client):
    org = OrganizationFactory()
    admin = UserFactory(organization=org, roles=[Role.ORG_ADMIN])
    member = UserFactory(organization=org, roles=[Role.APPLICANT])
    client.force_login(admin)
    response = client.post(f"/org/members/{member.pk}/disable/", {"reason": ""}, follow=True)
    assert "必须填写理由" in response.content.decode()
    client.post(f"/org/members/{member.pk}/disable/", {"reason": "已离职"})
    member.refresh_from_db()
    assert member.account_state == AccountState.DISABLED and member.state_reason == "已离职"
    assert authenticate(login_request(), username=member.username, password="Jiebang!2024") is None


def test_district_officer_sees_only_own_district(client):
    own, other = DistrictFactory(), DistrictFactory()
    mine = OrganizationFactory(district=own, name="天山区本辖区企业")
    theirs = OrganizationFactory(district=other, name="别的区的企业")
    officer = UserFactory(district=own, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    listing = client.get("/district/units/").content.decode()
    assert mine.name in listing and theirs.name not in listing
    assert client.get(f"/units/{mine.pk}/").status_code == 200
    refused = client.get(f"/units/{theirs.pk}/")
    assert refused.status_code == 404 and theirs.name not in refused.content.decode()


def test_unit_member_cannot_open_another_unit(client):
    member = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    other = OrganizationFactory(name="另一家单位")
    client.force_login(member)
    assert client.get(f"/units/{other.pk}/").status_code == 404


def test_public_pages_render_in_chinese_with_helpdesk(client):
    page = client.get("/").content.decode()
    assert "揭榜挂帅" in page and "0991-2824158" in page and 'lang="zh-CN"' in page
    assert client.get("/work/").status_code == 302  # login required
