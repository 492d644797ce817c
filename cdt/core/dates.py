"""Dates of the record that may lack a day.

The public record of the Toolbox sometimes says only "in March 2024" (an
activity first seen, a step taken before CDT existed). Such a date is kept
as the first day of the month with a precision beside it, so it sorts and
compares like any date, and is shown as "March 2024", never as a made-up
"1 March 2024". Input is ``YYYY-MM-DD`` (day) or ``YYYY-MM`` (month).
"""

from __future__ import annotations

import datetime
import re

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$", re.ASCII)
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)


def partial_date_parse(value: str) -> tuple[datetime.date, str]:
    """``"2024-03-05"`` → (5 March 2024, day); ``"2024-03"`` → (1 March
    2024, month). ``ValueError`` with the reason otherwise."""
    text = str(value).strip()
    month = _MONTH.match(text)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if not 1 <= number <= 12 or year < 1:
            raise ValueError(_("No month %(month)s.") % {"month": text})
        return datetime.date(year, number, 1), DatePrecision.MONTH
    try:
        if not _DAY.match(text):  # fromisoformat would also take 20240305 and week dates
            raise ValueError(text)
        return datetime.date.fromisoformat(text), DatePrecision.DAY
    except ValueError:
        raise ValueError(_("Give the date as YYYY-MM-DD, or YYYY-MM when the record has no day.")) from None


def partial_date_text(day: datetime.date | None, precision: str) -> str:
    """How the record reads: "March 2024" for a month, the date for a day."""
    if day is None:
        return ""
    if precision == DatePrecision.MONTH:
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return formats.date_format(day, "DATE_FORMAT")


def partial_date_iso(day: datetime.date | None, precision: str) -> str | None:
    """The API's form: ``YYYY-MM`` for a month, ``YYYY-MM-DD`` for a day."""
    if day is None:
        return None
    return day.strftime("%Y-%m") if precision == DatePrecision.MONTH else day.isoformat()
