"""Small helpers shared by views: permission checks, pagination, service-error handling."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

PAGE_SIZE = 20


def require_perm(user, perm: str, obj=None) -> None:
    """Every view states its permission through a django-rules name; refusal is a 403."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def report_domain_error(request, error) -> None:
    messages.error(request, error.message)
