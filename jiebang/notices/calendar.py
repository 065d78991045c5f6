"""The working-day calendar of public notices (公示期). Pure: no ORM, no clock.

China's working week is Monday to Friday, except that the State Council's yearly notice on
public holidays (国务院办公厅关于某年部分节假日安排的通知) turns some weekdays into holidays
(放假) and some weekend days into working days (调休上班). The rows that say so live in
`CalendarDay` (editable by the bureau); `selectors.working_calendar()` builds this object
from them.

Counting convention of `add_working_days(start, n)`: the start date is day 1 when it is a
working day; otherwise day 1 is the next working day. So a notice starting Monday
2024-09-09 for 5 working days ends Friday 2024-09-13, and one starting Saturday
2024-09-07 ends on the same Friday. The notice ends at 23:59:59 Beijing time of that last
working day, inclusive to the second (`notice_end_instant`).
"""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
# Safety net: no real notice spans more than a year of calendar days.
MAX_SPAN_DAYS = 366 * 2


class CalendarGapError(ValueError):
    """The period reaches a year for which no holiday arrangement has been entered."""

    def __init__(self, year: int):
        super().__init__(f"no holiday arrangement known for {year}")
        self.year = year


class WorkingCalendar:
    """Which days are working days, given holidays and make-up working days (调休).

    `known_years`, when given, lists the years whose arrangement has been entered; counting
    through any other year raises CalendarGapError instead of silently treating its
    holidays as working days. Without it every year is assumed complete.
    """

    def __init__(
        self,
        holidays: Iterable[dt.date] = (),
        makeup_workdays: Iterable[dt.date] = (),
        known_years: Iterable[int] | None = None,
    ):
        self.holidays = frozenset(holidays)
        self.makeup_workdays = frozenset(makeup_workdays)
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValueError(f"dates both holiday and make-up working day: {sorted(both)}")
        self.known_years = None if known_years is None else frozenset(known_years)

    def _check_known(self, day: dt.date) -> None:
        if self.known_years is not None and day.year not in self.known_years:
            raise CalendarGapError(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        """Mon–Fri unless a holiday; Sat/Sun only when a make-up working day (调休上班)."""
        if day in self.holidays:
            return False
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date of the n-th working day, counting `start` itself when it is a working day.

        n must be at least 1. Raises CalendarGapError when a counted day falls in a year the
        calendar does not know (see `known_years`).
        """
        if n < 1:
            raise ValueError("a period has at least one working day")
        day = start
        counted = 0
        for _ in range(MAX_SPAN_DAYS):
            self._check_known(day)
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
            day += dt.timedelta(days=1)
        raise ValueError(f"{n} working days from {start} exceed {MAX_SPAN_DAYS} calendar days")

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days from a to b, both ends included; 0 when b is before a.

        The inverse of `add_working_days`: `working_days_between(s, add_working_days(s, n))`
        is n for every start s.
        """
        if b < a:
            return 0
        count = 0
        day = a
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count


def notice_end_instant(last_day: dt.date, tz: dt.tzinfo = BEIJING) -> dt.datetime:
    """23:59:59 of the last working day in `tz` (Beijing): the last second still inside."""
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=tz)


def notice_start_instant(first_day: dt.date, tz: dt.tzinfo = BEIJING) -> dt.datetime:
    """00:00:00 of the start date in `tz`: objections are taken from then on."""
    return dt.datetime.combine(first_day, dt.time(0, 0, 0), tzinfo=tz)
