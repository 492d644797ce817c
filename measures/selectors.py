"""Reads of measures through the access rule (children of their case)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import CaseKind, CaseState
from cdt.security.selectors import protected_queryset
from drafting.permissions import may_draft_note

from . import checks
from .choices import TAKEN_STATES
from .models import ImpactEvaluation, MeasureType, ResponseMeasure, StrategicResponseNote


def catalogue() -> QuerySet[MeasureType]:
    return MeasureType.objects.select_related("deciding_body").order_by("escalation_level", "name")


def measure_list(*, user) -> QuerySet[ResponseMeasure]:
    return (
        protected_queryset(ResponseMeasure.objects.all(), user)
        .select_related(
            "case",
            "measure_type",
            "implementing_actor",
            "proposed_by",
            "decision",
        )
        .prefetch_related("actors")
        .annotate(escalation_basis_classification=checks.escalation_basis())
        .order_by("-proposed_at", "-id")
    )


def evaluation_list(*, user) -> QuerySet[ImpactEvaluation]:
    return (
        protected_queryset(ImpactEvaluation.objects.all(), user)
        .select_related("case", "measure__measure_type", "evaluated_by")
        .order_by("due_on", "id")
    )


def actor_measures(*, actor, user) -> QuerySet[ResponseMeasure]:
    """Every measure taken concerning an actor that the user may see: the
    Council's memory for the predictability and coherence of para 29."""
    return (
        measure_list(user=user).filter(actors=actor, state__in=TAKEN_STATES, case__exercise=False).order_by("implemented_on", "proposed_on")
    )


#: The steps at which a case may call for a strategic response note: from the
#: exploration of a response (step 3, "for a persistent actor: a call for a
#: strategic response note") on, while the case is open; evaluation (step 8)
#: and sustained engagement (step 9) feed and revisit the strategy.
STRATEGY_STEPS = tuple(state for state in CaseState if state not in (CaseState.STARTED, CaseState.AWARENESS, CaseState.CLOSED))


def strategic_note_candidates(*, case, user) -> list:
    """The actors of ``case`` for which ``user`` may start a strategic
    response note from it now: the EEAS, at a step that allows it, for each
    suspected actor that is persistent (every suspect of a persistent-actor
    case is) and has no note yet (one per actor)."""
    if not may_draft_note(None, user) or case.state not in STRATEGY_STEPS:
        return []
    actors = case.suspected_actors.all()
    if case.kind != CaseKind.PERSISTENT_THREAT_ACTOR:  # every suspect of a persistent-actor case is persistent
        actors = actors.filter(persistent=True)
    with_note = StrategicResponseNote.objects.filter(actor__in=actors).values("actor_id")
    return list(actors.exclude(pk__in=with_note).order_by("name"))


def may_start_strategic_note(*, actor, user) -> bool:
    """From the actor's page: the EEAS, for a persistent actor without a note."""
    return bool(may_draft_note(None, user) and actor.persistent and not StrategicResponseNote.objects.filter(actor=actor).exists())
