"""Who may do what with demands (django-rules predicates)."""

import rules

from jiebang.demands.enums import EDITABLE_STATES, WITHDRAWABLE_STATES, DemandState
from jiebang.orgs.permissions import (
    is_active_account,
    is_applicant,
    is_auditor,
    is_bureau_officer,
    is_district_officer,
)


@rules.predicate
def of_users_unit(user, demand):
    return bool(
        demand is not None
        and user.organization_id
        and demand.organization_id == user.organization_id
    )


@rules.predicate
def in_officers_district(user, demand):
    return bool(
        demand is not None
        and user.district_id
        and demand.organization.district_id == user.district_id
        and demand.state != DemandState.DRAFT
    )


@rules.predicate
def is_editable(user, demand):
    return demand is not None and demand.state in EDITABLE_STATES


@rules.predicate
def is_withdrawable(user, demand):
    return demand is not None and demand.state in WITHDRAWABLE_STATES


@rules.predicate
def has_unit(user):
    return bool(user.organization_id)


unit_applicant = is_applicant & of_users_unit

rules.add_perm("demands.create_demand", is_applicant & has_unit)
rules.add_perm("demands.list_own_demands", is_active_account & has_unit)
rules.add_perm(
    "demands.view_demand",
    is_bureau_officer
    | is_auditor
    | (is_active_account & of_users_unit)
    | (is_district_officer & in_officers_district),
)
rules.add_perm("demands.edit_demand", unit_applicant & is_editable)
rules.add_perm("demands.submit_demand", unit_applicant & is_editable)
rules.add_perm("demands.withdraw_demand", unit_applicant & is_withdrawable)
rules.add_perm("demands.record_offline_entry", is_bureau_officer)

# ---- desks ---------------------------------------------------------------------------------


@rules.predicate
def submitted_in_officers_district(user, demand):
    return bool(
        demand is not None
        and user.district_id
        and demand.organization.district_id == user.district_id
    )


rules.add_perm("demands.view_district_desk", is_district_officer)
rules.add_perm("demands.district_act", is_district_officer & submitted_in_officers_district)
rules.add_perm("demands.view_bureau_desk", is_bureau_officer | is_auditor)
rules.add_perm("demands.bureau_act", is_bureau_officer)
rules.add_perm("demands.publish_demands", is_bureau_officer)
rules.add_perm(
    "demands.view_versions",
    is_bureau_officer
    | is_auditor
    | (is_active_account & of_users_unit)
    | (is_district_officer & in_officers_district),
)


# ---- attachments ---------------------------------------------------------------------------


@rules.predicate
def attachment_of_a_demand_in_officers_district(user, attachment):
    """A district officer reads the materials of the demands their desk handles (submitted
    by a unit of their district; drafts stay the unit's own)."""
    if attachment is None or not user.district_id:
        return False
    from jiebang.demands.models import DemandAttachment

    return (
        DemandAttachment.objects.filter(
            attachment=attachment, demand__organization__district_id=user.district_id
        )
        .exclude(demand__state=DemandState.DRAFT)
        .exists()
    )


rules.set_perm(
    "core.view_attachment",
    rules.permissions.permissions["core.view_attachment"]
    | (is_active_account & is_district_officer & attachment_of_a_demand_in_officers_district),
)
