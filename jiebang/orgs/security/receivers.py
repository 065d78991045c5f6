"""Django's auth signals → the login history (services.record_login_event).

The house rule keeps business logic out of signals; these receivers are the exception,
because Django's auth signals are the framework's only hook for a failed login
(`user_login_failed` is sent by `django.contrib.auth.authenticate`, whichever form or page
asked; django-axes counts failures and locks accounts from the same signal) and the one
place every login and logout passes (our login page, the Django admin's, the automatic
login after unit registration, the session timeout). They only call the service.
Connected in OrgsConfig.ready().
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from jiebang.orgs.auth import find_account
from jiebang.orgs.enums import LoginEventKind
from jiebang.orgs.security import services, sessions


def _over_http(request) -> bool:
    """A login without an HTTP request behind it (the test client's `force_login`, a
    shell) starts a session but is nobody signing in: it is not written to the history."""
    return request is not None and request.method is not None


def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    sessions.start_clock(request.session)
    if _over_http(request):
        services.record_login_event(kind=LoginEventKind.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is None or not _over_http(request):
        return
    services.record_login_event(
        kind=LoginEventKind.LOGOUT,
        request=request,
        user=user,
        detail=getattr(request, sessions.LOGOUT_REASON_ATTR, ""),
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed login, and the lockout when this failure reached AXES_FAILURE_LIMIT.

    django-axes' own receiver runs first (axes precedes jiebang.orgs in INSTALLED_APPS)
    and leaves its verdict on the request: `axes_locked_out` with
    `axes_failures_since_start` set when this failure locked the account, with it None
    when the account was locked already and axes refused to check the password.
    """
    if not _over_http(request):
        return
    typed = (credentials or {}).get("username") or ""
    account = find_account(typed)
    locked = getattr(request, "axes_locked_out", False)
    counted = getattr(request, "axes_failures_since_start", None) is not None
    services.record_login_event(
        kind=LoginEventKind.LOGIN_FAILED,
        request=request,
        user=account,
        username=typed,
        detail="locked" if locked and not counted else "",
    )
    if locked and counted:
        services.record_login_event(
            kind=LoginEventKind.LOCKED_OUT, request=request, user=account, username=typed
        )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="jiebang.orgs.security.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="jiebang.orgs.security.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="jiebang.orgs.security.login_failed")
