"""Reads for the token page: whose tokens a person may manage (the rules in
`jiebang/api/rules.py` decide each action; these only list)."""

from django.db.models import Q, QuerySet

from jiebang.api.models import UnitToken
from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.models import User

GOVERNMENT_ROLES = (Role.BUREAU_OFFICER, Role.DISTRICT_OFFICER)


def _account_scope(user) -> Q:
    """Accounts whose tokens `user` manages: an org admin of a verified unit its unit's
    accounts; a bureau officer the government accounts (bureau and district officers)."""
    scope = Q(pk__in=[])
    if not user.is_authenticated or user.account_state != AccountState.ACTIVE:
        return scope
    org = user.organization
    if user.has_role(Role.ORG_ADMIN) and org is not None and org.is_verified:
        scope |= Q(organization_id=org.pk)
    if user.has_role(Role.BUREAU_OFFICER):
        scope |= Q(organization__isnull=True, groups__name__in=GOVERNMENT_ROLES)
    return scope


def token_accounts_for(user) -> QuerySet[User]:
    """The active accounts `user` may issue a token for, by name."""
    return (
        User.objects.filter(_account_scope(user), account_state=AccountState.ACTIVE)
        .distinct()
        .order_by("real_name", "username", "id")
    )


def tokens_managed_by(user) -> QuerySet[UnitToken]:
    """The tokens (active first, then revoked) of the accounts `user` manages."""
    accounts = User.objects.filter(_account_scope(user)).values("pk")
    return (
        UnitToken.objects.filter(user_id__in=accounts)
        .select_related("user", "organization")
        .order_by("revoked_at", "-created_at", "-id")
    )
