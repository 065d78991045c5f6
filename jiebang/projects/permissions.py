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
rules.add_perm("projects.record_payment", is_active_account & on_issuer_side & project_is_active)
