"""Demo measures, taken through the real services while the demo cases walk
the process: proposals selected for decision, agreed, implemented, with
impact evaluations falling due."""
from __future__ import annotations

import datetime

from cdt.directory.models import Organisation

from . import services
from .models import MeasureType


def demo_measures_select(case, users, chair) -> None:
    """Before "refer for decision": the EEAS proposes, the chair selects. A
    case with a suspected actor gets a listing proposal, above what its
    proportionality supports, which the chair overrides with a reason."""
    actor = case.suspected_actors.first()
    if actor is not None:
        measure = services.measure_propose(
            by=users["eeas-drafter"], case=case, measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"), actor=actor,
            description=f"Listing of persons and an entity responsible for the activity attributed to {actor.name}.",
            rationale="Repeated espionage against foreign ministries; earlier démarches had no effect.",
        )
        if measure.escalation_warning:
            services.measure_override_escalation(by=chair, measure=measure,
                                                 justification="Third campaign by the same actor since 2024; gradual steps exhausted.")
        services.measure_transition(by=chair, measure=measure, transition="select")
        return
    for slug, text in (("demarche", "Démarches by the EU Delegations to the States whose territory was used."),
                       ("hr-statement", "Statement by the High Representative on behalf of the EU on ransomware against hospitals.")):
        measure = services.measure_propose(by=users["eeas-drafter"], case=case, measure_type=MeasureType.objects.get(slug=slug),
                                           description=text)
        if measure.escalation_warning:
            services.measure_override_escalation(by=chair, measure=measure,
                                                 justification="Attacks on hospitals endanger lives: a public statement is proportionate.")
        services.measure_transition(by=chair, measure=measure, transition="select")


def demo_measures_implement(case, users, chair) -> None:
    """After "implement": the selected measures are agreed with the adopted
    decision and carried out; the démarche was done in August, so its
    3-month evaluation is due."""
    decision = case.decisions.filter(adopted=True).first()
    eeas = Organisation.objects.get(code="EEAS")
    for measure in case.measures.filter(state="selected"):
        services.measure_transition(by=chair, measure=measure, transition="agree", decision=decision)
        services.measure_transition(by=users["eeas-drafter"], measure=measure, transition="start_implementation", implementing_actor=eeas)
        done_on = datetime.date(2026, 8, 14) if measure.measure_type.slug == "demarche" else decision.decided_on
        services.measure_transition(by=users["eeas-drafter"], measure=measure, transition="complete", on=done_on)
