"""The fiscal-subsidy arithmetic (projects.money, domain.md §7), figures computed by hand."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiebang.projects import money

pytestmark = [pytest.mark.unit]

D = Decimal
PLAN = [
    {"trigger": "initiation", "percent": "30"},
    {"trigger": "midterm_passed", "percent": "40"},
    {"trigger": "acceptance", "percent": "30"},
]


def amounts(instalments):
    return [i.amount for i in instalments]


# --------------------------------------------------------------------------- to the fen


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D("0.005"), D("0.01")),  # half a fen goes up
        (D("0.004"), D("0.00")),  # less than half goes down
        (D("0.0049999"), D("0.00")),
        (D("2.675"), D("2.68")),  # as a float 2.675 is 2.67499…: Decimal input is exact
        ("1.015", D("1.02")),
        (0.005, D("0.01")),  # a float goes through str(), so 0.005 is 0.005
        (D("-0.005"), D("-0.01")),  # half up = away from zero
        (7, D("7.00")),
    ],
)
def test_to_fen_rounds_half_up(raw, expected):
    assert money.to_fen(raw) == expected


def test_percent_of_rounds_half_up_not_to_even():
    # 1,000,000.15 × 30 % = 300,000.045: half up → 300,000.05 (banker's rounding: .04)
    assert money.percent_of(D("1000000.15"), 30) == D("300000.05")


# ------------------------------------------------------------------------- fiscal total


def test_fiscal_total_is_the_ratio_of_the_contract():
    # 6,000,000 × 30 % = 1,800,000.00, below the 3,000,000 cap
    assert money.fiscal_total(D("6000000"), D("30"), D("3000000")) == D("1800000.00")


def test_fiscal_total_cap_binds():
    # 12,000,000 × 30 % = 3,600,000 > cap 3,000,000 → 3,000,000.00
    assert money.fiscal_total(D("12000000"), D("30"), D("3000000")) == D("3000000.00")


def test_fiscal_total_at_the_cap_boundary():
    # 10,000,000.00 × 30 % = 3,000,000.00 exactly: the ratio and the cap agree
    assert money.fiscal_total(D("10000000.00"), D("30"), D("3000000")) == D("3000000.00")
    # 9,999,999.99 × 30 % = 2,999,999.997 → 3,000,000.00 (half up; not above the cap)
    assert money.fiscal_total(D("9999999.99"), D("30"), D("3000000")) == D("3000000.00")
    # 9,999,999.96 × 30 % = 2,999,999.988 → 2,999,999.99
    assert money.fiscal_total(D("9999999.96"), D("30"), D("3000000")) == D("2999999.99")
    # 10,000,000.04 × 30 % = 3,000,000.012 → 3,000,000.01 → capped to 3,000,000.00
    assert money.fiscal_total(D("10000000.04"), D("30"), D("3000000")) == D("3000000.00")


def test_fiscal_total_with_an_odd_contract_amount():
    # 3,333,333.33 × 30 % = 999,999.999 → 1,000,000.00
    assert money.fiscal_total(D("3333333.33"), D("30"), D("3000000")) == D("1000000.00")
    # 3,333,333.31 × 30 % = 999,999.993 → 999,999.99
    assert money.fiscal_total(D("3333333.31"), D("30"), D("3000000")) == D("999999.99")


# ------------------------------------------------------------------------ earned subsidy


def test_earned_subsidy_follows_partial_payments():
    contract, ratio, cap = D("6000000.00"), D("30"), D("3000000")
    assert money.earned_subsidy(D("0"), contract, ratio, cap) == D("0.00")
    # 2,000,000.00 × 30 % = 600,000.00
    assert money.earned_subsidy(D("2000000.00"), contract, ratio, cap) == D("600000.00")
    # 1,000,000.15 × 30 % = 300,000.045 → 300,000.05
    assert money.earned_subsidy(D("1000000.15"), contract, ratio, cap) == D("300000.05")
    # all of it: 6,000,000 × 30 % = 1,800,000.00
    assert money.earned_subsidy(contract, contract, ratio, cap) == D("1800000.00")


def test_payments_beyond_the_contract_earn_nothing_more():
    # 7,000,000 paid on a 6,000,000 contract counts as 6,000,000 → 1,800,000.00
    assert money.earned_subsidy(D("7000000"), D("6000000"), D("30"), D("3000000")) == D(
        "1800000.00"
    )


def test_earned_subsidy_is_capped():
    # 12,000,000 paid × 30 % = 3,600,000 → cap 3,000,000.00
    assert money.earned_subsidy(D("12000000"), D("12000000"), D("30"), D("3000000")) == D(
        "3000000.00"
    )
    # 9,000,000 paid × 30 % = 2,700,000.00, still under the cap
    assert money.earned_subsidy(D("9000000"), D("12000000"), D("30"), D("3000000")) == D(
        "2700000.00"
    )


# -------------------------------------------------------------------------- instalments


def test_instalments_of_a_round_total():
    # 1,800,000 × 30 / 40 / 30 % = 540,000 / 720,000 / 540,000
    result = money.instalments(D("1800000.00"), PLAN)
    assert amounts(result) == [D("540000.00"), D("720000.00"), D("540000.00")]
    assert [i.cumulative for i in result] == [D("540000.00"), D("1260000.00"), D("1800000.00")]
    assert [i.trigger for i in result] == ["initiation", "midterm_passed", "acceptance"]
    assert [i.percent for i in result] == [D("30"), D("40"), D("30")]


def test_instalments_of_an_odd_total_add_up_to_the_fen():
    # cumulative 30 % of 1,000,000.01 = 300,000.003 → 300,000.00
    # cumulative 70 %               = 700,000.007 → 700,000.01
    # cumulative 100 %              = 1,000,000.01
    # instalments: 300,000.00 / 400,000.01 / 300,000.00
    result = money.instalments(D("1000000.01"), PLAN)
    assert amounts(result) == [D("300000.00"), D("400000.01"), D("300000.00")]
    assert [i.cumulative for i in result] == [D("300000.00"), D("700000.01"), D("1000000.01")]
    assert sum(amounts(result)) == D("1000000.01")


def test_instalments_of_one_fen():
    # 30 % of 0.01 = 0.003 → 0.00; 70 % = 0.007 → 0.01; 100 % = 0.01
    assert amounts(money.instalments(D("0.01"), PLAN)) == [D("0.00"), D("0.01"), D("0.00")]


def test_instalments_with_fractional_percents():
    plan = [
        {"trigger": "initiation", "percent": "33.33"},
        {"trigger": "midterm_passed", "percent": "33.33"},
        {"trigger": "acceptance", "percent": "33.34"},
    ]
    # 100.00: cumulative 33.33 / 66.66 / 100.00 → 33.33 / 33.33 / 33.34
    assert amounts(money.instalments(D("100.00"), plan)) == [D("33.33"), D("33.33"), D("33.34")]
    # 0.10: cumulative 0.03333 → 0.03, 0.06666 → 0.07, 0.10 → 0.03 / 0.04 / 0.03
    assert amounts(money.instalments(D("0.10"), plan)) == [D("0.03"), D("0.04"), D("0.03")]


# ---------------------------------------------------------------------------- horse race


def test_race_plan_holds_initiation_to_the_cap_and_moves_the_rest_to_the_gate():
    # 30 % at initiation > 20 % cap: 10 % moves to the stage gate → 20 / 50 / 30
    plan = money.race_plan(PLAN, D("20"))
    assert [(s["trigger"], D(s["percent"])) for s in plan] == [
        ("initiation", D("20")),
        ("midterm_passed", D("50")),
        ("acceptance", D("30")),
    ]
    assert sum(D(s["percent"]) for s in plan) == D("100")


def test_race_plan_adds_a_gate_instalment_when_the_plan_has_none():
    plan = money.race_plan(
        [{"trigger": "initiation", "percent": "50"}, {"trigger": "acceptance", "percent": "50"}],
        D("20"),
    )
    assert [(s["trigger"], D(s["percent"])) for s in plan] == [
        ("initiation", D("20")),
        ("midterm_passed", D("30")),
        ("acceptance", D("50")),
    ]


def test_race_plan_leaves_an_initiation_instalment_within_the_cap():
    within = [
        {"trigger": "initiation", "percent": "20"},
        {"trigger": "midterm_passed", "percent": "50"},
        {"trigger": "acceptance", "percent": "30"},
    ]
    assert [(s["trigger"], D(s["percent"])) for s in money.race_plan(within, D("20"))] == [
        ("initiation", D("20")),
        ("midterm_passed", D("50")),
        ("acceptance", D("30")),
    ]


def test_race_first_phase_ceiling_rounds_down():
    # 20 % of 1,800,000.00 = 360,000.00
    assert money.race_first_phase_ceiling(D("1800000.00"), D("20")) == D("360000.00")
    # 20 % of 1,000,000.03 = 200,000.006 → down to 200,000.00 (half up would say .01)
    assert money.race_first_phase_ceiling(D("1000000.03"), D("20")) == D("200000.00")
    # 20 % of 999,999.99 = 199,999.998 → 199,999.99 (half up would say 200,000.00)
    assert money.race_first_phase_ceiling(D("999999.99"), D("20")) == D("199999.99")


def test_race_first_phase_of_the_plan_never_exceeds_the_ceiling_on_clean_totals():
    # 1,800,000 under the race plan: first instalment 20 % = 360,000.00 = the ceiling
    plan = money.race_plan(PLAN, D("20"))
    first = money.instalments(D("1800000.00"), plan)[0]
    assert first.amount == money.race_first_phase_ceiling(D("1800000.00"), D("20"))


# ------------------------------------------------------------------- released ceiling


@pytest.mark.parametrize(
    ("reached", "ceiling"),
    [
        (set(), D("0.00")),
        ({"initiation"}, D("540000.00")),  # 30 %
        ({"initiation", "midterm_passed"}, D("1260000.00")),  # 70 %
        ({"initiation", "midterm_passed", "acceptance"}, D("1800000.00")),  # 100 %
        # in plan order: acceptance without the mid-term releases nothing beyond initiation
        ({"initiation", "acceptance"}, D("540000.00")),
        ({"midterm_passed"}, D("0.00")),
    ],
)
def test_released_ceiling(reached, ceiling):
    assert money.released_ceiling(D("1800000.00"), PLAN, reached) == ceiling


def test_released_ceiling_of_an_odd_total_is_the_rounded_cumulative():
    # 70 % of 1,000,000.01 = 700,000.007 → 700,000.01
    assert money.released_ceiling(D("1000000.01"), PLAN, {"initiation", "midterm_passed"}) == D(
        "700000.01"
    )


def test_unspent_balance():
    # 540,000 received − 100,000.50 spent = 439,999.50
    assert money.unspent_balance(D("540000"), D("100000.50")) == D("439999.50")
    assert money.unspent_balance(D("540000"), D("540000")) == D("0.00")
    assert money.unspent_balance(D("100"), D("200")) == D("0.00")  # never negative


# -------------------------------------------------------------------------- properties

TRIGGERS = ["initiation", "midterm_passed", "acceptance"]


@st.composite
def plans(draw):
    """1 to 5 instalments whose percents (to 0.01 %) add up to 100."""
    count = draw(st.integers(min_value=1, max_value=5))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [
        {
            "trigger": TRIGGERS[min(n, len(TRIGGERS) - 1)],
            "percent": str(D(bounds[n + 1] - bounds[n]) / 100),
        }
        for n in range(count)
    ]


totals = st.decimals(min_value=D("0.00"), max_value=D("99999999999.99"), places=2, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(total=totals, plan=plans())
def test_instalments_add_up_to_the_total_and_none_is_negative(total, plan):
    result = money.instalments(total, plan)
    assert len(result) == len(plan)
    assert sum((i.amount for i in result), D("0.00")) == total
    assert all(i.amount >= 0 for i in result)
    assert all(i.amount == i.amount.quantize(D("0.01")) for i in result)
    assert result[-1].cumulative == total
    cumulatives = [i.cumulative for i in result]
    assert cumulatives == sorted(cumulatives)


@settings(max_examples=200, deadline=None)
@given(total=totals, plan=plans(), cap=st.integers(1, 100))
def test_race_plan_keeps_the_total_and_the_first_phase_within_the_cap(total, plan, cap):
    race = money.race_plan(plan, D(cap))
    assert sum(D(s["percent"]) for s in race) == sum(D(s["percent"]) for s in plan)
    assert all(D(s["percent"]) <= cap for s in race if s["trigger"] == "initiation")
    result = money.instalments(total, race)
    assert sum((i.amount for i in result), D("0.00")) == total
    assert all(i.amount >= 0 for i in result)
