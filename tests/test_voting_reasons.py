"""A vote's outcome is written when it is read, in the reader's language
(issue 28): the rules return a reason (key and figures); a decision keeps
it with its English words for the API and the search."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from council import voting
from council.models import Decision
from council.reasons import SENTENCES, Reason
from council.voting import Rule, Stance, Vote


def votes(*stances: Stance) -> list[Vote]:
    return [Vote(f"S{i}", Decimal(1), stance) for i, stance in enumerate(stances)]


def test_an_objection_reads_in_each_language_from_one_outcome():
    result = voting.outcome(votes(Stance.SUPPORT, Stance.OBJECTION, Stance.SUPPORT), Rule.UNANIMITY)
    assert result.reason == Reason("objection", {"states": ["S1"]})
    with translation.override("en"):
        assert result.explanation == "not adopted: objection by S1"
    with translation.override("fr"):
        assert result.explanation.startswith("non adopté") and "S1" in result.explanation


def test_a_percentage_is_written_the_readers_way():
    result = voting.outcome(
        [Vote("A", Decimal("1.25"), Stance.SUPPORT), Vote("B", Decimal(1), Stance.SUPPORT), Vote("C", Decimal(1), Stance.OBJECTION)],
        Rule.QUALIFIED_MAJORITY,
    )
    with translation.override("en"):
        assert "69.2% of population" in result.explanation
    with translation.override("fr"):
        assert "69,2\u00a0% de la population" in result.explanation


@pytest.mark.parametrize("key", sorted(SENTENCES))
def test_every_reason_has_a_french_sentence(key):
    params = {
        "favour": 2, "needed": 3, "states": ["DE", "FR"], "count": 2, "population": "40.0", "abstaining": 1,
        "favour_population": "50.0", "reinforced": False, "not_in_favour": 2, "needed_states": 15, "needs_population": True,
    }  # fmt: skip
    with translation.override("en"):
        english = str(Reason(key, params))
    with translation.override("fr"):
        french = str(Reason(key, params))
    assert english and french != english


@pytest.mark.django_db
def test_a_decision_keeps_english_words_and_shows_the_readers_language(directory):
    from council.factories import DecisionFactory

    decision = DecisionFactory(explanation="kept", explanation_reason=Reason("silence_kept").as_record())
    decision.refresh_from_db()
    with translation.override("fr"):
        assert decision.display_explanation == str(Reason("silence_kept")) != "adopted: silence not broken by the deadline"
    with translation.override("en"):
        assert decision.display_explanation == "adopted: silence not broken by the deadline"
    act = Decision(explanation="Démarche by the High Representative.", explanation_reason={})
    assert act.display_explanation == "Démarche by the High Representative."  # an HR act: the words as entered
    assert Reason.from_record({"key": "no such reason"}) is None
