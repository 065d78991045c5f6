"""Every list page keeps a constant number of queries: measured at 1 and at 3 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core.services import notify
from jiebang.orgs.enums import AccountState, Role, VerificationState
from tests.factories import CallFactory, DistrictFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def count_queries(client, url, expect_text):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert expect_text in response.content.decode()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["verification_queue", "district_units", "members", "inbox", "calls"]
)
def test_list_pages_query_count_is_constant(client, page):
    district = DistrictFactory()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    officer = UserFactory(district=district, roles=[Role.DISTRICT_OFFICER])
    unit = OrganizationFactory(district=district)
    admin = UserFactory(organization=unit, roles=[Role.ORG_ADMIN, Role.APPLICANT])

    def add_item(n):
        if page == "verification_queue":
            OrganizationFactory(name=f"待审单位{n}", verification_state=VerificationState.PENDING)
        elif page == "district_units":
            OrganizationFactory(name=f"辖区单位{n}", district=district)
        elif page == "members":
            UserFactory(
                organization=unit,
                real_name=f"成员{n}",
                roles=[Role.APPLICANT],
                account_state=AccountState.PENDING,
            )
        elif page == "inbox":
            notify([admin], title=f"消息{n}")
        else:
            CallFactory(name=f"批次{n}", year=2020 + n)

    viewer, url, marker = {
        "verification_queue": (bureau, "/bureau/units/", "待审单位0"),
        "district_units": (officer, "/district/units/", "辖区单位0"),
        "members": (admin, "/org/members/", "成员0"),
        "inbox": (admin, "/inbox/", "消息0"),
        "calls": (bureau, "/bureau/calls/", "批次0"),
    }[page]
    client.force_login(viewer)
    add_item(0)
    one = count_queries(client, url, marker)
    add_item(1)
    add_item(2)
    three = count_queries(client, url, marker)
    assert one == three
