"""The deliberation's and the communication plan's machines on the workflow
engine (:mod:`cdt.workflow`): the engine loads each through the access rule,
locks the row, checks the state (409), the role (403), the guards declared on
the ``@transition`` (400 naming each) and the input checked here (400 naming
the field), runs the body, and writes one log row, one audit entry and one
``workflow_step`` event in one transaction. The services
(``deliberation_refer``, ``deliberation_conclude``, ``plan_transition``)
are thin wrappers over :func:`cdt.workflow.transition_run`."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.directory.models import CouncilBody
from cdt.security.types import AnyUser
from cdt.workflow import Step, Workflow
from cdt.workflow.records import TransitionRecord
from cdt.workflow.registry import standard_input
from council.services import question_put
from notifications.models import EventKind
from notifications.services import event_record

from .choices import ATTRIBUTING_OPTIONS, AttributionOption
from .dates import date_problem
from .models import (
    PARTNER_KINDS,
    AttributionDeliberation,
    CommunicationPlan,
    DeliberationTransition,
    PlanTransition,
)


class AttributionWorkflow(Workflow):
    """What the attribution machines share: the ``workflow_step`` event on
    the object, and the wording their answers had before the engine."""

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        event_record(
            kind=step.event or EventKind.WORKFLOW_STEP,
            subject=obj,
            actor=by,
            payload={"transition": step.name, "from": source, "to": log.target},
        )

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("It is “%(status)s”: this step is not possible now.") % {"status": self.state_label(obj)}

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("This step is not yours to take.")


class DeliberationWorkflow(AttributionWorkflow):
    """``refer`` puts the question to the Council (the question is created
    with the step, once every check has passed); ``conclude`` records the
    outcome and the actors and partners it names."""

    model = AttributionDeliberation
    log_model = DeliberationTransition
    log_subject = "deliberation"

    def lock(self, obj: Model) -> AttributionDeliberation:
        # The grid read once for the ten guards of ``refer``.
        return (
            AttributionDeliberation.objects.select_for_update(of=("self",))
            .select_related("case")
            .prefetch_related("considerations")
            .get(pk=obj.pk)
        )

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        body = standard_input(step, given)
        deliberation = cast("AttributionDeliberation", obj)
        if step.name == "refer":
            body["question"] = self._question_put(deliberation, by, given)
        elif step.name == "conclude":
            body.update(self._outcome(deliberation, given))
        return body

    @staticmethod
    def _question_put(deliberation: AttributionDeliberation, by: AnyUser, given: dict[str, Any]) -> Any:
        """The question the step records, put as its last check: the council
        app validates it (400 naming the field); every Member State's
        position starts empty. Rolled back with the step if anything fails."""
        text = (given.get("text") or "").strip()
        try:
            return DeliberationWorkflow._put(deliberation, by, given, text)
        except ValidationError as error:  # the question's day is the step's: the caller named it ``on``
            if hasattr(error, "error_dict") and "put_on" in error.error_dict:
                raise ValidationError({"on": error.error_dict["put_on"]}) from error
            raise

    @staticmethod
    def _put(deliberation: AttributionDeliberation, by: AnyUser, given: dict[str, Any], text: str) -> Any:
        return question_put(
            by=by,
            case=deliberation.case,
            voting_rule=given.get("voting_rule", "unanimity"),
            body=given.get("council_body") or CouncilBody.objects.get(code="COUNCIL"),
            text=text
            or _("Coordinated political attribution at EU level of the activity in case %(ref)s") % {"ref": deliberation.case.reference},
            classification=deliberation.classification,
            put_on=given.get("on"),  # the question is put the day the deliberation is referred
        )

    @staticmethod
    def _outcome(deliberation: AttributionDeliberation, given: dict[str, Any]) -> dict[str, Any]:
        """An attribution (private or public, alone or with partners, on
        activity emanating from a State's territory, through designations in
        a legal act, or a coordinated exposure) needs the Council's adopted
        decision on the question and names the actors it covers, each with
        a claim on the case; "no attribution" names none. Only an outcome
        attributing to a State names one as responsible; one on activity
        emanating from a State's territory names that State apart, and
        does not attribute to it. Partners come from the directory."""
        outcome = given.get("outcome")
        if outcome not in AttributionOption.values:
            raise ValidationError({"outcome": _("Unknown outcome.")})
        actors = list(dict.fromkeys(given.get("actors") or ()))
        partners = list(dict.fromkeys(given.get("partners") or ()))
        alongside = list(dict.fromkeys(given.get("member_states_alongside") or ()))
        state = (given.get("attributed_to_state") or "").strip()
        territory = (given.get("territory_state") or "").strip()
        decision = getattr(deliberation.question, "decision", None) if deliberation.question_id else None
        errors = {}
        # The outcome rests on the Council's decision: not before it.
        problem = date_problem(given.get("on"), case=deliberation.case, not_before=decision.decided_on if decision is not None else None)
        if problem:
            errors["on"] = problem
        if outcome in ATTRIBUTING_OPTIONS:
            if decision is None or not decision.adopted:
                errors["outcome"] = _("An EU attribution needs the Council's adopted decision on the question; record it first.")
            elif outcome == AttributionOption.DESIGNATION and not (decision.legal_act.strip() or decision.legal_acts.exists()):
                errors["outcome"] = _(
                    "An attribution through designations needs the legal act that designates them: record it on the decision."
                )
            claimed = set(deliberation.case.attribution_claims.values_list("actor_id", flat=True))
            if not actors:
                errors["actors"] = _("Name the actors the attribution covers.")
            elif any(actor.pk not in claimed for actor in actors):
                errors["actors"] = _("Each actor needs an attribution claim on the case: %(names)s.") % {
                    "names": ", ".join(actor.name for actor in actors if actor.pk not in claimed)
                }
        elif actors or state or territory:
            errors["actors"] = _("“No attribution” covers no actor and names no State.")
        if outcome == AttributionOption.TERRITORIAL:
            if not territory:
                errors["territory_state"] = _("Name the State from whose territory the activity emanates.")
            if state:
                errors["attributed_to_state"] = _(
                    "Activity emanating from a State's territory does not attribute it to that State: name it as the territory's State."
                )
        elif territory and outcome in ATTRIBUTING_OPTIONS:
            errors["territory_state"] = _("Only an outcome on activity emanating from a State's territory names that State.")
        if outcome == AttributionOption.WITH_PARTNERS and not partners:
            errors["partners"] = _("Name the partners joining.")
        if outcome == AttributionOption.COORDINATED and not (partners or alongside):
            errors["partners"] = _("Name the partners or the Member States coordinating the exposure or condemnation.")
        if any(partner.kind not in PARTNER_KINDS for partner in partners):
            errors["partners"] = _(
                "Partners are third countries or international organisations of the directory (not a Member State, the secretariat or an EU body)."
            )
        if alongside and outcome not in ATTRIBUTING_OPTIONS:
            errors["member_states_alongside"] = _("Member States attribute alongside the EU only when the EU attributes.")
        if errors:
            raise ValidationError(errors)
        return {
            "outcome": outcome,
            "on": given.get("on") or timezone.localdate(),
            "summary": given.get("summary") or "",
            "state": state,
            "territory_state": territory,
            "decision": decision,
            "actors": actors,
            "partners": partners,
            "member_states_alongside": alongside,
        }

    def after(self, obj: Model, step: Step, source: str, by: AnyUser, body: dict[str, Any], log: TransitionRecord) -> None:
        if step.name == "conclude":
            deliberation = cast("AttributionDeliberation", obj)
            deliberation.attributed_actors.set(body["actors"])
            deliberation.partners.set(body["partners"])
            deliberation.member_states_alongside.set(body["member_states_alongside"])


class PlanWorkflow(AttributionWorkflow):
    """A communication plan: agreed (the chair or the secretariat), executed
    and completed (the EEAS). No input, no guards beyond the role."""

    model = CommunicationPlan
    log_model = PlanTransition
    log_subject = "plan"
