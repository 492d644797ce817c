"""Deadlines: set (or moved) and met by the services that own the date, each
with the reminders before it (:data:`REMINDERS_BEFORE`), which
:func:`notifications.reminders.reminders_fire` turns into events."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from .models import Deadline, DeadlineKind, Reminder
from .services import event_labels

#: Reminders before each kind of deadline.
REMINDERS_BEFORE = {
    DeadlineKind.PROCEDURE: (datetime.timedelta(hours=24), datetime.timedelta(hours=2)),
    DeadlineKind.RFI: (datetime.timedelta(days=2), datetime.timedelta(hours=8)),
    DeadlineKind.REVIEW: (datetime.timedelta(days=14), datetime.timedelta(days=1)),
    DeadlineKind.EVALUATION: (datetime.timedelta(days=7), datetime.timedelta(days=1)),
    DeadlineKind.RENEWAL: (datetime.timedelta(days=60), datetime.timedelta(days=30), datetime.timedelta(days=7)),
    DeadlineKind.MEETING: (datetime.timedelta(hours=24),),
}


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A date-only deadline falls due at 18:00 Brussels time that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0)))


def deadline_set(*, kind: str, subject: Model, due_at: datetime.datetime, case=None, meeting=None, link: str = "") -> Deadline:
    """Create or move the deadline of ``subject`` (called by the services
    that own the date, inside their transaction). Moving it replaces the
    reminders that have not fired yet."""
    if case is None and getattr(subject, "parent_field", None) == "case":
        case = subject.case
    reference, marking, default_link = event_labels(case=case, subject=subject if meeting is None else None, meeting=meeting)
    content_type = ContentType.objects.get_for_model(subject)
    deadline, _created = Deadline.objects.update_or_create(
        subject_type=content_type,
        subject_id=subject.pk,
        kind=kind,
        defaults={
            "case": case,
            "meeting": meeting,
            "due_at": due_at,
            "done_at": None,
            "classification": int(getattr(subject, "classification", 0) or 0),
            "reference": reference[:100],
            "marking": marking[:100],
            "link": (link or default_link)[:300],
        },
    )
    deadline.reminders.filter(fired_at=None).delete()
    now = timezone.now()
    Reminder.objects.bulk_create(
        [Reminder(deadline=deadline, remind_at=due_at - before) for before in REMINDERS_BEFORE[kind] if due_at - before > now],
        ignore_conflicts=True,
    )
    return deadline


def deadline_done(*, kind: str, subject: Model) -> int:
    """The deadline is met (procedure closed, request answered, evaluation
    recorded): it leaves the lists and its reminders stop."""
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, kind=kind, done_at=None
    ).update(done_at=timezone.now())
