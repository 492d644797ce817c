"""The dates attribution records (a claim made, an outcome reached, a
statement published, a country aligning): what the EU has done since 2017
is entered afterwards, so a past date is normal; a date in the future, or
before the case was brought, cannot be true."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def date_problem(on: datetime.date | None, *, case, not_before: datetime.date | None = None) -> str | None:
    """Why ``on`` cannot be the date of something done on ``case``, or
    ``None``. ``not_before``: a later floor than the case's start (a
    statement's publication, for a country aligning with it)."""
    if on is None:
        return None
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        return _("Give a date (YYYY-MM-DD).")
    if on > timezone.localdate():
        return _("The date cannot be in the future.")
    if case.brought_on and on < case.brought_on:
        return _("The date cannot be before the case was brought (%(date)s).") % {"date": case.brought_on.isoformat()}
    if not_before is not None and on < not_before:
        return _("The date cannot be before %(date)s.") % {"date": not_before.isoformat()}
    return None


def check_date(on: datetime.date | None, *, case, field: str, not_before: datetime.date | None = None) -> None:
    """:func:`date_problem` as a 400 naming ``field``."""
    problem = date_problem(on, case=case, not_before=not_before)
    if problem:
        raise ValidationError({field: problem})
