"""Bureau records classified demands received offline; they count towards person limits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core.models import AuditEntry
from jiebang.demands.models import OfflineDemandEntry
from jiebang.orgs.enums import Role
from jiebang.orgs.models import Person
from tests.demands.builders import open_call
from tests.factories import OrganizationFactory, UserFactory, make_id_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def post_data(org, reference="MJ-001", **extra):
    data = {
        "uscc": org.uscc,
        "category": "tech_breakthrough",
        "reference": reference,
        "received_on": "2024-08-20",
        "leader_name": "涉密负责人",
        "leader_id": make_id_number(41, birth="19700101"),
        "note": "",
    }
    data.update(extra)
    return data


def test_bureau_records_an_offline_entry_without_content(client):
    open_call()
    org = OrganizationFactory()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(bureau)
    response = client.post("/bureau/offline-entries/", post_data(org), follow=True)
    assert "已登记线下受理 MJ-001" in response.content.decode()
    entry = OfflineDemandEntry.objects.get(reference="MJ-001")
    assert entry.organization == org
    person = Person.objects.get(name="涉密负责人")
    assert entry.offlineentryprincipal_set.get().person == person
    assert person.id_masked in response.content.decode()
    assert person.id_number not in response.content.decode()
    assert AuditEntry.objects.filter(action="demand.offline_recorded").exists()


def test_invalid_entry_keeps_input_and_writes_nothing(client):
    open_call()
    org = OrganizationFactory()
    client.force_login(UserFactory(roles=[Role.BUREAU_OFFICER]))
    response = client.post(
        "/bureau/offline-entries/",
        post_data(org, leader_id="650102197001010000", second_name="半填"),
    )
    page = response.content.decode()
    assert (
        "居民身份证号校验位不正确" in page
        and "姓名和身份证号须同时填写" in page
        and "MJ-001" in page
    )
    assert not OfflineDemandEntry.objects.exists()


def test_only_the_bureau_may_record(client):
    open_call()
    org = OrganizationFactory()
    for role in (Role.APPLICANT, Role.DISTRICT_OFFICER, Role.AUDITOR):
        user = UserFactory(roles=[role], organization=org if role == Role.APPLICANT else None)
        client.force_login(user)
        assert client.post("/bureau/offline-entries/", post_data(org)).status_code == 403
    assert not OfflineDemandEntry.objects.exists()


def test_offline_list_query_count_is_constant(client):
    call = open_call()
    org = OrganizationFactory()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    client.force_login(bureau)
    from jiebang.demands.services import record_offline_entry

    def add(n):
        record_offline_entry(
            call=call,
            org=org,
            category="tech_breakthrough",
            reference=f"MJ-{n}",
            received_on="2024-08-20",
            principals=[{"name": f"人{n}", "id_number": make_id_number(60 + n)}],
            note="",
            by=bureau,
        )

    add(0)
    with CaptureQueriesContext(connection) as one:
        assert "MJ-0" in client.get("/bureau/offline-entries/").content.decode()
    add(1)
    add(2)
    with CaptureQueriesContext(connection) as three:
        assert "MJ-2" in client.get("/bureau/offline-entries/").content.decode()
    assert len(one.captured_queries) == len(three.captured_queries)
