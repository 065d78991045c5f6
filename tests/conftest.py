"""Shared fixtures. Factories live in tests/factories.py; browser fixtures in tests/e2e/conftest.py."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Under CI (or REQUIRE_POSTGRES=1) a missing PostgreSQL fails its tests instead of skipping.
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if REQUIRE_POSTGRES:
        pytest.fail(
            "this test needs PostgreSQL (DATABASE_URL=postgres://…) and REQUIRE_POSTGRES=1 is set"
        )
    pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores attachments in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _account_security_defaults(settings):
    """Account security that came after most tests and would stand in their way; each part
    is switched back on by its own tests (tests/orgs/test_totp.py, test_reauth.py,
    test_session_timeouts.py, tests/e2e/test_two_factor.py):

    - REQUIRE_TOTP defaults to `not DEBUG`, and DEBUG is False under pytest: bureau and
      district officers signed in with force_login would be sent to enrol a TOTP device;
    - REQUIRE_REAUTH: force_login confirms no password, so every unmasked export,
      publication and disbursement would first ask for it;
    - the session limits: the last-activity time is rewritten at most once a minute, so
      whichever request crosses that minute saves the session once more — a query-count
      test comparing two requests would then depend on how fast the machine is.
    """
    settings.REQUIRE_TOTP = False
    settings.REQUIRE_REAUTH = False
    settings.SESSION_IDLE_TIMEOUT = 0
    settings.SESSION_ABSOLUTE_TIMEOUT = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the public hall is cached for anonymous
    visitors (jiebang/portal/cache.py) and a page cached by one test must not be served to
    the next, whose database holds other rows under the same ids."""
    from django.core.cache import cache

    cache.clear()


# The real Redis the suite's Redis tests use: a database of its own, flushed before and after
# each of them (bench/hall.py uses 15).
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis through the production backend
    (jiebang/core/cache_backends.py), emptied before and after the test. Without a Redis
    server the test is skipped, and fails under CI (.ci/run starts one)."""
    import redis
    from django.core.cache import cache

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"no Redis at {REDIS_TEST_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    settings.CACHES = {
        "default": {"BACKEND": "jiebang.core.cache_backends.RedisCache", "LOCATION": REDIS_TEST_URL}
    }
    cache.clear()
    yield cache
    cache.clear()
