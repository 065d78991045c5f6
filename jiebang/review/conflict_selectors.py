"""Reads that feed the conflict (回避) check in `conflicts.py`."""

from collections.abc import Iterable

from jiebang.orgs.models import Organization, OrgRelation
from jiebang.review.conflicts import RelationGroups


def relation_groups() -> RelationGroups:
    """Every subordination / equity relation between units, in one query."""
    edges = OrgRelation.objects.order_by("id").values_list("subject_id", "object_id", "kind")
    return RelationGroups(edges)


def unit_names(ids: Iterable[int]) -> dict[int, str]:
    """`{unit_id: name}` for the given units, in one query (none when `ids` is empty)."""
    wanted = {unit_id for unit_id in ids if unit_id is not None}
    if not wanted:
        return {}
    return dict(Organization.objects.filter(pk__in=wanted).values_list("id", "name"))
