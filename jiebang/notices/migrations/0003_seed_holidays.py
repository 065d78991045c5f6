"""Seed the working-day calendar with the State Council's holiday arrangements.

Sources (国务院办公厅关于部分节假日安排的通知):
- 2024: 国办发明电〔2023〕7号 (2023-10-25).
- 2025: 国办发明电〔2024〕12号 (2024-11-12), the first year under the revised 《全国年节及
  纪念日放假办法》 (春节 and 劳动节 one day longer).
- 2026: the notice of 2025-11-04 (as published by Xinhua).

2027 is NOT seeded: its arrangement had not been published when this data was written, and
a partial year (only the fixed statutory days) would silently give wrong notice ends. The
calendar treats a year without any holiday row as unknown, so opening a notice whose period
reaches 2027 is refused (NOTICE-CALENDAR-MISSING) until the bureau enters the 2027
arrangement in the admin (节假日安排) from the State Council's notice.

Only the days that differ from the Mon–Fri week matter, but every day of each holiday is
listed (weekend days included) so the admin reads like the notice.
"""

import datetime as dt

from django.db import migrations


def _span(name, first, last):
    day = first
    while day <= last:
        yield day, "holiday", name
        day += dt.timedelta(days=1)


def _days():
    d = dt.date
    rows = []
    # 2024
    rows += _span("元旦", d(2024, 1, 1), d(2024, 1, 1))
    rows += _span("春节", d(2024, 2, 10), d(2024, 2, 17))
    rows += [(d(2024, 2, 4), "workday", "春节"), (d(2024, 2, 18), "workday", "春节")]
    rows += _span("清明节", d(2024, 4, 4), d(2024, 4, 6))
    rows += [(d(2024, 4, 7), "workday", "清明节")]
    rows += _span("劳动节", d(2024, 5, 1), d(2024, 5, 5))
    rows += [(d(2024, 4, 28), "workday", "劳动节"), (d(2024, 5, 11), "workday", "劳动节")]
    rows += _span("端午节", d(2024, 6, 10), d(2024, 6, 10))
    rows += _span("中秋节", d(2024, 9, 15), d(2024, 9, 17))
    rows += [(d(2024, 9, 14), "workday", "中秋节")]
    rows += _span("国庆节", d(2024, 10, 1), d(2024, 10, 7))
    rows += [(d(2024, 9, 29), "workday", "国庆节"), (d(2024, 10, 12), "workday", "国庆节")]
    # 2025
    rows += _span("元旦", d(2025, 1, 1), d(2025, 1, 1))
    rows += _span("春节", d(2025, 1, 28), d(2025, 2, 4))
    rows += [(d(2025, 1, 26), "workday", "春节"), (d(2025, 2, 8), "workday", "春节")]
    rows += _span("清明节", d(2025, 4, 4), d(2025, 4, 6))
    rows += _span("劳动节", d(2025, 5, 1), d(2025, 5, 5))
    rows += [(d(2025, 4, 27), "workday", "劳动节")]
    rows += _span("端午节", d(2025, 5, 31), d(2025, 6, 2))
    rows += _span("国庆节、中秋节", d(2025, 10, 1), d(2025, 10, 8))
    rows += [(d(2025, 9, 28), "workday", "国庆节"), (d(2025, 10, 11), "workday", "国庆节")]
    # 2026
    rows += _span("元旦", d(2026, 1, 1), d(2026, 1, 3))
    rows += [(d(2026, 1, 4), "workday", "元旦")]
    rows += _span("春节", d(2026, 2, 15), d(2026, 2, 23))
    rows += [(d(2026, 2, 14), "workday", "春节"), (d(2026, 2, 28), "workday", "春节")]
    rows += _span("清明节", d(2026, 4, 4), d(2026, 4, 6))
    rows += _span("劳动节", d(2026, 5, 1), d(2026, 5, 5))
    rows += [(d(2026, 5, 9), "workday", "劳动节")]
    rows += _span("端午节", d(2026, 6, 19), d(2026, 6, 21))
    rows += _span("中秋节", d(2026, 9, 25), d(2026, 9, 27))
    rows += _span("国庆节", d(2026, 10, 1), d(2026, 10, 7))
    rows += [(d(2026, 9, 20), "workday", "国庆节"), (d(2026, 10, 10), "workday", "国庆节")]
    return rows


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("notices", "CalendarDay")
    for day, kind, name in _days():
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("notices", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _, _ in _days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_publicity")]

    operations = [migrations.RunPython(seed, unseed)]
