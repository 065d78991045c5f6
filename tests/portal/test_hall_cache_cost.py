"""What a cached anonymous hit of the public hall costs (jiebang/portal/cache.py): no SQL
query and one cache round trip — a single MGET on Redis, with no Redis client built for it —
and a cache that cannot be reached still serves the page, uncached."""

import time
from unittest import mock

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache

from jiebang.orgs.enums import Role
from jiebang.portal.cache import CACHE_HEADER, invalidate_hall
from tests.demands.builders import open_call
from tests.factories import UserFactory
from tests.portal.test_hall_cache import accepted, publish

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CALLS: list[str] = []


def _counted(name):
    def method(self, *args, **kwargs):
        if not self.inside:
            CALLS.append(name)
        self.inside += 1
        try:
            return getattr(LocMemCache, name)(self, *args, **kwargs)
        finally:
            self.inside -= 1

    return method


class CountingLocMemCache(LocMemCache):
    """LocMem that records each call of the cache API made from outside it (get_or_set,
    which calls get and add, is recorded once)."""

    inside = 0
    get = _counted("get")
    get_many = _counted("get_many")
    get_or_set = _counted("get_or_set")
    set = _counted("set")
    set_many = _counted("set_many")
    add = _counted("add")
    incr = _counted("incr")
    delete = _counted("delete")


@pytest.fixture
def hall(settings):
    settings.HALL_CACHE_SECONDS = 300
    call = open_call(expert_review_of_demands=False)
    bureau = UserFactory(roles=[Role.BUREAU_OFFICER])
    (demand,) = publish(call, bureau, accepted(call, bureau, "风电机组叶片覆冰监测技术攻关", 10))
    return demand


def test_a_hit_is_one_get_many_and_no_query_on_locmem(
    client, hall, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {"BACKEND": "tests.portal.test_hall_cache_cost.CountingLocMemCache"}
    }
    CALLS.clear()
    assert client.get("/")[CACHE_HEADER] == "miss"
    assert "get_many" in CALLS and "set" in CALLS
    for url in ("/", f"/hall/{hall.pk}/", "/feeds/demands.json"):
        client.get(url)
        CALLS.clear()
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response[CACHE_HEADER] == "hit", url
        assert CALLS == ["get_many"], url


@pytest.fixture
def redis_commands():
    """The commands sent to Redis and the `redis.Redis` objects built, while it is active."""
    sent, built = [], []
    execute, init = redis.Redis.execute_command, redis.Redis.__init__

    def recording_execute(client, *args, **options):
        sent.append(args[0])
        return execute(client, *args, **options)

    def recording_init(client, *args, **kwargs):
        built.append(client)
        init(client, *args, **kwargs)

    with (
        mock.patch.object(redis.Redis, "execute_command", recording_execute),
        mock.patch.object(redis.Redis, "__init__", recording_init),
    ):
        yield sent, built


def test_a_hit_is_one_redis_round_trip_and_no_query(
    client, hall, redis_cache, redis_commands, django_assert_num_queries
):
    sent, built = redis_commands
    urls = ("/", "/?q=覆冰", f"/hall/{hall.pk}/", "/feeds/demands.json", "/feeds/demands.atom")
    for url in urls:
        assert client.get(url)[CACHE_HEADER] == "miss"
    sent.clear()
    built.clear()
    for url in urls:
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response[CACHE_HEADER] == "hit", url
        assert "监测技术攻关" in response.content.decode()
    assert sent == ["MGET"] * len(urls)
    assert built == []  # the process's client is reused


def test_a_miss_stores_the_page_and_reuses_the_epoch_record(
    client,
    hall,
    redis_cache,
    redis_commands,
    django_capture_on_commit_callbacks,
):
    """The first request of a generation computes the status epoch (one query) and stores
    it with the page; the first request of another page then reuses it. After an
    invalidation the epoch record belongs to the old generation and is computed again."""
    sent, _built = redis_commands
    client.get("/")  # an empty cache: the generation is created first (GET, SET NX, GET)
    assert sent[0] == "MGET" and sent[-2:] == ["SET", "SET"]  # the epoch record, the page
    sent.clear()
    assert client.get(f"/hall/{hall.pk}/")[CACHE_HEADER] == "miss"
    assert sent == ["MGET", "SET"]
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_hall("test")
    sent.clear()
    assert client.get(f"/hall/{hall.pk}/")[CACHE_HEADER] == "miss"
    assert sent == ["MGET", "SET", "SET"]


def test_an_unreachable_cache_serves_the_page_uncached(client, hall, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "jiebang.core.cache_backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    started = time.monotonic()
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and CACHE_HEADER not in response
        assert "监测技术攻关" in response.content.decode()
    assert time.monotonic() - started < 10
    assert "hall cache: unavailable" in caplog.text
