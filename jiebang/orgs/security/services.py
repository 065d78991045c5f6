"""Every write of account security: login events, unlocking, TOTP devices, confirmations.

Each function's docstring lists its side effects. Permission checks are the callers'
(views and the admin check `orgs.manage_account_security` first).
"""

import django_otp
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiebang.core import clock
from jiebang.core.masking import mask_phone
from jiebang.core.services import record_audit
from jiebang.core.validators import is_valid_mobile
from jiebang.orgs.enums import LoginEventKind
from jiebang.orgs.models import LoginEvent
from jiebang.orgs.security import sessions

TOTP_DEVICE_NAME = "动态口令"

EVENT_SUMMARIES = {
    LoginEventKind.LOGIN: "登录",
    LoginEventKind.LOGIN_FAILED: "登录失败",
    LoginEventKind.LOGOUT: "退出登录",
    LoginEventKind.LOCKED_OUT: "登录失败次数过多，账号已锁定",
}
LOGOUT_DETAILS = {
    "idle_timeout": "长时间未操作，自动退出",
    "absolute_timeout": "超过登录时限，自动退出",
}


def shown_login_name(typed: str) -> str:
    """A name typed at the login form as it may be stored: a mobile number masked."""
    typed = (typed or "").strip()[:150]
    return mask_phone(typed) if is_valid_mobile(typed) else typed


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    address = request.META.get("REMOTE_ADDR") or None
    agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    return address, agent


@transaction.atomic
def record_login_event(*, kind, request, user=None, username: str = "", detail: str = ""):
    """Write one row of the login history (登录记录) and its audit entry.

    `username` is the name typed (failures) — a mobile number is masked before it is
    stored; for the other kinds it defaults to the account's username.

    Side effects: inserts a LoginEvent (time, IP, user agent); appends the audit entry
    `auth.<kind>` (auth.login, auth.login_failed, auth.logout, auth.locked_out) with the
    account as actor (login, logout) or as target (failures, lockout).
    """
    kind = LoginEventKind(kind)
    address, agent = _client(request)
    name = shown_login_name(username) if username else (user.get_username() if user else "")
    event = LoginEvent.objects.create(
        user=user,
        kind=kind,
        username=name,
        created_at=clock.now(),
        ip_address=address,
        user_agent=agent,
        detail=detail[:64],
    )
    summary = EVENT_SUMMARIES[kind]
    if kind in (LoginEventKind.LOGIN_FAILED, LoginEventKind.LOCKED_OUT):
        summary = f"{summary}：{name}"
    if detail in LOGOUT_DETAILS:
        summary = f"{summary}（{LOGOUT_DETAILS[detail]}）"
    signed_in = kind in (LoginEventKind.LOGIN, LoginEventKind.LOGOUT)
    record_audit(
        action=f"auth.{kind.value}",
        actor=user if signed_in else None,
        target=user,
        summary=summary,
        data={"username": name, "detail": detail, "user_agent": agent},
        request=request,
    )
    return event


@transaction.atomic
def unlock_account(*, user, by, request=None) -> int:
    """Lift a login lockout: the account's failed attempts start again from zero.

    Side effects: deletes the account's django-axes AccessAttempt rows (attempts typed
    with its mobile number are counted under its username too); appends the audit entry
    `auth.unlocked`. Returns the number of attempt rows removed.
    """
    from axes.utils import reset

    removed = reset(username=user.get_username())
    record_audit(
        action="auth.unlocked",
        actor=by,
        target=user,
        summary=f"解除登录锁定：{user.display_name}（{user.get_username()}）",
        data={"attempts_removed": removed},
        request=request,
    )
    return removed


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


@transaction.atomic
def totp_device_for_setup(user) -> TOTPDevice:
    """The unconfirmed TOTP device the setup page shows (the same one on every visit
    until it is confirmed, so a refreshed page does not invalidate a scanned code).

    Side effects: creates an unconfirmed TOTPDevice with a random key when there is none.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _verified(request, device) -> None:
    django_otp.login(request, device)
    sessions.mark_confirmed(request.session)


@transaction.atomic
def confirm_totp_device(*, request, device, token: str) -> bool:
    """Enrol the device when `token` is its current code.

    Side effects on success: marks the device confirmed; deletes the user's other TOTP
    devices (one authenticator per account); marks this session as TOTP-verified and
    records the confirmation time (re-authentication counts from it); audit
    `auth.totp_enrolled`. On a wrong code: the device's failure counter (throttling) goes
    up; audit `auth.totp_failed`.
    """
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        _audit_totp_failure(request, "enrol")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    _verified(request, device)
    record_audit(
        action="auth.totp_enrolled",
        actor=user,
        target=user,
        summary="绑定动态口令",
        request=request,
    )
    return True


def check_totp(*, request, token: str) -> bool:
    """Whether `token` is the current code of the user's confirmed device.

    Side effects: on success the device remembers the code's time step (a code is
    accepted once); on failure its failure counter (throttling) goes up and the audit
    entry `auth.totp_failed` is appended.
    """
    device = confirmed_totp_device(request.user)
    if device is None:
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.verify_token(token):
            return True
    _audit_totp_failure(request, "verify")
    return False


def verify_totp(*, request, token: str) -> bool:
    """The second step of a login: the code of the user's confirmed device.

    Side effects: those of `check_totp`; on success also marks this session as
    TOTP-verified and records the confirmation time.
    """
    if not check_totp(request=request, token=token):
        return False
    _verified(request, confirmed_totp_device(request.user))
    return True


def _audit_totp_failure(request, step: str) -> None:
    record_audit(
        action="auth.totp_failed",
        actor=request.user,
        target=request.user,
        summary="动态口令错误",
        data={"step": step},
        request=request,
    )


@transaction.atomic
def reset_totp(*, user, by, request=None) -> int:
    """Remove an account's authenticator (lost phone): it enrols a new one at its next
    login, and sessions verified with the old one are no longer verified.

    Side effects: deletes the account's TOTP devices; appends the audit entry
    `auth.totp_reset`. Returns the number of devices removed.
    """
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    record_audit(
        action="auth.totp_reset",
        actor=by,
        target=user,
        summary=f"重置动态口令：{user.display_name}（{user.get_username()}）",
        data={"devices_removed": removed},
        request=request,
    )
    return removed


def record_confirmation(*, request) -> None:
    """The user confirmed their password (and code) on the re-authentication page.

    Side effects: records the confirmation time in the session; appends the audit entry
    `auth.reauthenticated`.
    """
    sessions.mark_confirmed(request.session)
    record_audit(
        action="auth.reauthenticated",
        actor=request.user,
        target=request.user,
        summary=_("敏感操作前确认身份"),
        request=request,
    )
