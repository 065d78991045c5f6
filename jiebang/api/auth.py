"""`Authorization: Token <key>` for integrations (UnitToken), beside the session."""

import hashlib

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from jiebang.core import clock
from jiebang.orgs.enums import AccountState


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class UnitTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from jiebang.api.models import UnitToken

        token = UnitToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None or not token.is_active:
            raise exceptions.AuthenticationFailed(_("接口令牌无效或已撤销。"))
        if token.user.account_state != AccountState.ACTIVE or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌所属账号已停用。"))
        UnitToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
        return token.user, token


class TokenScope(permissions.BasePermission):
    """A read-only token may only read; a session is not narrowed."""

    message = _("该接口令牌只有读取权限。")

    def has_permission(self, request, view):
        from jiebang.api.models import ApiScope, UnitToken

        token = request.auth
        if not isinstance(token, UnitToken):
            return True
        if request.method in permissions.SAFE_METHODS:
            return True
        return ApiScope.WRITE in token.scopes
