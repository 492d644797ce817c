"""Reads in Council deliberation, through the access rule: questions,
decisions and written procedures with their case; agenda items only for
cases the user may see (or items concerning no case)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case
from cdt.directory.selectors import Population, PopulationFiguresMissing
from cdt.security.access import visible_to
from cdt.security.selectors import protected_get, protected_queryset

from . import outcomes, voting
from .models import AgendaItem, Decision, Meeting, Position, Question, WrittenProcedure


def question_list(*, user, case: Case | None = None) -> QuerySet[Question]:
    questions = protected_queryset(Question.objects.all(), user).select_related("case", "body", "put_by")
    return questions.filter(case=case) if case is not None else questions


def question_get(*, user, pk, request=None) -> Question:
    return protected_get(Question.objects.select_related("case", "body"), user, request=request, pk=pk)


#: The case steps at which a question is deliberated in HWPCI (para 24, steps 1 to 4).
_HWPCI_STEPS = ("started", "awareness", "exploration", "deliberation")


def deciding_body_default(case: Case) -> str:
    """The Council body a question on ``case`` most likely goes to, as the
    form's first choice (the chair still picks; the guidelines leave it to
    Council procedures, para 24 step 5):

    * ``COUNCIL`` for a horizontal act (the sanctions framework, its
      prolongation: a Council Decision (CFSP)) and for a case with a
      restrictive measure in play (listings under Decision (CFSP) 2019/797
      are adopted by the Council, by unanimity);
    * ``PSC`` once the case is at decision-making or later (step 5 on):
      the other measures of the toolbox (démarches, HR statements,
      suspension of dialogues) are decided under Council procedures with
      PSC's political control;
    * ``HWPCI`` before that (steps 1 to 4): HWPCI deliberates, and the
      questions it settles itself (agreeing an options note, coordinating
      attribution or a statement, a silence procedure among the delegations)
      are put to HWPCI. The default used to be PSC for every question."""
    if case.is_horizontal or case.measures.filter(measure_type__restrictive=True).exclude(state="withdrawn").exists():
        return "COUNCIL"
    return "HWPCI" if case.state in _HWPCI_STEPS else "PSC"


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
    """The positions board of a question: its Member States in protocol
    order, the tally and the outcome under the question's rule with the
    population figures of its date when the rule needs them.

    ``population`` is None when the rule does not need it (the outcome then
    has no population figures: "not needed") or when the year is not
    complete (``population_missing`` names it; the outcome then says so and
    is pending, never computed on a false 0.00 %)."""

    question: Question
    positions: list[Position]
    outcome: voting.Outcome
    population: Population | None
    population_missing: PopulationFiguresMissing | None
    silence_outcome: voting.Outcome | None
    day: datetime.date

    @property
    def shares(self) -> dict[int, Decimal | None]:
        """Member State id -> percent of the population of the question's states (when computed)."""
        population = self.population
        return {p.member_state_id: population.percent(p.member_state_id) if population else None for p in self.positions}

    @property
    def population_year(self) -> int | None:
        return self.population.year if self.population is not None else None

    @property
    def population_missing_year(self) -> int | None:
        return self.population_missing.year if self.population_missing is not None else None

    @property
    def still_to_answer(self) -> list[str]:
        """The Member States (codes) without a position yet."""
        return [p.member_state.code for p in self.positions if p.value == voting.Stance.NONE]

    @property
    def reserves(self) -> list[str]:
        """The Member States (codes) with a scrutiny reserve still to lift."""
        return [p.member_state.code for p in self.positions if p.value == voting.Stance.SCRUTINY_RESERVE]

    @property
    def waiting(self) -> int:
        """How many states have still to answer (no position, a reserve)."""
        return len(self.still_to_answer) + len(self.reserves)

    @property
    def rows(self):
        shares = self.shares
        return [(position, shares[position.member_state_id]) for position in self.positions]


def question_board(question: Question, user=None) -> Board:
    """Three queries whatever the number of states: positions, the written
    procedure and decision (joined), and the figures when the rule needs them.

    The figures are those of the decision's date, else of the open written
    procedure's deadline, else of the day the question was put.

    With ``user`` (a reader who sees the question, hence its case): the
    decision and the written procedure count only if the reader is cleared
    for them, so the board derives nothing (the year of the figures, the
    silence outcome) from a child the reader may not see."""
    from django.utils import timezone

    positions = list(question.positions.select_related("member_state", "recorded_by").order_by("member_state__protocol_order"))
    decisions, procedures = Decision.objects.filter(question=question), WrittenProcedure.objects.filter(question=question)
    if user is not None:
        cleared = int(user.effective_clearance()) if user.is_authenticated else -1
        decisions, procedures = decisions.filter(classification__lte=cleared), procedures.filter(classification__lte=cleared)
    decision = decisions.only("decided_on").first()
    procedure = procedures.only("kind", "deadline", "status").first()
    if decision is not None:
        day = decision.decided_on
    elif procedure is not None:
        day = timezone.localtime(procedure.deadline).date()
    else:
        day = question.put_on
    missing = None
    try:
        result, population = outcomes.outcome_on(positions, question.voting_rule, day)
    except PopulationFiguresMissing as error:
        missing, population = error, None
        counts, _population = voting.tally([voting.Vote(p.member_state.code, None, voting.Stance(p.value)) for p in positions])
        result = voting.Outcome(False, error.message, counts, None, pending=True)
    silence = None
    if procedure is not None and procedure.kind == WrittenProcedure.Kind.SILENCE:
        # Never "adopted" before the deadline: until then an unbroken silence is pending.
        silence = outcomes.silence_outcome(positions, before_deadline=decision is None and procedure.deadline > timezone.now())
    return Board(
        question=question,
        positions=positions,
        outcome=result,
        population=population,
        population_missing=missing,
        silence_outcome=silence,
        day=day,
    )
