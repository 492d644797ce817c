"""Filters of the meetings list (the list toolkit: ``cdt.core.listing``)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdt.core.api.filters import OrderingFilter, RestrictedFilterSet
from cdt.directory.models import CouncilBody

from .models import Meeting


class MeetingFilter(RestrictedFilterSet):
    body = django_filters.ModelChoiceFilter(label=_("Body"), queryset=CouncilBody.objects.order_by("code"), to_field_name="code")
    when = django_filters.ChoiceFilter(label=_("When"), method="filter_when", choices=[("upcoming", _("Upcoming")), ("past", _("Past"))])
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("starts_at", "starts_at"), ("body__code", "body")),
        field_labels={"starts_at": _("date"), "body__code": _("body")},
    )

    class Meta:
        model = Meeting
        fields = ["body", "when"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(starts_at__gte=now).order_by("starts_at") if value == "upcoming" else queryset.filter(starts_at__lt=now)
