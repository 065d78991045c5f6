import rules

from jiebang.orgs.permissions import is_auditor, is_bureau_officer

rules.add_perm("calls.view_call_desk", is_bureau_officer | is_auditor)
rules.add_perm("calls.change_call", is_bureau_officer)
rules.add_perm("calls.add_call", is_bureau_officer)
