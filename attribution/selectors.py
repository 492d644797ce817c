"""Reads of attribution through the access rule (children of their case)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from cdt.security.selectors import protected_queryset

from .choices import ATTRIBUTING_OPTIONS, DeliberationStatus
from .models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Consideration, Statement


def claim_list(*, user) -> QuerySet[AttributionClaim]:
    return (
        protected_queryset(AttributionClaim.objects.all(), user)
        .select_related("case", "actor", "member_state", "partner", "recorded_by")
        .prefetch_related("assessments")
        .order_by("case", "made_on", "id")
    )


def deliberation_list(*, user) -> QuerySet[AttributionDeliberation]:
    return (
        protected_queryset(AttributionDeliberation.objects.all(), user)
        .select_related("case", "question", "decision", "opened_by")
        .prefetch_related("attributed_actors", "partners", "member_states_alongside")
        .order_by("-opened_at", "-id")
    )


def deliberation_detail(*, user) -> QuerySet[AttributionDeliberation]:
    """With the grid and its comments, for the deliberation page and API."""
    return deliberation_list(user=user).prefetch_related(
        Prefetch("considerations", queryset=Consideration.objects.select_related("assessed_by").prefetch_related("comments__author"))
    )


def statement_list(*, user) -> QuerySet[Statement]:
    return (
        protected_queryset(Statement.objects.all(), user)
        .select_related("case", "drafted_by", "decision")
        .prefetch_related("partners", "alignments__country")
        .order_by("-created_at", "-id")
    )


def plan_list(*, user) -> QuerySet[CommunicationPlan]:
    return (
        protected_queryset(CommunicationPlan.objects.all(), user)
        .select_related("case", "statement", "drafted_by")
        .prefetch_related("amplifying_states", "partners", "measures__measure_type")
        .order_by("-created_at", "-id")
    )


def eu_attribution(case, user=None) -> AttributionDeliberation | None:
    """The case's coordinated political attribution at EU level, if the
    Council concluded one (what measures requiring attribution need).
    Without ``user``: for the checks the services enforce, whoever acts.
    With: only if ``user`` may see the deliberation, so a page derives no
    "attributed or not" from one classified above its reader's clearance."""
    deliberations = AttributionDeliberation.objects.filter(case=case, status=DeliberationStatus.CONCLUDED, outcome__in=ATTRIBUTING_OPTIONS)
    if user is not None:
        deliberations = protected_queryset(deliberations, user)
    return deliberations.first()
