"""Permission checks of the API: the same django-rules names the pages use, refused with
the API's error shape (403 PERMISSION-DENIED)."""

from rest_framework import exceptions

from jiebang.orgs.enums import Role

# Desk action → who acts: the district, the bureau, or either (a return).
DESK_ACTORS = {
    "recommend": "district",
    "return": "both",
    "not_recommend": "district",
    "accept": "bureau",
    "reject": "bureau",
    "approve": "bureau",
    "review_decline": "bureau",
}


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise exceptions.PermissionDenied()


def require_desk_action(user, action: str, demand) -> None:
    """As the desk pages check it (jiebang/demands/desk_views.py): a district action needs
    `demands.district_act` on the demand, a bureau action `demands.bureau_act`; a return is
    the bureau's when the user is a bureau officer, else the district's."""
    who = DESK_ACTORS[action]
    if who == "district" or (who == "both" and not user.has_role(Role.BUREAU_OFFICER)):
        require(user, "demands.district_act", demand)
    else:
        require(user, "demands.bureau_act", demand)
