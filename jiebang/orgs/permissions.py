"""Who may do what with units, accounts and people (django-rules predicates)."""

import rules

from jiebang.orgs.enums import AccountState, Role


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(
            user
            and user.is_authenticated
            and user.account_state == AccountState.ACTIVE
            and user.has_role(role)
        )

    return predicate


is_org_admin = _has_role(Role.ORG_ADMIN)
is_applicant = _has_role(Role.APPLICANT)
is_district_officer = _has_role(Role.DISTRICT_OFFICER)
is_bureau_officer = _has_role(Role.BUREAU_OFFICER)
is_expert = _has_role(Role.EXPERT)
is_auditor = _has_role(Role.AUDITOR)


@rules.predicate
def is_active_account(user):
    return bool(user and user.is_authenticated and user.account_state == AccountState.ACTIVE)


@rules.predicate
def belongs_to_org(user, org):
    return bool(org is not None and user.is_authenticated and user.organization_id == org.pk)


@rules.predicate
def org_is_verified(user, org):
    return bool(org is not None and org.is_verified)


@rules.predicate
def org_in_officers_district(user, org):
    return bool(
        org is not None
        and user.is_authenticated
        and user.district_id
        and org.district_id == user.district_id
    )


@rules.predicate
def user_verified_unit(user):
    org = getattr(user, "organization", None)
    return bool(org is not None and org.is_verified)


@rules.predicate
def member_of_admins_org(admin, member):
    return bool(
        member is not None
        and admin.organization_id is not None
        and member.organization_id == admin.organization_id
        and member.pk != admin.pk
    )


is_staff_reader = is_bureau_officer | is_auditor
is_unit_member = is_active_account & belongs_to_org

rules.add_perm(
    "orgs.view_organization",
    is_staff_reader | is_unit_member | (is_district_officer & org_in_officers_district),
)
rules.add_perm("orgs.list_district_units", is_district_officer)
rules.add_perm("orgs.verify_organization", is_bureau_officer)
rules.add_perm("orgs.view_verification_queue", is_bureau_officer)
rules.add_perm("orgs.edit_organization", is_org_admin & belongs_to_org)
rules.add_perm("orgs.manage_members", is_org_admin & user_verified_unit & member_of_admins_org)
rules.add_perm("orgs.view_members", is_org_admin & belongs_to_org)
rules.add_perm("orgs.declare_relation", is_org_admin & belongs_to_org & org_is_verified)
rules.add_perm("orgs.act_for_unit", is_active_account & user_verified_unit)
rules.add_perm("orgs.view_my_org", is_active_account & user_verified_unit | is_org_admin)


# ---- account security (jiebang/orgs/security) ----------------------------------------------


@rules.predicate
def is_same_account(user, target):
    return bool(target is not None and user.is_authenticated and user.pk == target.pk)


@rules.predicate
def target_is_superuser(user, target):
    return bool(target is not None and target.is_superuser)


is_back_office = rules.is_superuser

rules.add_perm(
    "orgs.view_login_history",
    is_active_account & is_same_account | is_staff_reader | is_back_office,
)
rules.add_perm("orgs.list_accounts", is_staff_reader | is_back_office)
# Unlock a locked-out account, reset its authenticator: the bureau (or the back office),
# never one's own, and a superuser's only by a superuser.
rules.add_perm(
    "orgs.manage_account_security",
    (is_bureau_officer | is_back_office)
    & ~is_same_account
    & (~target_is_superuser | is_back_office),
)
