"""The Council's voting rules as code: pure functions of the Member States'
positions and population shares, no database. Used by the positions
board, the API, decisions, written procedures and the workflow guard.

* **Unanimity** (Art. 31(1) TEU, the CFSP default): adopted when every
  Member State has expressed itself, none objects and no scrutiny reserve
  is outstanding. Abstentions do not block (Art. 238(4) TFEU), but if the
  states qualifying their abstention by a formal declaration (constructive
  abstention) represent at least one third of the Member States comprising
  at least one third of the population of the Union, the decision is not
  adopted. CDT also requires at least one state in favour: a text nobody
  supports is not adopted, whatever the count of abstentions.
* **Qualified majority** (Art. 16(4) TEU, Art. 238(3)(a) TFEU): at least 55%
  of the members of the Council, comprising at least fifteen, representing
  at least 65% of the population. A blocking minority must include at least
  four members, failing which the qualified majority is deemed attained.
* **Reinforced qualified majority** (Art. 238(2) TFEU, when the Council
  does not act on a proposal from the Commission or the High
  Representative): at least 72% of the members representing at least 65%
  of the population (no four-member clause).
* **Simple majority** (Art. 238(1) TFEU, procedural questions): a majority
  of the component members.

In the majority rules only "support" counts in favour: an abstention, an
objection, a reserve or no position is not a vote in favour.
Percentages are computed against the sum of the shares of all the Member
States given, so a published table that sums to 100.04% does not skew them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Stance(StrEnum):
    NONE = "none"
    SUPPORT = "support"
    OBJECTION = "objection"
    ABSTENTION = "abstention"
    CONSTRUCTIVE_ABSTENTION = "constructive_abstention"
    SCRUTINY_RESERVE = "scrutiny_reserve"


class Rule(StrEnum):
    UNANIMITY = "unanimity"
    QUALIFIED_MAJORITY = "qualified_majority"
    REINFORCED_QUALIFIED_MAJORITY = "reinforced_qualified_majority"
    SIMPLE_MAJORITY = "simple_majority"


@dataclass(frozen=True)
class Vote:
    member_state: str
    population_share: Decimal
    stance: Stance


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    explanation: str
    counts: dict[str, int] = field(default_factory=dict)
    population: dict[str, Decimal] = field(default_factory=dict)  # percent of the EU population, by stance
    pending: bool = False  # not adopted *yet*: states still to express themselves or reserves outstanding


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole) if whole else Decimal(0)


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}%"


def _states(n: int) -> str:
    return f"{n} state" if n == 1 else f"{n} states"


def tally(votes: list[Vote]) -> tuple[dict[str, int], dict[str, Decimal]]:
    total = sum((v.population_share for v in votes), Decimal(0))
    counts = {stance.value: 0 for stance in Stance}
    weights = {stance.value: Decimal(0) for stance in Stance}
    for vote in votes:
        counts[vote.stance.value] += 1
        weights[vote.stance.value] += vote.population_share
    return counts, {stance: _pct(weight, total) for stance, weight in weights.items()}


def outcome(votes: list[Vote], rule: Rule) -> Outcome:
    """The result of ``votes`` (one per Member State) under ``rule``."""
    if not votes:
        raise ValueError("no Member States")
    if len({v.member_state for v in votes}) != len(votes):
        raise ValueError("one vote per Member State")
    counts, population = tally(votes)
    rule = Rule(rule)
    if rule == Rule.UNANIMITY:
        return _unanimity(votes, counts, population)
    if rule == Rule.SIMPLE_MAJORITY:
        needed = len(votes) // 2 + 1
        favour = counts[Stance.SUPPORT]
        if favour >= needed:
            return Outcome(True, f"adopted: {_states(favour)} in favour (simple majority needs {needed})", counts, population)
        return Outcome(
            False,
            f"not adopted: {_states(favour)} in favour, simple majority needs {needed}",
            counts,
            population,
            pending=counts[Stance.NONE] > 0,
        )
    return _qualified(votes, counts, population, reinforced=rule == Rule.REINFORCED_QUALIFIED_MAJORITY)


def _unanimity(votes, counts, population) -> Outcome:
    objecting = [v.member_state for v in votes if v.stance == Stance.OBJECTION]
    if objecting:
        return Outcome(False, f"not adopted: objection by {', '.join(objecting)}", counts, population)
    constructive = counts[Stance.CONSTRUCTIVE_ABSTENTION]
    constructive_population = population[Stance.CONSTRUCTIVE_ABSTENTION]
    # Compared on the raw shares, without dividing: "exactly one third" stays exact.
    constructive_weight = sum((v.population_share for v in votes if v.stance == Stance.CONSTRUCTIVE_ABSTENTION), Decimal(0))
    total_weight = sum((v.population_share for v in votes), Decimal(0))
    if constructive * 3 >= len(votes) and constructive_weight * 3 >= total_weight:
        return Outcome(
            False,
            f"not adopted: constructive abstentions by {_states(constructive)}, {_fmt(constructive_population)} of population "
            "(at least one third of the Member States and of the population)",
            counts,
            population,
        )
    reserved = [v.member_state for v in votes if v.stance == Stance.SCRUTINY_RESERVE]
    if reserved:
        return Outcome(False, f"not adopted yet: scrutiny reserve outstanding ({', '.join(reserved)})", counts, population, pending=True)
    silent = [v.member_state for v in votes if v.stance == Stance.NONE]
    if silent:
        return Outcome(
            False, f"not adopted yet: {_states(len(silent))} without a position ({', '.join(silent)})", counts, population, pending=True
        )
    if counts[Stance.SUPPORT] == 0:
        return Outcome(False, "not adopted: no Member State in favour", counts, population)
    abstaining = counts[Stance.ABSTENTION] + constructive
    detail = f"; {_states(abstaining)} abstaining" if abstaining else ""
    return Outcome(True, f"adopted unanimously: {_states(counts[Stance.SUPPORT])} in favour{detail}", counts, population)


def _qualified(votes, counts, population, *, reinforced: bool) -> Outcome:
    members = len(votes)
    favour = counts[Stance.SUPPORT]
    favour_population = population[Stance.SUPPORT]
    if reinforced:
        needed = math.ceil(Decimal("0.72") * members)
        name = "reinforced qualified majority"
    else:
        needed = max(15 if members >= 27 else 0, math.ceil(Decimal("0.55") * members))
        name = "qualified majority"
    states_met = favour >= needed
    favour_weight = sum((v.population_share for v in votes if v.stance == Stance.SUPPORT), Decimal(0))
    population_met = favour_weight * 100 >= sum((v.population_share for v in votes), Decimal(0)) * 65
    summary = f"{_states(favour)} in favour, {_fmt(favour_population)} of population"
    if states_met and population_met:
        return Outcome(True, f"adopted by {name}: {summary}", counts, population)
    if not reinforced and states_met and members - favour < 4:
        return Outcome(
            True,
            f"adopted: {summary}; qualified majority deemed attained, as fewer than four members ({members - favour}) "
            "did not vote in favour (no blocking minority)",
            counts,
            population,
        )
    missing = []
    if not states_met:
        missing.append(f"needs {needed} states")
    if not population_met:
        missing.append("needs 65% of population")
    return Outcome(False, f"not adopted: {summary}; {name} {' and '.join(missing)}", counts, population, pending=counts[Stance.NONE] > 0)


def silence_outcome(votes: list[Vote]) -> Outcome:
    """The simplified written procedure (silence procedure): the text is
    adopted at the deadline unless a Member State broke silence by
    objecting before it."""
    counts, population = tally(votes)
    objecting = [v.member_state for v in votes if v.stance == Stance.OBJECTION]
    if objecting:
        return Outcome(False, f"not adopted: silence broken by {', '.join(objecting)}", counts, population)
    return Outcome(True, "adopted: silence not broken by the deadline", counts, population)
