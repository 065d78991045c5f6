"""Who may issue and revoke integration tokens (django-rules predicates).

An org admin manages the tokens of its own verified unit's active accounts (itself
included); a bureau officer manages those of government accounts (bureau and district
officers, which belong to no unit)."""

import rules

from jiebang.orgs.enums import AccountState, Role
from jiebang.orgs.permissions import is_bureau_officer, is_org_admin, user_verified_unit


@rules.predicate
def account_of_admins_unit(admin, account):
    return bool(
        account is not None
        and admin.organization_id is not None
        and account.organization_id == admin.organization_id
        and account.account_state == AccountState.ACTIVE
    )


@rules.predicate
def is_government_account(officer, account):
    return bool(
        account is not None
        and account.organization_id is None
        and account.account_state == AccountState.ACTIVE
        and (account.has_role(Role.BUREAU_OFFICER) or account.has_role(Role.DISTRICT_OFFICER))
    )


unit_admin = is_org_admin & user_verified_unit

rules.add_perm("api.manage_tokens", unit_admin | is_bureau_officer)
rules.add_perm(
    "api.issue_token_for",
    (unit_admin & account_of_admins_unit) | (is_bureau_officer & is_government_account),
)


@rules.predicate
def may_manage_token(user, token):
    return token is not None and user.has_perm("api.issue_token_for", token.user)


rules.add_perm("api.revoke_token", may_manage_token)
