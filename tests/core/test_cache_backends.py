"""The Redis cache backend (jiebang/core/cache_backends.py): one `redis.Redis` client per
server for the whole process, reused by every call and every thread, instead of Django's
new client object per call."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches

from jiebang.core.cache_backends import RedisCache, SharedRedisCacheClient
from tests.conftest import REDIS_TEST_URL

pytestmark = pytest.mark.unit

OTHER = "redis://127.0.0.1:6379/13"
TEST_DB = int(REDIS_TEST_URL.rsplit("/", 1)[1])  # 14 unless REDIS_TEST_URL says otherwise


def test_the_client_object_is_built_once_per_server():
    """No connection is needed: building clients and pools does not connect."""
    single = SharedRedisCacheClient([REDIS_TEST_URL])
    client = single.get_client(write=True)
    assert isinstance(client, redis.Redis)
    assert single.get_client() is client and single.get_client("key", write=True) is client
    assert client.connection_pool is single._pools[0]

    # Several servers: writes go to the first, reads to the others; one client each.
    primary, replica = SharedRedisCacheClient([REDIS_TEST_URL, OTHER]), None
    writer = primary.get_client(write=True)
    for _ in range(5):
        assert primary.get_client(write=True) is writer
        replica = replica or primary.get_client()
        assert primary.get_client() is replica
    assert replica is not writer
    assert writer.connection_pool.connection_kwargs["db"] == TEST_DB
    assert replica.connection_pool.connection_kwargs["db"] == 13


def test_threads_racing_for_the_first_client_get_the_same_one():
    shared = SharedRedisCacheClient([REDIS_TEST_URL])
    start = threading.Barrier(16)

    def first_client(_):
        start.wait()
        return shared.get_client()

    with ThreadPoolExecutor(16) as pool:
        clients = list(pool.map(first_client, range(16)))
    assert all(client is clients[0] for client in clients)
    assert list(shared._pools) == [0] and shared._pools[0] is clients[0].connection_pool


def test_one_client_per_configuration_for_the_whole_process():
    same = RedisCache(REDIS_TEST_URL, {}), RedisCache(REDIS_TEST_URL, {})
    assert same[0]._cache is same[1]._cache
    assert same[0]._cache.get_client() is same[1]._cache.get_client()
    other_db = RedisCache(OTHER, {})
    other_options = RedisCache(REDIS_TEST_URL, {"OPTIONS": {"socket_timeout": 5}})
    assert other_db._cache is not same[0]._cache
    assert other_options._cache is not same[0]._cache
    pool = other_options._cache.get_client().connection_pool
    assert pool.connection_kwargs["socket_timeout"] == 5


@pytest.mark.integration
def test_threads_share_the_client_and_each_gets_its_own_answers(redis_cache):
    """Django's cache handler gives each thread its own RedisCache object; they share the
    process's client, and concurrent commands on it do not mix their replies."""

    def work(worker):
        backend = caches["default"]
        for n in range(50):
            backend.set(f"t{worker}:{n}", (worker, n))
        found = backend.get_many([f"t{worker}:{n}" for n in range(50)])
        backend.add(f"count{worker}", 0)
        backend.incr(f"count{worker}")
        return backend, backend._cache.get_client(), found

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    backends = {id(backend) for backend, _client, _found in results}
    clients = {id(client) for _backend, client, _found in results}
    assert len(backends) == 8 and len(clients) == 1
    assert clients == {id(caches["default"]._cache.get_client())}
    for worker, (_backend, _client, found) in enumerate(results):
        assert found == {f"t{worker}:{n}": (worker, n) for n in range(50)}
    assert [caches["default"].get(f"count{worker}") for worker in range(8)] == [1] * 8


@pytest.mark.integration
def test_calls_build_no_client(redis_cache, monkeypatch):
    redis_cache.set("warm", 1)
    built = []
    original = redis.Redis.__init__

    def recording_init(client, *args, **kwargs):
        built.append(client)
        original(client, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", recording_init)
    redis_cache.set("a", 1)
    assert redis_cache.get_many(["a", "warm"]) == {"a": 1, "warm": 1}
    assert redis_cache.incr("a") == 2
    redis_cache.delete("a")
    assert built == []
