"""Issuing and revoking integration tokens."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from jiebang.api.auth import key_hash
from jiebang.api.models import ApiScope, UnitToken
from jiebang.core import clock
from jiebang.core.errors import DomainError
from jiebang.core.services import record_audit


@transaction.atomic
def issue_token(*, user, name: str, scopes: list[str], by, request=None) -> tuple[UnitToken, str]:
    """A new token acting as `user`; returns it and the key, shown only this once.

    Side effects: the UnitToken (only the key's SHA-256 stored); audit entry.
    """
    scopes = sorted(set(scopes))
    if not scopes or any(s not in ApiScope.values for s in scopes):
        raise DomainError("SCOPE-INVALID", _("请选择令牌的权限范围。"))
    if not (name or "").strip():
        raise DomainError("NAME-REQUIRED", _("请填写令牌用途。"))
    key = "jb_" + secrets.token_urlsafe(32)
    token = UnitToken.objects.create(
        organization_id=user.organization_id,
        user=user,
        name=name.strip()[:100],
        prefix=key[:10],
        key_hash=key_hash(key),
        scopes=scopes,
        created_at=clock.now(),
    )
    record_audit(
        action="api.token_issued",
        actor=by,
        target=token,
        summary=f"签发接口令牌：{token.prefix}…（{token.name}，{','.join(scopes)}）",
        request=request,
    )
    return token, key


@transaction.atomic
def revoke_token(*, token_id: int, by, request=None) -> UnitToken:
    """Side effects: `revoked_at`; audit entry. Revoking twice is refused."""
    token = UnitToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is not None:
        raise DomainError("TOKEN-REVOKED", _("该令牌已撤销。"))
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        action="api.token_revoked",
        actor=by,
        target=token,
        summary=f"撤销接口令牌：{token.prefix}…（{token.name}）",
        request=request,
    )
    return token
