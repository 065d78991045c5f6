"""The one source of "now". Tests freeze it with time-machine; rules compare in Beijing time."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """Aware UTC datetime of the current instant."""
    return timezone.now()


def beijing(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(BEIJING)


def today() -> dt.date:
    """Today's date in Beijing."""
    return beijing(now()).date()


def format_beijing(moment: dt.datetime | None) -> str:
    """`2024-08-30 19:30（北京时间）` as ui.md asks for every deadline."""
    if moment is None:
        return ""
    return beijing(moment).strftime("%Y-%m-%d %H:%M") + "（北京时间）"
