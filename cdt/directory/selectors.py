"""Reads of the directory. Reference data is visible to every logged-in user."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import CouncilBody, MemberState, Organisation, PresidencyTerm


def presidency_on(day: datetime.date | None = None) -> PresidencyTerm | None:
    """The Presidency term in force on ``day`` (today by default)."""
    return PresidencyTerm.objects.holding_on(day or timezone.localdate())


def presidency_after(term: PresidencyTerm) -> PresidencyTerm | None:
    return PresidencyTerm.objects.filter(starts_on__gt=term.ends_on).select_related("member_state").first()


def member_state_list() -> QuerySet[MemberState]:
    return MemberState.objects.prefetch_related("population_shares").order_by("protocol_order")


def council_body_list() -> QuerySet[CouncilBody]:
    return CouncilBody.objects.prefetch_related("reports_to")


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("member_state", "parent")


def presidency_calendar() -> QuerySet[PresidencyTerm]:
    return PresidencyTerm.objects.select_related("member_state")
