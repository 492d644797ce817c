"""The figures behind the charts, counted over what the user may see.

Each is one grouped query (two for the time per step) over the access-
filtered selectors, so a delegate's figures never reveal the number of
cases kept from them, and the page's query count does not depend on the
size of the register.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cases.models import CaseKind, CaseState, CaseTransition
from cases.selectors import case_list
from cdt.core.charts import BarChart, Timeline, bar_chart, timeline
from measures.selectors import measure_list


def cases_by_step(user) -> BarChart:
    counts = defaultdict(lambda: [0] * len(CaseKind))
    kinds = list(CaseKind)
    for state, kind, total in case_list(user=user).order_by().values_list("state", "kind").annotate(total=Count("pk")):
        counts[state][kinds.index(kind)] = total
    rows = [
        (
            label,
            counts[value],
            _("%(total)d (%(parts)s)") % {"total": sum(counts[value]), "parts": " + ".join(str(n) for n in counts[value])},
        )
        for value, label in CaseState.choices
    ]
    return bar_chart(
        key="cases-by-step",
        title=_("Cases by step and kind"),
        description=_("Number of cases at each step of the response process, by kind of case."),
        rows=rows,
        series=[label for _value, label in CaseKind.choices],
    )


def measures_by_type_and_year(user, *, years: int = 3) -> BarChart:
    """Measures proposed per catalogue type, split by year: the last
    ``years`` years and everything earlier."""
    this_year = timezone.localdate().year
    recent = list(range(this_year - years + 1, this_year + 1))
    counts = defaultdict(lambda: [0] * (years + 1))
    for name, year, total in (
        measure_list(user=user)
        .filter(case__exercise=False)
        .order_by()
        .annotate(year=ExtractYear("proposed_at"))
        .values_list("measure_type__name", "year")
        .annotate(total=Count("pk"))
    ):
        counts[name][recent.index(year) + 1 if year in recent else 0] += total
    rows = [(name, values, str(sum(values))) for name, values in sorted(counts.items(), key=lambda item: -sum(item[1]))]
    return bar_chart(
        key="measures-by-type",
        title=_("Measures by type and year"),
        description=_("Measures proposed under each type of the catalogue, by year of proposal."),
        rows=rows,
        series=[_("Before %(year)d") % {"year": recent[0]}, *map(str, recent)],
    )


def time_per_step(user) -> BarChart:
    """Median days a case spent at each step before leaving it, from the
    transition log (a step re-entered counts once per stay)."""
    cases = case_list(user=user).order_by()
    opened = dict(cases.values_list("pk", "created_at"))
    stays = defaultdict(list)
    previous: dict[int, datetime.datetime] = {}
    for case_id, source, at in (
        CaseTransition.objects.filter(case__in=cases.values("pk")).order_by("case_id", "at", "id").values_list("case_id", "source", "at")
    ):
        entered = previous.get(case_id) or opened.get(case_id)
        if entered is not None:
            stays[source].append(max((at - entered).total_seconds(), 0) / 86400)
        previous[case_id] = at
    rows = []
    for value, label in CaseState.choices:
        if value == CaseState.CLOSED:
            continue
        durations = stays.get(value, [])
        median = statistics.median(durations) if durations else 0
        rows.append((label, [round(median, 1)], _("%(days)s days (%(n)d stays)") % {"days": number_format(median, 1), "n": len(durations)}))
    return bar_chart(
        key="time-per-step",
        title=_("Time spent per step"),
        description=_("Median number of days cases stayed at each step before moving on."),
        rows=rows,
    )


def actor_timeline(*, actor, cases, measures) -> Timeline | None:
    """An actor's incidents (cases, by first sighting or date brought) and
    the EU's responses (measures, by implementation or proposal)."""
    return timeline(
        key="actor-timeline",
        title=_("Incidents and responses over time"),
        description=_("Circles above the line are incidents attributed or linked to %(actor)s; diamonds below are the responses taken.")
        % {"actor": actor.name},
        incidents=[
            (case.first_seen or case.brought_on, f"{case.reference} — {case.title}", reverse("case-page", args=[case.pk])) for case in cases
        ],
        responses=[
            (
                measure.implemented_on or timezone.localtime(measure.proposed_at).date(),
                f"{measure.measure_type} — {measure.get_state_display()}",
                reverse("measure-page", args=[measure.pk]),
            )
            for measure in measures
        ],
    )
