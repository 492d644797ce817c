"""Reads of cases, always through the access rule, and never mixing
exercise cases with real ones."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from cdt.security.selectors import protected_get, protected_queryset
from cdt.security.types import AnyUser
from cdt.workflow.records import LOG_ORDER

from .models import Case, CaseTransition, ProportionalityAssessment, SignificanceAssessment


def case_list(*, user: AnyUser, exercise: bool = False) -> QuerySet[Case]:
    """The cases ``user`` may see, real or exercise (never both); narrowed
    further by :class:`cases.filters.CaseFilter`."""
    return (
        protected_queryset(Case.objects.all(), user)
        .filter(exercise=exercise)
        .select_related("brought_by", "originator")
        .order_by("-brought_on", "-id")
    )


def case_get(*, user: AnyUser, pk: int | str, request: HttpRequest | None = None) -> Case:
    """One case ``user`` may see (404 otherwise); classified reads audited."""
    queryset = Case.objects.select_related("brought_by", "originator", "created_by", "merged_into").prefetch_related(
        "member_states_affected", "suspected_actors", "releasable_to"
    )
    return protected_get(queryset, user, request=request, pk=pk)


def case_history(*, case: Case, user: AnyUser) -> list[CaseTransition]:
    """The transition log, each entry with ``shown_merged_into``: the case it
    merged this one into if ``user`` may see that case, else ``None`` (the
    reader learns no reference, title or id of it; decision record 0023)."""
    history = list(case.transitions.select_related("by", "by__organisation", "merged_into").order_by(*LOG_ORDER))
    seen = visible_case_ids(user, {entry.merged_into_id for entry in history})
    for entry in history:
        entry.shown_merged_into = entry.merged_into if entry.merged_into_id in seen else None
    return history


def visible_case_ids(user: AnyUser, ids: set[int | None]) -> set[int]:
    """Those of ``ids`` naming a case ``user`` may see (one query, none for no id)."""
    ids.discard(None)
    if not ids:
        return set()
    return set(protected_queryset(Case.objects.filter(pk__in=ids), user).values_list("pk", flat=True))


def proportionality_history(*, case: Case, user: AnyUser) -> QuerySet[ProportionalityAssessment]:
    return protected_queryset(ProportionalityAssessment.objects.filter(case=case), user).select_related("assessed_by")


def significance_history(*, case: Case, user: AnyUser) -> QuerySet[SignificanceAssessment]:
    return protected_queryset(SignificanceAssessment.objects.filter(case=case), user).select_related("assessed_by")
