"""Who may see the statistics dashboard (django-rules)."""

import rules

from jiebang.orgs.permissions import is_auditor, is_bureau_officer

rules.add_perm("dashboard.view_dashboard", is_bureau_officer | is_auditor)
