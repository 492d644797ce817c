"""The voting rules, table-driven, with the Council's 2025 population
shares (cdt/directory/data/member_states.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from council.voting import Outcome, Rule, Stance, Vote, outcome, silence_outcome

CSV = Path(__file__).resolve().parent.parent / "cdt" / "directory" / "data" / "member_states.csv"
SHARES = {}
for source in (CSV, Path("/work/shared/domain/member_states.csv")):
    if source.exists():
        with source.open() as handle:
            SHARES = {row["code"]: Decimal(row["population_share_percent"]) for row in csv.DictReader(handle)}
        break
ORDER = list(SHARES)
S, O, A, C, R, N = (  # noqa: E741  (one letter a stance, as in the voting tables)
    Stance.SUPPORT,
    Stance.OBJECTION,
    Stance.ABSTENTION,
    Stance.CONSTRUCTIVE_ABSTENTION,
    Stance.SCRUTINY_RESERVE,
    Stance.NONE,
)


def votes(default: Stance = S, **stances) -> list[Vote]:
    return [Vote(code, SHARES[code], Stance(stances.get(code, default))) for code in ORDER]


def by(stance: Stance, codes) -> dict:
    return dict.fromkeys(codes, stance)


def smallest(n: int) -> list[str]:
    return sorted(ORDER, key=lambda code: SHARES[code])[:n]


def largest(n: int) -> list[str]:
    return sorted(ORDER, key=lambda code: -SHARES[code])[:n]


def share(codes) -> Decimal:
    return sum(SHARES[c] for c in codes) * 100 / sum(SHARES.values())


def test_the_shares_are_the_27_in_protocol_order():
    assert len(ORDER) == 27 and ORDER[0] == "BE" and ORDER[-1] == "SE" and "EL" in ORDER


# --- Unanimity -------------------------------------------------------------------


def _ca_sets():
    """Constructive abstainers at exactly one third of states (9) with at
    least a third of the population, and just below either threshold."""
    nine_big = largest(9)  # far above a third of the population
    eight_big = largest(8)
    nine_small = smallest(9)  # a third of the states, a few % of population
    return nine_big, eight_big, nine_small


NINE_BIG, EIGHT_BIG, NINE_SMALL = _ca_sets()


@pytest.mark.parametrize(
    ("case", "stances", "adopted", "pending", "explains"),
    [
        ("all support", {}, True, False, "adopted unanimously: 27 states in favour"),
        ("one objection", {"HU": O}, False, False, "objection by HU"),
        ("abstentions do not block", by(A, ["AT", "IE", "MT"]), True, False, "3 states abstaining"),
        ("abstentions only", dict.fromkeys(ORDER, A), False, False, "no Member State in favour"),
        (
            "constructive abstention: 9 states, over a third of population",
            by(C, NINE_BIG),
            False,
            False,
            "constructive abstentions by 9 states",
        ),
        ("constructive abstention: 8 states (just below a third of states)", by(C, EIGHT_BIG), True, False, "8 states abstaining"),
        ("constructive abstention: 9 small states (below a third of population)", by(C, NINE_SMALL), True, False, "adopted unanimously"),
        ("outstanding scrutiny reserve", {"DK": R}, False, True, "scrutiny reserve outstanding (DK)"),
        ("a state with no position", {"LU": N}, False, True, "1 state without a position (LU)"),
        ("objection beats reserve", {"DK": R, "HU": O}, False, False, "objection by HU"),
    ],
)
def test_unanimity(case, stances, adopted, pending, explains):
    result = outcome(votes(**stances), Rule.UNANIMITY)
    assert (result.adopted, result.pending) == (adopted, pending), result.explanation
    assert explains in result.explanation


def test_constructive_abstention_at_exactly_one_third_of_population():
    """With equal shares, nine constructive abstainers are exactly a third
    of the states and of the population: not adopted. A hair less
    population, or eight states, and it is adopted."""
    equal = [Vote(code, Decimal(1), C if index < 9 else S) for index, code in enumerate(ORDER)]
    result = outcome(equal, Rule.UNANIMITY)
    assert not result.adopted and "constructive abstentions by 9 states, 33.3% of population" in result.explanation
    lighter = [Vote(v.member_state, Decimal("0.999") if v.member_state == ORDER[0] else v.population_share, v.stance) for v in equal]
    assert outcome(lighter, Rule.UNANIMITY).adopted
    eight = [Vote(v.member_state, v.population_share, S if v.member_state == ORDER[8] else v.stance) for v in equal]
    assert outcome(eight, Rule.UNANIMITY).adopted


def test_constructive_abstention_explains_numbers():
    result = outcome(votes(**by(C, NINE_BIG)), Rule.UNANIMITY)
    assert result.explanation.startswith(
        f"not adopted: constructive abstentions by 9 states, {share(NINE_BIG).quantize(Decimal('0.1'))}% of population"
    )


# --- Qualified majority -------------------------------------------------------------


def test_qmv_exactly_15_states_and_65_percent_passes_and_just_below_fails():
    # The 15 largest states hold far more than 65%; find 15 states at the edge.
    in_favour = largest(14) + smallest(1)
    assert share(in_favour) >= 65
    result = outcome(votes(O, **by(S, in_favour)), Rule.QUALIFIED_MAJORITY)
    assert result.adopted and "15 states in favour" in result.explanation
    result = outcome(votes(O, **by(S, largest(14))), Rule.QUALIFIED_MAJORITY)  # 14 states: one short
    assert not result.adopted and "needs 15 states" in result.explanation


def test_qmv_population_threshold_at_65_percent():
    # 15+ states but under 65% of population, with a blocking minority of 4+.
    against = largest(4)  # DE, FR, IT, ES: about 57.7%
    result = outcome(votes(**by(O, against)), Rule.QUALIFIED_MAJORITY)
    assert not result.adopted and "needs 65% of population" in result.explanation
    # Exactly 65%: scale shares so supporters hold exactly 65.
    supporters = [c for c in ORDER if c not in against]  # 23 states
    weights = {c: Decimal("2.8") for c in supporters} | {supporters[0]: Decimal("3.4")} | {c: Decimal("8.75") for c in against}
    scaled = [Vote(c, weights[c], S if c in supporters else O) for c in ORDER]
    assert sum(weights[c] for c in supporters) == 65 and sum(weights.values()) == 100
    assert outcome(scaled, Rule.QUALIFIED_MAJORITY).adopted
    below = [
        Vote(v.member_state, v.population_share - Decimal("0.0001") if v.stance == S else v.population_share + Decimal("0.0001"), v.stance)
        for v in scaled
    ]
    assert not outcome(below, Rule.QUALIFIED_MAJORITY).adopted


def test_blocking_minority_of_three_large_states_is_not_enough_but_four_is():
    three = largest(3)  # DE, FR, IT: 46.9% of population
    assert share(three) > 35
    result = outcome(votes(**by(O, three)), Rule.QUALIFIED_MAJORITY)
    assert result.adopted and "deemed attained" in result.explanation
    four = largest(4)
    assert not outcome(votes(**by(O, four)), Rule.QUALIFIED_MAJORITY).adopted


def test_qmv_abstention_and_silence_count_as_not_in_favour():
    result = outcome(votes(A, **by(S, largest(12))), Rule.QUALIFIED_MAJORITY)
    assert not result.adopted
    assert outcome(votes(N, **by(S, largest(12))), Rule.QUALIFIED_MAJORITY).pending


# --- Reinforced qualified majority ---------------------------------------------------


def test_reinforced_qmv_20_states_with_65_percent_pass_19_fail():
    twenty = largest(20)
    assert share(twenty) >= 65
    assert outcome(votes(O, **by(S, twenty)), Rule.REINFORCED_QUALIFIED_MAJORITY).adopted
    result = outcome(votes(O, **by(S, largest(19))), Rule.REINFORCED_QUALIFIED_MAJORITY)
    assert not result.adopted and "needs 20 states" in result.explanation


def test_reinforced_qmv_has_no_four_member_clause():
    three = largest(3)
    assert not outcome(votes(**by(O, three)), Rule.REINFORCED_QUALIFIED_MAJORITY).adopted


# --- Simple majority and silence --------------------------------------------------------


def test_simple_majority_needs_14_of_27():
    assert outcome(votes(O, **by(S, ORDER[:14])), Rule.SIMPLE_MAJORITY).adopted
    assert not outcome(votes(O, **by(S, ORDER[:13])), Rule.SIMPLE_MAJORITY).adopted


def test_silence_procedure():
    assert silence_outcome(votes(N)).adopted  # silence is consent
    result = silence_outcome(votes(N, HU=O))
    assert not result.adopted and "silence broken by HU" in result.explanation


def test_bad_input():
    with pytest.raises(ValueError):
        outcome([], Rule.UNANIMITY)
    with pytest.raises(ValueError):
        outcome([Vote("DE", Decimal(1), S), Vote("DE", Decimal(1), S)], Rule.UNANIMITY)
    assert isinstance(outcome(votes(), "unanimity"), Outcome)


# --- Population only where the rule needs it ----------------------------------------


def unweighted(default: Stance = S, **stances) -> list[Vote]:
    return [Vote(code, None, Stance(stances.get(code, default))) for code in ORDER]


def test_unanimity_without_constructive_abstention_needs_no_population():
    from council.voting import needs_population

    result = outcome(unweighted(MT=A), Rule.UNANIMITY)
    assert result.adopted and result.population is None  # not computed: never a false 0.00 %
    assert not needs_population([S, A, O], Rule.UNANIMITY) and not needs_population([C], Rule.SIMPLE_MAJORITY)
    assert needs_population([S, C], Rule.UNANIMITY) and needs_population([S], Rule.QUALIFIED_MAJORITY)
    assert silence_outcome(unweighted()).population is None


@pytest.mark.parametrize(
    ("rule", "stances"),
    [(Rule.UNANIMITY, {"MT": C}), (Rule.QUALIFIED_MAJORITY, {}), (Rule.REINFORCED_QUALIFIED_MAJORITY, {})],
)
def test_a_rule_needing_population_refuses_votes_without_weights(rule, stances):
    from council.voting import PopulationNeeded

    with pytest.raises(PopulationNeeded):
        outcome(unweighted(**stances), rule)
