"""A response measure's lifecycle on the workflow engine.

The transitions, their roles, guards (escalation on ``select``, attribution
on ``agree``) and events are declared on
:class:`measures.models.ResponseMeasure`; what differs from the engine's
defaults is here: the input a measure's steps need beyond the shared ones
(the decision that agreed it, who implements it), the evaluations a step
schedules or cancels, and the event each step emits."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdt.security.access import can_view_child
from cdt.security.types import AnyUser
from cdt.workflow import Step, Workflow
from cdt.workflow.records import TransitionRecord
from cdt.workflow.registry import standard_input
from notifications.deadlines import deadline_done
from notifications.models import DeadlineKind, EventKind
from notifications.services import event_record

from .models import MeasureTransition, ResponseMeasure
from .services import evaluations_schedule


class MeasureWorkflow(Workflow):
    """The measure's machine: logged in :class:`MeasureTransition`."""

    model = ResponseMeasure
    field_name = "state"
    log_model = MeasureTransition
    log_subject = "measure"
    #: The proposal is logged by ``measure_propose``, outside the engine.
    record_labels = {"propose": gettext_lazy("Proposed")}

    def lock(self, obj: Model) -> ResponseMeasure:
        # The guards read the case and the measure type (loaded with the row) and the actors.
        return ResponseMeasure.objects.select_for_update(of=("self",)).select_related("case", "measure_type").get(pk=obj.pk)

    def began_on(self, obj: Model) -> tuple[datetime.date, str] | None:
        """A measure's steps come after its proposal (itself not before the case)."""
        proposed_on = cast("ResponseMeasure", obj).proposed_on
        return (proposed_on, _("the measure was proposed")) if proposed_on else super().began_on(obj)

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        """The shared needs (reason, date), then the decision that agreed the
        measure (adopted, on the same case, visible to ``by``) and who
        implements it."""
        measure = cast(ResponseMeasure, obj)
        body = standard_input(step, given)
        if "decision" in step.needs:
            decision = given.get("decision")
            if decision is None or decision.case_id != measure.case_id or not can_view_child(by, decision):
                raise ValidationError({"decision": _("Name the decision on this case that agreed the measure.")})
            if not decision.adopted:
                raise ValidationError({"decision": _("That decision was not adopted.")})
            on = given.get("on")
            if isinstance(on, datetime.date) and decision.decided_on and on < decision.decided_on:
                raise ValidationError(
                    {"on": _("The measure cannot be agreed before its decision (%(date)s).") % {"date": decision.decided_on.isoformat()}}
                )
            body["decision"] = decision
        if "implementing_actor" in step.needs:
            implementing_actor = given.get("implementing_actor")
            if implementing_actor is None:
                raise ValidationError(
                    {"implementing_actor": _("Name who implements the measure (a Member State, the EEAS, the HR, the Commission).")}
                )
            body["implementing_actor"] = implementing_actor
        return body

    def after(self, obj: Model, step: Step, source: str, by: AnyUser, body: dict[str, Any], log: TransitionRecord) -> None:
        """Implementation schedules the impact evaluations; lifting or expiry
        cancels those not yet done that were due after the end."""
        measure = cast(ResponseMeasure, obj)
        if step.name == "complete":
            evaluations_schedule(measure=measure)
        if step.name in ("lift", "expire"):
            cancelled = list(measure.evaluations.filter(evaluated_at__isnull=True, due_on__gt=measure.ended_on))
            measure.evaluations.filter(pk__in=[evaluation.pk for evaluation in cancelled]).update(cancelled=True)
            for evaluation in cancelled:
                deadline_done(kind=DeadlineKind.EVALUATION, subject=evaluation)

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        """The step's declared event (``measure_implemented``), else a workflow step."""
        event_record(
            kind=step.event or EventKind.WORKFLOW_STEP,
            subject=obj,
            actor=by,
            link=reverse("measure-page", args=[obj.pk]),
            payload={"transition": step.name, "from": source, "to": log.target, "log": log.pk},
        )

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("The measure is “%(state)s”, from which “%(transition)s” is not possible.") % {
            "state": self.state_label(obj),
            "transition": step.label,
        }

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("You may not “%(transition)s” this measure.") % {"transition": step.label}
