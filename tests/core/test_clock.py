"""Time comes from core.clock; deadlines are shown and compared in Beijing time."""

import datetime as dt

import pytest
import time_machine as tm

from jiebang.core import clock

pytestmark = pytest.mark.unit

UTC = dt.UTC


def test_format_beijing_of_a_utc_moment():
    moment = dt.datetime(2024, 8, 30, 11, 30, tzinfo=UTC)
    assert clock.format_beijing(moment) == "2024-08-30 19:30（北京时间）"


def test_format_beijing_of_a_beijing_moment_and_of_none():
    moment = dt.datetime(2024, 8, 30, 19, 30, tzinfo=clock.BEIJING)
    assert clock.format_beijing(moment) == "2024-08-30 19:30（北京时间）"
    assert clock.format_beijing(None) == ""


def test_format_beijing_crosses_midnight():
    moment = dt.datetime(2024, 12, 31, 16, 0, tzinfo=UTC)
    assert clock.format_beijing(moment) == "2025-01-01 00:00（北京时间）"


def test_today_is_the_beijing_date(time_machine):
    time_machine.move_to(dt.datetime(2024, 8, 30, 16, 30, tzinfo=UTC), tick=False)
    assert clock.today() == dt.date(2024, 8, 31)
    now = clock.now()
    assert now == dt.datetime(2024, 8, 30, 16, 30, tzinfo=UTC)
    assert now.utcoffset() == dt.timedelta(0)
    assert clock.beijing(now) == dt.datetime(2024, 8, 31, 0, 30, tzinfo=clock.BEIJING)


def test_today_one_second_before_beijing_midnight():
    with tm.travel(dt.datetime(2024, 8, 30, 15, 59, 59, tzinfo=UTC), tick=False):
        assert clock.today() == dt.date(2024, 8, 30)
    with tm.travel(dt.datetime(2024, 8, 30, 16, 0, 0, tzinfo=UTC), tick=False):
        assert clock.today() == dt.date(2024, 8, 31)


def test_now_is_aware_and_frozen_by_time_machine():
    with tm.travel(dt.datetime(2024, 8, 1, 2, 0, tzinfo=UTC), tick=False):
        first = clock.now()
        second = clock.now()
    assert first == second == dt.datetime(2024, 8, 1, 2, 0, tzinfo=UTC)
    assert first.tzinfo is not None
