"""The conflict-of-interest (回避) check: each reason at its boundary, chains, the matrix."""

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiebang.core import clock
from jiebang.orgs.enums import RelationKind
from jiebang.orgs.models import OrgRelation
from jiebang.review.conflict_selectors import relation_groups, unit_names
from jiebang.review.conflicts import (
    Affiliation,
    Conflict,
    ConflictCode,
    ExpertFacts,
    ItemFacts,
    RelationGroups,
    conflict_matrix,
    conflicts_for,
)
from tests.factories import OrganizationFactory

TODAY = dt.date(2024, 8, 30)
THREE_YEARS_AGO = dt.date(2021, 8, 30)

XJU, ACME, HOLDING, PARENT, OTHER = 1, 2, 3, 4, 5
NAMES = {XJU: "新疆大学", ACME: "甲公司", HOLDING: "乙公司", PARENT: "丙集团", OTHER: "丁研究院"}
NO_GROUPS = RelationGroups()


def expert(**overrides) -> ExpertFacts:
    facts = {"expert_id": 10, "person_id": 100, "user_id": 1000, "unit_id": OTHER}
    facts.update(overrides)
    return ExpertFacts(**facts)


def item(**overrides) -> ItemFacts:
    facts = {"item_id": 7, "applicant_unit_ids": frozenset({XJU})}
    facts.update(overrides)
    return ItemFacts(**facts)


def check(e: ExpertFacts, i: ItemFacts, groups: RelationGroups = NO_GROUPS, **kwargs):
    return conflicts_for(e, i, groups=groups, today=TODAY, unit_names=NAMES, **kwargs)


def codes(conflicts: list[Conflict]) -> list[ConflictCode]:
    return [c.code for c in conflicts]


# ----------------------------------------------------------------------------- pure rules


