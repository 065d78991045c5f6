"""Helpers of the core API tests (units, calls, demands, tokens): tokens issued through the
service, the `Authorization: Token` header, and the error-shape assertion."""

from jiebang.api.models import ApiScope
from jiebang.api.services import issue_token

API = "/api/v1"


def token_for(user, scopes=(ApiScope.READ, ApiScope.WRITE), name="集成测试") -> str:
    _token, key = issue_token(user=user, name=name, scopes=list(scopes), by=user)
    return key


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape: exactly code, message, details (a list)."""
    assert response.status_code == status, response.content.decode()[:2000]
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["details"], list)
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body
