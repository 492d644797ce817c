"""The figures of the register, counted over what the user may see: one
source for the figures page (drawn as charts) and the figures API (as JSON).

Everything is counted over the access-filtered reads, so a delegate's
figures never reveal the number of cases kept from them, and exercise cases
never mix with real ones (guidelines para 41). Each figure is one grouped
query (two for the time per step), so the cost does not depend on the size
of the register.

A measure counts as *taken* in the year it was implemented or, while not
implemented, the year its decision was adopted (the Council's or the High
Representative's act): not the year it was proposed. Measures only
proposed, selected or withdrawn were not taken. The decision's date counts
only if the user may see the decision: a hidden decision gives no derived
value (decision record 0023).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, DateField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from awareness.selectors import actor_list
from cases.models import CaseKind, CaseState, CaseTransition
from cases.selectors import case_list
from cdt.core.charts import BarChart, bar_chart
from cdt.security.selectors import protected_queryset
from cdt.workflow.records import LOG_ORDER
from council.models import Decision
from measures.choices import TAKEN_STATES
from measures.models import ResponseMeasure

#: What the page and the API say about which date counts.
TAKEN_RULE = gettext_lazy(
    "A measure counts in the year it was implemented or, if it is not implemented yet, the year its decision was adopted; "
    "measures only proposed, selected or withdrawn are not counted."
)


@dataclass(frozen=True)
class MeasureTypeYear:
    year: int
    measure_type_slug: str
    measure_type_name: str
    count: int


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class StepCount:
    step: str
    label: str
    count: int
    by_kind: list[KindCount]


@dataclass(frozen=True)
class ActorCount:
    actor_id: int
    actor_name: str
    count: int


@dataclass(frozen=True)
class StepStay:
    step: str
    label: str
    median_days: float
    stays: int


@dataclass(frozen=True)
class RegisterFigures:
    """Every figure of the page and the API, for one user."""

    measures_taken: list[MeasureTypeYear]
    cases_by_step: list[StepCount]
    cases_by_kind: list[KindCount]
    measures_by_actor: list[ActorCount]
    time_per_step: list[StepStay]
    taken_rule: str


def taken_measures(user) -> QuerySet[ResponseMeasure]:
    """The real measures ``user`` may see that were taken, each annotated
    with ``taken_on``: implemented on, else the date of its adopted decision
    if ``user`` may see that decision. Those without such a date are left out."""
    visible_decisions = protected_queryset(Decision.objects.all(), user).values("pk")
    adopted_on = SqlCase(
        When(Q(decision__adopted=True, decision__in=visible_decisions), then=F("decision__decided_on")),
        default=None,
        output_field=DateField(),
    )
    return (
        protected_queryset(ResponseMeasure.objects.all(), user)
        .filter(case__exercise=False, state__in=TAKEN_STATES)
        .annotate(taken_on=Coalesce(F("implemented_on"), adopted_on, output_field=DateField()))
        .filter(taken_on__isnull=False)
    )


def register_figures(user) -> RegisterFigures:
    """The figures of the register as ``user`` sees it (five grouped queries, whatever its size)."""
    taken = taken_measures(user)
    by_year = [
        MeasureTypeYear(year, slug, name, total)
        for year, slug, name, total in taken.order_by()
        .annotate(year=ExtractYear("taken_on"))
        .values_list("year", "measure_type__slug", "measure_type__name")
        .annotate(total=Count("pk"))
        .order_by("year", "measure_type__name")
    ]
    # From the actor's side: the same count whether a measure names one actor or several.
    by_actor = [
        ActorCount(pk, name, total)
        for pk, name, total in actor_list()
        .annotate(taken=Count("measures", filter=Q(measures__in=taken.values("pk")), distinct=True))
        .filter(taken__gt=0)
        .order_by("-taken", "name")
        .values_list("pk", "name", "taken")
    ]
    steps, kinds = _cases_by_step_and_kind(user)
    return RegisterFigures(
        measures_taken=by_year,
        cases_by_step=steps,
        cases_by_kind=kinds,
        measures_by_actor=by_actor,
        time_per_step=_time_per_step(user),
        taken_rule=str(TAKEN_RULE),
    )


def _cases_by_step_and_kind(user) -> tuple[list[StepCount], list[KindCount]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for state, kind, total in case_list(user=user).order_by().values_list("state", "kind").annotate(total=Count("pk")):
        counts[state, kind] = total
    steps = [
        StepCount(
            step=state,
            label=str(state_label),
            count=sum(counts[state, kind] for kind in CaseKind.values),
            by_kind=[KindCount(kind, str(kind_label), counts[state, kind]) for kind, kind_label in CaseKind.choices],
        )
        for state, state_label in CaseState.choices
    ]
    kinds = [KindCount(kind, str(label), sum(counts[state, kind] for state in CaseState.values)) for kind, label in CaseKind.choices]
    return steps, kinds


def _time_per_step(user) -> list[StepStay]:
    """Median days a case spent at each step before leaving it, from the
    transition log (a step re-entered counts once per stay), by the days the
    steps happened (``on``, from the day the case was brought): the record
    of past years is entered after the fact, so the recording times would
    say every stay lasted no time at all."""
    cases = case_list(user=user).order_by()
    opened = dict(cases.values_list("pk", "brought_on"))
    stays = defaultdict(list)
    previous: dict[int, datetime.date] = {}
    for case_id, source, on, at in (
        CaseTransition.objects.filter(case__in=cases.values("pk"))
        .order_by("case_id", *LOG_ORDER)
        .values_list("case_id", "source", "on", "at")
    ):
        day = on or at.date()
        entered = previous.get(case_id) or opened.get(case_id)
        if entered is not None:
            stays[source].append(max((day - entered).days, 0))
        previous[case_id] = day
    return [
        StepStay(value, str(label), round(statistics.median(stays[value]), 1) if stays.get(value) else 0.0, len(stays.get(value, [])))
        for value, label in CaseState.choices
        if value != CaseState.CLOSED
    ]


# --- The page's charts, drawn from the same figures ------------------------------------------------------


def charts(figures: RegisterFigures, *, years: int = 3) -> list[BarChart]:
    return [
        cases_by_step_chart(figures),
        measures_by_type_and_year_chart(figures, years=years),
        measures_by_actor_chart(figures),
        time_per_step_chart(figures),
    ]


def cases_by_step_chart(figures: RegisterFigures) -> BarChart:
    rows = [
        (
            step.label,
            [part.count for part in step.by_kind],
            _("%(total)d (%(parts)s)") % {"total": step.count, "parts": " + ".join(str(part.count) for part in step.by_kind)},
        )
        for step in figures.cases_by_step
    ]
    return bar_chart(
        key="cases-by-step",
        title=_("Cases by step and kind"),
        description=_("Number of cases at each step of the response process, by kind of case."),
        rows=rows,
        series=[label for _value, label in CaseKind.choices],
    )


def measures_by_type_and_year_chart(figures: RegisterFigures, *, years: int = 3) -> BarChart:
    """Measures taken per catalogue type, split by year: the last ``years``
    years and everything earlier."""
    this_year = timezone.localdate().year
    recent = list(range(this_year - years + 1, this_year + 1))
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (years + 1))
    for entry in figures.measures_taken:
        counts[entry.measure_type_name][recent.index(entry.year) + 1 if entry.year in recent else 0] += entry.count
    rows = [(name, values, str(sum(values))) for name, values in sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0]))]
    return bar_chart(
        key="measures-by-type",
        title=_("Measures taken by type and year"),
        description=str(TAKEN_RULE),
        rows=rows,
        series=[_("Before %(year)d") % {"year": recent[0]}, *map(str, recent)],
    )


def measures_by_actor_chart(figures: RegisterFigures) -> BarChart:
    return bar_chart(
        key="measures-by-actor",
        title=_("Measures taken by actor concerned"),
        description=_("Measures taken concerning each threat actor, counted as in the chart above."),
        rows=[(entry.actor_name, [entry.count], str(entry.count)) for entry in figures.measures_by_actor],
    )


def time_per_step_chart(figures: RegisterFigures) -> BarChart:
    return bar_chart(
        key="time-per-step",
        title=_("Time spent per step"),
        description=_("Median number of days cases stayed at each step before moving on."),
        rows=[
            (
                stay.label,
                [stay.median_days],
                ngettext("%(days)s days (%(n)d stay)", "%(days)s days (%(n)d stays)", stay.stays)
                % {"days": number_format(stay.median_days, 1), "n": stay.stays},
            )
            for stay in figures.time_per_step
        ],
    )
