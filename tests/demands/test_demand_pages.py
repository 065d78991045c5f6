"""The demand editor pages: who may use them, autosave, errors that lose nothing, uploads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, DemandAttachment
from jiebang.orgs.enums import Role
from tests.demands.builders import (
    issuer_with_applicant,
    open_call,
    valid_at_demand,
    valid_tb_demand,
)
from tests.factories import OrganizationFactory, UserFactory
from tests.helpers import pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
STEPS = ["basic", "content", "funding", "team", "special", "attachments", "submit"]


@pytest.mark.parametrize("builder", [valid_tb_demand, valid_at_demand])
def test_every_step_renders_and_the_precheck_says_it_can_be_submitted(client, builder):
    demand, user = builder()
    client.force_login(user)
    for step in STEPS:
        response = client.get(f"/demands/{demand.pk}/edit/{step}/")
        assert response.status_code == 200
        assert demand.title in response.content.decode()
    panel = client.get(f"/demands/{demand.pk}/precheck/").content.decode()
    assert "可以提交" in panel


def test_create_from_the_page_then_submit_redirects_to_the_receipt(client):
    call = open_call()
    org, user = issuer_with_applicant()
    client.force_login(user)
    response = client.post("/demands/new/", {"category": "tech_breakthrough", "title": "新需求"})
    demand = Demand.objects.get(title="新需求")
    assert response["Location"] == f"/demands/{demand.pk}/edit/basic/"
    assert demand.call == call and demand.organization == org and demand.state == DemandState.DRAFT


def test_submit_page_refusal_lists_findings_and_keeps_draft(client):
    demand, user = valid_tb_demand()
    services.update_demand(demand=demand, by=user, fields={"commits_funding": False})
    client.force_login(user)
    response = client.post(f"/demands/{demand.pk}/submit/", follow=True)
    page = response.content.decode()
    assert "需求不符合申报条件，未提交" in page
    assert Demand.objects.get(pk=demand.pk).state == DemandState.DRAFT
    panel = client.get(f"/demands/{demand.pk}/precheck/").content.decode()
    assert 'data-code="TB-FUNDING-COMMIT"' in panel and "依据：申报指南 二（一）2（1）" in panel


def test_double_submit_from_the_page_lands_on_the_receipt_once(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    first = client.post(f"/demands/{demand.pk}/submit/")
    second = client.post(f"/demands/{demand.pk}/submit/", follow=True)
    assert first.status_code == 302
    assert "无需重复提交" in second.content.decode()
    assert demand.versions.count() == 1


def test_autosave_saves_valid_fields_and_reports_the_rest(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    response = client.post(
        f"/demands/{demand.pk}/edit/funding/",
        {
            "total_investment": "abc",
            "period_months": "40",
            "period_justification": "需要两个完整的供暖季验证",
        },
        headers={"X-Autosave": "1"},
    )
    text = response.content.decode()
    assert "已自动保存" in text and "1 处待修改" in text
    assert response["HX-Trigger"] == "demand-saved"
    demand.refresh_from_db()
    assert demand.period_months == 40 and demand.period_justification.startswith("需要两个")
    assert str(demand.total_investment) == "5000000.00"  # the invalid value was not saved


def test_a_failed_save_keeps_what_was_typed_and_changes_nothing(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    response = client.post(
        f"/demands/{demand.pk}/edit/team/",
        {
            "team-TOTAL_FORMS": "1",
            "team-INITIAL_FORMS": "0",
            "team-0-name": "新成员",
            "team-0-id_number": "650102198001010000",
            "team-0-title": "研究员",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "居民身份证号校验位不正确" in page and "新成员" in page and "650102198001010000" in page
    assert demand.team.count() == 3  # the saved team is untouched


def test_saved_ids_are_never_sent_back_and_blank_keeps_them(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    page = client.get(f"/demands/{demand.pk}/edit/team/").content.decode()
    leader = demand.team.get(position=1).person
    assert leader.id_number not in page and leader.id_masked in page
    rows = list(demand.team.order_by("position"))
    data = {"team-TOTAL_FORMS": "3", "team-INITIAL_FORMS": "3"}
    for i, m in enumerate(rows):
        data.update(
            {
                f"team-{i}-name": m.person.name,
                f"team-{i}-kept_person": m.person_id,
                f"team-{i}-id_number": "",
            }
        )
    data["team-2-DELETE"] = "on"
    assert client.post(f"/demands/{demand.pk}/edit/team/", data).status_code == 302
    assert list(demand.team.order_by("position").values_list("person_id", flat=True)) == [
        r.person_id for r in rows[:2]
    ]


def test_kept_person_cannot_smuggle_someone_elses_id(client):
    demand, user = valid_tb_demand()
    other, other_user = valid_tb_demand(title="别家的需求", team_start=900)
    stranger = other.team.get(position=1).person
    client.force_login(user)
    data = {
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "冒用",
        "team-0-kept_person": stranger.pk,
    }
    response = client.post(f"/demands/{demand.pk}/edit/team/", data)
    assert "请填写居民身份证号" in response.content.decode()
    assert not demand.team.filter(person=stranger).exists()


def test_upload_is_checked_by_content_and_nothing_is_linked_on_refusal(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    before = DemandAttachment.objects.filter(demand=demand).count()
    fake = pdf_upload(name="申请表.pdf", content=b"MZ\x90\x00 not a pdf at all")
    response = client.post(
        f"/demands/{demand.pk}/attachments/", {"kind": "application_form", "file": fake}
    )
    assert response.status_code == 400
    assert "内容不是允许的类型" in response.content.decode()
    assert DemandAttachment.objects.filter(demand=demand).count() == before


def test_audit_report_needs_its_year(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    response = client.post(
        f"/demands/{demand.pk}/attachments/", {"kind": "audit_report", "file": pdf_upload()}
    )
    assert "请选择审计报告对应的年度" in response.content.decode()


def test_other_units_and_roles_are_refused(client):
    demand, user = valid_tb_demand()
    outsider = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    expert = UserFactory(roles=[Role.EXPERT])
    other_district = UserFactory(
        district=OrganizationFactory().district, roles=[Role.DISTRICT_OFFICER]
    )
    own_district = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    for who in (outsider, expert, other_district):
        client.force_login(who)
        assert client.get(f"/demands/{demand.pk}/").status_code == 404
        assert client.post(f"/demands/{demand.pk}/submit/").status_code == 404
    client.force_login(expert)
    assert client.get("/demands/new/").status_code == 403
    # The own district officer does not see drafts; after submission it does, but cannot edit.
    client.force_login(own_district)
    assert client.get(f"/demands/{demand.pk}/").status_code == 404
    services.submit_demand(demand_id=demand.pk, by=user)
    assert client.get(f"/demands/{demand.pk}/").status_code == 200
    assert client.get(f"/demands/{demand.pk}/edit/basic/").status_code == 403
    assert Demand.objects.get(pk=demand.pk).state == DemandState.SUBMITTED


def test_a_submitted_demand_is_no_longer_editable_on_the_page(client):
    demand, user = valid_tb_demand()
    services.submit_demand(demand_id=demand.pk, by=user)
    client.force_login(user)
    assert client.get(f"/demands/{demand.pk}/edit/basic/").status_code == 403
    assert client.post(f"/demands/{demand.pk}/edit/basic/", {"title": "改"}).status_code == 403


def test_withdraw_from_the_page_needs_a_reason(client):
    demand, user = valid_tb_demand()
    client.force_login(user)
    client.post(f"/demands/{demand.pk}/withdraw/", {"reason": ""})
    assert Demand.objects.get(pk=demand.pk).state == DemandState.DRAFT
    client.post(f"/demands/{demand.pk}/withdraw/", {"reason": "不再需要"})
    assert Demand.objects.get(pk=demand.pk).state == DemandState.WITHDRAWN


def test_demand_list_query_count_is_constant(client):
    call = open_call()
    org, user = issuer_with_applicant()
    client.force_login(user)

    def add(n):
        services.create_demand(
            call=call, org=org, by=user, category="tech_breakthrough", title=f"需求{n}"
        )

    add(0)
    with CaptureQueriesContext(connection) as one:
        assert "需求0" in client.get("/demands/").content.decode()
    add(1)
    add(2)
    with CaptureQueriesContext(connection) as three:
        assert "需求2" in client.get("/demands/").content.decode()
    assert len(one.captured_queries) == len(three.captured_queries)


def test_forms_to_sign_download_as_word_and_pdf(client):
    from jiebang.demands.documents import pdf_support

    demand, user = valid_tb_demand()
    client.force_login(user)
    docx = client.get(f"/demands/{demand.pk}/forms/application_form.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    if pdf_support()[0]:
        pdf = client.get(f"/demands/{demand.pk}/forms/commit_leader.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    outsider = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    client.force_login(outsider)
    assert client.get(f"/demands/{demand.pk}/forms/application_form.docx").status_code == 404


def test_a_row_saved_by_autosave_survives_the_next_full_save(client):
    """Regression: autosave stored a new indicator; "保存并继续" with the same page data must
    keep it (it used to compare against the stored row, see nothing changed, and drop it)."""
    call = open_call()
    org, user = issuer_with_applicant()
    demand = services.create_demand(
        call=call, org=org, by=user, category="tech_breakthrough", title="新需求"
    )
    client.force_login(user)
    data = {
        "ind-TOTAL_FORMS": "1",
        "ind-INITIAL_FORMS": "0",
        "ind-0-name": "识别准确率",
        "ind-0-target_value": "≥95",
        "time_requirement": "24个月",
    }
    client.post(f"/demands/{demand.pk}/edit/content/", data, headers={"X-Autosave": "1"})
    assert demand.indicators.count() == 1
    response = client.post(f"/demands/{demand.pk}/edit/content/", data)
    assert response.status_code == 302
    assert list(demand.indicators.values_list("name", flat=True)) == ["识别准确率"]


def test_an_untouched_blank_row_does_not_block_saving(client):
    """The type lists start blank, so the extra empty row of IP items is ignored."""
    demand, user = valid_at_demand()
    client.force_login(user)
    page = client.get(f"/demands/{demand.pk}/edit/special/")
    form_data = {}
    for name in ("success_cases", "transfer_team"):
        form_data[name] = getattr(demand, name)
    form_data.update(
        {
            "task-TOTAL_FORMS": "2",
            "task-INITIAL_FORMS": "1",
            "task-0-name": "国家重点研发计划课题",
            "task-0-level": "national",
            "task-0-year": "2021",
            "task-0-role": "承担单位",
            "task-1-name": "",
            "task-1-level": "",
            "task-1-year": "",
            "task-1-role": "",
            "ip-TOTAL_FORMS": "2",
            "ip-INITIAL_FORMS": "1",
            "ip-0-kind": "invention_patent",
            "ip-0-number": "ZL202110000001.1",
            "ip-0-owner": demand.organization.name,
            "ip-0-legal_status": "有效",
            "ip-1-kind": "",
            "ip-1-number": "",
            "ip-1-owner": "",
            "ip-1-legal_status": "",
        }
    )
    assert page.status_code == 200
    assert client.post(f"/demands/{demand.pk}/edit/special/", form_data).status_code == 302
    assert demand.ip_items.count() == 1 and demand.research_tasks.count() == 1
