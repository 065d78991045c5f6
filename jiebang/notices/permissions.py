import rules

from jiebang.orgs.permissions import is_auditor, is_bureau_officer

rules.add_perm("notices.publish_announcement", is_bureau_officer)
# Public notices (公示) and their objections: the bureau runs them, auditors may read.
rules.add_perm("notices.open_notice", is_bureau_officer)
rules.add_perm("notices.close_notice", is_bureau_officer)
rules.add_perm("notices.view_objections", is_bureau_officer | is_auditor)
rules.add_perm("notices.resolve_objection", is_bureau_officer)
