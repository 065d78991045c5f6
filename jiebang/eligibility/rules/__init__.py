"""Eligibility rules: pure functions over snapshots (architecture.md, rule of the house 3).

A rule reads only its snapshot and the call parameters: no ORM, no clock, no settings.
Each module registers its rules with the categories they apply to; `engine.py` runs them.
This package module holds what the rule modules share: the registry entry type, the
category sets, small pure helpers (calendar years, money in 元/万元, people) and the
predicates on a unit or a person that apply to issuers and solvers alike (credit,
restrictions of 四), so the proposal rules count exactly as the demand rules do.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jiebang.eligibility.catalogue import ACHIEVEMENT_TRANSFER, TECH_BREAKTHROUGH
from jiebang.eligibility.findings import Finding
from jiebang.eligibility.snapshots import (
    CallParams,
    CityProjectSnapshot,
    CreditSnapshot,
    DemandCheck,
    PersonSnapshot,
)
from jiebang.orgs.enums import CityProjectStatus, CreditKind

TB: frozenset[str] = frozenset({TECH_BREAKTHROUGH})
AT: frozenset[str] = frozenset({ACHIEVEMENT_TRANSFER})
BOTH: frozenset[str] = TB | AT

DemandRuleFunction = Callable[[DemandCheck, CallParams], list[Finding]]


@dataclass(frozen=True)
class DemandRule:
    """A registered demand rule: its catalogue code, function and demand categories."""

    code: str
    function: DemandRuleFunction
    categories: frozenset[str]


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole calendar years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def format_yuan(amount: Decimal) -> str:
    """`4,999,999.99元`."""
    return _("{amount}元").format(amount=f"{amount:,.2f}")


def format_wan(amount: Decimal) -> str:
    """`499.999999万元`, `500万元`: exact, without trailing zeros."""
    wan = (amount / Decimal(10000)).normalize()
    return _("{amount}万元").format(amount=f"{wan:f}")


def format_money(amount: Decimal) -> str:
    """`4,999,999.99元（499.999999万元）`: 元 as entered, 万元 as officials read it."""
    return f"{format_yuan(amount)}（{format_wan(amount)}）"


def person_label(person: PersonSnapshot) -> str:
    """`项目负责人 张三（6501**********1234）` or `项目组第2名成员 李四（…）`."""
    if person.position == 1:
        role = _("项目负责人")
    else:
        role = _("项目组第{position}名成员").format(position=person.position)
    return f"{role} {person.name}（{person.id_masked}）"


def join(items, separator: str = "、") -> str:
    """Chinese enumeration: `甲、乙、丙`."""
    return separator.join(str(item) for item in items)


def join_problems(items) -> str:
    """A list of problems whose items may themselves contain `、`: `甲；乙、丙；丁`."""
    return join(items, "；")


# ------------------------------------------------- predicates on units and persons (二, 四)

SERIOUS_CREDIT_KINDS = frozenset({CreditKind.SERIOUS_DISHONESTY, CreditKind.SERIOUS_ILLEGAL})


def serious_credit_records(
    records: Iterable[CreditSnapshot], today: dt.date, lookback_years: int
) -> list[CreditSnapshot]:
    """Serious dishonesty / serious illegal records decided on or after `today` minus
    `lookback_years` calendar years (inclusive)."""
    since = add_years(today, -lookback_years)
    return [r for r in records if r.kind in SERIOUS_CREDIT_KINDS and r.decided_on >= since]


def barring_misconduct(records: Iterable[CreditSnapshot], today: dt.date) -> list[CreditSnapshot]:
    """Research-misconduct records barring city fiscal projects whose penalty is in force
    today: `penalty_start <= today <= penalty_end` (no end: indefinitely)."""
    return [
        r
        for r in records
        if r.kind == CreditKind.RESEARCH_MISCONDUCT
        and r.bars_city_fiscal_projects
        and r.penalty_start <= today
        and (r.penalty_end is None or today <= r.penalty_end)
    ]


def overdue_city_projects(
    projects: Iterable[CityProjectSnapshot], today: dt.date, threshold_years: int
) -> list[CityProjectSnapshot]:
    """Ongoing (unaccepted) projects with `planned_end + threshold_years <= today`."""
    return [
        p
        for p in projects
        if p.status == CityProjectStatus.ONGOING
        and add_years(p.planned_end, threshold_years) <= today
    ]


def ongoing_rnd_city_projects(projects: Iterable[CityProjectSnapshot]) -> list[CityProjectSnapshot]:
    """Ongoing city R&D projects (what 四（二） counts for a unit)."""
    return [p for p in projects if p.status == CityProjectStatus.ONGOING and p.is_rnd]


def principals(team: Iterable[PersonSnapshot], principal_count: int) -> list[PersonSnapshot]:
    """The principal persons (项目主要承担人): positions 1..principal_count."""
    return [p for p in team if 1 <= p.position <= principal_count]


def person_load(person: PersonSnapshot) -> int:
    """Ongoing city R&D projects + this year's other applications + this application."""
    return len(person.ongoing_rnd_projects) + len(person.other_applications_this_year) + 1
