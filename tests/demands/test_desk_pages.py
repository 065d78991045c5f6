"""The district and bureau desks as pages: scope, refusals, batch actions, queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core import clock
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand, PublicationBatch
from jiebang.orgs.enums import Role
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import DistrictFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def submitted(call, title, team_start):
    demand, user = valid_tb_demand(call=call, title=title, team_start=team_start)
    services.submit_demand(demand_id=demand.pk, by=user)
    return Demand.objects.select_related("organization__district").get(pk=demand.pk)


def test_district_desk_lists_own_district_and_recommends_in_a_batch(client):
    call = open_call()
    a = submitted(call, "本区需求甲", 10)
    b = submitted(call, "外区需求乙", 20)
    officer = UserFactory(district=a.organization.district, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    page = client.get("/district/demands/").content.decode()
    assert "本区需求甲" in page and "外区需求乙" not in page
    # b is not in the officer's district: it is reported and left alone.
    response = client.post(
        "/desk/batch/",
        {"action": "recommend", "ids": [a.pk, b.pk], "next": "/district/demands/"},
        follow=True,
    )
    text = response.content.decode()
    assert "已推荐 1 项需求" in text and "有 1 项需求不存在或不属于您的办理范围" in text
    assert Demand.objects.get(pk=a.pk).state == DemandState.RECOMMENDED
    assert Demand.objects.get(pk=b.pk).state == DemandState.SUBMITTED


def test_district_officer_cannot_see_or_act_on_another_districts_demand(client):
    call = open_call()
    other = submitted(call, "外区需求", 10)
    officer = UserFactory(district=DistrictFactory(), roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    assert client.get(f"/demands/{other.pk}/").status_code == 404
    assert client.post(f"/demands/{other.pk}/act/recommend/").status_code == 404
    assert Demand.objects.get(pk=other.pk).state == DemandState.SUBMITTED


def test_district_cannot_act_after_the_deadline(client):
    call = open_call()
    demand = submitted(call, "截止后推荐", 10)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    with time_machine.travel(call.recommendation_deadline + dt.timedelta(seconds=1), tick=False):
        client.force_login(officer)
        response = client.post(f"/demands/{demand.pk}/act/recommend/", follow=True)
    assert "推荐截止时间" in response.content.decode() and "已过" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.SUBMITTED


def test_return_from_the_detail_page_needs_a_reason_and_tells_the_unit(client):
    call = open_call()
    demand = submitted(call, "待退回", 10)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    response = client.post(f"/demands/{demand.pk}/act/return/", {"reason": ""}, follow=True)
    assert "退回时必须填写理由" in response.content.decode()
    response = client.post(
        f"/demands/{demand.pk}/act/return/", {"reason": "投入构成不清"}, follow=True
    )
    assert "已退回修改，理由已通知申报单位" in response.content.decode()
    demand.refresh_from_db()
    assert demand.state == DemandState.RETURNED and demand.state_reason == "投入构成不清"


def test_bureau_sees_versions_diff_after_a_return_and_resubmission(client):
    call = open_call()
    demand = submitted(call, "改过的需求", 10)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    services.return_demand(demand_id=demand.pk, by=officer, reason="请补充时限")
    services.update_demand(
        demand=demand, by=demand.created_by, fields={"time_requirement": "18个月内完成样机"}
    )
    services.submit_demand(demand_id=demand.pk, by=demand.created_by)
    client.force_login(bureau)
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert (
        "与上一版本相比的修改" in page
        and "18个月内完成样机" in page
        and "24个月内完成样机并示范应用" in page
    )
    assert f"{demand.number}-V2" in page and demand.number in page


def test_only_bureau_publishes_and_unit_cannot_open_desks(client):
    call = open_call()
    demand = submitted(call, "需求", 10)
    applicant = demand.created_by
    client.force_login(applicant)
    for url in ("/district/demands/", "/bureau/demands/", "/bureau/publish/"):
        assert client.get(url).status_code == 403
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    assert (
        client.post(
            "/bureau/publish/",
            {"title": "x", "solicitation_deadline": "2099-01-01T00:00:00", "ids": [demand.pk]},
        ).status_code
        == 403
    )
    assert client.post(f"/demands/{demand.pk}/act/accept/").status_code == 403
    assert not PublicationBatch.objects.exists()


def test_bureau_publishes_from_the_page(client):
    call = open_call(expert_review_of_demands=False)
    demand = submitted(call, "待发布需求", 10)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    services.recommend_demand(demand_id=demand.pk, by=officer)
    services.accept_demand(demand_id=demand.pk, by=bureau)
    client.force_login(bureau)
    assert "待发布需求" in client.get("/bureau/publish/").content.decode()
    deadline = clock.beijing(clock.now() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post(
        "/bureau/publish/",
        {"title": "第一批榜单", "solicitation_deadline": deadline, "ids": [demand.pk]},
        follow=True,
    )
    assert "已发布 1 项需求" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).state == DemandState.PUBLISHED


def test_recommendation_letter_lists_what_the_district_recommended(client):
    from pypdf import PdfReader

    from jiebang.demands.documents import pdf_support

    if not pdf_support()[0]:
        pytest.skip("PDF rendering unavailable here")
    call = open_call()
    demand = submitted(call, "推荐函中的需求", 10)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    services.recommend_demand(demand_id=demand.pk, by=officer)
    client.force_login(officer)
    response = client.get(f"/district/letter/{call.pk}.pdf")
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())
    assert "推荐函" in flat and "推荐函中的需求" in flat and demand.number in flat


@pytest.mark.parametrize("desk", ["district", "bureau"])
def test_desk_lists_query_count_is_constant(client, desk):
    call = open_call()
    district = DistrictFactory()
    from tests.demands.builders import issuer_with_applicant

    def add(n):
        org, user = issuer_with_applicant(district=district)
        demand, user = valid_tb_demand(
            call=call, org=org, user=user, title=f"队列{n}", team_start=100 + n * 10
        )
        services.submit_demand(demand_id=demand.pk, by=user)
        if desk == "bureau":
            services.recommend_demand(demand_id=demand.pk, by=officer)

    officer = UserFactory(district=district, roles=[Role.DISTRICT_OFFICER])
    viewer = officer if desk == "district" else UserFactory(roles=[Role.BUREAU_OFFICER])
    url = "/district/demands/" if desk == "district" else "/bureau/demands/"
    client.force_login(viewer)
    add(0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert "队列0" in client.get(url).content.decode()
    add(1)
    add(2)
    with CaptureQueriesContext(connection) as three:
        assert "队列2" in client.get(url).content.decode()
    assert len(one.captured_queries) == len(three.captured_queries)


def test_the_district_reads_the_materials_of_its_districts_submitted_demands(client):
    call = open_call()
    demand = submitted(call, "带材料的需求", 10)
    draft, _user = valid_tb_demand(call=call, title="草稿需求", team_start=40)
    link = demand.attachments.select_related("attachment").first()
    draft_link = draft.attachments.select_related("attachment").first()
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    client.force_login(officer)
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "申报材料" in page and link.attachment.original_name in page
    assert client.get(f"/files/{link.attachment.uuid}/").status_code == 200
    # A draft stays its unit's own, and another district sees neither.
    assert client.get(f"/files/{draft_link.attachment.uuid}/").status_code == 403
    client.force_login(UserFactory(district=DistrictFactory(), roles=[Role.DISTRICT_OFFICER]))
    assert client.get(f"/files/{link.attachment.uuid}/").status_code == 403
