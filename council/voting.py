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
Percentages are computed against the sum of the weights of all the Member
States given (absolute populations, or shares: a published table that sums
to 100.04% does not skew them).

Population is needed only by the qualified majorities and by a unanimity
with a constructive abstention (``needs_population``). Otherwise the votes
may carry no weight (``None``) and the outcome has no population figures
(``Outcome.population is None``: "not needed", never a false 0.00%). A rule
that needs population with a vote without weight raises
``PopulationNeeded``: the caller finds the figures of the vote's date first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from council.reasons import Reason


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


class PopulationNeeded(ValueError):
    """The rule needs population and a vote carries no weight."""


@dataclass(frozen=True)
class Vote:
    member_state: str
    population_share: Decimal | None  # the state's population (or share); None when the rule does not need it
    stance: Stance


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    #: why, as a key and its figures (a sentence only when shown: ``explanation``);
    #: a plain string where the reason is already words (figures missing)
    reason: Reason | str
    counts: dict[str, int] = field(default_factory=dict)
    #: percent of the EU population, by stance; None when the rule did not need population
    population: dict[str, Decimal] | None = field(default_factory=dict)
    #: Not settled: the states still to answer (no position, a scrutiny
    #: reserve to lift) can still turn it either way (see ``settled``).
    pending: bool = False

    @property
    def explanation(self) -> str:
        """The reason in words, in the language active when it is read."""
        return str(self.reason)

    @property
    def status(self) -> str:
        """``pending``, ``adopted`` or ``not_adopted``: what a page may say
        before the decision. Only a settled outcome is adopted or not."""
        return "pending" if self.pending else "adopted" if self.adopted else "not_adopted"


def needs_population(stances, rule: Rule) -> bool:
    """Whether ``rule`` needs the population figures for these stances:
    the qualified majorities always; unanimity only with a constructive
    abstention (its one-third-of-the-population test); a simple majority
    and the silence procedure never."""
    rule = Rule(rule)
    if rule in (Rule.QUALIFIED_MAJORITY, Rule.REINFORCED_QUALIFIED_MAJORITY):
        return True
    return rule == Rule.UNANIMITY and any(Stance(stance) == Stance.CONSTRUCTIVE_ABSTENTION for stance in stances)


def _weight(vote: Vote) -> Decimal:
    if vote.population_share is None:
        raise PopulationNeeded(vote.member_state)
    return vote.population_share


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole) if whole else Decimal(0)


def _fmt(value: Decimal) -> str:
    """A percentage kept in a reason: one decimal, as a string (JSON)."""
    return str(value.quantize(Decimal("0.1")))


def tally(votes: list[Vote]) -> tuple[dict[str, int], dict[str, Decimal] | None]:
    """Counts by stance, and population percentages by stance if every
    vote carries a weight (None otherwise: not computed, not zero)."""
    counts = {stance.value: 0 for stance in Stance}
    for vote in votes:
        counts[vote.stance.value] += 1
    if any(vote.population_share is None for vote in votes):
        return counts, None
    total = sum((_weight(v) for v in votes), Decimal(0))
    weights = {stance.value: Decimal(0) for stance in Stance}
    for vote in votes:
        weights[vote.stance.value] += _weight(vote)
    return counts, {stance: _pct(weight, total) for stance, weight in weights.items()}


#: Stances that are not yet an answer: no position, a scrutiny reserve still to be lifted.
OPEN_STANCES = frozenset({Stance.NONE, Stance.SCRUTINY_RESERVE})


def outcome(votes: list[Vote], rule: Rule) -> Outcome:
    """The result of ``votes`` (one per Member State) under ``rule``:
    ``adopted`` and ``explanation`` are the decision if it were taken now
    (what a decision records); ``pending`` says whether that can still
    change with the answers of the states that have not given one."""
    if not votes:
        raise ValueError("no Member States")
    if len({v.member_state for v in votes}) != len(votes):
        raise ValueError("one vote per Member State")
    rule = Rule(rule)
    if needs_population([v.stance for v in votes], rule) and any(v.population_share is None for v in votes):
        raise PopulationNeeded(", ".join(v.member_state for v in votes if v.population_share is None))
    result = _outcome(votes, rule)
    return replace(result, pending=not settled(votes, rule))


def settled(votes: list[Vote], rule: Rule) -> bool:
    """Whether the outcome no longer depends on the states that have not
    answered (``OPEN_STANCES``): the same whatever each of them says, on
    the positions the others have stated (which may still change until the
    decision is taken: settled is about the answers still missing).

    Every rule is monotone in the votes in favour: a state moving to
    "support" never turns an adopted text into a rejected one, nor an
    objection the reverse (unanimity: an objection blocks and a
    constructive abstention only adds to the blocking third; the
    majorities count only "support", the four-member clause included).
    So two completions bound all the others: every open state in favour
    (the best case) and every open state objecting (the worst). Equal
    results: settled. Under unanimity this is early rejection only (one
    objection, or constructive abstentions already at one third of the
    states and of the population); under a qualified majority also early
    adoption (15 states and 65% of the population in favour, whatever the
    others say) and early rejection (a blocking minority already against)."""
    if not any(vote.stance in OPEN_STANCES for vote in votes):
        return True
    best = [replace(v, stance=Stance.SUPPORT) if v.stance in OPEN_STANCES else v for v in votes]
    worst = [replace(v, stance=Stance.OBJECTION) if v.stance in OPEN_STANCES else v for v in votes]
    return _outcome(best, rule).adopted == _outcome(worst, rule).adopted


