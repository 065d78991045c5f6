"""Who may do what with proposals (django-rules predicates)."""

import rules

from jiebang.orgs.permissions import (
    is_active_account,
    is_applicant,
    is_auditor,
    is_bureau_officer,
    user_verified_unit,
)
from jiebang.proposals.enums import EDITABLE_STATES


@rules.predicate
def leads_proposal(user, proposal):
    return bool(
        proposal is not None and user.organization_id and proposal.lead_id == user.organization_id
    )


@rules.predicate
def issues_demand_of(user, proposal):
    return bool(
        proposal is not None
        and user.organization_id
        and proposal.demand.organization_id == user.organization_id
    )


@rules.predicate
def proposal_editable(user, proposal):
    return proposal is not None and proposal.state in EDITABLE_STATES


@rules.predicate
def has_unit(user):
    return bool(user.organization_id)


rules.add_perm("proposals.create_proposal", is_applicant & has_unit & user_verified_unit)
rules.add_perm("proposals.edit_proposal", is_applicant & leads_proposal & proposal_editable)
rules.add_perm("proposals.view_own_proposals", is_active_account & has_unit)
rules.add_perm("proposals.handle_matching", is_active_account & issues_demand_of)
rules.add_perm("proposals.manage_selection", is_bureau_officer)
rules.add_perm("proposals.view_selection_desk", is_bureau_officer | is_auditor)
