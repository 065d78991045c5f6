"""django-axes hooks: failed logins count per account, and a locked account sees the
login page with the reason in Chinese.

Settings (jiebang/settings.py) point here: AXES_USERNAME_CALLABLE = `account_key`,
AXES_CLIENT_IP_CALLABLE = `client_ip`, AXES_LOCKOUT_CALLABLE = `lockout_response`.
"""

from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiebang.core import clock
from jiebang.orgs.auth import find_account


def account_key(request, credentials=None) -> str | None:
    """The name failed attempts are counted under: the account's username when the name
    typed designates an account (so its username and its mobile number share one
    counter), else the name as typed (unknown names are counted too and lock alike, so a
    lockout tells nothing about which names exist)."""
    typed = None
    if credentials:
        typed = credentials.get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    if not typed:
        return None
    typed = typed.strip()
    account = find_account(typed)
    return account.get_username() if account is not None else typed


def client_ip(request) -> str | None:
    """The address the audit log records (REMOTE_ADDR; nginx sets it to the client's)."""
    return request.META.get("REMOTE_ADDR") or None


def cooloff_minutes() -> int | None:
    from axes.helpers import get_cool_off

    cooloff = get_cool_off()
    if not cooloff:
        return None
    return max(1, int(cooloff.total_seconds() // 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    if minutes:
        return _(
            "登录失败次数过多（连续 %(limit)d 次），账号已暂时锁定。请 %(minutes)d 分钟后再试，"
            "或联系市科技局系统管理员解锁。"
        ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return _(
        "登录失败次数过多（连续 %(limit)d 次），账号已锁定。请联系市科技局系统管理员解锁。"
    ) % {"limit": settings.AXES_FAILURE_LIMIT}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout reason (403); JSON for scripted clients."""
    message = lockout_message()
    wants_json = (
        request.path.startswith("/api/")
        or request.headers.get("x-requested-with") == "XMLHttpRequest"
        or "application/json" in request.headers.get("accept", "")
    )
    if wants_json:
        return JsonResponse(
            {"code": "ACCOUNT-LOCKED", "message": message, "details": []}, status=403
        )
    from jiebang.orgs.forms import LoginForm

    # An unbound form: binding it would authenticate (and count a failure) once more.
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": typed})
    return render(
        request,
        "orgs/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=403,
    )


def locked_usernames(usernames) -> set[str]:
    """Which of `usernames` are locked out now (failures within the cool-off, if any)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username__in=list(usernames))
    cooloff = get_cool_off()
    if cooloff:
        attempts = attempts.filter(attempt_time__gte=clock.now() - cooloff)
    return set(
        attempts.values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )


def is_locked(user) -> bool:
    return user.get_username() in locked_usernames([user.get_username()])
