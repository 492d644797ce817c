"""Before the decision an outcome is pending or settled (issue 28: the
board said "not adopted" while 19 states had not answered, and "adopted"
before the silence deadline). Settled means the same whatever the states
still to answer say (``council.voting.settled``): the best and the worst
completion agree."""

import pytest

from council.voting import Rule, outcome, settled, silence_outcome

from .test_voting import A, N, O, R, S, by, largest, share, smallest, votes

QMV, UNANIMITY, SIMPLE = Rule.QUALIFIED_MAJORITY, Rule.UNANIMITY, Rule.SIMPLE_MAJORITY


@pytest.mark.parametrize(
    ("case", "given", "rule", "status"),
    [
        ("unanimity, 19 states still to answer", votes(N, **by(S, largest(8))), UNANIMITY, "pending"),
        ("unanimity, an objection settles it early", votes(N, **by(S, largest(7)), HU=O), UNANIMITY, "not_adopted"),
        ("unanimity, a reserve still to lift", votes(S, DK=R), UNANIMITY, "pending"),
        ("unanimity, every state answered", votes(S, AT=A), UNANIMITY, "adopted"),
        ("QMV, 12 largest in favour, the rest to answer", votes(N, **by(S, largest(12))), QMV, "pending"),
        ("QMV, 15 largest in favour: adopted whatever the 12 others say", votes(N, **by(S, largest(15))), QMV, "adopted"),
        ("QMV, a blocking minority of four already against", votes(N, **by(O, largest(4))), QMV, "not_adopted"),
        ("QMV, three large states to answer: deemed attained either way", votes(S, **by(N, largest(3))), QMV, "adopted"),
        ("QMV, a reserve is not yet an answer", votes(R, **by(S, largest(12))), QMV, "pending"),
        ("QMV, 13 against: 15 in favour is out of reach", votes(N, **by(O, smallest(13))), QMV, "not_adopted"),
        ("simple majority, 14 in favour of 27", votes(N, **by(S, smallest(14))), SIMPLE, "adopted"),
        ("simple majority, 13 in favour, 1 to answer", votes(O, **by(S, smallest(13)), **{largest(1)[0]: N}), SIMPLE, "pending"),
    ],
)
def test_pending_or_settled(case, given, rule, status):
    result = outcome(given, rule)
    assert result.status == status, f"{case}: {result.explanation}"
    assert result.pending == (not settled(given, rule))


def test_a_pending_outcome_is_never_adopted_and_a_settled_one_is_the_decision():
    """What a decision would record (adopted, explanation) does not change;
    only ``pending`` tells the board not to call it yet."""
    pending = outcome(votes(N, **by(S, largest(12))), QMV)
    assert pending.pending and not pending.adopted and pending.status == "pending"
    assert share(largest(15)) >= 65
    early = outcome(votes(N, **by(S, largest(15))), QMV)
    assert early.adopted and not early.pending and "adopted by qualified majority" in early.explanation


def test_the_silence_procedure_is_pending_until_its_deadline_unless_broken():
    quiet = votes(N)
    before = silence_outcome(quiet, before_deadline=True)
    assert before.pending and not before.adopted and "adopted:" not in before.explanation
    assert silence_outcome(quiet).adopted  # at the deadline
    broken = silence_outcome(votes(N, DE=O), before_deadline=True)
    assert not broken.pending and not broken.adopted and broken.explanation == "not adopted: silence broken by DE"
