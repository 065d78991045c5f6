import pytest


@pytest.fixture
def keep_the_test_connection():
    """Requests sent straight to the WSGI application (schemathesis) end by closing "old"
    database connections, and on PostgreSQL that closes the test's own transaction; the
    test client disconnects the same handler, so do as it does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
