"""Django's Redis cache with one `redis.Redis` client per server for the whole process.

Django's `RedisCache` (django/core/cache/backends/redis.py, Django 5.2) builds a new
`redis.Redis(connection_pool=pool)` object on every cache call (`RedisCacheClient.
get_client`), about 150 µs each on the benchmark machine, three times per cached hall hit.
The cache handler also gives every thread its own `RedisCache` object, hence its own
connection pool: a gunicorn worker with 4 threads held 4 pools.

`RedisCache` here keeps, per process, one `RedisCacheClient` for each configuration
(servers and OPTIONS), and that client keeps one connection pool and one `redis.Redis`
object per server. redis-py clients and pools are thread-safe (a command checks a
connection out of the pool for its duration), and a pool notices a fork (`_checkpid`) and
opens new connections in the child, so sharing them between the threads of a process, and
across gunicorn's or Celery's forks, is safe. Everything else (serialisation, key
functions, timeouts, `close()`) is Django's.

Settings: `CACHES["default"]["BACKEND"] = "jiebang.core.cache_backends.RedisCache"`.
"""

import threading

from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

_shared_clients: dict[tuple, "SharedRedisCacheClient"] = {}
_shared_lock = threading.Lock()


class SharedRedisCacheClient(django_redis.RedisCacheClient):
    """A `RedisCacheClient` whose `get_client` returns the same `redis.Redis` object for a
    given server (pool index) every time, created once under a lock."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._clients = {}

    def _connection_pool_at(self, index):
        # Django's _get_connection_pool(write) picks the index itself; the pool is created
        # the same way, under the lock (Django's check-then-set could create two).
        if index not in self._pools:
            self._pools[index] = self._pool_class.from_url(
                self._servers[index], **self._pool_options
            )
        return self._pools[index]

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._lock:
                client = self._clients.get(index)
                if client is None:
                    pool = self._connection_pool_at(index)
                    client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """Django's `RedisCache`, its client shared by every thread of the process."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedRedisCacheClient

    @cached_property
    def _cache(self):
        # One client per configuration: override_settings(CACHES=…) or a second alias on
        # another server gets its own; the same configuration, in any thread, shares it.
        identity = (self._class, tuple(self._servers), repr(sorted(self._options.items())))
        with _shared_lock:
            client = _shared_clients.get(identity)
            if client is None:
                client = _shared_clients[identity] = self._class(self._servers, **self._options)
        return client
