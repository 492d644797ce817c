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
from django.utils.translation import gettext as _

from cdt.security.types import AnyUser
from cdt.workflow import Step, Workflow, guard
from cdt.workflow.records import TransitionRecord
from notifications.deadlines import deadline_done
from notifications.models import DeadlineKind, EventKind
from notifications.services import event_record

from .models import Question, QuestionTransition, WrittenProcedure, WrittenProcedureTransition


class QuestionWorkflow(Workflow):
    """A question's status, logged in :class:`QuestionTransition`, with a
    ``workflow_step`` event (an adopted decision adds its own,
    ``decision_adopted``; a rejected one has only this)."""

    model = Question
    log_model = QuestionTransition
    log_subject = "question"

    def lock(self, obj: Model) -> Question:
        # The decision recorded with it reads the case and the deciding body.
        return Question.objects.select_for_update(of=("self",)).select_related("case", "body").get(pk=obj.pk)

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        question = cast(Question, obj)
        event_record(
            kind=EventKind.WORKFLOW_STEP,
            subject=question,
            actor=by,
            link=reverse("question-board-page", args=[question.pk]),
            payload={"transition": step.name, "from": source, "to": log.target, "log": log.pk},
        )

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("This question is already decided.")

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("Only the chair and the secretariat record decisions.")


@guard(Question, "decide", "no_written_procedure_running")
def no_written_procedure_running(question: Any, user: AnyUser) -> str | None:
    """A question under a written procedure is decided by it, at its
    deadline (the system's step, for which ``user`` is None)."""
    if user is not None and WrittenProcedure.objects.filter(question=question, status=WrittenProcedure.Status.OPEN).exists():
        return _("A written procedure is running on this question; it decides at its deadline.")
    return None


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
