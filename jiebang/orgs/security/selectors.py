"""Reads of the login history and of accounts, scoped to who is asking."""

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiebang.orgs.models import LoginEvent, User
from jiebang.orgs.security.lockout import locked_usernames

HISTORY_LENGTH = 50


def login_history(user, limit: int = HISTORY_LENGTH) -> list[LoginEvent]:
    """An account's latest login events, newest first (the caller checks
    `orgs.view_login_history` for someone else's)."""
    return list(LoginEvent.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def accounts(search: str = "", locked_only: bool = False) -> QuerySet[User]:
    """Every account, for bureau officers and auditors (orgs.list_accounts)."""
    qs = User.objects.select_related("organization", "district").order_by("username", "id")
    search = (search or "").strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(real_name__icontains=search)
            | Q(organization__name__icontains=search)
        )
    if locked_only:
        from axes.models import AccessAttempt

        names = AccessAttempt.objects.values_list("username", flat=True).distinct()
        qs = qs.filter(username__in=locked_usernames(names))
    return qs


def security_state(users) -> dict[int, dict]:
    """For each account: locked out now, has a confirmed authenticator. Two queries."""
    users = list(users)
    locked = locked_usernames(u.get_username() for u in users)
    with_totp = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    return {u.pk: {"locked": u.get_username() in locked, "totp": u.pk in with_totp} for u in users}
