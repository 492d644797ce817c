"""Rows for the lists of the directory and of each user's notifications and
deadlines, in bulk.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cdt.directory.models import CouncilBody, Organisation, PresidencyTerm
from cdt.security.markings import Classification
from notifications.models import Channel, Deadline, DeadlineKind, Event, EventKind, Notification

from .list_query_counts_support import World, link


def make_notifications(world: World, n: int) -> None:
    events = Event.objects.bulk_create(
        [
            Event(
                kind=EventKind.CASE_STEP,
                case=world.case,
                classification=int(Classification.RESTREINT_UE),
                reference=f"QC-{i:06d}",
                marking="RESTREINT UE · LIMITE · TLP:AMBER",
                link=f"/cases/{world.case.pk}/",
                dispatched_at=timezone.now(),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    Notification.objects.bulk_create(
        [Notification(event=event, recipient=world.cast["delegate"], channel=Channel.IN_APP) for event in events], batch_size=1000
    )


def make_deadlines(world: World, n: int) -> None:
    soon = timezone.now() + datetime.timedelta(days=2)
    Deadline.objects.bulk_create(
        [
            Deadline(
                kind=DeadlineKind.RFI,
                case=world.case,
                classification=int(Classification.RESTREINT_UE),
                reference=f"QC-{i:06d}",
                marking="RESTREINT UE",
                link=f"/cases/{world.case.pk}/",
                due_at=soon + datetime.timedelta(minutes=i),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_organisations(world: World, n: int) -> None:
    Organisation.objects.bulk_create(
        [
            Organisation(code=f"QC-ORG-{i}", name=f"Load partner {i}", kind=Organisation.Kind.PARTNER_STATE, parent=world.orgs["US"])
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_council_bodies(world: World, n: int) -> None:
    bodies = CouncilBody.objects.bulk_create(
        [CouncilBody(code=f"QC-WP-{i}", name=f"Load working party {i}", level=CouncilBody.Level.WORKING_PARTY) for i in world.take(n)],
        batch_size=1000,
    )
    link(CouncilBody.reports_to, [(body, world.bodies["PSC"]) for body in bodies])


def make_presidency_terms(world: World, n: int) -> None:
    first = datetime.date(2300, 1, 1)
    PresidencyTerm.objects.bulk_create(
        [
            PresidencyTerm(
                member_state=world.states["DE"],
                starts_on=first + datetime.timedelta(days=10 * i),
                ends_on=first + datetime.timedelta(days=10 * i + 9),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_directory(world: World, n: int) -> None:
    """Every list of the directory page grows: organisations, bodies, terms."""
    make_organisations(world, n)
    make_council_bodies(world, n)
    make_presidency_terms(world, n)
