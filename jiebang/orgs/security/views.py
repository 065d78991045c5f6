"""Pages of account security: TOTP enrolment and verification, re-authentication, the login
history, and the bureau's account pages (unlock, reset the authenticator)."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from jiebang.core.views_helpers import paginate, require_perm
from jiebang.orgs.models import User
from jiebang.orgs.security import selectors, services
from jiebang.orgs.security.forms import ReauthForm, TotpCodeForm
from jiebang.orgs.security.reauth import reauth_required, safe_next


def _next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def totp_secret(device) -> str:
    """The key as the authenticator apps take it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no external service)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="动态口令二维码", svgclass="jb-totp-qr"
    )
    # segno's own markup: paths drawn from the data and our fixed title, no text typed by users.
    return mark_safe(svg)  # noqa: S308


@login_required
def totp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm a code."""
    if services.confirmed_totp_device(request.user) is not None:
        return redirect(f"{reverse('totp_verify')}?{urlencode({'next': _next(request)})}")
    device = services.totp_device_for_setup(request.user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(
            request=request, device=device, token=form.cleaned_data["code"]
        ):
            messages.success(request, "动态口令已绑定。今后登录时需输入身份验证器上的动态口令。")
            return redirect(_next(request))
        form.add_error("code", "动态口令不正确，请核对手机时间后输入当前显示的6位数字。")
    return render(
        request,
        "orgs/security/totp_setup.html",
        {
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret(device),
            "next": _next(request),
        },
    )


@login_required
def totp_verify(request):
    """The second step of the login: the current code of the enrolled authenticator."""
    if services.confirmed_totp_device(request.user) is None:
        return redirect("totp_setup")
    if _is_verified(request.user):
        return redirect(_next(request))
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", "动态口令不正确或已使用，请输入身份验证器上新的动态口令。")
    return render(request, "orgs/security/totp_verify.html", {"form": form, "next": _next(request)})


@login_required
def reauth(request):
    """Confirm the password (and the TOTP code) before a sensitive action, then go back."""
    with_code = services.confirmed_totp_device(request.user) is not None
    form = ReauthForm(request.POST or None, request=request, with_code=with_code)
    if request.method == "POST":
        if form.is_valid():
            services.record_confirmation(request=request)
            messages.success(request, "身份已确认，请继续操作。")
            return redirect(_next(request))
        if getattr(request, "axes_locked_out", False):
            # Too many wrong passwords here as well: the account is locked and this
            # session ends (django-axes shows the login page with the reason).
            logout(request)
            return redirect("login")
    return render(
        request,
        "orgs/security/reauth.html",
        {"form": form, "next": _next(request), "with_code": with_code},
    )


@login_required
def my_login_history(request):
    """登录记录: the user's own last 50 sign-ins, failures, sign-outs and lockouts."""
    return render(
        request,
        "orgs/security/login_history.html",
        {"events": selectors.login_history(request.user), "subject": request.user, "own": True},
    )


def _query_prefix(search: str, locked_only: bool) -> str:
    query = urlencode(
        {k: v for k, v in (("q", search), ("locked", "1" if locked_only else "")) if v}
    )
    return f"{query}&" if query else ""


@login_required
def account_list(request):
    """Bureau officers and auditors: find an account (by name or unit), or the locked ones."""
    require_perm(request.user, "orgs.list_accounts")
    search = request.GET.get("q", "")
    locked_only = request.GET.get("locked") == "1"
    page = paginate(request, selectors.accounts(search=search, locked_only=locked_only))
    state = selectors.security_state(page.object_list)
    rows = [(account, state[account.pk]) for account in page.object_list]
    return render(
        request,
        "orgs/security/account_list.html",
        {
            "page": page,
            "rows": rows,
            "q": search,
            "locked_only": locked_only,
            "query_prefix": _query_prefix(search, locked_only),
        },
    )


@login_required
def account_detail(request, pk):
    """One account's security: lockout, authenticator, and its login history."""
    subject = get_object_or_404(User.objects.select_related("organization", "district"), pk=pk)
    require_perm(request.user, "orgs.view_login_history", subject)
    state = selectors.security_state([subject])[subject.pk]
    return render(
        request,
        "orgs/security/account_detail.html",
        {
            "subject": subject,
            "state": state,
            "events": selectors.login_history(subject),
            "can_manage": request.user.has_perm("orgs.manage_account_security", subject),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


def _managed_account(request, pk):
    """The account to act on, after the permission and a recent password confirmation."""
    subject = get_object_or_404(User, pk=pk)
    require_perm(request.user, "orgs.manage_account_security", subject)
    denied = reauth_required(request, next_url=reverse("account_detail", args=[subject.pk]))
    return subject, denied


@login_required
@require_POST
def account_unlock(request, pk):
    subject, denied = _managed_account(request, pk)
    if denied:
        return denied
    services.unlock_account(user=subject, by=request.user, request=request)
    messages.success(request, f"已解除 {subject.display_name} 的登录锁定。")
    return redirect("account_detail", pk=subject.pk)


@login_required
@require_POST
def account_reset_totp(request, pk):
    subject, denied = _managed_account(request, pk)
    if denied:
        return denied
    services.reset_totp(user=subject, by=request.user, request=request)
    messages.success(
        request, f"已重置 {subject.display_name} 的动态口令，其下次登录时需重新绑定身份验证器。"
    )
    return redirect("account_detail", pk=subject.pk)
