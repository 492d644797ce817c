"""The outbox: an event's notification rows written and its immediate
e-mails queued (:func:`event_dispatch`), and the sweep that re-queues what a
broker outage or a dead worker left behind (:func:`outbox_sweep`). Each step
is safe to repeat (see :mod:`notifications.services`)."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cdt.core.queueing import enqueue

from .models import MANDATORY_KINDS, Channel, Event, Mode, Notification, Preference
from .recipients import audience


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
