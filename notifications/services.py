"""Writes for notifications: the events the other apps record, and what a
user's own pages change (read marks, preferences, the calendar address).

The delivery pipeline, and why each step is safe to repeat:

1. :func:`event_record` writes an :class:`Event` inside the caller's
   transaction and, on commit, queues ``dispatch_event``. If the broker is
   down the queueing fails quietly (logged); the row is still there.
2. :func:`notifications.outbox.event_dispatch` computes the recipients and
   writes their notification rows (unique per event, recipient and channel;
   a rerun adds nothing), then queues one e-mail task per immediate e-mail.
3. :func:`notifications.mail.notification_send` sends one e-mail holding
   the row's lock and marks it sent in the same transaction: a worker
   killed before the commit leaves it unsent, and Celery (late
   acknowledgement) or the sweeper sends it again; a second run finds it
   sent and does nothing. Digest-mode e-mails wait for
   :func:`notifications.mail.digests_send` (beat, daily).
4. :func:`notifications.outbox.outbox_sweep` (beat) re-queues whatever is
   still undispatched or unsent after a short delay, in batches of
   :data:`notifications.outbox.SWEEP_BATCH` ids per task: the broker being
   down loses nothing, and a backlog costs a few hundred messages, not one
   per row.

Deadlines (:mod:`notifications.deadlines`) carry reminders;
:func:`notifications.reminders.reminders_fire` (beat) turns every due
reminder into its event in a fixed number of statements, whatever the
backlog, and leaves the dispatch to one outbox sweep.

E-mails carry the reference, the marking and a link, never the text of a
protected object.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.accounts.services import hash_api_key
from cdt.core.queueing import enqueue

from .models import MANDATORY_KINDS, CalendarFeed, Channel, Event, EventKind, Mode, Notification, Preference

# --- Queueing ---------------------------------------------------------------------


def _dispatch_on_commit(event_ids: Iterable[int]) -> None:
    from .tasks import dispatch_event

    for event_id in event_ids:
        enqueue(dispatch_event, event_id)


# --- Events -----------------------------------------------------------------------


def event_labels(*, case, subject, meeting) -> tuple[str, str, str]:
    """Reference, marking and link of an event: nothing of the object's text."""
    if meeting is not None:
        reference = f"{meeting.body.code} {timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}"
        return reference, "", reverse("meeting-page", args=[meeting.pk])
    marked = subject if subject is not None and hasattr(subject, "marking_label") else case
    marking = marked.marking_label if marked is not None else ""
    if case is not None:
        reference = case.reference
        if subject is not None and subject != case:
            reference = f"{case.reference} · {subject._meta.verbose_name}"
        return reference, marking, reverse("case-page", args=[case.pk])
    return f"{subject._meta.verbose_name} #{subject.pk}".capitalize(), marking, ""


def event_build(
    *,
    kind: str,
    subject: Model | None = None,
    case=None,
    meeting=None,
    actor=None,
    link: str = "",
    payload: dict | None = None,
) -> Event:
    """The (unsaved) event of a change: its reference, marking and link,
    and the fields the access rule needs to choose its recipients."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown event kind {kind!r}")
    if case is None and subject is not None and getattr(subject, "parent_field", None) == "case":
        case = subject.case
    reference, marking, default_link = event_labels(case=case, subject=subject, meeting=meeting)
    return Event(
        kind=kind,
        case=case,
        meeting=meeting,
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        classification=int(getattr(subject if subject is not None else case, "classification", 0) or 0),
        reference=reference[:100],
        marking=marking[:100],
        link=(link or default_link)[:300],
        payload=payload or {},
    )


def event_record(**fields) -> Event:
    """Write the event of a change (see :func:`event_build`) in the caller's
    transaction (the caller is a service holding one); its dispatch is
    queued only if that transaction commits."""
    event = event_build(**fields)
    event.save()
    transaction.on_commit(partial(_dispatch_on_commit, [event.pk]))
    return event


def events_record_bulk(events: list[Event]) -> list[Event]:
    """Many events at once (feed ingestion): one insert, and on commit
    one sweep with no grace period instead of a task each."""
    from .tasks import sweep_outbox

    created = Event.objects.bulk_create(events, batch_size=500)
    if created:
        transaction.on_commit(lambda: enqueue(sweep_outbox, 0))
    return created


# --- The notification centre ---------------------------------------------------------


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own in-app notifications read (all of them when
    ``ids`` is None); another user's ids are ignored, not an error."""
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def preferences_set(*, user, modes: dict[str, str]) -> None:
    """Set the user's modes, all or none: an unknown kind or mode, or
    switching off a mandatory kind, is refused."""
    errors = {}
    for kind, mode in modes.items():
        if kind not in EventKind.values:
            errors[kind] = _("Unknown kind of event.")
        elif mode not in Mode.values:
            errors[kind] = _("Choose immediately, daily digest or off.")
        elif mode == Mode.OFF and kind in MANDATORY_KINDS:
            errors[kind] = _("This notification cannot be switched off.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, mode in modes.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})


# --- The calendar feed -------------------------------------------------------------------


def calendar_feed_issue(*, user) -> str:
    """Issue (or replace) the user's secret calendar address; returns the
    token, shown once. The old address stops working at once."""
    if not user.is_authenticated:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        CalendarFeed.objects.create(user=user, token_hash=hash_api_key(token))
    return token


def calendar_feed_revoke(*, user) -> int:
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return deleted