@pytest.mark.unit
class TestReasons:
    def test_same_unit(self):
        found = check(expert(unit_id=XJU), item())
        assert found == [Conflict(ConflictCode.SAME_UNIT, "专家所在单位与申报单位相同（新疆大学）")]

    def test_same_unit_with_any_consortium_member(self):
        found = check(expert(unit_id=ACME), item(applicant_unit_ids=frozenset({XJU, ACME})))
        assert codes(found) == [ConflictCode.SAME_UNIT]
        assert "甲公司" in found[0].message

    def test_unrelated_expert_has_no_conflict(self):
        groups = RelationGroups([(ACME, HOLDING, RelationKind.SHAREHOLDING)])
        e = expert(
            unit_id=OTHER,
            affiliations=(Affiliation(ACME, "employed", dt.date(2010, 1, 1), None),),
        )
        assert check(e, item(team_person_ids=frozenset({101})), groups) == []

    def test_expert_without_unit_or_user(self):
        assert check(expert(unit_id=None, user_id=None), item()) == []

    def test_direct_relation(self):
        groups = RelationGroups([(ACME, XJU, RelationKind.SUBORDINATE)])
        found = check(expert(unit_id=ACME), item(), groups)
        assert codes(found) == [ConflictCode.RELATION_CHAIN]
        assert "甲公司隶属于新疆大学" in found[0].message

    def test_relation_either_direction(self):
        groups = RelationGroups([(XJU, ACME, RelationKind.SHAREHOLDING)])
        found = check(expert(unit_id=ACME), item(), groups)
        assert codes(found) == [ConflictCode.RELATION_CHAIN]
        assert "新疆大学持有甲公司股权" in found[0].message

    def test_chain_of_length_two(self):
        # A holds shares of B, B is subordinate to C: an expert at A conflicts with C.
        groups = RelationGroups(
            [
                (ACME, HOLDING, RelationKind.SHAREHOLDING),
                (HOLDING, PARENT, RelationKind.SUBORDINATE),
            ]
        )
        found = check(expert(unit_id=ACME), item(applicant_unit_ids=frozenset({PARENT})), groups)
        assert found == [
            Conflict(
                ConflictCode.RELATION_CHAIN,
                "专家所在单位（甲公司）与申报单位（丙集团）存在隶属或股权关联："
                "甲公司持有乙公司股权，乙公司隶属于丙集团",
            )
        ]
        # and the other way round: an expert at C conflicts with applicant A
        found = check(expert(unit_id=PARENT), item(applicant_unit_ids=frozenset({ACME})), groups)
        assert codes(found) == [ConflictCode.RELATION_CHAIN]
        assert found[0].message.endswith("乙公司隶属于丙集团，甲公司持有乙公司股权")

    def test_chain_without_names_or_kinds(self):
        groups = RelationGroups([(ACME, HOLDING), (HOLDING, PARENT)])
        found = conflicts_for(
            expert(unit_id=ACME),
            item(applicant_unit_ids=frozenset({PARENT})),
            groups=groups,
            today=TODAY,
        )
        assert codes(found) == [ConflictCode.RELATION_CHAIN]
        assert "单位#2关联单位#3，单位#3关联单位#4" in found[0].message

    def test_same_unit_is_not_also_a_chain(self):
        groups = RelationGroups([(XJU, ACME)])
        assert codes(check(expert(unit_id=XJU), item(), groups)) == [ConflictCode.SAME_UNIT]

    def test_affiliation_ended_exactly_three_years_ago_conflicts(self):
        e = expert(
            affiliations=(Affiliation(XJU, "employed", dt.date(2015, 1, 1), THREE_YEARS_AGO),)
        )
        found = check(e, item())
        assert codes(found) == [ConflictCode.AFFILIATION]
        assert found[0].message == (
            "专家近3年内曾在申报单位任职（新疆大学，2015-01-01至2021-08-30）"
        )

    def test_affiliation_ended_three_years_and_a_day_ago_does_not(self):
        end = THREE_YEARS_AGO - dt.timedelta(days=1)
        e = expert(affiliations=(Affiliation(XJU, "employed", None, end),))
        assert check(e, item()) == []

    def test_ongoing_affiliation_conflicts(self):
        e = expert(affiliations=(Affiliation(XJU, "employed", dt.date(2001, 9, 1), None),))
        found = check(e, item())
        assert found == [
            Conflict(ConflictCode.AFFILIATION, "专家目前在申报单位任职（新疆大学，自2001-09-01起）")
        ]

    def test_advisor_counts(self):
        e = expert(affiliations=(Affiliation(XJU, "advisor", None, dt.date(2023, 12, 31)),))
        found = check(e, item())
        assert codes(found) == [ConflictCode.AFFILIATION]
        assert "担任顾问" in found[0].message and "新疆大学" in found[0].message

    def test_affiliation_with_another_unit_does_not_count(self):
        e = expert(affiliations=(Affiliation(ACME, "employed", None, None),))
        assert check(e, item()) == []

    def test_lookback_is_a_parameter(self):
        e = expert(affiliations=(Affiliation(XJU, "employed", None, dt.date(2019, 8, 30)),))
        assert check(e, item()) == []
        assert codes(check(e, item(), lookback_years=5)) == [ConflictCode.AFFILIATION]

    def test_leap_day_lookback(self):
        e = expert(affiliations=(Affiliation(XJU, "employed", None, dt.date(2021, 2, 28)),))
        found = conflicts_for(e, item(), groups=NO_GROUPS, today=dt.date(2024, 2, 29))
        assert codes(found) == [ConflictCode.AFFILIATION]
        e = expert(affiliations=(Affiliation(XJU, "employed", None, dt.date(2021, 2, 27)),))
        assert conflicts_for(e, item(), groups=NO_GROUPS, today=dt.date(2024, 2, 29)) == []

    def test_team_member(self):
        found = check(expert(person_id=100), item(team_person_ids=frozenset({100, 101})))
        assert codes(found) == [ConflictCode.TEAM_MEMBER]
        assert check(expert(person_id=102), item(team_person_ids=frozenset({100, 101}))) == []

    def test_drafted_as_user(self):
        found = check(expert(user_id=1000), item(drafter_user_ids=frozenset({1000})))
        assert codes(found) == [ConflictCode.DRAFTED]
        assert check(expert(user_id=None), item(drafter_user_ids=frozenset({1000}))) == []

    def test_drafted_as_person(self):
        found = check(expert(user_id=None), item(drafter_person_ids=frozenset({100})))
        assert codes(found) == [ConflictCode.DRAFTED]

    def test_declared(self):
        found = check(expert(expert_id=10), item(declared_by_expert_ids=frozenset({10})))
        assert codes(found) == [ConflictCode.DECLARED]
        assert check(expert(expert_id=11), item(declared_by_expert_ids=frozenset({10}))) == []

    def test_every_reason_on_one_pair(self):
        groups = RelationGroups([(HOLDING, XJU, RelationKind.SUBORDINATE)])
        e = expert(
            unit_id=XJU,
            affiliations=(
                Affiliation(HOLDING, "advisor", None, None),
                Affiliation(OTHER, "employed", None, None),
            ),
        )
        i = item(
            applicant_unit_ids=frozenset({XJU, HOLDING}),
            team_person_ids=frozenset({e.person_id}),
            drafter_user_ids=frozenset({e.user_id}),
            declared_by_expert_ids=frozenset({e.expert_id}),
        )
        assert codes(check(e, i, groups)) == [
            ConflictCode.SAME_UNIT,
            ConflictCode.RELATION_CHAIN,
            ConflictCode.AFFILIATION,
            ConflictCode.TEAM_MEMBER,
            ConflictCode.DRAFTED,
            ConflictCode.DECLARED,
        ]


