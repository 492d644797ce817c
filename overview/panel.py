"""The shape of a dashboard panel and its rows, shared by every role's
panels (``overview.dashboard``, ``overview.siac_panels``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

#: Rows per panel: a dashboard points to work, the lists hold the rest.
PANEL_ROWS = 6


@dataclass(frozen=True)
class Row:
    text: str
    url: str
    meta: str = ""
    marking: str = ""
    due: datetime.datetime | None = None  # shown as a countdown
    #: The protected object the row shows, for the read audit (not displayed).
    source: Any = field(default=None, compare=False, repr=False)


@dataclass
class Panel:
    key: str
    title: Promise
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    more_label: Promise | str = ""
    empty: Promise = _("Nothing here.")


def comments_count(count: int) -> str:
    return ngettext("%(n)d comment", "%(n)d comments", count) % {"n": count}


def day(value: datetime.date) -> str:
    """A date in the user's language ("23 nov. 2026" in French)."""
    return date_format(value, "SHORT_DATE_FORMAT")


def moment(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def marking_of(obj) -> str:
    return getattr(obj, "marking_label", "")