def _outcome(votes: list[Vote], rule: Rule) -> Outcome:
    counts, population = tally(votes)
    if rule == Rule.UNANIMITY:
        return _unanimity(votes, counts, population)
    if rule == Rule.SIMPLE_MAJORITY:
        needed = len(votes) // 2 + 1
        favour = counts[Stance.SUPPORT]
        if favour >= needed:
            return Outcome(True, Reason("simple_adopted", {"favour": favour, "needed": needed}), counts, population)
        return Outcome(False, Reason("simple_not_adopted", {"favour": favour, "needed": needed}), counts, population)
    return _qualified(votes, counts, population, reinforced=rule == Rule.REINFORCED_QUALIFIED_MAJORITY)


def _unanimity(votes, counts, population) -> Outcome:
    objecting = [v.member_state for v in votes if v.stance == Stance.OBJECTION]
    if objecting:
        return Outcome(False, Reason("objection", {"states": objecting}), counts, population)
    constructive = counts[Stance.CONSTRUCTIVE_ABSTENTION]
    if constructive and _blocked_by_constructive_abstention(votes, constructive):
        assert population is not None  # needs_population: every vote has its weight
        constructive_population = population[Stance.CONSTRUCTIVE_ABSTENTION]
        reason = Reason("constructive_blocking", {"count": constructive, "population": _fmt(constructive_population)})
        return Outcome(False, reason, counts, population)
    reserved = [v.member_state for v in votes if v.stance == Stance.SCRUTINY_RESERVE]
    if reserved:
        return Outcome(False, Reason("scrutiny_reserve", {"states": reserved}), counts, population)
    silent = [v.member_state for v in votes if v.stance == Stance.NONE]
    if silent:
        return Outcome(False, Reason("no_position", {"states": silent}), counts, population)
    if counts[Stance.SUPPORT] == 0:
        return Outcome(False, Reason("none_in_favour"), counts, population)
    abstaining = counts[Stance.ABSTENTION] + constructive
    return Outcome(True, Reason("unanimous", {"favour": counts[Stance.SUPPORT], "abstaining": abstaining}), counts, population)


def _blocked_by_constructive_abstention(votes, constructive: int) -> bool:
    """At least one third of the Member States comprising at least one third
    of the population (Art. 31(1) TEU). Compared on the raw weights, without
    dividing: "exactly one third" stays exact."""
    constructive_weight = sum((_weight(v) for v in votes if v.stance == Stance.CONSTRUCTIVE_ABSTENTION), Decimal(0))
    total_weight = sum((_weight(v) for v in votes), Decimal(0))
    return constructive * 3 >= len(votes) and constructive_weight * 3 >= total_weight


def _qualified(votes, counts, population, *, reinforced: bool) -> Outcome:
    members = len(votes)
    favour = counts[Stance.SUPPORT]
    favour_population = population[Stance.SUPPORT]
    if reinforced:
        needed = math.ceil(Decimal("0.72") * members)
    else:
        needed = max(15 if members >= 27 else 0, math.ceil(Decimal("0.55") * members))
    states_met = favour >= needed
    favour_weight = sum((_weight(v) for v in votes if v.stance == Stance.SUPPORT), Decimal(0))
    population_met = favour_weight * 100 >= sum((_weight(v) for v in votes), Decimal(0)) * 65
    summary = {"favour": favour, "favour_population": _fmt(favour_population), "reinforced": reinforced}
    if states_met and population_met:
        return Outcome(True, Reason("qualified_adopted", summary), counts, population)
    if not reinforced and states_met and members - favour < 4:
        return Outcome(True, Reason("no_blocking_minority", {**summary, "not_in_favour": members - favour}), counts, population)
    missing = {"needed_states": 0 if states_met else needed, "needs_population": not population_met}
    return Outcome(False, Reason("qualified_not_adopted", {**summary, **missing}), counts, population)


def silence_outcome(votes: list[Vote], *, before_deadline: bool = False) -> Outcome:
    """The simplified written procedure (silence procedure): the text is
    adopted at the deadline unless a Member State broke silence by
    objecting before it. A broken silence is settled at once (not adopted
    by this procedure); an unbroken one is only pending ``before_deadline``:
    never "adopted" until the deadline has passed."""
    counts, population = tally(votes)
    objecting = [v.member_state for v in votes if v.stance == Stance.OBJECTION]
    if objecting:
        return Outcome(False, Reason("silence_broken", {"states": objecting}), counts, population)
    if before_deadline:
        return Outcome(False, Reason("silence_pending"), counts, population, pending=True)
    return Outcome(True, Reason("silence_kept"), counts, population)
