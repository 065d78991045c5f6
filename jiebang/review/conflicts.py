"""Expert conflicts of interest (回避, domain.md §7): pure functions over plain facts.

An expert may not review an item (a demand or a proposal) when any of these holds:

* SAME-UNIT       the expert's unit is an applicant unit;
* RELATION-CHAIN  the expert's unit is linked to an applicant unit by any chain of
                  subordination / equity relations, in either direction;
* AFFILIATION     the expert is, or was in the last `lookback_years` calendar years,
                  employed by or an advisor of an applicant unit;
* TEAM-MEMBER     the expert is a member of the applicant team;
* DRAFTED         the expert took part in drafting the demand;
* DECLARED        the expert declared a conflict with the item.

No ORM and no clock here: selectors build the facts (`conflict_selectors.py`), the caller
passes `today`. The check runs at assignment and again on every change of the facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.utils.translation import gettext as _

from jiebang.eligibility.rules import add_years, join
from jiebang.orgs.enums import RelationKind


class ConflictCode(StrEnum):
    SAME_UNIT = "SAME-UNIT"
    RELATION_CHAIN = "RELATION-CHAIN"
    AFFILIATION = "AFFILIATION"
    TEAM_MEMBER = "TEAM-MEMBER"
    DRAFTED = "DRAFTED"
    DECLARED = "DECLARED"


EMPLOYED = "employed"
ADVISOR = "advisor"


@dataclass(frozen=True)
class Affiliation:
    """The expert worked for (`employed`) or advised (`advisor`) a unit; `end=None`: ongoing."""

    organization_id: int
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class ExpertFacts:
    expert_id: int
    person_id: int
    user_id: int | None
    unit_id: int | None
    affiliations: tuple[Affiliation, ...] = ()


@dataclass(frozen=True)
class ItemFacts:
    """What an item under review brings: its applicant units (the issuer of a demand, or
    every solver / consortium member of a proposal), its team, the drafters of the demand
    and the experts who declared a conflict with it."""

    item_id: int
    applicant_unit_ids: frozenset[int] = frozenset()
    team_person_ids: frozenset[int] = frozenset()
    drafter_user_ids: frozenset[int] = frozenset()
    drafter_person_ids: frozenset[int] = frozenset()
    declared_by_expert_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Conflict:
    code: ConflictCode
    message: str


_NO_NAMES: Mapping[int, str] = MappingProxyType({})

# Bounded memo of breadth-first trees (one per source unit) kept by a RelationGroups.
_BFS_CACHE_SIZE = 4096


class RelationGroups:
    """Which units are linked by any chain of subordination / equity relations.

    Built from `(subject_id, object_id)` or `(subject_id, object_id, kind)` edges, where
    `subject` is subordinate to / holds shares of `object` (OrgRelation). `linked` is O(1)
    amortised (union-find with path compression and union by size); `path` runs a
    breadth-first search over the stored adjacency, memoised per source unit, and is only
    needed to word a message.
    """

    def __init__(self, edges: Iterable[Sequence] = ()):
        self._parent: dict[int, int] = {}
        self._size: dict[int, int] = {}
        self._adjacency: dict[int, list[int]] = defaultdict(list)
        self._kinds: dict[tuple[int, int], list[str]] = {}
        self._trees: dict[int, dict[int, int | None]] = {}
        for edge in edges:
            subject_id, object_id = edge[0], edge[1]
            kind = edge[2] if len(edge) > 2 else None
            self._add(subject_id, object_id, kind)

    def _add(self, subject_id: int, object_id: int, kind: str | None) -> None:
        if subject_id == object_id:
            return
        known = self._kinds.get((subject_id, object_id))
        if known is None:
            if (object_id, subject_id) not in self._kinds:
                self._adjacency[subject_id].append(object_id)
                self._adjacency[object_id].append(subject_id)
            self._kinds[(subject_id, object_id)] = known = []
        if kind is not None and kind not in known:
            known.append(kind)
        self._union(subject_id, object_id)

    def find(self, unit_id: int) -> int:
        """The representative of the unit's group (the unit itself when it has no relation)."""
        parent = self._parent
        root = unit_id
        while True:
            up = parent.get(root, root)
            if up == root:
                break
            root = up
        while unit_id != root:  # path compression
            up = parent[unit_id]
            parent[unit_id] = root
            unit_id = up
        return root

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        size_a, size_b = self._size.get(root_a, 1), self._size.get(root_b, 1)
        if size_a < size_b:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] = size_a + size_b

    def linked(self, a: int, b: int) -> bool:
        """Whether two units are in the same group (a unit is linked to itself)."""
        return a == b or self.find(a) == self.find(b)

    def path(self, a: int, b: int) -> list[int] | None:
        """A shortest chain of unit ids from `a` to `b` (both included), or None."""
        if a == b:
            return [a]
        if not self.linked(a, b):
            return None
        came_from = self._tree(a)
        chain = [b]
        node = b
        while (node := came_from[node]) is not None:
            chain.append(node)
        chain.reverse()
        return chain

    def _tree(self, source: int) -> dict[int, int | None]:
        tree = self._trees.get(source)
        if tree is None:
            tree = {source: None}
            queue = deque([source])
            while queue:
                here = queue.popleft()
                for there in self._adjacency.get(here, ()):
                    if there not in tree:
                        tree[there] = here
                        queue.append(there)
            if len(self._trees) >= _BFS_CACHE_SIZE:
                self._trees.clear()
            self._trees[source] = tree
        return tree

    def relation(self, a: int, b: int) -> tuple[int, int, tuple[str, ...]] | None:
        """The stored relation between two adjacent units: (subject, object, kinds)."""
        for subject_id, object_id in ((a, b), (b, a)):
            kinds = self._kinds.get((subject_id, object_id))
            if kinds is not None:
                return subject_id, object_id, tuple(kinds)
        return None


