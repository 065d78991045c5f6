"""Helpers of the later-stage API tests (proposals, review, notices, projects): tokens issued
through the service, the `Authorization: Token` header, the one error shape, and the query
count of one request."""

import json
from contextlib import contextmanager

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from jiebang.api.models import ApiScope
from jiebang.api.services import issue_token

API = "/api/v1"
READ_WRITE = (ApiScope.READ, ApiScope.WRITE)
# Nobody signs in with a password here (tokens only): hash the factories' passwords cheaply.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def built_once(django_db_blocker, tmp_path_factory):
    """Rows built once for a test module (tests.projects.support.module_rows), with cheap
    password hashing; rolled back when the module is done."""
    from tests.projects.support import module_rows

    with (
        module_rows(django_db_blocker, tmp_path_factory),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
    ):
        yield


def token(user, scopes=READ_WRITE) -> dict:
    """Headers of a fresh unit token acting as `user`."""
    _token, key = issue_token(user=user, name="接口测试", scopes=list(scopes), by=user)
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def post_json(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def patch_json(client, url, data, headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape: exactly code, message and details (a list)."""
    assert response.status_code == status, response.content.decode()[:2000]
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["details"], list) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


def counted_get(client, url, headers) -> tuple[int, dict]:
    """(number of queries, JSON body) of one GET that must succeed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content.decode()[:2000]
    return len(queries), response.json()
