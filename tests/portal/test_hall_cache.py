"""The public hall cached for anonymous visitors: served without queries, invalidated by the
services on commit (never by a rollback), never served to signed-in users, one entry per
query string, and the status of a demand follows its deadline even while cached."""

import datetime as dt
import json
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from jiebang.core import clock
from jiebang.demands import services
from jiebang.demands.enums import DemandState
from jiebang.demands.models import Demand
from jiebang.notices.services import publish_announcement
from jiebang.orgs.enums import Role
from jiebang.portal.cache import CACHE_HEADER, GENERATION_KEY
from jiebang.portal.search import rebuild_index
from jiebang.proposals import selection
from tests.demands.builders import open_call, valid_tb_demand
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CLOSED_BADGE = '<span class="badge text-bg-secondary">已截止</span>'


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def _hall_cache(request, settings):
    """Caching on with its default lifetime, starting empty (tests/conftest.py clears the
    cache too; this module must not depend on it), on each process's own LocMem and on the
    real Redis with the production backend."""
    settings.HALL_CACHE_SECONDS = 300
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    call = open_call(expert_review_of_demands=False)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    return call, bureau


def accepted(call, bureau, title, team_start):
    """A demand taken by the bureau, ready to be published."""
    demand, user = valid_tb_demand(call=call, title=title, team_start=team_start)
    services.submit_demand(demand_id=demand.pk, by=user)
    officer = UserFactory(district=demand.organization.district, roles=[Role.DISTRICT_OFFICER])
    services.recommend_demand(demand_id=demand.pk, by=officer)
    services.accept_demand(demand_id=demand.pk, by=bureau)
    return demand


def publish(call, bureau, *demands, days=30):
    services.publish_demands(
        call=call,
        demand_ids=[d.pk for d in demands],
        title=f"榜单{demands[0].pk}",
        solicitation_deadline=clock.now() + dt.timedelta(days=days),
        by=bureau,
    )
    for demand in demands:
        demand.refresh_from_db()
    return demands


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, world, django_assert_num_queries
):
    call, bureau = world
    (demand,) = publish(call, bureau, accepted(call, bureau, "风电机组叶片覆冰监测技术攻关", 10))
    for url in (
        "/",
        "/?" + urlencode({"q": "覆冰"}),
        f"/hall/{demand.pk}/",
        "/feeds/demands.json",
        "/feeds/demands.atom",
    ):
        first = client.get(url)
        assert first.status_code == 200 and first[CACHE_HEADER] == "miss"
        assert "监测技术攻关" in first.content.decode()
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200 and second[CACHE_HEADER] == "hit"
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"]


def test_publishing_shows_the_new_demand_on_the_next_request(
    client, world, django_capture_on_commit_callbacks
):
    call, bureau = world
    publish(call, bureau, accepted(call, bureau, "甲需求", 10))
    later = accepted(call, bureau, "乙需求", 20)
    for url in ("/", "/feeds/demands.json"):
        page = client.get(url).content.decode()
        assert "甲需求" in page and "乙需求" not in page
    generation = cache.get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        publish(call, bureau, later)
    assert cache.get(GENERATION_KEY) > generation
    page = client.get("/")
    assert page[CACHE_HEADER] == "miss"
    assert "乙需求" in page.content.decode() and "共 2 项" in page.content.decode()
    feed = json.loads(client.get("/feeds/demands.json").content)
    assert [item["title"] for item in feed["items"]] == ["乙需求", "甲需求"]
    assert client.get(f"/hall/{later.pk}/").status_code == 200


def test_a_rolled_back_publish_does_not_invalidate(
    client, world, django_capture_on_commit_callbacks, django_assert_num_queries
):
    call, bureau = world
    publish(call, bureau, accepted(call, bureau, "甲需求", 10))
    later = accepted(call, bureau, "乙需求", 20)
    before = client.get("/").content
    generation = cache.get(GENERATION_KEY)

    class Abandon(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandon),
        transaction.atomic(),
    ):
        publish(call, bureau, later)
        raise Abandon
    assert callbacks == []
    assert Demand.objects.get(pk=later.pk).state == DemandState.ACCEPTED
    assert cache.get(GENERATION_KEY) == generation
    with django_assert_num_queries(0):
        again = client.get("/")
    assert again[CACHE_HEADER] == "hit" and again.content == before


def test_a_signed_in_user_is_not_served_the_anonymous_page(client, world):
    call, bureau = world
    publish(call, bureau, accepted(call, bureau, "甲需求", 10))
    anonymous = client.get("/").content.decode()
    assert "单位注册" in anonymous and "工作台" not in anonymous
    client.force_login(bureau)
    signed_in = client.get("/")
    page = signed_in.content.decode()
    assert CACHE_HEADER not in signed_in
    assert "工作台" in page and bureau.display_name in page and "退出" in page
    assert "单位注册" not in page and "甲需求" in page
    # Their page did not replace the anonymous one either.
    client.logout()
    again = client.get("/")
    assert again[CACHE_HEADER] == "hit" and again.content.decode() == anonymous


