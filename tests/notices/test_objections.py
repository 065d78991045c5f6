"""Public notices (公示) and written objections: the period to the second, refusals with
their reasons, the bureau's handling, masking, permissions and constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core.errors import DomainError
from jiebang.core.models import AuditEntry, Notification
from jiebang.notices import services
from jiebang.notices.calendar import WorkingCalendar
from jiebang.notices.models import CalendarDay, Objection, PublicNotice
from jiebang.orgs.enums import Role
from tests.factories import (
    DistrictFactory,
    OrganizationFactory,
    UserFactory,
    beijing,
    make_id_number,
    make_uscc,
)
from tests.helpers import pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ID_NUMBER = make_id_number(7)
PHONE = "13912345678"


@pytest.fixture
def bureau():
    return UserFactory(roles=[Role.BUREAU_OFFICER], email="bureau@example.com")


@pytest.fixture
def at(time_machine):
    """Move the frozen clock to a Beijing wall time."""

    def move(*args):
        time_machine.move_to(beijing(*args), tick=False)

    return move


def open_at(at, bureau, start_on, working_days=5, *moment, title="公示"):
    at(*(moment or (start_on.year, start_on.month, start_on.day, 9, 0)))
    return services.open_notice(
        title=title,
        body="拟立项项目名单如下。",
        start_on=start_on,
        working_days=working_days,
        subject=None,
        by=bureau,
    )


def person_objection(notice, **overrides):
    fields = {
        "notice_id": notice.pk,
        "kind": "person",
        "name": "李异议",
        "id_number": ID_NUMBER,
        "unit_name": "",
        "uscc": "",
        "phone": PHONE,
        "content": "该项目的技术指标与事实不符。",
        "letter": pdf_upload("异议书.pdf"),
    }
    fields.update(overrides)
    return services.file_objection(**fields)


def refusal(callable_, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        callable_(*args, **kwargs)
    return caught.value


def test_an_objection_at_the_last_second_is_accepted_and_one_a_second_later_is_late(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    assert notice.ends_at == beijing(2024, 9, 13, 23, 59, 59)

    at(2024, 9, 13, 23, 59, 59)
    accepted = person_objection(notice)
    assert accepted.state == "pending"
    assert accepted.received_at == beijing(2024, 9, 13, 23, 59, 59)
    # Inclusive to the second: a fraction of the last second still counts.
    assert person_objection(notice, at=beijing(2024, 9, 13, 23, 59, 59, 999999)).state == "pending"

    # The next day is a make-up Saturday (调休), but the period ended on Friday.
    at(2024, 9, 14, 0, 0, 0)
    late = refusal(person_objection, notice)
    assert late.code == "OBJECTION-LATE"
    assert "2024-09-13 23:59:59" in late.message and "不予受理" in late.message
    stored = Objection.objects.get(pk=late.details[0]["objection_id"])
    assert stored.state == "refused"
    assert stored.refusal_code == "OBJECTION-LATE"
    assert stored.refusal_reason == late.message
    assert stored.attachment is not None  # the letter is kept with the refused row
    assert list(
        Objection.objects.filter(notice=notice).order_by("id").values_list("state", flat=True)
    ) == ["pending", "pending", "refused"]
    assert AuditEntry.objects.filter(action="notice.objection_refused").count() == 1


def test_a_notice_opened_before_national_day_2024_ends_later_because_of_the_holiday(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 26))
    # Thu 9/26, Fri 9/27, Sun 9/29 (调休), Mon 9/30, (10/1–10/7 国庆), Tue 10/8.
    assert notice.ends_at == beijing(2024, 10, 8, 23, 59, 59)
    assert WorkingCalendar().add_working_days(dt.date(2024, 9, 26), 5) == dt.date(2024, 10, 2)

    at(2024, 10, 3, 12, 0)  # inside the holiday: still within the notice
    assert person_objection(notice).state == "pending"
    at(2024, 10, 8, 23, 59, 59)
    assert person_objection(notice).state == "pending"
    at(2024, 10, 9, 0, 0, 0)
    assert refusal(person_objection, notice).code == "OBJECTION-LATE"


def test_the_seeded_calendar_has_the_state_council_arrangements():
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    assert days[dt.date(2024, 10, 7)] == "holiday"
    assert days[dt.date(2024, 10, 12)] == "workday"
    assert days[dt.date(2025, 1, 28)] == "holiday"  # 2025 春节 from 除夕
    assert days[dt.date(2025, 2, 8)] == "workday"
    assert days[dt.date(2026, 2, 23)] == "holiday"
    assert days[dt.date(2026, 9, 20)] == "workday"
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_period_reaching_a_year_without_an_arrangement_is_refused_until_it_is_entered(at, bureau):
    at(2026, 12, 28, 9, 0)
    missing = refusal(
        services.open_notice,
        title="年末公示",
        body="",
        start_on=dt.date(2026, 12, 28),
        working_days=5,
        subject=None,
        by=bureau,
    )
    assert missing.code == "NOTICE-CALENDAR-MISSING"
    assert "2027" in missing.message
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    notice = services.open_notice(
        title="年末公示",
        body="",
        start_on=dt.date(2026, 12, 28),
        working_days=5,
        subject=None,
        by=bureau,
    )
    assert notice.ends_at == beijing(2027, 1, 4, 23, 59, 59)


def test_an_anonymous_objection_is_refused_with_the_reason_and_kept(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    anonymous = refusal(person_objection, notice, name="", id_number="")
    assert anonymous.code == "OBJECTION-ANONYMOUS"
    assert "匿名" in anonymous.message
    unsigned_unit = refusal(person_objection, notice, kind="unit", unit_name="某公司", uscc="")
    assert unsigned_unit.code == "OBJECTION-ANONYMOUS"
    refused = Objection.objects.filter(notice=notice)
    assert [o.state for o in refused] == ["refused", "refused"]
    assert {o.refusal_code for o in refused} == {"OBJECTION-ANONYMOUS"}
    # Refusals are recorded, but they do not page the bureau.
    assert not Notification.objects.filter(recipient=bureau).exists()


def test_an_objection_without_its_letter_is_refused_and_not_stored(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    no_letter = refusal(person_objection, notice, letter=None)
    assert no_letter.code == "OBJECTION-NO-LETTER"
    assert no_letter.details == [{"field": "letter", "message": no_letter.message}]
    not_a_letter = refusal(person_objection, notice, letter=pdf_upload("异议书.pdf", b"plain"))
    assert not_a_letter.code == "OBJECTION-LETTER-INVALID"
    assert not Objection.objects.exists()


def test_a_unit_objection_needs_a_valid_uscc(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    good = make_uscc(42)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    invalid = refusal(
        person_objection, notice, kind="unit", name="王联系", unit_name="某某科技有限公司", uscc=bad
    )
    assert invalid.code == "OBJECTION-INVALID"
    assert [d["field"] for d in invalid.details] == ["uscc"]
    assert "校验位" in invalid.details[0]["message"]
    assert not Objection.objects.exists()

    unit = person_objection(
        notice, kind="unit", name="王联系", unit_name="某某科技有限公司", uscc=good.lower()
    )
    assert unit.state == "pending"
    assert unit.uscc == good
    assert unit.id_number == "" and unit.id_masked == ""  # a unit files no personal ID


def test_a_person_objection_needs_a_valid_id_number_and_phone(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    invalid = refusal(person_objection, notice, id_number=ID_NUMBER[:-1] + "0", phone="12345")
    assert invalid.code == "OBJECTION-INVALID"
    assert {d["field"] for d in invalid.details} == {"id_number", "phone"}


def test_objections_are_taken_only_while_the_notice_is_open(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9), 5, 2024, 9, 5, 9, 0)
    at(2024, 9, 8, 23, 59, 59)
    assert refusal(person_objection, notice).code == "OBJECTION-NOT-OPEN"
    at(2024, 9, 9, 0, 0, 0)
    assert person_objection(notice).state == "pending"


def test_an_accepted_objection_is_audited_and_pages_the_bureau(at, bureau):
    other_officer = UserFactory(roles=[Role.BUREAU_OFFICER])
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    objection = person_objection(notice)
    assert objection.id_number == ID_NUMBER
    assert objection.id_masked == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert objection.phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM notices_objection WHERE id = %s", [objection.pk]
        )
        raw_id, raw_phone = cursor.fetchone()
    assert ID_NUMBER not in raw_id and PHONE not in raw_phone  # sealed at rest
    inbox = Notification.objects.filter(title__contains=notice.title)
    assert set(inbox.values_list("recipient_id", flat=True)) == {bureau.pk, other_officer.pk}
    assert inbox.first().link == f"/bureau/publicity/{notice.pk}/objections/"
    assert AuditEntry.objects.filter(
        action="notice.objection_received", target_id=str(objection.pk)
    ).exists()


def test_close_is_refused_before_the_end_and_while_an_objection_is_unresolved(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 11, 10, 0)
    objection = person_objection(notice)
    at(2024, 9, 13, 23, 59, 59)
    assert refusal(services.close_notice, notice_id=notice.pk, by=bureau).code == (
        "NOTICE-NOT-ENDED"
    )
    at(2024, 9, 14, 0, 0, 0)
    pending = refusal(services.close_notice, notice_id=notice.pk, by=bureau)
    assert pending.code == "NOTICE-UNRESOLVED-OBJECTIONS"
    services.accept_objection_for_handling(objection_id=objection.pk, by=bureau)
    assert refusal(services.close_notice, notice_id=notice.pk, by=bureau).code == (
        "NOTICE-UNRESOLVED-OBJECTIONS"
    )
    assert refusal(
        services.resolve_objection, objection_id=objection.pk, resolution="  ", by=bureau
    ).code == ("OBJECTION-RESOLUTION-REQUIRED")
    resolved = services.resolve_objection(
        objection_id=objection.pk, resolution="经核实，异议不成立。", by=bureau
    )
    assert resolved.state == "resolved"
    assert resolved.resolved_by == bureau
    assert resolved.resolved_at == beijing(2024, 9, 14, 0, 0, 0)
    closed = services.close_notice(notice_id=notice.pk, by=bureau)
    assert closed.state == "closed"
    assert refusal(person_objection, closed).code == "OBJECTION-NOT-OPEN"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "notice.publicity_opened",
        "notice.objection_received",
        "notice.objection_accepted",
        "notice.objection_resolved",
        "notice.publicity_closed",
    } <= actions


def test_the_bureau_may_refuse_a_letter_without_signature_or_stamp(at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    objection = person_objection(notice)
    assert refusal(
        services.refuse_objection, objection_id=objection.pk, reason="", by=bureau
    ).code == ("OBJECTION-REASON-REQUIRED")
    refused = services.refuse_objection(
        objection_id=objection.pk, reason="异议书未经本人签名。", by=bureau
    )
    assert refused.state == "refused"
    assert refused.refusal_reason == "异议书未经本人签名。"
    assert refusal(
        services.resolve_objection, objection_id=objection.pk, resolution="x", by=bureau
    ).code == ("OBJECTION-STATE")


# Pages ---------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "person",
        "name": "李异议",
        "id_number": ID_NUMBER,
        "unit_name": "",
        "uscc": "",
        "phone": PHONE,
        "content": "该项目的技术指标与事实不符。",
        "letter": pdf_upload("异议书.pdf"),
    }
    data.update(overrides)
    return data


def test_the_public_page_takes_an_objection_and_shows_the_masked_id_never_the_full_one(
    client, at, bureau
):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    page = client.get(f"/publicity/{notice.pk}/").content.decode()
    assert "2024-09-09 00:00 至 2024-09-13 23:59:59" in page
    assert 'data-deadline="2024-09-13T23:59:59+08:00"' in page

    response = client.post(f"/publicity/{notice.pk}/", form_data())
    assert response.status_code == 302
    objection = Objection.objects.get(notice=notice)
    assert objection.state == "pending"
    page = client.get(f"/publicity/{notice.pk}/").content.decode()
    assert objection.number in page
    assert objection.id_masked in page
    assert ID_NUMBER not in page
    assert PHONE not in page and "139****5678" in page

    # Someone else's browser sees no receipt at all.
    client.logout()
    client.cookies.clear()
    assert objection.id_masked not in client.get(f"/publicity/{notice.pk}/").content.decode()

    client.force_login(bureau)
    listing = client.get(f"/bureau/publicity/{notice.pk}/objections/").content.decode()
    assert objection.id_masked in listing and ID_NUMBER not in listing
    assert "139****5678" in listing and PHONE not in listing


def test_a_refused_objection_shows_the_reason_and_keeps_what_was_typed(client, at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 14, 0, 0, 0)
    response = client.post(f"/publicity/{notice.pk}/", form_data(content="指标造假，请核查。"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "逾期提出的异议不予受理" in page
    assert "指标造假，请核查。" in page and 'value="李异议"' in page
    assert Objection.objects.get(notice=notice).state == "refused"

    at(2024, 9, 10, 10, 0)
    notice_two = open_at(at, bureau, dt.date(2024, 9, 10), 5, 2024, 9, 10, 9, 0)
    response = client.post(
        f"/publicity/{notice_two.pk}/", form_data(uscc="", kind="unit", unit_name="某公司")
    )
    page = response.content.decode()
    assert "匿名异议不予受理" in page and 'value="某公司"' in page
    response = client.post(f"/publicity/{notice_two.pk}/", form_data(letter=""))
    page = response.content.decode()
    import re

    print(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[-1500:])
    assert "请上传本人签名或单位盖章的书面异议材料" in page and "is-invalid" in page
    assert not Objection.objects.filter(notice=notice_two, state="pending").exists()


def test_only_the_bureau_resolves_objections(client, at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    objection = person_objection(notice)
    list_url = f"/bureau/publicity/{notice.pk}/objections/"
    resolve_url = f"{list_url}{objection.pk}/resolve/"
    data = {"resolution": "经核实，异议不成立。"}

    assert client.get(list_url).status_code == 302  # to the login page
    assert client.post(resolve_url, data).status_code == 302
    district = DistrictFactory()
    others = [
        UserFactory(organization=OrganizationFactory(), roles=[Role.ORG_ADMIN, Role.APPLICANT]),
        UserFactory(district=district, roles=[Role.DISTRICT_OFFICER]),
        UserFactory(roles=[Role.EXPERT]),
    ]
    for user in others:
        client.force_login(user)
        assert client.get(list_url).status_code == 403
        assert client.post(resolve_url, data).status_code == 403
        assert client.post(f"{list_url}{objection.pk}/accept/").status_code == 403
        assert client.post(f"/bureau/publicity/{notice.pk}/close/").status_code == 403
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert client.get(list_url).status_code == 200  # auditors read
    assert client.post(resolve_url, data).status_code == 403  # but do not resolve
    objection.refresh_from_db()
    assert objection.state == "pending"

    client.force_login(bureau)
    assert client.get(list_url).status_code == 200
    assert client.post(resolve_url, data).status_code == 302
    objection.refresh_from_db()
    assert objection.state == "resolved"
    assert objection.resolution == "经核实，异议不成立。"
    assert "经核实，异议不成立。" in client.get(list_url).content.decode()


def test_the_bureau_opens_a_notice_from_its_page_with_the_computed_end(client, at, bureau):
    at(2024, 9, 26, 9, 0)
    data = {
        "title": "拟立项公示",
        "body": "名单如下。",
        "start_on": "2024-09-26",
        "working_days": 5,
    }
    client.force_login(UserFactory(roles=[Role.EXPERT]))
    assert client.post("/bureau/publicity/new/", data).status_code == 403
    client.force_login(bureau)
    response = client.post("/bureau/publicity/new/", data)
    notice = PublicNotice.objects.get()
    assert response.status_code == 302
    assert notice.ends_at == beijing(2024, 10, 8, 23, 59, 59)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("who", ["public", "bureau"])
def test_publicity_list_query_count_is_constant(client, at, bureau, who):
    if who == "bureau":
        client.force_login(bureau)
    open_at(at, bureau, dt.date(2024, 9, 9), title="公示一")
    client.get("/publicity/")
    one, page = count_queries(client, "/publicity/")
    assert page.count('data-testid="publicity-row"') == 1
    open_at(at, bureau, dt.date(2024, 9, 10), 5, 2024, 9, 10, 9, 0, title="公示二")
    notice = open_at(at, bureau, dt.date(2024, 9, 11), 5, 2024, 9, 11, 9, 0, title="公示三")
    at(2024, 9, 30, 9, 0)
    services.close_notice(notice_id=notice.pk, by=bureau)
    three, page = count_queries(client, "/publicity/")
    assert page.count('data-testid="publicity-row"') == 3
    assert "已结束" in page
    assert one == three


def test_objection_list_query_count_is_constant(client, at, bureau):
    notice = open_at(at, bureau, dt.date(2024, 9, 9))
    at(2024, 9, 10, 10, 0)
    objection = person_objection(notice)
    services.resolve_objection(objection_id=objection.pk, resolution="已核实。", by=bureau)
    client.force_login(bureau)
    url = f"/bureau/publicity/{notice.pk}/objections/"
    client.get(url)
    one, page = count_queries(client, url)
    assert page.count('data-testid="objection"') == 1
    person_objection(notice)
    refusal(person_objection, notice, name="")
    three, page = count_queries(client, url)
    assert page.count('data-testid="objection"') == 3
    assert one == three
