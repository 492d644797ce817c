"""Reads in Council deliberation, through the access rule: questions,
decisions and written procedures with their case; agenda items only for
cases the user may see (or items concerning no case)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case
from cdt.security.access import visible_to
from cdt.security.selectors import protected_get, protected_queryset

from . import services, voting
from .models import AgendaItem, Decision, Meeting, Position, Question, WrittenProcedure


def question_list(*, user, case: Case | None = None) -> QuerySet[Question]:
    questions = protected_queryset(Question.objects.all(), user).select_related("case", "body", "put_by")
    return questions.filter(case=case) if case is not None else questions


def question_get(*, user, pk, request=None) -> Question:
    return protected_get(Question.objects.select_related("case", "body"), user, request=request, pk=pk)


def decision_list(*, user) -> QuerySet[Decision]:
    return protected_queryset(Decision.objects.all(), user).select_related("case", "body", "question")


def written_procedure_list(*, user) -> QuerySet[WrittenProcedure]:
    return protected_queryset(WrittenProcedure.objects.all(), user).select_related("case", "question", "decision")


def meeting_list() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("body", "chaired_by")


def visible_agenda_items(*, user) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(Q(case__isnull=True) | Q(case__in=visible_to(Case.objects.all(), user).values("pk")))


def meeting_with_agenda(*, user, pk) -> Meeting:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        meeting_list().prefetch_related(Prefetch("agenda_items", queryset=visible_agenda_items(user=user).select_related("case"))),
        pk=pk,
    )


@dataclass(frozen=True)
class Board:
    """The positions board of a question: the 27 in protocol order, the
    tally, population weights and the outcome under the question's rule."""

    question: Question
    positions: list[Position]
    outcome: voting.Outcome
    shares: dict[int, object]
    silence_outcome: voting.Outcome | None

    @property
    def rows(self):
        return [(position, self.shares.get(position.member_state_id)) for position in self.positions]


def question_board(question: Question, user=None) -> Board:
    """Three queries whatever the number of states: positions, shares, and
    the written procedure and decision (joined).

    With ``user`` (a reader who sees the question, hence its case): the
    decision and the written procedure count only if the reader is cleared
    for them, so the board derives nothing (the year of the shares, the
    silence outcome) from a child the reader may not see."""
    from django.utils import timezone

    positions = list(question.positions.select_related("member_state", "recorded_by").order_by("member_state__protocol_order"))
    decisions, procedures = Decision.objects.filter(question=question), WrittenProcedure.objects.filter(question=question)
    if user is not None:
        cleared = int(user.effective_clearance()) if user.is_authenticated else -1
        decisions, procedures = decisions.filter(classification__lte=cleared), procedures.filter(classification__lte=cleared)
    decision = decisions.only("decided_on").first()
    year = decision.decided_on.year if decision else timezone.localdate().year
    shares = services.shares_for(year)
    votes = services.votes_from(positions, shares)
    procedure = procedures.only("kind").first()
    silence = voting.silence_outcome(votes) if procedure is not None and procedure.kind == WrittenProcedure.Kind.SILENCE else None
    return Board(
        question=question,
        positions=positions,
        outcome=voting.outcome(votes, voting.Rule(question.voting_rule)),
        shares=shares,
        silence_outcome=silence,
    )
