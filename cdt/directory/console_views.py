"""The console's reference years: the population figures the Council's
votes use, a whole year in one form, saved complete or not at all
(``services.population_year_enter``, the rule the API's PUT applies too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdt.accounts.console import secretariat_console
from cdt.core.forms import EclFormMixin
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow.http import page_attempt

from .models import MemberState, PopulationFigure, PopulationYear
from .selectors import members_during
from .services import EARLIEST_YEAR, MAX_POPULATION, population_year_enter

#: Spaces (also the narrow no-break space of French), commas and dots people type between thousands.
THOUSANDS_SEPARATORS = str.maketrans("", "", " \u00a0\u202f,.'")


class PopulationField(forms.IntegerField):
    """A population as people write it: 83 445 000, 83,445,000 or 83445000."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.translate(THOUSANDS_SEPARATORS)
        return super().to_python(value)


class PopulationYearForm(EclFormMixin, forms.Form):
    """One row per state that was a Member State during the year (the
    EU-28 up to 2020), then the act and its source."""

    act = forms.CharField(
        label=gettext_lazy("Act"), max_length=200, required=False, help_text=gettext_lazy("e.g. Council Decision (EU, Euratom) 2025/2563")
    )
    oj_reference = forms.CharField(label=gettext_lazy("Official Journal reference"), max_length=100, required=False)
    source = forms.CharField(label=gettext_lazy("Source"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, states: list[MemberState], **kwargs: Any) -> None:
        self.states = states
        # The rows join the declared fields before the form copies them (and
        # before EclFormMixin styles them and reads the errors of a bound form).
        rows = {
            field_name(state): PopulationField(
                label=state.display_name,
                required=False,
                min_value=1,
                max_value=MAX_POPULATION,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "cdt-population-input"}),
            )
            for state in states
        }
        self.base_fields = {**rows, **type(self).base_fields}
        super().__init__(*args, **kwargs)

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[field_name(state)] for state in self.states]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("act", "oj_reference", "source")]


def field_name(state: MemberState) -> str:
    return f"figure_{state.code}"


def _year_or_404(year: int) -> int:
    if not EARLIEST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


@secretariat_console
def population_years_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The years CDT holds, complete or not, and a way to enter another."""
    asked = request.GET.get("year", "")
    if asked:
        if asked.isascii() and asked.isdigit() and len(asked) == 4 and EARLIEST_YEAR <= int(asked) <= timezone.localdate().year + 1:
            return redirect("console-population-year", year=int(asked))
        messages.error(
            request, _("Give a year from %(first)s to %(last)s.") % {"first": EARLIEST_YEAR, "last": timezone.localdate().year + 1}
        )
    years = PopulationYear.objects.select_related("entered_by").annotate(states=Count("figures"), total=Sum("figures__population"))
    return render(
        request,
        "console/population_years.html",
        {"years": years.order_by("-year"), "next_year": timezone.localdate().year + 1, "first_year": EARLIEST_YEAR},
    )


def _prefill(year: int, states: list[MemberState]) -> tuple[dict[str, Any], int | None]:
    """The year's own figures if it has them, else the latest earlier
    year's, for the states of this year; and the year they come from."""
    record = PopulationYear.objects.filter(year=year).first()
    initial: dict[str, Any] = {}
    if record is not None:
        initial = {"act": record.act, "oj_reference": record.oj_reference, "source": record.source}
    source_year = PopulationFigure.objects.filter(year__year__lte=year).order_by("-year__year").values_list("year__year", flat=True).first()
    if source_year is None:
        return initial, None
    figures = dict(PopulationFigure.objects.filter(year__year=source_year).values_list("member_state__code", "population"))
    for state in states:
        if state.code in figures:
            initial[field_name(state)] = f"{figures[state.code]}"
    return initial, source_year


@secretariat_console
def population_year_page(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Every Member State of the year in one form; saved complete, or
    refused with the missing states named, and nothing written."""
    year = _year_or_404(year)
    states = list(members_during(year).order_by("protocol_order"))
    initial, prefilled_from = _prefill(year, states)
    form = PopulationYearForm(request.POST if request.method == "POST" else None, initial=initial, states=states)
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        figures = {state.code: form.cleaned_data[field_name(state)] for state in states if form.cleaned_data[field_name(state)] is not None}
        attempt = page_attempt(
            lambda: population_year_enter(
                by=request.user,
                year=year,
                figures=figures,
                act=form.cleaned_data["act"],
                oj_reference=form.cleaned_data["oj_reference"],
                source=form.cleaned_data["source"],
            )
        )
        if not attempt.failed:
            messages.success(request, _("The population figures of %(year)s are saved, complete.") % {"year": year})
            return redirect("console-population")
        _errors_on_rows(form, attempt.field_errors, states, figures)
        status = attempt.status
    return render(
        request,
        "console/population_year.html",
        {
            "form": form,
            "year": year,
            "prefilled_from": prefilled_from if prefilled_from != year else None,
            "exists": PopulationYear.objects.filter(year=year, complete=True).exists(),
        },
        status=status,
    )


def _errors_on_rows(form: PopulationYearForm, field_errors: dict[str, list[str]], states: list[MemberState], figures: dict) -> None:
    """The service's refusal on the form: the summary on top, and each
    missing or wrong state's row marked."""
    for key, messages_ in field_errors.items():
        code = key.removeprefix("figures.") if key.startswith("figures.") else None
        target = f"figure_{code}" if code and f"figure_{code}" in form.fields else (key if key in form.fields else None)
        for message in messages_:
            form.add_error(target, ValidationError(message))
    for state in states:
        if state.code not in figures and field_name(state) not in form.errors:
            form.add_error(field_name(state), ValidationError(_("Missing: give %(state)s's population.") % {"state": state.display_name}))
    for name in form.errors:  # marked as the form marks its own errors (EclFormMixin)
        if name in form.fields:
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})