# ------------------------------------------------------------------------------ messages


class _Wording:
    """The Chinese messages. Templates are translated once per check run and chain
    messages memoised per unit pair: gettext per conflict dominates a large matrix."""

    def __init__(self, groups: RelationGroups, lookback_years: int, names: Mapping[int, str]):
        self.groups = groups
        self.years = lookback_years
        self.names = names
        self.unit_template = _("单位#{id}")
        self.same_unit_template = _("专家所在单位与申报单位相同（{unit}）")
        self.subordinate_template = _("{subject}隶属于{object}")
        self.shareholding_template = _("{subject}持有{object}股权")
        self.related_template = _("{subject}关联{object}")
        self.chain_template = _(
            "专家所在单位（{unit}）与申报单位（{applicant}）存在隶属或股权关联：{chain}"
        )
        self.ongoing_template = _("专家目前在申报单位{role}（{unit}）")
        self.ongoing_since_template = _("专家目前在申报单位{role}（{unit}，自{start}起）")
        self.ended_template = _("专家近{years}年内曾在申报单位{role}（{unit}，至{end}）")
        self.period_template = _("专家近{years}年内曾在申报单位{role}（{unit}，{start}至{end}）")
        self.employed = _("任职")
        self.advisor = _("担任顾问")
        self.team_member = _("专家是申报团队成员")
        self.drafted = _("专家参与了该榜单需求的编制")
        self.declared = _("专家已声明与该事项存在利益冲突")
        self._steps: dict[tuple[int, int], str] = {}
        self._chains: dict[tuple[int, int], str] = {}

    def unit(self, unit_id: int) -> str:
        return self.names.get(unit_id) or self.unit_template.format(id=unit_id)

    def same_unit(self, unit_id: int) -> str:
        return self.same_unit_template.format(unit=self.unit(unit_id))

    def step(self, a: int, b: int) -> str:
        """One link of a chain, worded from the relation's subject: `甲隶属于乙`."""
        key = (a, b)
        text = self._steps.get(key)
        if text is not None:
            return text
        relation = self.groups.relation(a, b)
        if relation is None:  # pragma: no cover - a path only follows stored relations
            subject_id, object_id, kinds = a, b, ()
        else:
            subject_id, object_id, kinds = relation
        subject, obj = self.unit(subject_id), self.unit(object_id)
        phrases = []
        for kind in kinds:
            if kind == RelationKind.SUBORDINATE:
                phrases.append(self.subordinate_template.format(subject=subject, object=obj))
            elif kind == RelationKind.SHAREHOLDING:
                phrases.append(self.shareholding_template.format(subject=subject, object=obj))
        if not phrases:
            phrases.append(self.related_template.format(subject=subject, object=obj))
        text = self._steps[key] = join(phrases, "、")
        return text

    def chain(self, expert_unit: int, applicant_unit: int) -> str:
        key = (expert_unit, applicant_unit)
        text = self._chains.get(key)
        if text is None:
            path = self.groups.path(expert_unit, applicant_unit) or [expert_unit, applicant_unit]
            steps = [self.step(a, b) for a, b in zip(path, path[1:], strict=False)]
            text = self._chains[key] = self.chain_template.format(
                unit=self.unit(expert_unit),
                applicant=self.unit(applicant_unit),
                chain=join(steps, "，"),
            )
        return text

    def affiliation(self, affiliation: Affiliation) -> str:
        unit = self.unit(affiliation.organization_id)
        role = self.advisor if affiliation.kind == ADVISOR else self.employed
        start = affiliation.start.isoformat() if affiliation.start else None
        if affiliation.end is None:
            template = self.ongoing_since_template if start else self.ongoing_template
            return template.format(role=role, unit=unit, start=start)
        template = self.period_template if start else self.ended_template
        return template.format(
            years=self.years, role=role, unit=unit, start=start, end=affiliation.end.isoformat()
        )


