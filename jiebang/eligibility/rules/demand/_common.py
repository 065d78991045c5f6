"""Small helpers the demand rule modules share: enum labels, dates, credit sources."""

import datetime as dt

from django.utils.translation import gettext as _

from jiebang.eligibility.snapshots import CreditSnapshot


def _label(choices, value: str) -> str:
    """The Chinese label of an enum value; the raw value if unknown."""
    return str(dict(choices.choices).get(value, value))


def _day(day: dt.date) -> str:
    return day.isoformat()


def _source(record: CreditSnapshot) -> str:
    return record.source_document.strip() or _("未登记依据文件")
