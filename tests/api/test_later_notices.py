"""API v1 public notices (公示), announcements and objections (异议): public reads, filing as
the public page does (late or anonymous ones refused and kept), the bureau's handling with
masked personal data, who may not, constant queries."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from jiebang.api.models import ApiScope
from jiebang.notices import services
from jiebang.notices.models import Objection, ObjectionState
from jiebang.orgs.enums import Role
from tests.api.later_support import (
    API,
    FAST_HASHERS,
    assert_error,
    built_once,
    counted_get,
    post_json,
    token,
)
from tests.factories import OrganizationFactory, UserFactory, beijing, make_id_number
from tests.helpers import pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day")]

START = dt.date(2026, 3, 2)  # a Monday: five working days end on Friday 6 March, 23:59:59
ID_NUMBER = make_id_number(7)
PHONE = "13912345678"


def open_notice(bureau, title="关于拟立项项目的公示", start_on=START):
    return services.open_notice(
        title=title,
        body="拟立项项目名单如下。",
        start_on=start_on,
        working_days=5,
        subject=None,
        by=bureau,
    )


@pytest.fixture(scope="module")
def chain(django_db_setup, django_db_blocker, tmp_path_factory):
    with built_once(django_db_blocker, tmp_path_factory):
        with time_machine.travel(beijing(2026, 3, 2, 9, 0), tick=False):
            bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
            rows = SimpleNamespace(
                bureau=bureau,
                auditor=UserFactory(roles=[Role.AUDITOR]),
                unit_user=UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT]),
                notice=open_notice(bureau),
                announcement=services.publish_announcement(
                    title="2026年度榜单发布", body="详见榜单大厅。", by=bureau
                ),
            )
        yield rows


@pytest.fixture
def day(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with time_machine.travel(beijing(2026, 3, 4, 10, 0), tick=False):
        yield


def person(**overrides):
    data = {
        "kind": "person",
        "name": "李异议",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "content": "该项目的技术指标与事实不符。",
        "letter": pdf_upload("异议书.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anyone_reads_the_notices_and_files_an_objection(client, chain):
    listed = client.get(f"{API}/notices/").json()
    assert [n["id"] for n in listed["results"]] == [chain.notice.pk]
    notice = listed["results"][0]
    assert notice["accepting"] is True and notice["state_display"] == "公示中"
    assert notice["ends_at"] == "2026-03-06T23:59:59+08:00"
    assert client.get(f"{API}/notices/{chain.notice.pk}/").json()["working_days"] == 5
    announcements = client.get(f"{API}/announcements/?kind=notice").json()
    assert [a["title"] for a in announcements["results"]] == ["2026年度榜单发布"]

    filed = client.post(f"{API}/notices/{chain.notice.pk}/objections/", person())
    assert filed.status_code == 201, filed.content
    receipt = filed.json()
    assert receipt["state"] == ObjectionState.PENDING
    assert receipt["number"].startswith("YY")
    assert receipt["id_masked"] == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert receipt["phone_masked"] == "139****5678"
    assert ID_NUMBER not in filed.content.decode() and PHONE not in filed.content.decode()
    assert Objection.objects.get(pk=receipt["id"]).attachment is not None


def test_refused_objections_carry_their_codes(client, chain):
    url = f"{API}/notices/{chain.notice.pk}/objections/"
    anonymous = assert_error(client.post(url, person(name="", id_number="")), 400)
    assert anonymous["code"] == "OBJECTION-ANONYMOUS"
    kept = Objection.objects.get(pk=anonymous["details"][0]["objection_id"])
    assert kept.state == ObjectionState.REFUSED and kept.refusal_code == "OBJECTION-ANONYMOUS"

    no_letter = assert_error(client.post(url, person(letter=None)), 400, "OBJECTION-NO-LETTER")
    assert no_letter["details"][0]["field"] == "letter"
    invalid = assert_error(client.post(url, person(id_number="65010219800101")), 400)
    assert invalid["code"] == "OBJECTION-INVALID"
    assert {d["field"] for d in invalid["details"]} == {"id_number"}

    with time_machine.travel(beijing(2026, 3, 7, 0, 0, 0), tick=False):
        late = assert_error(client.post(url, person()), 400, "OBJECTION-LATE")
    assert Objection.objects.get(pk=late["details"][0]["objection_id"]).state == "refused"
    assert not Objection.objects.filter(state=ObjectionState.PENDING).exists()


def test_the_bureau_handles_objections_with_masked_data(client, chain):
    url = f"{API}/notices/{chain.notice.pk}/objections"
    first = services.file_objection(notice_id=chain.notice.pk, **person())
    second = services.file_objection(notice_id=chain.notice.pk, **person(name="王异议"))
    bureau = token(chain.bureau)

    listed = client.get(f"{url}/", **bureau)
    assert listed.status_code == 200, listed.content
    rows = listed.json()["results"]
    assert [r["id"] for r in rows] == [first.pk, second.pk]
    assert rows[0]["id_masked"].count("*") == 10 and rows[0]["phone_masked"] == "139****5678"
    assert ID_NUMBER not in listed.content.decode() and PHONE not in listed.content.decode()
    assert rows[0]["letter"]["url"].startswith("/files/")

    accepted = client.post(f"{url}/{first.pk}/accept/", **bureau)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted_for_handling"
    resolved = post_json(
        client, f"{url}/{first.pk}/resolve/", {"resolution": "经核查，指标属实。"}, bureau
    )
    assert resolved.status_code == 200 and resolved.json()["state"] == ObjectionState.RESOLVED
    assert_error(
        post_json(client, f"{url}/{second.pk}/refuse/", {"reason": ""}, bureau),
        400,
        "OBJECTION-REASON-REQUIRED",
    )
    assert_error(
        client.post(f"{API}/notices/{chain.notice.pk}/close/", **bureau), 400, "NOTICE-NOT-ENDED"
    )
    refused = post_json(client, f"{url}/{second.pk}/refuse/", {"reason": "未签名"}, bureau)
    assert refused.json()["refusal_code"] == "OBJECTION-REFUSED-BY-BUREAU"
    with time_machine.travel(beijing(2026, 3, 9, 9, 0), tick=False):
        closed = client.post(f"{API}/notices/{chain.notice.pk}/close/", **bureau)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_who_may_not(client, chain):
    url = f"{API}/notices/{chain.notice.pk}/objections"
    objection = services.file_objection(notice_id=chain.notice.pk, **person())
    assert_error(client.get(f"{url}/"), 401, "NOT-AUTHENTICATED")
    assert_error(client.get(f"{url}/", **token(chain.unit_user)), 403, "PERMISSION-DENIED")
    auditor = token(chain.auditor)
    assert client.get(f"{url}/", **auditor).status_code == 200
    assert_error(client.post(f"{url}/{objection.pk}/accept/", **auditor), 403, "PERMISSION-DENIED")
    assert_error(client.post(f"{API}/notices/{chain.notice.pk}/close/"), 401)
    read_only = token(chain.unit_user, scopes=[ApiScope.READ])
    assert_error(client.post(f"{url}/", person(), **read_only), 403, "PERMISSION-DENIED")
    assert_error(client.get(f"{API}/notices/999999/"), 404, "NOT-FOUND")
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.PENDING
    assert Objection.objects.count() == 1


def test_list_queries_do_not_grow_with_rows(client, chain):
    bureau = token(chain.bureau)
    objections = f"{API}/notices/{chain.notice.pk}/objections/"
    services.file_objection(notice_id=chain.notice.pk, **person())
    counts_one = [
        counted_get(client, f"{API}/notices/", {})[0],
        counted_get(client, f"{API}/announcements/", {})[0],
        counted_get(client, objections, bureau)[0],
    ]
    for n in range(2):
        open_notice(chain.bureau, title=f"公示{n}", start_on=dt.date(2026, 3, 4))
        services.publish_announcement(title=f"公告{n}", body="正文", by=chain.bureau)
        services.file_objection(notice_id=chain.notice.pk, **person())
    counts_three = []
    for url, headers in (
        (f"{API}/notices/", {}),
        (f"{API}/announcements/", {}),
        (objections, bureau),
    ):
        queries, body = counted_get(client, url, headers)
        assert body["count"] == 3, url
        counts_three.append(queries)
    assert counts_one == counts_three
