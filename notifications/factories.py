"""Events and notifications as rows (the bench's notification centres);
the services write them as a change is made (:mod:`notifications.services`)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cdt.accounts.factories import UserFactory

from .models import Channel, Event, EventKind, Mode, Notification


class EventFactory(DjangoModelFactory):
    """An event about a case's step (``case=``; none unless given), already
    dispatched."""

    class Meta:
        model = Event

    kind = EventKind.CASE_STEP
    case = None
    reference = factory.LazyAttribute(lambda event: event.case.reference if event.case else "CDT-2026-0001")
    classification = factory.LazyAttribute(lambda event: event.case.classification if event.case else 0)
    marking = "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER"
    link = factory.LazyAttribute(lambda event: f"/cases/{event.case.pk}/" if event.case else "/")
    payload = factory.LazyFunction(dict)
    dispatched_at = factory.LazyFunction(timezone.now)


class NotificationFactory(DjangoModelFactory):
    """The event told in the notification centre, unread."""

    class Meta:
        model = Notification

    event = factory.SubFactory(EventFactory)
    recipient = factory.SubFactory(UserFactory)
    channel = Channel.IN_APP
    mode = Mode.IMMEDIATE
