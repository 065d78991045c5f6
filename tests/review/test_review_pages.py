"""Review pages: who may open what, constant queries on lists, the expert import and exports."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from jiebang.orgs.enums import Role
from jiebang.review import services
from jiebang.review.models import Assignment, ExpertProfile
from tests.factories import OrganizationFactory, UserFactory, make_id_number
from tests.review.builders import expert, world

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_only_the_bureau_manages_rounds_and_experts_only_see_their_own(client):
    w = world(n_demands=1, n_experts=4, k=2)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    services.open_round(round_id=w["round"].pk, by=w["bureau"])
    assigned = Assignment.objects.filter(round=w["round"]).select_related("expert__user")
    mine = assigned[0]
    outsider = expert("无关")
    applicant = UserFactory(organization=OrganizationFactory(), roles=[Role.APPLICANT])
    for user in (mine.expert.user, applicant):
        client.force_login(user)
        assert client.get("/review/rounds/").status_code == 403
        assert client.get(f"/review/rounds/{w['round'].pk}/").status_code == 403
        assert client.post(f"/review/rounds/{w['round'].pk}/do/close/").status_code == 403
    client.force_login(outsider.user)
    assert client.get(f"/review/my/{mine.pk}/").status_code == 404
    assert (
        client.post(f"/review/my/{mine.pk}/declare/", {"decision": "no_conflict"}).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.state == "assigned"
    client.force_login(mine.expert.user)
    assert client.get(f"/review/my/{mine.pk}/").status_code == 200
    listing = client.get("/review/my/").content.decode()
    assert listing.count("<code>R") == Assignment.objects.filter(expert=mine.expert).count()


@pytest.mark.parametrize("page", ["rounds", "experts", "mine"])
def test_review_lists_query_count_is_constant(client, page):
    w = world(n_demands=1, n_experts=3, k=3)
    bureau = w["bureau"]
    if page == "mine":
        services.auto_assign(round_id=w["round"].pk, by=bureau)
        services.open_round(round_id=w["round"].pk, by=bureau)
        viewer = w["experts"][0].user
        url = "/review/my/"
    else:
        viewer, url = bureau, {"rounds": "/review/rounds/", "experts": "/review/experts/"}[page]
    client.force_login(viewer)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    if page == "rounds":
        for n in range(2):
            services.create_round(
                call=w["call"],
                kind="demand_review",
                title=f"又一轮{n}",
                targets=w["demands"],
                experts_per_item=1,
                max_load=5,
                blind=True,
                criteria=w["call"].demand_review_criteria,
                deadline=w["round"].deadline,
                by=bureau,
            )
    elif page == "experts":
        expert("风电")
        expert("储能")
    else:
        extra = world(n_demands=2, n_experts=0, k=1)
        for item in extra["round"].items.all():
            services.assign_expert(
                round_id=extra["round"].pk, item_id=item.pk, expert_id=w["experts"][0].pk, by=bureau
            )
        services.open_round(round_id=extra["round"].pk, by=bureau)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(one.captured_queries) == len(three.captured_queries)


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["姓名", "身份证号", "手机", "用户名", "单位名称", "职称", "产业领域", "关键词", "评审上限"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "experts.xlsx"
    return buffer


def test_expert_import_creates_profiles_and_accounts_or_nothing(
    client, django_capture_on_commit_callbacks
):
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    from jiebang.calls.models import Industry

    Industry.objects.get_or_create(code="new_energy", defaults={"name": "新能源"})
    client.force_login(bureau)
    bad = xlsx(
        [
            [
                "甲专家",
                make_id_number(801),
                "13900000001",
                "zhuanjia1",
                "新疆大学",
                "教授",
                "新能源",
                "风电",
                8,
            ],
            ["乙专家", "650102198001010000", "139", "zhuanjia2", "", "", "不存在的领域", "", ""],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/experts/", {"file": bad})
    page = client.get(response.url).content.decode()
    assert "未导入任何数据" in page and "第3行：身份证号不正确" in page and "未知的产业领域" in page
    assert not ExpertProfile.objects.exists()
    good = xlsx(
        [
            [
                "甲专家",
                make_id_number(801),
                "13900000001",
                "zhuanjia1",
                "新疆大学",
                "教授",
                "新能源",
                "风电、叶片",
                8,
            ]
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/experts/", {"file": good})
    page = client.get(response.url).content.decode()
    assert "新增 1 位专家" in page and "zhuanjia1" in page
    profile = ExpertProfile.objects.get()
    assert (
        profile.max_load == 8
        and profile.user.has_role(Role.EXPERT)
        and list(profile.industries.values_list("name", flat=True)) == ["新能源"]
    )


def test_ranking_export_opens_in_excel(client):
    w = world(n_demands=2, n_experts=4, k=2)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    client.force_login(w["bureau"])
    response = client.get(f"/review/rounds/{w['round'].pk}/ranking.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["评审排名", "评审专家"]
    experts_sheet = list(workbook["评审专家"].iter_rows(values_only=True))
    assert len(experts_sheet) == 1 + 4  # header + 2 items × 2 experts


def test_round_page_flags_an_assignment_that_became_a_conflict(client):
    from jiebang.core import clock
    from jiebang.orgs.models import OrgRelation

    w = world(n_demands=1, n_experts=3, k=2)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    assignment = Assignment.objects.filter(round=w["round"]).select_related("expert").first()
    client.force_login(w["bureau"])
    assert (
        'data-conflict="1"' not in client.get(f"/review/rounds/{w['round'].pk}/").content.decode()
    )
    # The expert's unit is declared a subsidiary of the issuer after the assignment.
    OrgRelation.objects.create(
        subject=assignment.expert.organization,
        object=w["demands"][0].organization,
        kind="subordinate",
        created_at=clock.now(),
    )
    page = client.get(f"/review/rounds/{w['round'].pk}/").content.decode()
    assert page.count('data-conflict="1"') == 1
    from jiebang.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.open_round(round_id=w["round"].pk, by=w["bureau"])
    assert refused.value.code == "CONFLICT"


def test_round_report_pdf_lists_ranking_and_experts(client):
    from pypdf import PdfReader

    from jiebang.demands.documents import pdf_support

    if not pdf_support()[0]:
        pytest.skip("PDF rendering unavailable here")
    w = world(n_demands=1, n_experts=3, k=2)
    services.auto_assign(round_id=w["round"].pk, by=w["bureau"])
    client.force_login(w["bureau"])
    response = client.get(f"/review/rounds/{w['round'].pk}/report.pdf")
    text = "".join(
        "".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "评审报告" in text and "评审专家名单" in text
    for a in Assignment.objects.filter(round=w["round"]).select_related("expert__person"):
        assert a.expert.person.name in text
