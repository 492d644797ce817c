"""Every kind of draft on the workflow engine, from one class.

:class:`DraftWorkflow` says what drafts share: the log is the kind's
``transitions`` table (foreign key ``note``), a step's event is the one it
declares (``note_circulated``, ``note_submitted``) or a workflow step, with
the draft's page as its link, and the wording of a refusal. What a kind
adds comes from its :class:`~drafting.kinds.DraftKind`: the input of its own
steps (``transition_input``: the Council decision that approves a strategic
response note, the date and decision of a statement's publication) and what
follows a step (``after``: a submitted revision supersedes the options note
it revises). :func:`drafting.kinds.register` makes one subclass per model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext as _

from cdt.security.types import AnyUser
from cdt.workflow import Step, Workflow
from cdt.workflow.records import TransitionRecord
from cdt.workflow.registry import standard_input
from notifications.models import EventKind
from notifications.services import event_record

if TYPE_CHECKING:
    from .kinds import DraftKind


class DraftWorkflow(Workflow):
    field_name = "status"
    log_subject = "note"
    kind: ClassVar[DraftKind]

    @classmethod
    def for_kind(cls, kind: DraftKind) -> type[DraftWorkflow]:
        """The workflow of one kind's model (``OptionsNoteWorkflow``, …)."""
        attributes = {"model": kind.model, "log_model": kind.log_model, "kind": kind, "__module__": cls.__module__}
        return type(f"{kind.model.__name__}Workflow", (cls,), attributes)

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        """The needs every machine shares (a date not in the future), then
        what a kind's own steps take, as its ``transition_input`` checks.
        Drafts take no reason or comment."""
        body = standard_input(step, given)
        if self.kind.transition_input is not None:
            body.update(self.kind.transition_input(obj, step, by, given))
        return body

    def log_fields(self, obj: Model, step: Step, given: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        return {}

    def after(self, obj: Model, step: Step, source: str, by: AnyUser, body: dict[str, Any], log: TransitionRecord) -> None:
        if self.kind.after is not None:
            self.kind.after(obj, step, by)

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        """The step's event, linking to the draft; none for a step the
        system takes on its own (superseding: the submission has its event)."""
        if step.system:
            return
        event_record(
            kind=step.event or EventKind.WORKFLOW_STEP,
            subject=obj,
            actor=by,
            link=self.kind.url(obj),
            payload={"transition": step.name, "from": source, "to": log.target},
        )

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("The draft is “%(status)s”: “%(transition)s” is not possible now.") % {
            "status": self.state_label(obj),
            "transition": step.label,
        }

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("You may not do this with the draft.")
