"""Celery tasks: thin, each loads by id and calls a service. All are
idempotent, so late acknowledgement (a task redelivered after a worker
dies) and the sweeper's re-queueing never deliver anything twice."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError

from . import mail, outbox, reminders

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (SMTPException, OSError, DatabaseError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,
}


@shared_task(name="notifications.dispatch_event", **RETRY)
def dispatch_event(event_id: int) -> int:
    return outbox.event_dispatch(event_id=event_id)


@shared_task(name="notifications.send_notification", **RETRY)
def send_notification(notification_id: int) -> bool:
    return mail.notification_send(notification_id=notification_id)


def _each(service, key: str, ids: list[int]) -> list:
    """``service`` on every id of a batch, even after one fails (a refused
    address must not hold back the rest of the batch at each retry); the
    first failure is raised at the end, so Celery retries the batch, whose
    ids already done are no-ops the second time."""
    results, failure = [], None
    for pk in ids:
        try:
            results.append(service(**{key: pk}))
        except Exception as error:  # noqa: BLE001 — raised below, once the rest of the batch is done
            logger.warning("%s(%s=%s) failed: %s", service.__name__, key, pk, error)
            failure = failure or error
    if failure is not None:
        raise failure
    return results


@shared_task(name="notifications.dispatch_events", **RETRY)
def dispatch_events(event_ids: list[int]) -> int:
    """A batch of :func:`dispatch_event` (queued by the outbox sweep)."""
    return sum(_each(outbox.event_dispatch, "event_id", event_ids))


@shared_task(name="notifications.send_notifications", **RETRY)
def send_notifications(notification_ids: list[int]) -> int:
    """A batch of :func:`send_notification` (queued by the outbox sweep)."""
    return sum(_each(mail.notification_send, "notification_id", notification_ids))


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox(grace_seconds: int | None = None) -> dict:
    return outbox.outbox_sweep(grace_seconds=grace_seconds)


@shared_task(name="notifications.fire_reminders", ignore_result=True)
def fire_reminders() -> int:
    return reminders.reminders_fire()


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    return mail.digests_send()
