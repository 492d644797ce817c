"""Council rows (questions with their positions board, decisions, written
procedures, meetings) made directly, for tests about what happens once
they exist and for the bench's register; the services that put questions
and record decisions are tested by walking them."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.factories import CaseFactory
from cdt.accounts.factories import UserFactory
from cdt.directory.factories import reference_data
from cdt.directory.models import CouncilBody, MemberState

from .models import AgendaItem, Decision, Meeting, Position, PositionValue, Procedure, Question, VotingRule, WrittenProcedure


def _positions(question: Question, create: bool, extracted: bool | None, **kwargs) -> None:
    """Every Member State starts with "no position yet", as when the
    question is put (``positions=False``: no board)."""
    if create and extracted is not False:
        Position.objects.bulk_create(
            [Position(question=question, member_state=state) for state in MemberState.objects.members_on(question.put_on)]
        )


class QuestionFactory(DjangoModelFactory):
    """A question to PSC on a case, at the case's classification, with its
    board of 27 blank positions."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    text = "Adopt the options in the options note?"
    voting_rule = VotingRule.UNANIMITY
    body = reference_data(CouncilBody, code="PSC")
    put_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
    positions = factory.PostGeneration(_positions)


class PositionFactory(DjangoModelFactory):
    """Germany's position on a question (``positions=False`` on its
    question, or the board already has Germany's row)."""

    class Meta:
        model = Position

    question = factory.SubFactory(QuestionFactory, positions=False)
    member_state = reference_data(MemberState, code="DE")
    value = PositionValue.SUPPORT
    recorded_by = factory.SelfAttribute("question.put_by")


class DecisionFactory(DjangoModelFactory):
    """An adopted act of the High Representative on a case."""

    class Meta:
        model = Decision

    case = factory.SubFactory(CaseFactory)
    procedure = Procedure.HR_ACT
    adopted = True
    explanation = "Démarche by the High Representative to the State concerned."
    decided_on = datetime.date(2026, 11, 2)
    recorded_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")


class WrittenProcedureFactory(DjangoModelFactory):
    """An open silence procedure on a question, ending in three days."""

    class Meta:
        model = WrittenProcedure

    question = factory.SubFactory(QuestionFactory)
    case = factory.SelfAttribute("question.case")
    kind = WrittenProcedure.Kind.SILENCE
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    opened_by = factory.SelfAttribute("question.put_by")
    classification = factory.SelfAttribute("question.classification")


class MeetingFactory(DjangoModelFactory):
    """An HWPCI meeting in four days."""

    class Meta:
        model = Meeting

    body = reference_data(CouncilBody, code="HWPCI")
    title = "HWPCI meeting"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=4))
    created_by = factory.SubFactory(UserFactory)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "Exchange of views"
