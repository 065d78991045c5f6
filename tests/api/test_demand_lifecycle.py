"""The acceptance test of the REST API: a demand driven through its whole lifecycle over
HTTP only, each party with its own token (an applicant, a district officer, a bureau
officer), plus the return-and-resubmit path and the refusals (wrong role, wrong district,
no credentials), each answered with the one error shape."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.api.models import ApiScope
from jiebang.core import clock
from jiebang.demands.enums import AttachmentKind, DemandState
from jiebang.demands.models import Demand, DemandEvent, DemandVersion
from jiebang.orgs.enums import Role
from tests.api.core_support import API, assert_error, auth, token_for
from tests.demands.builders import TB_FILES, issuer_with_applicant, open_call, team, valid_tb_demand
from tests.factories import DistrictFactory, UserFactory
from tests.helpers import pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

S = DemandState


@pytest.fixture
def world():
    """A call without expert review of demands (accepted → publishable), a unit in a
    district with its applicant, that district's officer, another district's officer and a
    bureau officer; each with a read-write token issued through the service."""
    call = open_call(expert_review_of_demands=False)
    district = DistrictFactory(name="水磨沟区", office_name="水磨沟区科技局")
    other_district = DistrictFactory(name="米东区", office_name="米东区科技局")
    org, applicant = issuer_with_applicant(district=district)
    officer = UserFactory(district=district, roles=[Role.DISTRICT_OFFICER])
    stranger = UserFactory(district=other_district, roles=[Role.DISTRICT_OFFICER])
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    return {
        "call": call,
        "org": org,
        "applicant": auth(token_for(applicant)),
        "district": auth(token_for(officer)),
        "stranger": auth(token_for(stranger)),
        "bureau": auth(token_for(bureau)),
    }


def post(client, url, headers, data=None, **kwargs):
    return client.post(url, data or {}, content_type="application/json", **headers, **kwargs)


def patch(client, url, headers, data):
    return client.patch(url, data, content_type="application/json", **headers)


def codes(findings) -> set[str]:
    return {f["code"] for f in findings}


def fill_over_http(client, headers, demand_id, *, industry_id, audit_years, team_start):
    """Everything the 2024 guide asks of a technology-breakthrough demand, as the editor's
    steps would save it: fields, indicators, team, audit-year figures, then the files."""
    url = f"{API}/demands/{demand_id}/"
    response = patch(
        client,
        url,
        headers,
        {
            "industry": industry_id,
            "summary": "面向风电场的智能运维需求。",
            "problem": "风机叶片缺陷早期识别准确率不足。",
            "time_requirement": "24个月内完成样机并示范应用",
            "ip_terms": "背景知识产权归各自所有，项目新产生知识产权归发榜方所有",
            "solver_conditions": "具有相关领域研发经验和团队",
            "total_investment": "5000000.00",
            "period_months": 36,
            "contact_name": "张联络员",
            "contact_phone": "13987654321",
            "declares_end_user": True,
            "commits_funding": True,
            "support_conditions": "试验场地与设备齐全",
            "indicators": [
                {
                    "name": "缺陷识别准确率",
                    "target_value": "≥95",
                    "unit": "%",
                    "test_method": "第三方检测",
                }
            ],
            "team": team(team_start),
            "financials": [
                {"year": y, "revenue": "80000000.00", "rnd_spend": "6000000.00"}
                for y in audit_years
            ],
        },
    )
    assert response.status_code == 200, response.content.decode()
    uploads = [(kind, None) for kind in TB_FILES]
    uploads += [(AttachmentKind.AUDIT_REPORT, y) for y in audit_years]
    for kind, year in uploads:
        data = {"kind": kind, "file": pdf_upload(f"{kind}-{year or ''}.pdf")}
        if year:
            data["year"] = year
        response = client.post(f"{url}attachments/", data, **headers)
        assert response.status_code == 201, response.content.decode()
        assert response.json()["kind"] == kind
    return response


def create_draft(client, headers, title):
    response = post(
        client, f"{API}/demands/", headers, {"category": "tech_breakthrough", "title": title}
    )
    assert response.status_code == 201, response.content.decode()
    return response.json()


def test_a_demand_goes_from_draft_to_the_public_hall_over_http(client, world):
    applicant, district, bureau = world["applicant"], world["district"], world["bureau"]

    # The active call tells the applicant its industries and audit years.
    call = client.get(f"{API}/calls/active/", **applicant).json()
    assert call["id"] == world["call"].pk
    assert call["min_total_investment"] == "5000000.00"
    industry_id = call["industries"][0]["id"]

    # 1. A draft.
    draft = create_draft(client, applicant, "风电叶片缺陷智能识别技术攻关")
    assert draft["state"] == S.DRAFT
    assert draft["organization"]["id"] == world["org"].pk
    url = f"{API}/demands/{draft['id']}/"

    # 2. The pre-check lists everything missing at once; submitting now is refused with it.
    precheck = post(client, f"{url}precheck/", applicant).json()
    assert not precheck["can_submit"]
    assert precheck["blocking"] >= 5
    missing = codes(precheck["findings"])
    assert {"TB-CONTENT", "FUND-MIN", "ATT-APPLICATION-FORM", "TB-AUDIT-REPORTS"} <= missing
    for finding in precheck["findings"]:
        assert set(finding) == {"code", "severity", "message", "clause", "field", "blocks"}
    refused = assert_error(post(client, f"{url}submit/", applicant), 400, "DEMAND-INELIGIBLE")
    assert codes(refused["details"]) == {f["code"] for f in precheck["findings"] if f["blocks"]}
    assert Demand.objects.get(pk=draft["id"]).state == S.DRAFT

    # 3. Fill it in and upload the files: the pre-check has nothing left to say.
    fill_over_http(
        client,
        applicant,
        draft["id"],
        industry_id=industry_id,
        audit_years=call["effective_audit_years"],
        team_start=300,
    )
    precheck = post(client, f"{url}precheck/", applicant).json()
    assert precheck == {"findings": [], "blocking": 0, "can_submit": True}

    # The detail shows the content with personal data masked only.
    detail = client.get(url, **applicant)
    body = detail.content.decode()
    data = detail.json()
    assert data["contact_phone_masked"] == "139****4321"
    assert "13987654321" not in body
    assert [m["position"] for m in data["team"]] == [1, 2, 3]
    for member, plain in zip(data["team"], team(300), strict=True):
        assert plain["id_number"] not in body
        assert member["id_masked"] == plain["id_number"][:4] + "*" * 10 + plain["id_number"][-4:]
    assert data["indicators"][0]["name"] == "缺陷识别准确率"
    assert len(data["attachments"]) == len(TB_FILES) + 2
    assert all(len(a["sm3"]) == 64 for a in data["attachments"])

    # 4. Submit: the receipt (number, digest, server time).
    receipt = post(client, f"{url}submit/", applicant)
    assert receipt.status_code == 201, receipt.content.decode()
    receipt = receipt.json()
    assert re.fullmatch(r"JB-\d{4}-TB-\d{6}", receipt["number"])
    assert re.fullmatch(r"[0-9a-f]{64}", receipt["digest"])
    version = DemandVersion.objects.get(demand_id=draft["id"])
    assert (version.receipt_number, version.digest) == (receipt["number"], receipt["digest"])
    assert receipt["submitted_at"]

    # A second submit (double click, second system) is refused with the error shape.
    again = assert_error(post(client, f"{url}submit/", applicant), 409, "DEMAND-ALREADY-SUBMITTED")
    assert receipt["number"] in again["message"]
    assert DemandVersion.objects.filter(demand_id=draft["id"]).count() == 1

    # Refusals: the applicant cannot recommend; another district does not see it; no token.
    assert_error(post(client, f"{url}recommend/", applicant), 403, "PERMISSION-DENIED")
    assert_error(client.get(url, **world["stranger"]), 404, "NOT-FOUND")
    assert_error(post(client, f"{url}recommend/", world["stranger"]), 404, "NOT-FOUND")
    assert_error(client.get(f"{API}/demands/"), 401, "NOT-AUTHENTICATED")
    assert_error(post(client, f"{url}recommend/", {}), 401, "NOT-AUTHENTICATED")
    assert Demand.objects.get(pk=draft["id"]).state == S.SUBMITTED

    # 5. The district sees it in its queue and recommends it.
    queue = client.get(f"{API}/demands/", {"state": S.SUBMITTED}, **district).json()
    assert [d["id"] for d in queue["results"]] == [draft["id"]]
    recommended = post(client, f"{url}recommend/", district, {"opinion": "同意推荐"})
    assert recommended.status_code == 200, recommended.content.decode()
    assert recommended.json()["state"] == S.RECOMMENDED

    # 6. The bureau's formal review passes it.
    accepted = post(client, f"{url}accept/", bureau, {"opinion": "形式审查通过"})
    assert accepted.status_code == 200, accepted.content.decode()
    assert accepted.json()["state"] == S.ACCEPTED

    # 7. Publishing: the applicant may not; the bureau publishes the batch.
    deadline = (clock.now() + dt.timedelta(days=30)).replace(microsecond=0)
    batch = {
        "ids": [draft["id"]],
        "title": "揭榜挂帅榜单（第一批）",
        "solicitation_deadline": deadline.isoformat(),
    }
    assert_error(post(client, f"{API}/demands/publish/", applicant, batch), 403)
    published = post(client, f"{API}/demands/publish/", bureau, batch)
    assert published.status_code == 201, published.content.decode()
    assert published.json()["demands"] == [draft["id"]]
    demand = Demand.objects.get(pk=draft["id"])
    assert demand.state == S.PUBLISHED
    assert demand.solicitation_deadline == deadline
    assert list(demand.events.values_list("action", flat=True)) == [
        "recommended",
        "accepted",
        "published",
    ]

    # 8. It is on the public list hall and in the open-data feed (no credentials at all).
    hall = client.get("/")
    assert hall.status_code == 200
    assert "风电叶片缺陷智能识别技术攻关" in hall.content.decode()
    feed = client.get("/feeds/demands.json").json()
    assert receipt["number"] in [item["id"] for item in feed["items"]]


def test_a_returned_demand_is_corrected_and_resubmitted_over_http(client, world):
    applicant, district = world["applicant"], world["district"]
    call = client.get(f"{API}/calls/active/", **applicant).json()
    draft = create_draft(client, applicant, "储能电站热失控预警技术攻关")
    url = f"{API}/demands/{draft['id']}/"
    fill_over_http(
        client,
        applicant,
        draft["id"],
        industry_id=call["industries"][0]["id"],
        audit_years=call["effective_audit_years"],
        team_start=330,
    )
    first = post(client, f"{url}submit/", applicant).json()

    # A return needs a reason; the refusal changes nothing.
    body = assert_error(post(client, f"{url}return/", district, {"reason": ""}), 400, "INVALID")
    assert "reason" in body["details"][0]
    assert Demand.objects.get(pk=draft["id"]).state == S.SUBMITTED

    returned = post(client, f"{url}return/", district, {"reason": "指标缺少检测方法说明"})
    assert returned.status_code == 200, returned.content.decode()
    assert returned.json()["state"] == S.RETURNED
    assert returned.json()["resubmit_by"]

    # The unit sees why, corrects it (keeping the team by person id) and resubmits.
    detail = client.get(url, **applicant).json()
    assert detail["state_reason"] == "指标缺少检测方法说明"
    # Replacing the signed application form: remove it (the pre-check notices), upload anew.
    form = next(a for a in detail["attachments"] if a["kind"] == "application_form")
    assert client.delete(f"{url}attachments/{form['id']}/", **applicant).status_code == 204
    assert_error(client.delete(f"{url}attachments/{form['id']}/", **applicant), 404)
    assert "ATT-APPLICATION-FORM" in codes(
        post(client, f"{url}precheck/", applicant).json()["findings"]
    )
    upload = {"kind": "application_form", "file": pdf_upload("申请表（修改后）.pdf")}
    assert client.post(f"{url}attachments/", upload, **applicant).status_code == 201
    # Files are judged by their bytes; a kind the category does not take is refused.
    fake = {"kind": "application_form", "file": SimpleUploadedFile("表.pdf", b"MZ not a pdf")}
    body = assert_error(client.post(f"{url}attachments/", fake, **applicant), 400, "INVALID")
    assert "表.pdf" in body["message"]
    wrong = {"kind": "test_report", "file": pdf_upload("检测报告.pdf")}
    assert_error(client.post(f"{url}attachments/", wrong, **applicant), 400, "INVALID")
    kept_team = [
        {"name": m["name"], "person": m["person"], "title": m["title"]} for m in detail["team"]
    ]
    corrected = patch(
        client,
        url,
        applicant,
        {
            "indicators": [
                {
                    "name": "预警提前量",
                    "target_value": "≥30",
                    "unit": "分钟",
                    "test_method": "第三方检测机构按GB/T 36276检测",
                }
            ],
            "team": kept_team,
        },
    )
    assert corrected.status_code == 200, corrected.content.decode()
    assert [m["person"] for m in corrected.json()["team"]] == [m["person"] for m in detail["team"]]
    second = post(client, f"{url}submit/", applicant)
    assert second.status_code == 201, second.content.decode()
    second = second.json()
    assert second["version"] == 2
    assert second["number"] == f"{first['number']}-V2"
    assert second["digest"] != first["digest"]

    # Both versions stay; the district can now recommend the corrected one.
    versions = client.get(url, **district).json()["versions"]
    assert [v["receipt_number"] for v in versions] == [first["number"], second["number"]]
    assert post(client, f"{url}recommend/", district).json()["state"] == S.RECOMMENDED
    assert list(
        DemandEvent.objects.filter(demand_id=draft["id"]).values_list("action", flat=True)
    ) == [
        "returned",
        "recommended",
    ]


def test_a_returned_demand_cannot_be_edited_by_the_district_nor_once_resubmitted(client, world):
    applicant, district = world["applicant"], world["district"]
    draft = create_draft(client, applicant, "氢能压缩机密封技术攻关")
    url = f"{API}/demands/{draft['id']}/"
    # A district officer never sees a draft; the bureau sees it but may not edit it.
    assert_error(client.get(url, **district), 404)
    assert_error(patch(client, url, world["bureau"], {"title": "改名"}), 403, "PERMISSION-DENIED")
    assert Demand.objects.get(pk=draft["id"]).title == "氢能压缩机密封技术攻关"


def test_desk_refusals_and_the_other_transitions(client, world):
    """not-recommend, reject, withdraw, the expert-review conclusion, and who may do which."""
    org = world["org"]
    applicant_user = org.members.get()
    demands = [
        valid_tb_demand(
            world["call"], org, applicant_user, title=f"需求{i}", team_start=400 + 3 * i
        )[0]
        for i in range(3)
    ]
    from jiebang.demands import services

    for demand in demands:
        services.submit_demand(demand_id=demand.pk, by=applicant_user)
    first, second, third = (f"{API}/demands/{d.pk}/" for d in demands)
    district, bureau, applicant = world["district"], world["bureau"], world["applicant"]

    # The bureau cannot act for the district; the district cannot take the bureau's review.
    assert_error(post(client, f"{first}recommend/", bureau), 403, "PERMISSION-DENIED")
    assert_error(post(client, f"{first}accept/", district), 403, "PERMISSION-DENIED")
    # Not recommending needs a reason.
    assert_error(post(client, f"{first}not-recommend/", district, {}), 400, "INVALID")
    response = post(client, f"{first}not-recommend/", district, {"reason": "不属于本区重点产业"})
    assert response.json()["state"] == S.NOT_RECOMMENDED
    # Acting again on a handled demand is a state conflict.
    assert_error(post(client, f"{first}recommend/", district), 409, "DEMAND-STATE")

    # The unit withdraws the second (a reason is required).
    assert_error(post(client, f"{second}withdraw/", applicant, {"reason": ""}), 400, "INVALID")
    response = post(client, f"{second}withdraw/", applicant, {"reason": "需求已自行解决"})
    assert response.json()["state"] == S.WITHDRAWN

    # The third is recommended, then refused by the bureau with a reason.
    post(client, f"{third}recommend/", district)
    assert_error(post(client, f"{third}reject/", bureau, {"reason": ""}), 400, "INVALID")
    response = post(client, f"{third}reject/", bureau, {"reason": "投入构成不清"})
    assert response.json()["state"] == S.REJECTED
    # This call has no expert review of demands: its conclusion is refused as such.
    assert_error(post(client, f"{third}approve/", bureau), 400)


def test_expert_review_conclusion_over_http(client):
    call = open_call()  # with expert review of demands (the default)
    demand, user = valid_tb_demand(call, team_start=480)
    from jiebang.demands import services

    services.submit_demand(demand_id=demand.pk, by=user)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    services.recommend_demand(demand_id=demand.pk, by=officer)
    bureau = auth(token_for(UserFactory(roles=[Role.BUREAU_OFFICER])))
    url = f"{API}/demands/{demand.pk}/"
    assert post(client, f"{url}accept/", bureau).json()["state"] == S.ACCEPTED
    # Not publishable before the expert review: all or nothing, with the list.
    deadline = (clock.now() + dt.timedelta(days=30)).isoformat()
    batch = {"ids": [demand.pk], "title": "第一批", "solicitation_deadline": deadline}
    body = assert_error(
        post(client, f"{API}/demands/publish/", bureau, batch), 400, "NOT-PUBLISHABLE"
    )
    assert body["details"][0]["id"] == demand.pk
    assert (
        post(client, f"{url}approve/", bureau, {"opinion": "论证通过"}).json()["state"]
        == S.APPROVED
    )
    assert post(client, f"{API}/demands/publish/", bureau, batch).status_code == 201


def test_list_filters_pagination_and_scope(client, world):
    org = world["org"]
    applicant_user = org.members.get()
    valid_tb_demand(world["call"], org, applicant_user, title="甲", team_start=500)
    other, other_user = valid_tb_demand(world["call"], title="乙", team_start=510)
    applicant, bureau = world["applicant"], world["bureau"]

    mine = client.get(f"{API}/demands/", **applicant).json()
    assert [d["title"] for d in mine["results"]] == ["甲"]
    everything = client.get(f"{API}/demands/", **bureau).json()
    assert everything["count"] == 2
    assert set(everything) == {"count", "next", "previous", "results"}
    assert client.get(f"{API}/demands/", {"state": S.SUBMITTED}, **bureau).json()["count"] == 0
    by_call = client.get(f"{API}/demands/", {"call": world["call"].pk}, **bureau).json()
    assert by_call["count"] == 2
    assert client.get(f"{API}/demands/", {"call": 2**40}, **bureau).status_code == 400
    industry = other.call.industries.first()
    assert client.get(f"{API}/demands/", {"industry": industry.pk}, **bureau).json()["count"] == 2
    assert_error(client.get(f"{API}/demands/", {"state": "nonsense"}, **bureau), 400, "INVALID")
    assert_error(client.get(f"{API}/demands/", {"page": 99}, **bureau), 404)
    # Another unit's demand is not found for the applicant.
    assert_error(client.get(f"{API}/demands/{other.pk}/", **applicant), 404)
    # A read-only token reads but does not write.
    reader = auth(token_for(applicant_user, scopes=[ApiScope.READ]))
    assert client.get(f"{API}/demands/", **reader).status_code == 200
    assert_error(
        post(client, f"{API}/demands/", reader, {"category": "tech_breakthrough", "title": "x"}),
        403,
        "PERMISSION-DENIED",
    )


def test_units_and_calls_are_scoped_and_masked(client, world):
    org = world["org"]
    org.contact_phone = "13912345678"
    org.contact_phone_masked = "139****5678"
    org.save()
    other_org, _user = issuer_with_applicant()
    units = client.get(f"{API}/units/", **world["applicant"]).json()
    assert [u["id"] for u in units["results"]] == [org.pk]
    assert units["results"][0]["contact_phone_masked"] == "139****5678"
    assert (
        "13912345678"
        not in client.get(f"{API}/units/{org.pk}/", **world["applicant"]).content.decode()
    )
    assert_error(client.get(f"{API}/units/{other_org.pk}/", **world["applicant"]), 404)
    # The district sees its district's units, the bureau all.
    district_units = client.get(f"{API}/units/", **world["district"]).json()
    assert [u["id"] for u in district_units["results"]] == [org.pk]
    assert client.get(f"{API}/units/", **world["bureau"]).json()["count"] >= 2
    calls = client.get(f"{API}/calls/", **world["applicant"]).json()
    assert [c["id"] for c in calls["results"]] == [world["call"].pk]


def _list_queries(client, headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/demands/", **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_demand_list_query_count_is_the_same_for_one_and_three(client):
    call = open_call()
    bureau = auth(token_for(UserFactory(roles=[Role.BUREAU_OFFICER])))
    valid_tb_demand(call, title="一", team_start=700)
    one, count = _list_queries(client, bureau)
    assert count == 1
    valid_tb_demand(call, title="二", team_start=710)
    valid_tb_demand(call, title="三", team_start=720)
    three, count = _list_queries(client, bureau)
    assert count == 3
    assert one == three


def _count(client, url, headers) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_unit_and_call_lists_query_count_is_the_same_for_one_and_three(client):
    from jiebang.calls.models import Industry
    from tests.factories import CallFactory, OrganizationFactory

    bureau = auth(token_for(UserFactory(roles=[Role.BUREAU_OFFICER])))
    industry = Industry.objects.create(code="x1", name="新材料")
    calls = [CallFactory(year=2024)]
    calls[0].industries.add(industry)
    OrganizationFactory()
    units_one, n = _count(client, f"{API}/units/", bureau)
    calls_one, m = _count(client, f"{API}/calls/", bureau)
    assert (n, m) == (1, 1)
    for year in (2022, 2023):
        call = CallFactory(year=year)
        call.industries.add(industry)
    OrganizationFactory(district=None)
    OrganizationFactory()
    units_three, n = _count(client, f"{API}/units/", bureau)
    calls_three, m = _count(client, f"{API}/calls/", bureau)
    assert (n, m) == (3, 3)
    assert (units_one, calls_one) == (units_three, calls_three)
