"""Reads of the directory. Reference data is visible to every logged-in user."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CouncilBody, MemberState, MemberStateQuerySet, Organisation, PopulationShare, PopulationYear, PresidencyTerm


def presidency_on(day: datetime.date | None = None) -> PresidencyTerm | None:
    """The Presidency term in force on ``day`` (today by default)."""
    return PresidencyTerm.objects.holding_on(day or timezone.localdate())


def presidency_after(term: PresidencyTerm) -> PresidencyTerm | None:
    return PresidencyTerm.objects.filter(starts_on__gt=term.ends_on).select_related("member_state").first()


def member_state_list() -> MemberStateQuerySet:
    return MemberState.objects.prefetch_related("population_shares").order_by("protocol_order")


def council_body_list() -> QuerySet[CouncilBody]:
    return CouncilBody.objects.prefetch_related("reports_to")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("member_state", "parent")


def presidency_calendar() -> QuerySet[PresidencyTerm]:
    return PresidencyTerm.objects.select_related("member_state")


class PopulationFiguresMissing(Exception):
    """No complete population figures for ``year``: a vote whose rule needs
    population cannot be computed until the secretariat enters them."""

    def __init__(self, year: int, missing: list[str] | None = None):
        self.year, self.missing = year, missing or []
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return str(_("No complete population figures for %(year)s: the secretariat must enter them first.") % {"year": self.year})


@dataclass(frozen=True)
class Population:
    """The population weights of the Member States on a day: absolute
    populations (or, for a year known only as percentages, the shares),
    each state's percentage of their sum, the year and its source."""

    year: int
    weights: dict[int, Decimal]  # Member State id -> population (or share)
    source: str

    def percent(self, member_state_id: int) -> Decimal | None:
        total = sum(self.weights.values(), Decimal(0))
        weight = self.weights.get(member_state_id)
        return None if weight is None or not total else weight * 100 / total


def population_on(day: datetime.date, member_state_ids: Iterable[int] | None = None) -> Population:
    """The figures the Council uses on ``day`` (those of its calendar year)
    for the Member States on that day (or ``member_state_ids``: the states of
    a question). Raises ``PopulationFiguresMissing`` if the year is not
    complete: never a substitute year, never a zero."""
    states = (
        list(member_state_ids) if member_state_ids is not None else list(MemberState.objects.members_on(day).values_list("pk", flat=True))
    )
    record = PopulationYear.objects.filter(year=day.year, complete=True).first()
    if record is None:
        raise PopulationFiguresMissing(day.year)
    figures = dict(record.figures.filter(member_state_id__in=states).values_list("member_state_id", "population"))
    if figures and set(figures) >= set(states):
        return Population(day.year, {pk: Decimal(figures[pk]) for pk in states}, record.source)
    shares = dict(PopulationShare.objects.filter(year=day.year, member_state_id__in=states).values_list("member_state_id", "share_percent"))
    if set(shares) >= set(states):
        return Population(day.year, {pk: shares[pk] for pk in states}, record.source)
    missing = MemberState.objects.filter(pk__in=set(states) - set(figures)).values_list("code", flat=True)
    raise PopulationFiguresMissing(day.year, list(missing))


def population_in_force(day: datetime.date, member_state_ids: list[int]) -> Population | None:
    """The figures of the latest complete year up to ``day``'s for these
    states (today's: the directory page), one year for all of them, or None
    when no complete year has them all. A share is never taken from one
    year for one state and from another year for the next."""
    for year in PopulationYear.objects.filter(complete=True, year__lte=day.year).order_by("-year").values_list("year", flat=True)[:5]:
        try:
            return population_on(datetime.date(year, 12, 31), member_state_ids)
        except PopulationFiguresMissing:
            continue
    return None


def members_during(year: int) -> QuerySet[MemberState]:
    """Every state that was a Member State at some time in ``year`` (a
    year's table has all of them: 2020's has the UK for January)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return MemberState.objects.filter(
        Q(member_from__isnull=True) | Q(member_from__lte=end), Q(member_until__isnull=True) | Q(member_until__gte=start)
    )


def population_year_list() -> QuerySet[PopulationYear]:
    return PopulationYear.objects.prefetch_related("figures__member_state")
