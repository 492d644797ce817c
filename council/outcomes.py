"""Outcomes of a question with the population figures of a date: the
bridge between the positions (database) and ``council.voting`` (pure).

The figures are those of the calendar year of the vote's date (the
decision's date, the written procedure's deadline; for the board of an open
question, the day it was put), for the Member States of the question. They
are read only when the rule needs them (``voting.needs_population``): a
unanimity without a constructive abstention stores no population figure.
A rule that needs them in a year CDT does not hold complete is refused,
naming the year (``PopulationFiguresMissing``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from cdt.directory.selectors import Population, PopulationFiguresMissing, population_on

from . import voting

__all__ = ["PopulationFiguresMissing", "figures_refused", "outcome_on", "tally_record", "votes_on"]


def votes_on(positions, rule: str, day: datetime.date) -> tuple[list[voting.Vote], Population | None]:
    """The votes of ``positions`` under ``rule`` on ``day``: weighted with the
    figures of ``day``'s year if the rule needs population (else without
    weights), and those figures. Raises ``PopulationFiguresMissing``."""
    positions = list(positions)
    population = None
    if voting.needs_population([p.value for p in positions], voting.Rule(rule)):
        population = population_on(day, [p.member_state_id for p in positions])
    weights = population.weights if population is not None else {}
    votes = [voting.Vote(p.member_state.code, weights.get(p.member_state_id), voting.Stance(p.value)) for p in positions]
    return votes, population


def outcome_on(positions, rule: str, day: datetime.date) -> tuple[voting.Outcome, Population | None]:
    """The outcome under ``rule`` on ``day`` (raises ``PopulationFiguresMissing``)."""
    votes, population = votes_on(positions, rule, day)
    return voting.outcome(votes, voting.Rule(rule)), population


def silence_outcome(positions, *, before_deadline: bool = False) -> voting.Outcome:
    """The silence procedure needs no population: only an objection breaks it
    (pending, not adopted, while the deadline has not passed)."""
    votes = [voting.Vote(p.member_state.code, None, voting.Stance(p.value)) for p in positions]
    return voting.silence_outcome(votes, before_deadline=before_deadline)


def figures_refused(missing: PopulationFiguresMissing, field: str) -> ValidationError:
    """The refusal of a vote in a year without complete figures, on ``field``
    (the date that chose the year)."""
    return ValidationError({field: missing.message})


def tally_record(result: voting.Outcome, positions, population: Population | None) -> dict:
    """What a decision keeps of its vote: counts, the population in favour
    and against by stance (None when the rule did not need population: "not
    needed", never 0.00 %), the year of the figures, and each state's stance."""
    return {
        "counts": result.counts,
        "population": None
        if result.population is None
        else {stance: str(value.quantize(Decimal("0.01"))) for stance, value in result.population.items()},
        "population_year": population.year if population is not None else None,
        "positions": {p.member_state.code: p.value for p in positions},
    }
