"""The public list hall, detail page, feeds and announcements: only public fields, constant queries."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiebang.core import clock
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.orgs.enums import Role
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def publish(demands, call, bureau, title="第一批榜单"):
    for demand, _user in demands:
        demand.refresh_from_db()
    call.expert_review_of_demands = False
    call.save()
    for demand, user in demands:
        services.submit_demand(demand_id=demand.pk, by=user)
        officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
        services.recommend_demand(demand_id=demand.pk, by=officer)
        services.accept_demand(demand_id=demand.pk, by=bureau)
    return services.publish_demands(
        call=call,
        demand_ids=[d.pk for d, _u in demands],
        title=title,
        solicitation_deadline=clock.now() + dt.timedelta(days=30),
        by=bureau,
    )


@pytest.fixture
def world():
    call = open_call()
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    return call, bureau


def test_hall_lists_published_demands_only_with_public_fields(client, world):
    call, bureau = world
    published = valid_tb_demand(call=call, title="风电机组叶片覆冰监测技术攻关", team_start=10)
    draft, _ = valid_tb_demand(call=call, title="尚未提交的草稿需求", team_start=20)
    publish([published], call, bureau)
    page = client.get("/").content.decode()
    assert "风电机组叶片覆冰监测技术攻关" in page and "尚未提交的草稿需求" not in page
    assert "共 1 项" in page
    detail = client.get(f"/hall/{published[0].pk}/").content.decode()
    demand = published[0]
    demand.refresh_from_db()
    assert demand.title in detail and "缺陷识别准确率" in detail and "500.00" in detail
    assert demand.organization.name in detail
    leader = demand.team.get(position=1).person
    for secret in (
        demand.contact_phone,
        demand.contact_phone_masked,
        demand.contact_name,
        leader.id_number,
        leader.id_masked,
        leader.name,
    ):
        assert secret not in detail, secret
    assert client.get(f"/hall/{draft.pk}/").status_code == 404


def test_search_finds_two_character_word_and_phrase_and_highlights(client, world):
    call, bureau = world
    first = valid_tb_demand(call=call, title="风电机组叶片覆冰监测技术攻关", team_start=10)
    second = valid_tb_demand(call=call, title="光伏组件清洗机器人研制", team_start=20)
    publish([first, second], call, bureau)
    page = client.get("/", {"q": "覆冰"}).content.decode()
    assert (
        "<mark>覆冰</mark>" in page and "光伏组件清洗机器人研制" not in page and "共 1 项" in page
    )
    phrase = client.get("/", {"q": "“清洗机器人”"}).content.decode()
    assert "共 1 项" in phrase and "光伏组件" in phrase and "<mark>" in phrase
    assert "共 0 项" in client.get("/", {"q": "“机器人清洗”"}).content.decode()


def test_filters_category_district_status(client, world):
    call, bureau = world
    a = valid_tb_demand(call=call, title="甲需求", team_start=10)
    b = valid_tb_demand(call=call, title="乙需求", team_start=20)
    publish([a, b], call, bureau)
    district = a[0].organization.district
    page = client.get("/", {"district": district.pk}).content.decode()
    assert "甲需求" in page and "乙需求" not in page
    assert "共 0 项" in client.get("/", {"category": "achievement_transfer"}).content.decode()
    assert "共 2 项" in client.get("/", {"status": "open"}).content.decode()
    assert "共 0 项" in client.get("/", {"status": "closed"}).content.decode()


@pytest.mark.parametrize("query", ["", "需求"])
def test_hall_and_search_query_count_is_constant(client, world, query, settings):
    # The rendering itself is measured, not the anonymous page cache (test_hall_cache.py).
    settings.HALL_CACHE_SECONDS = 0
    call, bureau = world
    first = valid_tb_demand(call=call, title="需求一", team_start=10)
    publish([first], call, bureau, title="批次一")
    params = {"q": query} if query else {}
    client.get("/", params)  # warm caches (jieba, content types)
    with CaptureQueriesContext(connection) as one:
        assert f'data-demand="{first[0].pk}"' in client.get("/", params).content.decode()
    publish(
        [
            valid_tb_demand(call=call, title="需求二", team_start=20),
            valid_tb_demand(call=call, title="需求三", team_start=30),
        ],
        call,
        bureau,
        title="批次二",
    )
    with CaptureQueriesContext(connection) as three:
        page = client.get("/", params).content.decode()
    assert page.count("data-demand=") == 3 and "共 3 项" in page
    assert len(one.captured_queries) == len(three.captured_queries)


def test_feeds_carry_the_published_demands(client, world):
    call, bureau = world
    demand, _ = valid_tb_demand(call=call, title="风电需求", team_start=10)
    publish([(demand, _)], call, bureau)
    data = json.loads(client.get("/feeds/demands.json").content)
    item = data["items"][0]
    assert item["title"] == "风电需求" and item["_jiebang"]["total_investment_yuan"] == "5000000.00"
    assert "contact" not in json.dumps(item, ensure_ascii=False)
    atom = client.get("/feeds/demands.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "风电需求" in atom.content.decode()


def test_publishing_writes_a_public_announcement(client, world):
    call, bureau = world
    demand, user = valid_tb_demand(call=call, title="风电需求", team_start=10)
    batch = publish([(demand, user)], call, bureau, title="2024年第一批揭榜挂帅榜单")
    listing = client.get("/notices/").content.decode()
    assert "关于发布2024年第一批揭榜挂帅榜单的通知" in listing
    detail = client.get(f"/notices/{batch.announcement.pk}/").content.decode()
    assert "风电需求" in detail and "共 1 项" in detail
    demand.refresh_from_db()
    assert demand.state == DemandState.PUBLISHED


def test_xss_in_a_title_is_escaped_in_the_hall(client, world):
    call, bureau = world
    demand, user = valid_tb_demand(call=call, title="<script>alert(1)</script>需求", team_start=10)
    publish([(demand, user)], call, bureau)
    page = client.get("/", {"q": "需求"}).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
