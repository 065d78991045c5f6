"""资金拨付 page (/projects/disbursements/): who sees which rows, the filters (shared with the
Excel export), the totals line, the voucher links and a constant query count.

A horse race's two routes become projects A and B (one issuer, two solvers); contract
6,000,000.00 each, fully paid → fiscal total 1,800,000.00, first phase ≤ 360,000.00.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import AccountState, Role
from jiebang.projects import services
from jiebang.projects.models import Disbursement
from jiebang.projects.views_disbursements import disbursement_list
from tests.factories import UserFactory
from tests.projects.builders import issuer_user, solver_user
from tests.projects.support import DAY0, approve, approve_and_pay, pay, started

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("day0")]

URL = "/projects/disbursements/"
CONTRACT = "6000000.00"
MIDTERM_LABEL = "中期评估合格（赛马制：继续支持）后"


def two_projects(race_selected):
    a, b, bureau = race_selected
    first, second = started(a, bureau), started(b, bureau)
    for project in (first, second):
        pay(project, CONTRACT, by=bureau)
    return first, second, bureau


def second_project_rows(project, bureau):
    """B: the initiation instalment paid with a voucher, the stage gate passed, the next
    instalment approved and not yet paid."""
    paid = approve_and_pay(project, "360000.00", by=bureau)
    services.record_midterm(
        project_id=project.pk,
        by=bureau,
        outcome="continue",
        opinion="阶段目标达成，继续支持",
        evaluated_on=DAY0,
    )
    later = approve(project, "900000.00", "midterm_passed", by=bureau)
    return paid, later


@pytest.fixture
def world(race_selected):
    """A: 200,000.00 approved; B: 360,000.00 paid and 900,000.00 approved."""
    first, second, bureau = two_projects(race_selected)
    pending = approve(first, "200000.00", by=bureau)
    paid, later = second_project_rows(second, bureau)
    return {
        "a": first,
        "b": second,
        "bureau": bureau,
        "pending": pending,
        "paid": paid,
        "later": later,
    }


def rows(response) -> list[int]:
    assert response.status_code == 200
    return [d.pk for d in response.context["page"]]


def test_bureau_sees_every_disbursement_with_chinese_labels_and_totals(client, world):
    client.force_login(world["bureau"])
    response = client.get(URL)
    a, b, paid = world["a"], world["b"], world["paid"]
    assert set(rows(response)) == {world["pending"].pk, paid.pk, world["later"].pk}
    page = response.content.decode()
    assert page.count("data-disbursement=") == 3
    assert "<th>拨付节点</th>" in page and "<th>到账日期</th>" in page
    assert "立项后" in page and MIDTERM_LABEL in page
    assert "已拨付" in page and "已审批待拨付" in page
    assert f'href="/projects/{a.pk}/"><code>{a.code}</code>' in page
    assert b.title in page and b.solver.name in page
    # Yuan with thousands separators; the totals over the whole filtered set.
    assert "360,000.00" in page and "900,000.00" in page
    assert '<td class="text-end" data-testid="total-amount">1,460,000.00</td>' in page
    assert '<span data-testid="total-paid">360,000.00</span>' in page
    assert '<span data-testid="total-approved">1,100,000.00</span>' in page
    assert "合计 3 笔" in page
    # Only the paid instalment has a voucher; its link downloads it.
    paid.refresh_from_db()
    voucher = f'href="/files/{paid.voucher.uuid}/"'
    assert page.count('href="/files/') == 1 and voucher in page
    assert DAY0.isoformat() in page  # approved and paid on DAY0 (Beijing)

    auditor = UserFactory(roles=[Role.AUDITOR], password=None)
    client.force_login(auditor)
    assert len(rows(client.get(URL))) == 3


def test_a_unit_sees_only_its_projects_disbursements(client, world):
    a, b = world["a"], world["b"]
    client.force_login(solver_user(a))
    response = client.get(URL)
    assert rows(response) == [world["pending"].pk]
    page = response.content.decode()
    assert a.code in page and b.code not in page
    assert '<td class="text-end" data-testid="total-amount">200,000.00</td>' in page
    assert 'href="/files/' not in page

    client.force_login(solver_user(b))
    response = client.get(URL)
    assert set(rows(response)) == {world["paid"].pk, world["later"].pk}
    page = response.content.decode()
    assert a.code not in page
    world["paid"].refresh_from_db()
    voucher = f"/files/{world['paid'].voucher.uuid}/"
    assert f'href="{voucher}"' in page
    assert client.get(voucher).status_code == 200  # the link shown is one it may follow

    # The issuer of both routes sees the instalments of both projects.
    client.force_login(issuer_user(a))
    assert len(rows(client.get(URL))) == 3


def test_who_may_not_see_the_page(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]

    # A member of the solver unit whose account is not yet approved.
    pending = UserFactory(
        organization=world["a"].solver,
        roles=[Role.APPLICANT],
        account_state=AccountState.PENDING,
        password=None,
    )
    client.force_login(pending)  # its session is not honoured: sent to log in
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    # Were it authenticated some other way, the page's own permission check refuses it.
    request = RequestFactory().get(URL)
    request.user = pending
    with pytest.raises(PermissionDenied):
        disbursement_list(request)

    # An expert (an active account of no unit) is shown no row of any project.
    client.force_login(UserFactory(roles=[Role.EXPERT], password=None))
    response = client.get(URL)
    assert rows(response) == [] and "暂无资金拨付记录" in response.content.decode()
    assert 'data-testid="disbursement-totals"' not in response.content.decode()


def test_filters(client, world):
    client.force_login(world["bureau"])
    assert rows(client.get(URL, {"state": "paid"})) == [world["paid"].pk]
    assert set(rows(client.get(URL, {"state": "approved"}))) == {
        world["pending"].pk,
        world["later"].pk,
    }
    response = client.get(URL, {"trigger": "midterm_passed"})
    assert rows(response) == [world["later"].pk]
    assert "合计 1 笔" in response.content.decode()
    assert rows(client.get(URL, {"trigger": "initiation", "state": "approved"})) == [
        world["pending"].pk
    ]
    assert set(rows(client.get(URL, {"q": world["b"].code}))) == {
        world["paid"].pk,
        world["later"].pk,
    }
    day = DAY0.isoformat()
    assert rows(client.get(URL, {"paid_from": day, "paid_to": day})) == [world["paid"].pk]
    assert rows(client.get(URL, {"paid_to": "2026-03-31"})) == []
    # Unknown values filter nothing (as in the export).
    assert len(rows(client.get(URL, {"state": "nonsense", "paid_from": "昨天"}))) == 3
    # The chosen filters stay selected.
    page = client.get(URL, {"state": "paid", "trigger": "initiation"}).content.decode()
    assert '<option value="paid" selected>' in page
    assert '<option value="initiation" selected>' in page


def test_query_count_is_the_same_at_one_and_three_rows(client, race_selected):
    first, second, bureau = two_projects(race_selected)
    approve(first, "200000.00", by=bureau)
    client.force_login(bureau)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        response = client.get(URL)
    assert len(rows(response)) == 1
    second_project_rows(second, bureau)
    with CaptureQueriesContext(connection) as three:
        response = client.get(URL)
    assert len(rows(response)) == 3 and response.content.decode().count('href="/files/') == 1
    assert len(one.captured_queries) == len(three.captured_queries)


def test_the_export_link_carries_the_filters_and_lists_the_same_rows(client, world):
    client.force_login(world["bureau"])
    response = client.get(URL, {"state": "approved", "trigger": "initiation", "page": "1"})
    shown = rows(response)
    link = "/exports/disbursements.xlsx?state=approved&amp;trigger=initiation"
    assert f'href="{link}"' in response.content.decode()

    export = client.get(link.replace("&amp;", "&"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [c.value for c in sheet[1]]
    exported = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]
    expected = Disbursement.objects.get(pk=shown[0])
    assert (
        [(r["项目编号"], r["金额（元）"]) for r in exported]
        == [(world["a"].code, 200000)]
        == [(expected.project.code, int(expected.amount))]
    )
    entry = AuditEntry.objects.filter(action="export.downloaded").first()
    assert entry.data["filters"] == {"state": "approved", "trigger": "initiation"}

    # Without filters the link has no query string at all.
    page = client.get(URL).content.decode()
    assert 'href="/exports/disbursements.xlsx"' in page


def test_the_page_is_linked_from_the_project_list_and_the_menu(client, world):
    for user in (world["bureau"], solver_user(world["a"])):
        client.force_login(user)
        page = client.get("/projects/").content.decode()
        assert page.count(f'href="{URL}"') == 2  # the menu and the list's button