# ------------------------------------------------------------------------------- checks


def conflicts_for(
    expert: ExpertFacts,
    item: ItemFacts,
    *,
    groups: RelationGroups,
    today: dt.date,
    lookback_years: int = 3,
    unit_names: Mapping[int, str] = _NO_NAMES,
) -> list[Conflict]:
    """Every reason `expert` must not review `item`, in ConflictCode order; [] when none.

    An affiliation counts while ongoing or when it ended on or after `today` minus
    `lookback_years` calendar years (ended exactly that long ago still conflicts).
    """
    return _Checker(groups, today, lookback_years, unit_names).check(expert, item)


def conflict_matrix(
    experts: Iterable[ExpertFacts],
    items: Iterable[ItemFacts],
    *,
    groups: RelationGroups,
    today: dt.date,
    lookback_years: int = 3,
    unit_names: Mapping[int, str] = _NO_NAMES,
) -> dict[tuple[int, int], list[Conflict]]:
    """`{(expert_id, item_id): conflicts}` for the pairs with at least one conflict.

    Equal to `conflicts_for` over every pair, but items are indexed by relation group,
    unit, person, user and declaring expert, so only the candidate pairs are checked.
    """
    items = list(items)
    by_group: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    by_person: dict[int, list[int]] = defaultdict(list)
    by_user: dict[int, list[int]] = defaultdict(list)
    by_expert: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        for root in {groups.find(unit_id) for unit_id in item.applicant_unit_ids}:
            by_group[root].append(index)
        for unit_id in item.applicant_unit_ids:
            by_unit[unit_id].append(index)
        for person_id in item.team_person_ids | item.drafter_person_ids:
            by_person[person_id].append(index)
        for user_id in item.drafter_user_ids:
            by_user[user_id].append(index)
        for expert_id in item.declared_by_expert_ids:
            by_expert[expert_id].append(index)

    checker = _Checker(groups, today, lookback_years, unit_names)
    matrix: dict[tuple[int, int], list[Conflict]] = {}
    for expert in experts:
        candidates: set[int] = set()
        if expert.unit_id is not None:
            candidates.update(by_group.get(groups.find(expert.unit_id), ()))
        for affiliation in expert.affiliations:
            if checker.affiliation_counts(affiliation):
                candidates.update(by_unit.get(affiliation.organization_id, ()))
        candidates.update(by_person.get(expert.person_id, ()))
        if expert.user_id is not None:
            candidates.update(by_user.get(expert.user_id, ()))
        candidates.update(by_expert.get(expert.expert_id, ()))
        for index in sorted(candidates):
            item = items[index]
            found = checker.check(expert, item)
            if found:
                matrix[(expert.expert_id, item.item_id)] = found
    return matrix


class _Checker:
    """The rules with their parameters bound, shared by every pair of one run."""

    def __init__(
        self,
        groups: RelationGroups,
        today: dt.date,
        lookback_years: int,
        unit_names: Mapping[int, str],
    ):
        self.groups = groups
        self.since = add_years(today, -lookback_years)
        self.wording = _Wording(groups, lookback_years, unit_names)

    def affiliation_counts(self, affiliation: Affiliation) -> bool:
        return affiliation.end is None or affiliation.end >= self.since

    def check(self, expert: ExpertFacts, item: ItemFacts) -> list[Conflict]:
        found: list[Conflict] = []
        wording = self.wording
        applicants = item.applicant_unit_ids
        unit_id = expert.unit_id

        if unit_id is not None and unit_id in applicants:
            found.append(Conflict(ConflictCode.SAME_UNIT, wording.same_unit(unit_id)))

        if unit_id is not None and applicants:
            find = self.groups.find
            root = find(unit_id)
            for applicant in sorted(applicants):
                if applicant != unit_id and find(applicant) == root:
                    found.append(
                        Conflict(ConflictCode.RELATION_CHAIN, wording.chain(unit_id, applicant))
                    )

        for affiliation in expert.affiliations:
            if affiliation.organization_id in applicants and self.affiliation_counts(affiliation):
                found.append(Conflict(ConflictCode.AFFILIATION, wording.affiliation(affiliation)))

        if expert.person_id in item.team_person_ids:
            found.append(Conflict(ConflictCode.TEAM_MEMBER, wording.team_member))

        if (expert.user_id is not None and expert.user_id in item.drafter_user_ids) or (
            expert.person_id in item.drafter_person_ids
        ):
            found.append(Conflict(ConflictCode.DRAFTED, wording.drafted))

        if expert.expert_id in item.declared_by_expert_ids:
            found.append(Conflict(ConflictCode.DECLARED, wording.declared))

        return found
