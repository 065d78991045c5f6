"""Shared pieces of API v1 views: permissions as the pages check them, validation, the
authenticated viewset base."""

from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, viewsets
from rest_framework.permissions import IsAuthenticated

from jiebang.api.auth import TokenScope

# Ids in paths: digits that fit a 64-bit integer (anything else is a 404, never a 500).
ID_PATH = "[0-9]{1,18}"


def require(request, perm: str, obj=None) -> None:
    """The page's django-rules permission; 401 without credentials, 403 without the right."""
    require_any(request, (perm,), obj)


def require_any(request, perms, obj=None) -> None:
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    if not any(request.user.has_perm(perm, obj) for perm in perms):
        raise PermissionDenied


def valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedViewSet(viewsets.GenericViewSet):
    """Authenticated (session or unit token; a read-only token only reads)."""

    permission_classes = [IsAuthenticated, TokenScope]
    lookup_value_regex = ID_PATH

    def fake(self) -> bool:
        """drf-spectacular introspects the views without a real user."""
        return getattr(self, "swagger_fake_view", False)
