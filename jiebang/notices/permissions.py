import rules

from jiebang.orgs.permissions import is_bureau_officer

rules.add_perm("notices.publish_announcement", is_bureau_officer)
