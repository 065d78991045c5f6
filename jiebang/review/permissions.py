"""Who may do what in expert review (django-rules predicates)."""

import rules

from jiebang.orgs.permissions import is_auditor, is_bureau_officer, is_expert


@rules.predicate
def owns_assignment(user, assignment):
    return bool(assignment is not None and assignment.expert.user_id == user.pk)


rules.add_perm("review.manage_rounds", is_bureau_officer)
rules.add_perm("review.view_rounds", is_bureau_officer | is_auditor)
rules.add_perm("review.manage_experts", is_bureau_officer)
rules.add_perm("review.view_own_assignments", is_expert)
rules.add_perm("review.work_on_assignment", is_expert & owns_assignment)
