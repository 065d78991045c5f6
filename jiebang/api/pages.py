"""The token page (接口令牌) for people: org admins issue and revoke the integration tokens
of their unit's accounts, bureau officers those of government accounts. The key is shown
once, on the response to the issuing request, and never stored."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jiebang.api import selectors, services
from jiebang.api.models import ApiScope
from jiebang.core.errors import DomainError
from jiebang.core.forms import BootstrapMixin
from jiebang.core.views_helpers import paginate, report_domain_error, require_perm
from jiebang.orgs.models import User


class TokenForm(BootstrapMixin, forms.Form):
    account = forms.IntegerField(label=_("令牌所代表的账号"), min_value=1, max_value=2**31 - 1)
    name = forms.CharField(
        label=_("用途"), max_length=100, help_text=_("例如：本单位科研管理系统对接")
    )
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.READ],
    )


@login_required
def tokens(request):
    user = request.user
    require_perm(user, "api.manage_tokens")
    accounts = selectors.token_accounts_for(user)
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            account = User.objects.filter(pk=form.cleaned_data["account"]).first()
            if account is None or not user.has_perm("api.issue_token_for", account):
                raise PermissionDenied
            try:
                token, key = services.issue_token(
                    user=account,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    by=user,
                    request=request,
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                issued = {"token": token, "key": key}
                form = TokenForm()
        else:
            status = 400
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "accounts": accounts,
            "page": paginate(request, selectors.tokens_managed_by(user)),
            "issued": issued,
            "scope_labels": dict(ApiScope.choices),
        },
        status=status,
    )
    # The key appears on this response only: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    user = request.user
    require_perm(user, "api.manage_tokens")
    token = get_object_or_404(selectors.tokens_managed_by(user), pk=pk)
    require_perm(user, "api.revoke_token", token)
    try:
        services.revoke_token(token_id=token.pk, by=user, request=request)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(
            request, f"已撤销令牌 {token.prefix}…（{token.name}），使用它的系统将无法再访问。"
        )
    return redirect("api_tokens")
