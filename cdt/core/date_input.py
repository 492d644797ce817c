"""Dates typed day first: 31/12/2027, as the Council writes them, whatever
the browser's own locale. A native ``<input type="date">`` shows the
browser's format (month first in an American browser); the console's forms
use this field instead, and show and accept day/month/year (also with dots
or dashes, and ISO 8601 for what scripts and autofill send)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: Accepted, in this order; the first is the one shown.
DAY_MONTH_YEAR_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d")


class DayMonthYearDateInput(forms.DateInput):
    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": "10"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DAY_MONTH_YEAR_FORMATS[0])


class DayMonthYearDateField(forms.DateField):
    widget = DayMonthYearDateInput
    input_formats = DAY_MONTH_YEAR_FORMATS
    default_error_messages = {"invalid": _("Enter the date as day/month/year, for example 31/12/2027.")}


class NativeDateInput(forms.DateInput):
    """The browser's own date picker (``<input type="date">``). Its value is
    ISO 8601 whatever the page's language: without a fixed format Django
    writes the French default (07/12/2026) into it, which the browser
    cannot read, so a French reader saw the field empty and the form
    refused to submit."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class NativeDateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker (``datetime-local``): ISO 8601
    too, for the same reason as :class:`NativeDateInput`."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
