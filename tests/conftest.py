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