@pytest.mark.unit
class TestRelationGroups:
    def test_linked_and_path(self):
        groups = RelationGroups([(1, 2), (3, 2), (3, 4), (5, 6)])
        assert groups.linked(1, 4) and groups.linked(4, 1)
        assert not groups.linked(1, 5)
        assert groups.linked(9, 9) and not groups.linked(9, 1)
        assert groups.path(1, 4) == [1, 2, 3, 4]
        assert groups.path(4, 1) == [4, 3, 2, 1]
        assert groups.path(1, 6) is None
        assert groups.path(2, 2) == [2]

    def test_path_is_shortest(self):
        groups = RelationGroups([(1, 2), (2, 3), (3, 4), (4, 5), (1, 5)])
        assert groups.path(1, 4) == [1, 5, 4]

    def test_long_chain_does_not_recurse(self):
        groups = RelationGroups((n, n + 1) for n in range(20_000))
        assert groups.linked(0, 20_000)
        assert len(groups.path(0, 20_000)) == 20_001


# ------------------------------------------------------------------------------- matrix


def pairwise(experts, items, groups, today, names=None):
    names = names or {}
    result = {}
    for e in experts:
        for i in items:
            found = conflicts_for(e, i, groups=groups, today=today, unit_names=names)
            if found:
                result[(e.expert_id, i.item_id)] = found
    return result


units = st.integers(min_value=0, max_value=7)
ids = st.integers(min_value=0, max_value=5)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31))
affiliations = st.builds(
    Affiliation,
    organization_id=units,
    kind=st.sampled_from(["employed", "advisor"]),
    start=st.none() | days,
    end=st.none() | days,
)


def frozensets(elements):
    return st.frozensets(elements, max_size=3)