def test_different_query_strings_are_different_entries(client, world, django_assert_num_queries):
    call, bureau = world
    first, second = publish(
        call,
        bureau,
        accepted(call, bureau, "风电机组叶片覆冰监测技术攻关", 10),
        accepted(call, bureau, "光伏组件清洗机器人研制", 20),
    )
    district = first.organization.district_id
    assert district != second.organization.district_id
    pages = {
        "": client.get("/").content.decode(),
        "district": client.get("/", {"district": district}).content.decode(),
        "q": client.get("/", {"q": "清洗"}).content.decode(),
    }
    assert "共 2 项" in pages[""]
    assert "共 1 项" in pages["district"] and "叶片覆冰" in pages["district"]
    assert "共 1 项" in pages["q"] and "<mark>清洗</mark>" in pages["q"]
    assert "叶片覆冰" not in pages["q"]
    # Each is its own entry; what the view ignores (order, blanks, unknown parameters,
    # surrounding spaces) does not make another one.
    with django_assert_num_queries(0):
        assert client.get("/").content.decode() == pages[""]
        same = client.get(f"/?utm_source=x&status=&district=+{district}+")
        assert same.content.decode() == pages["district"]
        assert client.get("/?sort=&" + urlencode({"q": " 清洗"})).content.decode() == pages["q"]
    assert client.get("/", {"district": district, "page": "2"})[CACHE_HEADER] == "miss"


def test_the_deadline_passing_closes_the_demand_on_the_cached_hall(
    client, world, django_assert_num_queries
):
    call, bureau = world
    (demand,) = publish(call, bureau, accepted(call, bureau, "甲需求", 10))
    deadline = demand.solicitation_deadline
    with time_machine.travel(deadline - dt.timedelta(seconds=10), tick=False) as traveller:
        assert CLOSED_BADGE not in client.get("/").content.decode()
        assert "本榜单揭榜征集已截止" not in client.get(f"/hall/{demand.pk}/").content.decode()
        traveller.move_to(deadline)  # inclusive: still open, still the cached page
        with django_assert_num_queries(0):
            assert CLOSED_BADGE not in client.get("/").content.decode()
        traveller.move_to(deadline + dt.timedelta(seconds=1))  # well within the TTL
        hall = client.get("/")
        assert hall[CACHE_HEADER] == "miss" and CLOSED_BADGE in hall.content.decode()
        detail = client.get(f"/hall/{demand.pk}/").content.decode()
        assert "本榜单揭榜征集已截止" in detail
        closed = client.get("/", {"status": "closed"}).content.decode()
        assert "共 1 项" in closed


def test_closing_a_demand_invalidates_the_cached_feed(
    client, world, django_capture_on_commit_callbacks
):
    call, bureau = world
    (demand,) = publish(call, bureau, accepted(call, bureau, "甲需求", 10))
    with time_machine.travel(demand.solicitation_deadline + dt.timedelta(seconds=1), tick=False):
        feed = json.loads(client.get("/feeds/demands.json").content)
        assert feed["items"][0]["_jiebang"]["state"] == DemandState.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            selection.close_demand(demand_id=demand.pk, by=bureau)
        feed = json.loads(client.get("/feeds/demands.json").content)
    assert feed["items"][0]["_jiebang"]["state"] == DemandState.UNSOLVED


@pytest.mark.parametrize("change", ["announcement", "reindex"])
def test_announcements_and_a_search_rebuild_invalidate_on_commit(
    world, django_capture_on_commit_callbacks, change
):
    _call, bureau = world
    cache.set(GENERATION_KEY, 7, timeout=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        if change == "announcement":
            publish_announcement(title="关于开展申报工作的通知", body="正文", by=bureau)
        else:
            rebuild_index()
    assert cache.get(GENERATION_KEY) == 7  # not before the commit
    for callback in callbacks:
        callback()
    assert cache.get(GENERATION_KEY) == 8


def test_a_missing_generation_is_recreated_above_any_earlier_one(
    world, django_capture_on_commit_callbacks
):
    _call, bureau = world
    cache.set(GENERATION_KEY, 7, timeout=None)
    cache.delete(GENERATION_KEY)  # flushed or evicted
    with django_capture_on_commit_callbacks(execute=True):
        publish_announcement(title="通知", body="正文", by=bureau)
    assert cache.get(GENERATION_KEY) > 8
