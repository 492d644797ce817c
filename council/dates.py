"""The day a Council step happened, checked: a record entered later carries
the past day it happened (issue 27), never a day in the future, never
before the case was brought, never before the step it follows."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def check_day(
    day: datetime.date, *, field: str, case, not_before: datetime.date | None = None, not_before_label: str = ""
) -> datetime.date:
    """``day`` if it is not in the future, not before ``case.brought_on``
    and not before ``not_before`` (the question's day for its decision);
    else a ``ValidationError`` on ``field`` saying which bound it crosses."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ValidationError({field: _("Give a date (YYYY-MM-DD).")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The day cannot be in the future.")})
    if day < case.brought_on:
        raise ValidationError(
            {field: _("The day cannot be before the case was brought (%(day)s).") % {"day": date_format(case.brought_on)}}
        )
    if not_before is not None and day < not_before:
        raise ValidationError(
            {field: _("The day cannot be before %(step)s (%(day)s).") % {"step": not_before_label, "day": date_format(not_before)}}
        )
    return day
