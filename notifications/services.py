"""Writes for notifications.

The delivery pipeline, and why each step is safe to repeat:

1. :func:`event_record` writes an :class:`Event` inside the caller's
   transaction and, on commit, queues ``dispatch_event``. If the broker is
   down the queueing fails quietly (logged); the row is still there.
2. :func:`event_dispatch` computes the recipients and writes their
   notification rows (unique per event, recipient and channel; a rerun
   adds nothing), then queues one e-mail task per immediate e-mail.
3. :func:`notification_send` sends one e-mail holding the row's lock and
   marks it sent in the same transaction: a worker killed before the
   commit leaves it unsent, and Celery (late acknowledgement) or the
   sweeper sends it again; a second run finds it sent and does nothing.
4. :func:`outbox_sweep` (beat) re-queues whatever is still undispatched or
   unsent after a short delay, in batches of :data:`SWEEP_BATCH` ids per
   task: the broker being down loses nothing, and a backlog costs a few
   hundred messages, not one per row.

:func:`reminders_fire` (beat) turns every due reminder into its event in a
fixed number of statements, whatever the backlog, and leaves the dispatch
to one outbox sweep.

E-mails carry the reference, the marking and a link, never the text of a
protected object.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.accounts.services import hash_api_key
from cdt.core.queueing import enqueue

from .models import (
    MANDATORY_KINDS,
    REMINDER_EVENT,
    AboutObject,
    CalendarFeed,
    Channel,
    Deadline,
    DeadlineKind,
    Digest,
    Event,
    EventKind,
    Mode,
    Notification,
    Preference,
    Reminder,
)
from .recipients import audience

# --- Queueing ---------------------------------------------------------------------


def _dispatch_on_commit(event_ids: Iterable[int]) -> None:
    from .tasks import dispatch_event

    for event_id in event_ids:
        enqueue(dispatch_event, event_id)


# --- Events -----------------------------------------------------------------------


def _labels(*, case, subject, meeting) -> tuple[str, str, str]:
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
    reference, marking, default_link = _labels(case=case, subject=subject, meeting=meeting)
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


def mode_for(user_id: int, kind: str, preferences: dict[tuple[int, str], str]) -> str:
    mode = preferences.get((user_id, kind), Mode.IMMEDIATE)
    if mode == Mode.OFF and kind in MANDATORY_KINDS:
        return Mode.IMMEDIATE
    return mode


def event_dispatch(*, event_id: int) -> int:
    """Write the notification rows of one event (idempotent) and queue its
    immediate e-mails; return how many rows this run added."""
    with transaction.atomic():
        event = Event.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=event_id).first()
        if event is None:
            return 0  # gone, or another worker holds it
        recipients = list(audience(event).values_list("pk", "email"))
        preferences = {
            (user_id, kind): mode
            for user_id, kind, mode in Preference.objects.filter(user_id__in=[pk for pk, _ in recipients], kind=event.kind).values_list(
                "user_id", "kind", "mode"
            )
        }
        rows = []
        for user_id, email in recipients:
            mode = mode_for(user_id, event.kind, preferences)
            if mode == Mode.OFF:
                continue
            rows.append(Notification(event=event, recipient_id=user_id, channel=Channel.IN_APP, mode=mode))
            if email:
                rows.append(Notification(event=event, recipient_id=user_id, channel=Channel.EMAIL, mode=mode))
        before = Notification.objects.filter(event=event).count()
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        added = Notification.objects.filter(event=event).count() - before
        event.dispatched_at = event.dispatched_at or timezone.now()
        event.attempts += 1
        event.save(update_fields=["dispatched_at", "attempts"])
        pending = list(
            Notification.objects.filter(event=event, channel=Channel.EMAIL, mode=Mode.IMMEDIATE, sent_at=None).values_list("pk", flat=True)
        )
        transaction.on_commit(partial(_send_on_commit, pending))
    return added


def _send_on_commit(notification_ids: list[int]) -> None:
    from .tasks import send_notification

    for notification_id in notification_ids:
        enqueue(send_notification, notification_id)


def _mail(*, subject: str, body: str, to: str, message_id: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers={"Message-ID": message_id})
    message.send(fail_silently=False)


def email_subject(event: Event) -> str:
    marking = f"[{event.marking}] " if event.marking else ""
    return f"CDT {marking}{event.reference}: {event.get_kind_display()}"


def notification_send(*, notification_id: int) -> bool:
    """Send one immediate e-mail, at most once: the row is locked while the
    mail is handed over and marked sent in the same transaction."""
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "recipient")
            .filter(pk=notification_id, channel=Channel.EMAIL)
            .first()
        )
        if notification is None or notification.sent_at is not None or notification.mode != Mode.IMMEDIATE:
            return False
        event, recipient = notification.event, notification.recipient
        body = render_to_string(
            "notifications/email.txt",
            {
                "events": [event],
                "recipient": recipient,
                "site": settings.CDT_SITE_URL,
            },
        )
        notification.attempts += 1
        try:
            _mail(subject=email_subject(event), body=body, to=recipient.email, message_id=notification.message_id)
        except Exception as error:  # noqa: BLE001 — recorded, then raised for Celery's retry
            failure = error
            notification.last_error = f"{type(error).__name__}: {error}"[:300]
            notification.save(update_fields=["attempts", "last_error"])
        else:
            notification.sent_at = timezone.now()
            notification.save(update_fields=["sent_at", "attempts"])
    if failure is not None:
        raise failure
    return True


def digests_send(*, day: datetime.date | None = None) -> int:
    """One digest e-mail per user with digest-mode e-mails waiting; each
    in its own transaction, at most once a day per user."""
    day = day or timezone.localdate()
    users = (
        Notification.objects.filter(channel=Channel.EMAIL, mode=Mode.DIGEST, sent_at=None).values_list("recipient_id", flat=True).distinct()
    )
    sent = 0
    for user_id in list(users):
        sent += digest_send(user_id=user_id, day=day)
    return sent


def digest_send(*, user_id: int, day: datetime.date) -> int:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(recipient_id=user_id, day=day)
        digest = Digest.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None:
            return 0
        waiting = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("event")
            .filter(recipient_id=user_id, channel=Channel.EMAIL, mode=Mode.DIGEST, sent_at=None)
            .order_by("id")
        )
        if not waiting:
            return 0
        recipient = get_user_model().objects.get(pk=user_id)
        body = render_to_string(
            "notifications/email.txt",
            {
                "events": [n.event for n in waiting],
                "recipient": recipient,
                "site": settings.CDT_SITE_URL,
                "digest": True,
            },
        )
        subject = _("CDT daily digest, %(day)s: %(count)d notifications") % {"day": day.isoformat(), "count": len(waiting)}
        _mail(subject=subject, body=body, to=recipient.email, message_id=digest.message_id)
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(sent_at=now, digest=digest)
        digest.sent_at = now
        digest.save(update_fields=["sent_at"])
    return 1


#: Ids per task queued by :func:`outbox_sweep`: a few kilobytes of JSON per
#: message, and a batch a worker gets through in seconds.
SWEEP_BATCH = 500

#: Ids of each kind one sweep reads at most: ~200 messages and a few
#: megabytes of ids; a larger backlog is taken by the next sweep (30 s later).
SWEEP_LIMIT = 100_000


def _enqueue_batches(task, ids: list[int]) -> int:
    """Queue ``task(batch)`` for each :data:`SWEEP_BATCH` ids; stop at the
    first refusal (the broker is down: no point trying the rest now) and
    return how many ids were queued."""
    queued = 0
    for start in range(0, len(ids), SWEEP_BATCH):
        batch = ids[start : start + SWEEP_BATCH]
        if not enqueue(task, batch):
            break
        queued += len(batch)
    return queued


def outbox_sweep(*, now: datetime.datetime | None = None, grace_seconds: int | None = None) -> dict[str, int]:
    """Re-queue events not dispatched and immediate e-mails not sent after
    ``CDT_OUTBOX_GRACE_SECONDS`` (the broker was down, a worker died, a task
    failed for good), oldest first. Two selects and one task per
    :data:`SWEEP_BATCH` ids, so a backlog of 100,000 rows after an outage
    is 200 broker messages, not 100,000; at most :data:`SWEEP_LIMIT` ids of
    each kind a run, the next run takes the rest. Safe to run any number of
    times: the tasks it queues are idempotent. Returns how many ids of each
    kind were queued."""
    from .tasks import dispatch_events, send_notifications

    now = now or timezone.now()
    grace = settings.CDT_OUTBOX_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = now - datetime.timedelta(seconds=grace)
    events = list(
        Event.objects.filter(dispatched_at=None, created_at__lte=cutoff).order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    mails = list(
        Notification.objects.filter(channel=Channel.EMAIL, mode=Mode.IMMEDIATE, sent_at=None, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    return {"events": _enqueue_batches(dispatch_events, events), "emails": _enqueue_batches(send_notifications, mails)}


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


# --- Deadlines and reminders ------------------------------------------------------------

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
    reference, marking, default_link = _labels(case=case, subject=subject if meeting is None else None, meeting=meeting)
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


#: A reminder found this long after its deadline is not sent (a late scan,
#: after an outage, does not send stale reminders).
REMINDER_STALE_AFTER = datetime.timedelta(hours=1)

#: PostgreSQL: lock the due reminders (skipping those a parallel scan holds),
#: mark them fired, and hand their deadlines to the insert below: one statement.
_FIRE_DUE_POSTGRESQL = """
WITH due AS (
    SELECT {reminder_pk} FROM {reminder} WHERE {fired_at} IS NULL AND {remind_at} <= %(now)s
    FOR UPDATE SKIP LOCKED
), fired AS (
    UPDATE {reminder} r SET {fired_at} = %(now)s FROM due WHERE r.{reminder_pk} = due.{reminder_pk}
    RETURNING r.{reminder_deadline}
)
"""

#: The events of the reminders in ``{fired}`` whose deadline is open and not long past.
_INSERT_REMINDER_EVENTS = """
INSERT INTO {event} ({event_columns})
SELECT {event_values}
FROM {fired} r JOIN {deadline} d ON d.{deadline_pk} = r.{reminder_deadline}
WHERE d.{done_at} IS NULL AND d.{due_at} > %(stale)s {and_due}
"""


def _reminder_sql() -> tuple[dict[str, str], dict[str, str]]:
    """The quoted names the reminder statements use, and the value of each
    event column from the deadline ``d``: what :func:`event_build` would
    give it (what the deadline says of its object, the reminder kind of its
    kind, the deadline and its date as payload) and the defaults Django
    would otherwise apply (raw SQL applies none)."""
    qn = connection.ops.quote_name

    def column(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    names = {
        "reminder": qn(Reminder._meta.db_table),
        "deadline": qn(Deadline._meta.db_table),
        "event": qn(Event._meta.db_table),
        "reminder_pk": column(Reminder, "id"),
        "reminder_deadline": column(Reminder, "deadline"),
        "fired_at": column(Reminder, "fired_at"),
        "remind_at": column(Reminder, "remind_at"),
        "deadline_pk": column(Deadline, "id"),
        "done_at": column(Deadline, "done_at"),
        "due_at": column(Deadline, "due_at"),
    }
    deadline_id, due_at = f"d.{names['deadline_pk']}", f"d.{names['due_at']}"
    if connection.vendor == "postgresql":  # a timestamptz in JSON is ISO 8601 (the session is in UTC)
        payload = f"jsonb_build_object('deadline', {deadline_id}, 'due_at', {due_at})"
    else:  # SQLite stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
        payload = f"json_object('deadline', {deadline_id}, 'due_at', replace({due_at}, ' ', 'T') || '+00:00')"
    kind = " ".join(f"WHEN %(deadline_kind_{i})s THEN %(event_kind_{i})s" for i in range(len(REMINDER_EVENT)))
    values = {
        **{column(Event, f.name): f"d.{column(Deadline, f.name)}" for f in AboutObject._meta.local_fields},
        column(Event, "kind"): f"CASE d.{column(Deadline, 'kind')} {kind} END",
        column(Event, "payload"): payload,
        column(Event, "actor"): "NULL",
        column(Event, "created_at"): "%(created_at)s",
        column(Event, "dispatched_at"): "NULL",
        column(Event, "attempts"): "0",
    }
    return names, values


def reminders_fire(*, now: datetime.datetime | None = None) -> int:
    """Fire every due reminder, each once, in one transaction of a fixed
    number of statements however many are due (a backlog of 100,000 after
    an outage is one sweep, not 700,000 queries): mark them fired, write
    the event of each whose deadline is open and not long past (a late
    scan does not send stale reminders), and on commit queue one outbox
    sweep instead of a task per event. Returns how many events it wrote.

    PostgreSQL: one statement, the due rows locked ``SKIP LOCKED``, so
    parallel scans never fire the same reminder. SQLite has no row locks
    but one writer at a time: the insert takes the write lock, and the
    update that follows (same condition) marks exactly the rows it read."""
    from .tasks import sweep_outbox

    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "now": adapt(now),
        "stale": adapt(now - REMINDER_STALE_AFTER),
        "created_at": adapt(timezone.now()),  # as auto_now_add would: the clock the outbox sweep compares with
    }
    for i, (deadline_kind, event_kind) in enumerate(REMINDER_EVENT.items()):
        params[f"deadline_kind_{i}"], params[f"event_kind_{i}"] = deadline_kind.value, event_kind.value
    names, values = _reminder_sql()
    insert = partial(_INSERT_REMINDER_EVENTS.format, **names, event_columns=", ".join(values), event_values=", ".join(values.values()))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_FIRE_DUE_POSTGRESQL.format(**names) + insert(fired="fired", and_due=""), params)
            written = cursor.rowcount
        else:
            due = "AND r.{fired_at} IS NULL AND r.{remind_at} <= %(now)s".format(**names)
            cursor.execute(insert(fired=names["reminder"], and_due=due), params)
            written = cursor.rowcount
            Reminder.objects.filter(fired_at=None, remind_at__lte=now).update(fired_at=now)
        if written:
            transaction.on_commit(lambda: enqueue(sweep_outbox, 0))
    return written


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
