"""One error shape for the API: `{"code", "message", "details"}` (architecture.md, rule 7)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from jiebang.core.errors import DomainError

DOMAIN_STATUS = {
    "PERMISSION-DENIED": status.HTTP_403_FORBIDDEN,
    "FORBIDDEN": status.HTTP_403_FORBIDDEN,
}
# State conflicts (409): the item is no longer where the action needs it — acted on by
# someone else, a second click, a second tab — for every kind of item alike.
CONFLICT_SUFFIXES = ("-STATE", "-ALREADY-SUBMITTED", "-NOT-EDITABLE")


def status_for(code: str) -> int:
    if code in DOMAIN_STATUS:
        return DOMAIN_STATUS[code]
    if code.endswith(CONFLICT_SUFFIXES):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc, context):
    """DomainError → 400 (409 for a state conflict) with its code, message and findings;
    DRF's own errors keep their status with a stable code; Django's validation errors → 400."""
    if isinstance(exc, DomainError):
        code = exc.code
        http = status_for(code)
        return Response(exc.as_dict(), status=http)
    if isinstance(exc, ValidationError):
        return Response(
            {"code": "INVALID", "message": "；".join(exc.messages), "details": exc.messages},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "INVALID",
            "message": "提交的数据有误，请按提示修改。",
            "details": [response.data],
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = {
            "code": str(getattr(exc, "default_code", "error")).upper().replace("_", "-"),
            "message": str(detail) or str(exc),
            "details": [],
        }
    response.data = body
    return response
