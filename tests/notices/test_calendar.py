"""The working-day calendar: weekends, holidays, make-up working days (调休), the boundary."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiebang.notices.calendar import (
    CalendarGapError,
    WorkingCalendar,
    notice_end_instant,
    notice_start_instant,
)

pytestmark = pytest.mark.unit

D = dt.date


def span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# The 2024 arrangement (国办发明电〔2023〕7号), written out independently of the migration.
HOLIDAYS_2024 = [
    D(2024, 1, 1),
    *span(D(2024, 2, 10), D(2024, 2, 17)),
    *span(D(2024, 4, 4), D(2024, 4, 6)),
    *span(D(2024, 5, 1), D(2024, 5, 5)),
    D(2024, 6, 10),
    *span(D(2024, 9, 15), D(2024, 9, 17)),
    *span(D(2024, 10, 1), D(2024, 10, 7)),
]
MAKEUP_2024 = [
    D(2024, 2, 4),
    D(2024, 2, 18),
    D(2024, 4, 7),
    D(2024, 4, 28),
    D(2024, 5, 11),
    D(2024, 9, 14),
    D(2024, 9, 29),
    D(2024, 10, 12),
]
CAL_2024 = WorkingCalendar(HOLIDAYS_2024, MAKEUP_2024)
PLAIN = WorkingCalendar([], [])


def test_monday_to_friday_are_working_days_and_weekends_are_not():
    week = span(D(2024, 9, 2), D(2024, 9, 8))  # Mon … Sun, no holiday
    assert [PLAIN.is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_the_start_day_counts_when_it_is_a_working_day():
    # The documented convention: Mon 2024-09-09 + 5 working days ends Fri 2024-09-13.
    assert CAL_2024.add_working_days(D(2024, 9, 9), 5) == D(2024, 9, 13)
    assert CAL_2024.add_working_days(D(2024, 9, 9), 1) == D(2024, 9, 9)


def test_a_start_on_a_weekend_counts_from_the_next_working_day():
    assert PLAIN.add_working_days(D(2024, 9, 7), 5) == D(2024, 9, 13)  # Saturday start
    assert PLAIN.add_working_days(D(2024, 9, 8), 1) == D(2024, 9, 9)  # Sunday start


def test_weekends_inside_the_period_are_skipped():
    # Fri 2024-09-06: Fri, Mon, Tue, Wed, Thu.
    assert PLAIN.add_working_days(D(2024, 9, 6), 5) == D(2024, 9, 12)


def test_a_holiday_inside_the_period_extends_it():
    only_dragon_boat = WorkingCalendar([D(2024, 6, 10)], [])
    # Thu 6/6, Fri 6/7, (Mon 6/10 端午), Tue 6/11, Wed 6/12, Thu 6/13.
    assert PLAIN.add_working_days(D(2024, 6, 6), 5) == D(2024, 6, 12)
    assert only_dragon_boat.add_working_days(D(2024, 6, 6), 5) == D(2024, 6, 13)
    assert not only_dragon_boat.is_working_day(D(2024, 6, 10))


def test_a_make_up_saturday_counts_as_a_working_day():
    assert CAL_2024.is_working_day(D(2024, 10, 12))  # Saturday, 调休上班
    assert not PLAIN.is_working_day(D(2024, 10, 12))
    # Tue 10/8 … Fri 10/11 and the make-up Saturday 10/12.
    assert CAL_2024.add_working_days(D(2024, 10, 8), 5) == D(2024, 10, 12)
    assert PLAIN.add_working_days(D(2024, 10, 8), 5) == D(2024, 10, 14)


def test_the_2024_national_day_week():
    assert CAL_2024.is_working_day(D(2024, 9, 29))  # Sunday before, worked
    assert all(not CAL_2024.is_working_day(d) for d in span(D(2024, 10, 1), D(2024, 10, 7)))
    assert CAL_2024.is_working_day(D(2024, 10, 8))
    # Thu 9/26, Fri 9/27, Sun 9/29 (调休), Mon 9/30, then the holiday week, then Tue 10/8.
    assert CAL_2024.add_working_days(D(2024, 9, 26), 5) == D(2024, 10, 8)
    # Mon–Fri alone would have ended on Wed 10/2, inside the holiday.
    assert PLAIN.add_working_days(D(2024, 9, 26), 5) == D(2024, 10, 2)
    assert CAL_2024.working_days_between(D(2024, 9, 28), D(2024, 10, 12)) == 7


def test_a_start_inside_a_holiday_counts_from_the_first_working_day_after_it():
    assert CAL_2024.add_working_days(D(2024, 10, 1), 1) == D(2024, 10, 8)
    # Spring Festival: the make-up Sunday 2/18 is day 1, then Mon 2/19 … Thu 2/22.
    assert CAL_2024.add_working_days(D(2024, 2, 10), 5) == D(2024, 2, 22)


def test_working_days_between_counts_both_ends_and_is_zero_when_reversed():
    assert PLAIN.working_days_between(D(2024, 9, 9), D(2024, 9, 13)) == 5
    assert PLAIN.working_days_between(D(2024, 9, 14), D(2024, 9, 15)) == 0
    assert PLAIN.working_days_between(D(2024, 9, 13), D(2024, 9, 9)) == 0


@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2024, 11, 30)),
    n=st.integers(min_value=1, max_value=20),
)
def test_working_days_between_is_the_inverse_of_add_working_days(start, n):
    end = CAL_2024.add_working_days(start, n)
    assert CAL_2024.is_working_day(end)
    assert CAL_2024.working_days_between(start, end) == n
    assert CAL_2024.working_days_between(start, end - dt.timedelta(days=1)) == n - 1


def test_a_period_needs_at_least_one_day_and_a_day_cannot_be_both_kinds():
    with pytest.raises(ValueError):
        PLAIN.add_working_days(D(2024, 9, 9), 0)
    with pytest.raises(ValueError):
        WorkingCalendar([D(2024, 9, 14)], [D(2024, 9, 14)])


def test_counting_through_a_year_without_an_arrangement_is_refused():
    calendar = WorkingCalendar(HOLIDAYS_2024, MAKEUP_2024, known_years={2024})
    assert calendar.add_working_days(D(2024, 12, 23), 5) == D(2024, 12, 27)
    with pytest.raises(CalendarGapError) as gap:
        calendar.add_working_days(D(2024, 12, 27), 5)
    assert gap.value.year == 2025


def test_the_notice_ends_at_the_last_second_of_the_day_in_beijing():
    end = notice_end_instant(D(2024, 9, 13))
    assert end.astimezone(dt.UTC) == dt.datetime(2024, 9, 13, 15, 59, 59, tzinfo=dt.UTC)
    start = notice_start_instant(D(2024, 9, 9))
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 9, 8, 16, 0, 0, tzinfo=dt.UTC)
