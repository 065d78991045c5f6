"""Re-authentication before sensitive actions (unmasked personal-data exports, publishing
demands, approving disbursements …).

    @login_required
    @require_recent_auth                      # or require_recent_auth(max_age=300)
    def publish(request): ...

    if denied := reauth_required(request, when=..., next_url=...):
        return denied

The user must have confirmed their password (or a TOTP code) within REAUTH_MAX_AGE
seconds in this session — at login, at TOTP verification or on /reauth/. A session with no
recorded confirmation (e.g. the test client's force_login) is asked. REQUIRE_REAUTH=False
turns the check off (the test suite does, except for its own tests of it).

A page (GET) is sent to /reauth/?next=<itself>. A posted form is refused, not replayed: the
user goes to /reauth/?next=<the page the form was on> and repeats the action there.
"""

import functools
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from jiebang.orgs.security import sessions
from jiebang.orgs.security.middleware import send_to

REAUTH_MESSAGE = _("为保护数据安全，请先确认密码后再操作。")


def safe_next(request, url: str | None, default: str = "/work/") -> str:
    """`url` when it stays on this site, else `default` (no open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def recently_confirmed(request, max_age: int | None = None) -> bool:
    if not settings.REQUIRE_REAUTH:
        return True
    max_age = settings.REAUTH_MAX_AGE if max_age is None else max_age
    age = sessions.seconds_since_confirmed(request.session)
    return age is not None and 0 <= age <= max_age


def _form_page(request) -> str:
    """The page a posted form was on: its Referer when it is ours, else the work desk."""
    referer = request.headers.get("referer", "")
    if referer and safe_next(request, referer, default="") == referer:
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("dashboard")


def reauth_required(request, *, when: bool = True, max_age: int | None = None, next_url=None):
    """None when the action may go ahead; otherwise the response sending the user to
    confirm their password (see the module docstring). `next_url` is where to come back
    to (default: this page for GET, the form's page for POST)."""
    if not when or not request.user.is_authenticated or recently_confirmed(request, max_age):
        return None
    if next_url is None:
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else None
        next_url = next_url or _form_page(request)
    messages.warning(request, str(REAUTH_MESSAGE))
    return send_to(request, f"{reverse('reauth')}?{urlencode({'next': next_url})}")


def require_recent_auth(view_func=None, *, max_age: int | None = None):
    """View decorator: the password (or a TOTP code) confirmed within `max_age` seconds
    (default REAUTH_MAX_AGE). Put it below @login_required."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            denied = reauth_required(request, max_age=max_age)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        return wrapped

    if view_func is not None:
        return decorator(view_func)
    return decorator