@st.composite
def instances(draw):
    edges = draw(st.lists(st.tuples(units, units), max_size=6))
    experts = [
        ExpertFacts(
            expert_id=n,
            person_id=draw(ids),
            user_id=draw(st.none() | ids),
            unit_id=draw(st.none() | units),
            affiliations=tuple(draw(st.lists(affiliations, max_size=2))),
        )
        for n in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    items = [
        ItemFacts(
            item_id=100 + n,
            applicant_unit_ids=draw(frozensets(units)),
            team_person_ids=draw(frozensets(ids)),
            drafter_user_ids=draw(frozensets(ids)),
            drafter_person_ids=draw(frozensets(ids)),
            declared_by_expert_ids=draw(frozensets(ids)),
        )
        for n in range(draw(st.integers(min_value=0, max_value=5)))
    ]
    return edges, experts, items


@pytest.mark.unit
@settings(max_examples=200, deadline=None)
@given(instance=instances(), today=days)
def test_matrix_equals_pairwise(instance, today):
    edges, experts, items = instance
    groups = RelationGroups(edges)
    expected = pairwise(experts, items, groups, today)
    assert conflict_matrix(experts, items, groups=groups, today=today) == expected


def random_instance(seed: int, n_experts: int, n_items: int):
    rng = random.Random(seed)
    n_units, n_people = 3_000, 20_000
    edges = [
        (rng.randrange(n_units), rng.randrange(n_units), rng.choice(list(RelationKind)))
        for _ in range(1_500)
    ]

    def some_day():
        return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3_650))

    experts = [
        ExpertFacts(
            expert_id=n,
            person_id=rng.randrange(n_people),
            user_id=rng.choice([None, rng.randrange(n_people)]),
            unit_id=rng.randrange(n_units),
            affiliations=tuple(
                Affiliation(
                    rng.randrange(n_units),
                    rng.choice(["employed", "advisor"]),
                    some_day(),
                    rng.choice([None, some_day()]),
                )
                for _ in range(rng.randrange(4))
            ),
        )
        for n in range(n_experts)
    ]
    items = [
        ItemFacts(
            item_id=n,
            applicant_unit_ids=frozenset(rng.randrange(n_units) for _ in range(rng.randint(1, 4))),
            team_person_ids=frozenset(rng.randrange(n_people) for _ in range(rng.randint(1, 15))),
            drafter_user_ids=frozenset(rng.randrange(n_people) for _ in range(rng.randint(0, 3))),
            drafter_person_ids=frozenset(rng.randrange(n_people) for _ in range(rng.randint(0, 3))),
            declared_by_expert_ids=frozenset(
                rng.randrange(n_experts) for _ in range(rng.randint(0, 2))
            ),
        )
        for n in range(n_items)
    ]
    return rng, RelationGroups(edges), experts, items


@pytest.mark.unit
def test_matrix_for_two_thousand_experts_and_a_thousand_items():
    rng, groups, experts, items = random_instance(2024, 2_000, 1_000)
    names = {n: f"单位{n}" for n in range(3_000)}
    matrix = conflict_matrix(experts, items, groups=groups, today=TODAY, unit_names=names)

    assert matrix
    assert all(matrix.values())
    assert {c.code for found in matrix.values() for c in found} == set(ConflictCode)
    # a sample of pairs agrees with the pairwise check, conflicting or not
    sample = [(rng.choice(experts), rng.choice(items)) for _ in range(500)]
    sample += [(experts[e], items[i]) for e, i in rng.sample(sorted(matrix), 200)]
    for e, i in sample:
        expected = conflicts_for(e, i, groups=groups, today=TODAY, unit_names=names)
        assert matrix.get((e.expert_id, i.item_id), []) == expected


# ----------------------------------------------------------------------------- selectors


@pytest.mark.integration
@pytest.mark.django_db
def test_relation_groups_from_org_relations_in_one_query(django_assert_num_queries):
    a, b, c, d = OrganizationFactory.create_batch(4)
    now = clock.now()
    OrgRelation.objects.create(subject=a, object=b, kind=RelationKind.SHAREHOLDING, created_at=now)
    OrgRelation.objects.create(subject=b, object=c, kind=RelationKind.SUBORDINATE, created_at=now)

    with django_assert_num_queries(1):
        groups = relation_groups()

    assert groups.linked(a.pk, c.pk) and groups.linked(c.pk, a.pk)
    assert not groups.linked(a.pk, d.pk)
    assert groups.path(a.pk, c.pk) == [a.pk, b.pk, c.pk]

    with django_assert_num_queries(1):
        names = unit_names([a.pk, b.pk, c.pk])
    assert names == {a.pk: a.name, b.pk: b.name, c.pk: c.name}

    found = conflicts_for(
        expert(unit_id=a.pk),
        item(applicant_unit_ids=frozenset({c.pk})),
        groups=groups,
        today=TODAY,
        unit_names=names,
    )
    assert found == [
        Conflict(
            ConflictCode.RELATION_CHAIN,
            f"专家所在单位（{a.name}）与申报单位（{c.name}）存在隶属或股权关联："
            f"{a.name}持有{b.name}股权，{b.name}隶属于{c.name}",
        )
    ]


@pytest.mark.integration
@pytest.mark.django_db
def test_unit_names_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unit_names([]) == {}
