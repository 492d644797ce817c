"""Reads of measures through the access rule (children of their case)."""

from __future__ import annotations

from django.db.models import QuerySet

from cdt.security.selectors import protected_queryset

from . import checks
from .choices import TAKEN_STATES
from .models import ImpactEvaluation, MeasureType, ResponseMeasure


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
