"""Two checks on every request of a signed-in session, after AuthenticationMiddleware and
django-otp's OTPMiddleware (settings.MIDDLEWARE):

- `SessionTimeoutMiddleware`: SESSION_IDLE_TIMEOUT seconds without activity, or
  SESSION_ABSOLUTE_TIMEOUT seconds since login, end the session (0 turns a limit off).
- `TwoFactorMiddleware`: with REQUIRE_TOTP, staff accounts (see `requires_totp`) that
  have not entered a TOTP code in this session are sent to enrol or verify first.

API requests authenticated by a unit token (`Authorization: Token …`) are not session
logins and pass both untouched: tokens are issued per unit and scoped, and bypass 2FA by
design.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiebang.orgs.enums import Role
from jiebang.orgs.security import sessions

IDLE_MESSAGE = _("长时间未操作，已自动退出，请重新登录。")
ABSOLUTE_MESSAGE = _("登录时间已超过上限，已自动退出，请重新登录。")
OTP_REQUIRED_MESSAGE = _("请先完成动态口令验证。")
TOTP_ROLES = (Role.BUREAU_OFFICER, Role.DISTRICT_OFFICER, Role.AUDITOR)


def requires_totp(user) -> bool:
    """Bureau and district officers, auditors and back-office (admin) accounts."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.is_staff or any(user.has_role(r) for r in TOTP_ROLES))
    )


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def is_token_request(request) -> bool:
    """An API call carrying a unit token (`Authorization: Token …`, matched as DRF's
    TokenAuthentication matches it). DRF refuses a bad token outright, without falling back
    to the session, so the header cannot carry an unverified session past these checks;
    and outside /api/ no token counts at all."""
    parts = request.headers.get("authorization", "").split()
    return is_api(request) and bool(parts) and parts[0].lower() == "token"


def is_htmx(request) -> bool:
    return request.headers.get("hx-request") == "true"


def send_to(request, url: str):
    """A redirect the way the page asked: HX-Redirect for htmx, a 302 otherwise."""
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def with_next(url: str, request) -> str:
    """`url?next=<this page>` for a page (GET); a posted form cannot be replayed."""
    if request.method in ("GET", "HEAD") and not is_htmx(request):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        idle = settings.SESSION_IDLE_TIMEOUT
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT
        if not (idle or absolute) or is_token_request(request):
            return None
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = sessions.timestamp()
        login_at, seen_at = session.get(sessions.LOGIN_AT), session.get(sessions.SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before these limits
            sessions.start_clock(session)
            return None
        if absolute and now - login_at >= absolute:
            return self.expire(request, "absolute_timeout", str(ABSOLUTE_MESSAGE))
        if idle and now - seen_at >= idle:
            return self.expire(request, "idle_timeout", str(IDLE_MESSAGE))
        if now - seen_at >= sessions.ACTIVITY_RESOLUTION:
            session[sessions.SEEN_AT] = now
        return None

    def expire(self, request, reason: str, message: str):
        setattr(request, sessions.LOGOUT_REASON_ATTR, reason)
        logout(request)
        if is_api(request):
            return JsonResponse(
                {"code": "SESSION-EXPIRED", "message": message, "details": []}, status=401
            )
        messages.warning(request, message)
        return send_to(request, with_next(resolve_url(settings.LOGIN_URL), request))


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def open_paths(self) -> tuple[str, ...]:
        """What an account between password and code may still reach."""
        if self._open_paths is None:
            self._open_paths = (
                reverse("totp_setup"),
                reverse("totp_verify"),
                reverse("logout"),
                settings.STATIC_URL,
            )
        return self._open_paths

    def check(self, request):
        if not settings.REQUIRE_TOTP or is_token_request(request):
            return None
        user = request.user
        if not requires_totp(user):
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        if request.path.startswith(self.open_paths()):
            return None
        if is_api(request):
            return JsonResponse(
                {"code": "OTP-REQUIRED", "message": str(OTP_REQUIRED_MESSAGE), "details": []},
                status=403,
            )
        from jiebang.orgs.security.services import confirmed_totp_device

        target = "totp_verify" if confirmed_totp_device(user) else "totp_setup"
        return send_to(request, with_next(reverse(target), request))
