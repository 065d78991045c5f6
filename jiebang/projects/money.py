"""The fiscal-subsidy arithmetic (domain.md §7), pure functions over `Decimal` yuan.

Rounding rule, stated once: every computed amount is rounded to the fen (0.01 元) half up
(四舍五入到分), except the horse-race first-phase ceiling, which is rounded *down* to the
fen so that money within the ceiling is never more than the guide's 20 %. Instalments are
computed on cumulative percentages and each instalment is the difference of two rounded
cumulative amounts, so the instalments always add up to the total to the fen.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jiebang.eligibility.rules.project import first_phase_ceiling

FEN = Decimal("0.01")
HUNDRED = Decimal("100")


def to_fen(amount) -> Decimal:
    """`amount` rounded half up to the fen."""
    return Decimal(str(amount)).quantize(FEN, rounding=ROUND_HALF_UP)


def percent_of(amount, percent, *, rounding=ROUND_HALF_UP) -> Decimal:
    """`percent` % of `amount`, rounded to the fen (half up unless told otherwise)."""
    exact = Decimal(str(amount)) * Decimal(str(percent)) / HUNDRED
    return exact.quantize(FEN, rounding=rounding)


def fiscal_total(contract_amount, ratio_percent, cap) -> Decimal:
    """The project's total fiscal funding: ratio × contract amount, at most the cap."""
    return min(percent_of(contract_amount, ratio_percent), to_fen(cap))


def earned_subsidy(paid_total, contract_amount, ratio_percent, cap) -> Decimal:
    """The subsidy the payments confirmed so far have earned: ratio × the amount actually
    paid (never more than the contract amount), at most the cap."""
    counted = min(Decimal(str(paid_total)), Decimal(str(contract_amount)))
    return min(percent_of(counted, ratio_percent), to_fen(cap))


def race_first_phase_ceiling(total, cap_percent) -> Decimal:
    """The most a horse-race project may receive before its stage gate: `cap_percent` % of
    its total fiscal funding, rounded down to the fen (五(二)6). The rule
    RACE-FIRST-PHASE-CAP computes it with this same function."""
    return first_phase_ceiling(to_fen(total), Decimal(str(cap_percent)))


@dataclass(frozen=True)
class Instalment:
    trigger: str
    percent: Decimal
    amount: Decimal  # this instalment
    cumulative: Decimal  # this and every earlier instalment


def race_plan(plan: list[dict], cap_percent) -> list[dict]:
    """A horse race's plan: the initiation instalment is held to the first-phase cap and
    the rest of it moves to the stage gate (`midterm_passed`, i.e. "continue")."""
    cap = Decimal(str(cap_percent))
    adjusted = [{"trigger": s["trigger"], "percent": Decimal(str(s["percent"]))} for s in plan]
    moved = Decimal("0")
    for step in adjusted:
        if step["trigger"] == "initiation" and step["percent"] > cap:
            moved += step["percent"] - cap
            step["percent"] = cap
    if moved:
        gate = next((s for s in adjusted if s["trigger"] == "midterm_passed"), None)
        if gate is None:
            gate = {"trigger": "midterm_passed", "percent": Decimal("0")}
            adjusted.insert(1, gate)
        gate["percent"] += moved
    return [{"trigger": s["trigger"], "percent": str(s["percent"])} for s in adjusted]


def instalments(total, plan: list[dict]) -> list[Instalment]:
    """The instalments of `total` under `plan` ([{trigger, percent}], percents adding up
    to 100): cumulative amounts rounded half up, the last one exactly `total`."""
    total = to_fen(total)
    result = []
    cumulative_percent = Decimal("0")
    previous = Decimal("0.00")
    for index, step in enumerate(plan):
        cumulative_percent += Decimal(str(step["percent"]))
        if index == len(plan) - 1:
            cumulative = total
        else:
            cumulative = min(percent_of(total, cumulative_percent), total)
        result.append(
            Instalment(
                trigger=step["trigger"],
                percent=Decimal(str(step["percent"])),
                amount=cumulative - previous,
                cumulative=cumulative,
            )
        )
        previous = cumulative
    return result


def released_ceiling(total, plan: list[dict], reached: set[str]) -> Decimal:
    """The most that may have been disbursed once the triggers in `reached` have happened:
    the cumulative amount of the last instalment, in plan order, whose trigger is reached
    and which every earlier instalment's trigger also reached."""
    ceiling = Decimal("0.00")
    for instalment in instalments(total, plan):
        if instalment.trigger not in reached:
            break
        ceiling = instalment.cumulative
    return ceiling


def unspent_balance(disbursed_total, fiscal_spent_total) -> Decimal:
    """Fiscal money received but not spent: what a terminated or concluded project returns."""
    return max(to_fen(disbursed_total) - to_fen(fiscal_spent_total), Decimal("0.00"))
