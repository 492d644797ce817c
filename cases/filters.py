"""One filter definition for the case list page and the case API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from awareness.models import ThreatActor
from cdt.core.api.filters import OrderingFilter, RestrictedFilterSet
from cdt.directory.models import MemberState

from .models import Case, CaseKind, CaseState


class CaseFilter(RestrictedFilterSet):
    state = django_filters.ChoiceFilter(label=_("Step"), choices=CaseState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CaseKind.choices)
    actor = django_filters.ModelChoiceFilter(
        label=_("Suspected actor"), field_name="suspected_actors", queryset=ThreatActor.objects.all(), distinct=True
    )
    member_state = django_filters.ModelChoiceFilter(
        label=_("Member State affected"),
        field_name="member_states_affected",
        to_field_name="code",
        queryset=MemberState.objects.order_by("protocol_order"),
        distinct=True,
    )
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("brought_on", "brought_on"),
            ("title", "title"),
            ("state", "state"),
            ("reference", "reference"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "brought_on": _("date brought"),
            "title": _("title"),
            "state": _("step"),
            "reference": _("reference"),
            "updated_at": _("last change"),
        },
    )

    class Meta:
        model = Case
        fields = ["state", "kind", "actor", "member_state", "q"]

    def filter_text(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(reference__icontains=value) | Q(activity_name__icontains=value)
        )
