"""Who may do what with projects (django-rules predicates).

The solver side (揭榜方: the lead unit's active members) runs the project: reports,
expenditures, change requests, research-assistant posts and the acceptance application.
The issuer side records its payments of the contract amount. The bureau initiates, funds,
evaluates and accepts. Auditors read everything.
"""

import rules

from jiebang.orgs.permissions import (
    is_active_account,
    is_auditor,
    is_bureau_officer,
)


@rules.predicate
def on_solver_side(user, project):
    return bool(
        project is not None and user.organization_id and project.solver_id == user.organization_id
    )


@rules.predicate
def on_issuer_side(user, project):
    return bool(
        project is not None and user.organization_id and project.issuer_id == user.organization_id
    )


@rules.predicate
def on_payer_side(user, project):
    """TB: the issuer pays the solver's R&D; AT: the solver enterprise pays for the
    transfer (domain.md §7)."""
    return bool(
        project is not None and user.organization_id and project.payer_id == user.organization_id
    )


@rules.predicate
def project_is_running(user, project):
    return project is not None and project.is_running


@rules.predicate
def project_is_active(user, project):
    return project is not None and project.is_active


is_party = is_active_account & (on_solver_side | on_issuer_side)

rules.add_perm("projects.view_project", is_bureau_officer | is_auditor | is_party)
rules.add_perm("projects.view_project_desk", is_bureau_officer | is_auditor)
rules.add_perm("projects.view_own_projects", is_active_account)
rules.add_perm("projects.manage_project", is_bureau_officer)
rules.add_perm("projects.run_project", is_active_account & on_solver_side & project_is_active)


@rules.predicate
def project_takes_payments(user, project):
    return project is not None and (project.is_active or project.state == "accepted")


rules.add_perm(
    "projects.record_payment", is_active_account & on_payer_side & project_takes_payments
)


# The parties of a project read its files (the agreement, vouchers, reports, evidence)
# whichever of them uploaded them; added to core's attachment permission here so that core
# does not need to know about projects.
_PROJECT_FILE_LINKS = (
    "agreement_attachment",
    "tech_contract_attachment",
    "payments__voucher",
    "disbursements__voucher",
    "refunds__voucher",
    "expenditures__voucher",
    "reports__attachment",
    "final_reports__attachment",
    "indicators__evidence",
)


@rules.predicate
def attachment_of_users_project(user, attachment):
    if attachment is None or not user.organization_id:
        return False
    from django.db.models import Q

    from jiebang.projects.models import Project

    projects = Project.objects.filter(
        Q(solver_id=user.organization_id) | Q(issuer_id=user.organization_id)
    )
    return any(projects.filter(**{link: attachment}).exists() for link in _PROJECT_FILE_LINKS)


rules.set_perm(
    "core.view_attachment",
    rules.permissions.permissions["core.view_attachment"]
    | (is_active_account & attachment_of_users_project),
)
