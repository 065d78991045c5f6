"""The issuer's 收到的揭榜申请 as Excel: exactly the rows of its page (its demands' submitted
proposals), the leader's personal data masked, other units refused or given none of them,
every download audited."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiebang.core.masking import mask_id_number
from jiebang.core.models import AuditEntry
from jiebang.orgs.enums import Role
from jiebang.proposals import services
from jiebang.proposals.models import Proposal
from tests.factories import UserFactory, make_id_number
from tests.projects.support import module_rows
from tests.proposals.builders import complete_proposal, published_demand

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

URL = "/exports/received-proposals.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submitted(demand, team_start):
    proposal, user, _ = complete_proposal(demand, team_start=team_start)
    services.submit_proposal(proposal_id=proposal.pk, by=user)
    return Proposal.objects.get(pk=proposal.pk), user


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Issuer X: two submitted proposals and a draft; issuer Y (same call): one submitted."""
    with module_rows(django_db_blocker, tmp_path_factory):
        mine = published_demand(title="风电机组叶片覆冰监测技术攻关", team_start=700)
        theirs = published_demand(mine.call, title="海上风电基础防腐技术攻关", team_start=720)
        first, solver_user = submitted(mine, 900)
        second, _ = submitted(mine, 910)
        draft, _, _ = complete_proposal(mine, team_start=920)
        other, _ = submitted(theirs, 930)
        services.set_issuer_preference(proposal_id=second.pk, by=mine.created_by, rank=1)
        yield {
            "issuer": mine.created_by,
            "other_issuer": theirs.created_by,
            "solver_user": solver_user,
            "received": [first, second],
            "draft": draft,
            "other": other,
        }


def read_xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]


def test_the_issuer_exports_exactly_its_received_proposals_masked(client, world):
    issuer = world["issuer"]
    client.force_login(issuer)
    page = client.get("/proposals/received/")
    assert page.status_code == 200
    assert f'href="{URL}"' in page.content.decode()
    shown = [p.number for p in page.context["page"]]

    rows = read_xlsx(client.get(URL))
    numbers = [r["揭榜编号"] for r in rows]
    assert numbers == shown
    assert sorted(numbers) == sorted(p.number for p in world["received"])
    assert world["other"].number not in numbers
    first = next(r for r in rows if r["揭榜编号"] == world["received"][0].number)
    assert first["状态"] == "已提交" and first["发榜单位"] == issuer.organization.name
    assert first["榜单名称"] == "风电机组叶片覆冰监测技术攻关"
    assert first["牵头单位"] == world["received"][0].lead.name
    assert first["预算总额（元）"] == 5000000
    clear = make_id_number(900, birth="19820202")
    assert first["负责人身份证号"] == mask_id_number(clear) != clear
    second = next(r for r in rows if r["揭榜编号"] == world["received"][1].number)
    assert second["意向排序"] == 1 and first["意向排序"] is None

    entry = AuditEntry.objects.filter(action="export.downloaded").first()
    assert entry.actor == issuer
    assert entry.data == {
        "export": "received-proposals",
        "filters": {},
        "rows": 2,
        "masked": True,
        "job": None,
    }
    assert "收到的揭榜申请" in entry.summary and "个人信息已脱敏" in entry.summary


def test_other_units_get_none_of_them_and_outsiders_are_refused(client, world):
    received = {p.number for p in world["received"]}

    client.force_login(world["other_issuer"])
    assert [r["揭榜编号"] for r in read_xlsx(client.get(URL))] == [world["other"].number]

    # The solver unit sent one of them but did not receive it.
    client.force_login(world["solver_user"])
    rows = read_xlsx(client.get(URL))
    assert rows == [] and not received & {r["揭榜编号"] for r in rows}

    before = AuditEntry.objects.filter(action="export.downloaded").count()
    client.force_login(UserFactory(roles=[Role.EXPERT], password=None))  # no unit
    assert client.get(URL).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert AuditEntry.objects.filter(action="export.downloaded").count() == before


def test_query_count_does_not_grow_with_rows(client, world):
    counts = []
    for who in ("other_issuer", "issuer"):  # one row, then two
        client.force_login(world[who])
        with CaptureQueriesContext(connection) as queries:
            rows = read_xlsx(client.get(URL))
        counts.append((len(queries), len(rows)))
    assert [n for _, n in counts] == [1, 2]
    assert counts[0][0] == counts[1][0], counts
