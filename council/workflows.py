"""Questions and written procedures on the workflow engine.

Both machines are one step long: a question is decided (by whoever records
the decision, or by the system when its written procedure closes), and a
written procedure is closed at its deadline by the system. The decision
itself is a record, not a state machine: ``council.services`` writes it and
moves the question (and the procedure) through the engine in the same
transaction, so each move is locked, logged and audited like any other."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from cdt.security.types import AnyUser
from cdt.workflow import Step, Workflow
from cdt.workflow.records import TransitionRecord
from notifications.deadlines import deadline_done
from notifications.models import DeadlineKind, EventKind
from notifications.services import event_record

from .models import Question, QuestionTransition, WrittenProcedure, WrittenProcedureTransition


class QuestionWorkflow(Workflow):
    """A question's status, logged in :class:`QuestionTransition`. No event
    of its own: the decision recorded with it has its own (``decision_adopted``)."""

    model = Question
    log_model = QuestionTransition
    log_subject = "question"

    def lock(self, obj: Model) -> Question:
        # The decision recorded with it reads the case and the deciding body.
        return Question.objects.select_for_update(of=("self",)).select_related("case", "body").get(pk=obj.pk)


class WrittenProcedureWorkflow(Workflow):
    """A written procedure's status, logged in :class:`WrittenProcedureTransition`."""

    model = WrittenProcedure
    log_model = WrittenProcedureTransition
    log_subject = "procedure"

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        """``close`` records the decision taken at the deadline and when it closed."""
        return {"decision": given["decision"], "at": given.get("at") or timezone.now()}

    def after(self, obj: Model, step: Step, source: str, by: AnyUser, body: dict[str, Any], log: TransitionRecord) -> None:
        """The deadline reminder of a closed procedure is done."""
        deadline_done(kind=DeadlineKind.PROCEDURE, subject=obj)

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        procedure = cast(WrittenProcedure, obj)
        event_record(
            kind=EventKind.PROCEDURE_CLOSED,
            subject=procedure,
            link=reverse("written-procedure-page", args=[procedure.pk]),
            payload={"adopted": bool(procedure.decision and procedure.decision.adopted)},
        )
