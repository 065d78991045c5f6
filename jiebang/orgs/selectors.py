"""Reads of units, accounts and people, scoped to who is asking."""

from collections import deque

from django.db.models import Q, QuerySet

from jiebang.orgs.enums import AccountState, Role, VerificationState
from jiebang.orgs.models import District, Organization, OrgRelation, User


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Bureau and auditors see every unit, a district officer its district, a member its own."""
    qs = Organization.objects.select_related("district")
    if not user.is_authenticated or user.account_state != AccountState.ACTIVE:
        return qs.none()
    if user.has_role(Role.BUREAU_OFFICER) or user.has_role(Role.AUDITOR):
        return qs
    if user.has_role(Role.DISTRICT_OFFICER) and user.district_id:
        return qs.filter(district_id=user.district_id)
    if user.organization_id:
        return qs.filter(pk=user.organization_id)
    return qs.none()


def verification_queue() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(verification_state=VerificationState.PENDING)
        .select_related("district")
        .order_by("created_at", "id")
    )


def members_of(org) -> QuerySet[User]:
    return (
        User.objects.filter(organization=org)
        .prefetch_related("groups")
        .order_by("account_state", "date_joined", "id")
    )


def org_admins(org) -> QuerySet[User]:
    return User.objects.filter(
        organization=org, groups__name=Role.ORG_ADMIN, account_state=AccountState.ACTIVE
    )


def bureau_officers() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.BUREAU_OFFICER, account_state=AccountState.ACTIVE)


def relations_of(org) -> QuerySet[OrgRelation]:
    return (
        OrgRelation.objects.filter(Q(subject=org) | Q(object=org))
        .select_related("subject", "object")
        .order_by("id")
    )


def relation_chain(org_a_id: int, org_b_id: int, max_depth: int = 6) -> list[OrgRelation]:
    """The shortest chain of subordination/equity relations linking two units, either way.

    Breadth-first over the undirected relation graph, one query per level. Returns the
    relations in order from `org_a` to `org_b`, or [] when they are not linked.
    """
    if org_a_id == org_b_id:
        return []
    came_from: dict[int, tuple[int, OrgRelation] | None] = {org_a_id: None}
    frontier = deque([org_a_id])
    for _depth in range(max_depth):
        if not frontier:
            break
        level = set(frontier)
        frontier.clear()
        edges = OrgRelation.objects.filter(
            Q(subject_id__in=level) | Q(object_id__in=level)
        ).select_related("subject", "object")
        for edge in edges:
            for here, there in (
                (edge.subject_id, edge.object_id),
                (edge.object_id, edge.subject_id),
            ):
                if here in level and there not in came_from:
                    came_from[there] = (here, edge)
                    frontier.append(there)
        if org_b_id in came_from:
            chain = []
            node = org_b_id
            while came_from[node] is not None:
                node, edge = came_from[node]
                chain.append(edge)
            return list(reversed(chain))
    return []


def districts() -> QuerySet[District]:
    return District.objects.order_by("sort_order", "id")


def work_queue_for(user) -> list[dict]:
    """The '待办' items of a user's roles: label, count and where to act."""
    items = []
    if user.has_role(Role.BUREAU_OFFICER):
        items.append(
            {"label": "待认证单位", "count": verification_queue().count(), "url": "/bureau/units/"}
        )
    if user.has_role(Role.ORG_ADMIN) and user.organization_id:
        pending = User.objects.filter(
            organization_id=user.organization_id, account_state=AccountState.PENDING
        ).count()
        items.append({"label": "待审批申报人账号", "count": pending, "url": "/org/members/"})
    if user.has_role(Role.DISTRICT_OFFICER) and user.district_id:
        count = Organization.objects.filter(district_id=user.district_id).count()
        items.append({"label": "辖区注册单位", "count": count, "url": "/district/units/"})
    return items
