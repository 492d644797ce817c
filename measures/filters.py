"""Filters of the measures API and of the impact-evaluation list (the list toolkit: ``cdt.core.listing``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awareness.models import ThreatActor
from cdt.core.api.filters import BooleanWidget, OrderingFilter, RestrictedFilterSet, through_visible

from .models import ImpactEvaluation, ResponseMeasure


class MeasureFilter(RestrictedFilterSet):
    """The measures API's filters: ``?actor=`` finds a measure by any of the actors it concerns."""

    actor = django_filters.ModelChoiceFilter(
        label=_("Actor concerned"), field_name="actors", queryset=ThreatActor.objects.all(), distinct=True
    )

    class Meta:
        model = ResponseMeasure
        fields = ["case", "state", "actor", "measure_type__slug"]


class EvaluationFilter(RestrictedFilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    occasion = django_filters.ChoiceFilter(label=_("Occasion"), choices=ImpactEvaluation.Occasion.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=BooleanWidget())
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("due_on", "due_on"), ("case__reference", "case")),
        field_labels={"due_on": _("due date"), "case__reference": _("case")},
    )

    class Meta:
        model = ImpactEvaluation
        fields = ["q", "occasion", "overdue"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        # Through the measure only if the reader may see it (decision 0023).
        user = getattr(self.request, "user", None)
        measure_visible = through_visible(ImpactEvaluation, "measure__description", user)
        return (
            queryset.filter(
                (Q(measure__description__icontains=value) & measure_visible)
                | Q(case__reference__icontains=value)
                | (Q(measure__measure_type__name__icontains=value) & measure_visible)
            )
            if value
            else queryset
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(due_on__lt=timezone.localdate()) if value else queryset
