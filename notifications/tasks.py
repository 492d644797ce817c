"""Celery tasks: thin, each loads by id and calls a service. All are
idempotent, so late acknowledgement (a task redelivered after a worker
dies) and the sweeper's re-queueing never deliver anything twice."""
from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError

from . import services

RETRY = {"autoretry_for": (SMTPException, OSError, DatabaseError), "retry_backoff": 5, "retry_backoff_max": 300,
         "retry_jitter": True, "max_retries": 8, "ignore_result": True}


@shared_task(name="notifications.dispatch_event", **RETRY)
def dispatch_event(event_id: int) -> int:
    return services.event_dispatch(event_id=event_id)


@shared_task(name="notifications.send_notification", **RETRY)
def send_notification(notification_id: int) -> bool:
    return services.notification_send(notification_id=notification_id)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox(grace_seconds: int | None = None) -> dict:
    return services.outbox_sweep(grace_seconds=grace_seconds)


@shared_task(name="notifications.fire_reminders", ignore_result=True)
def fire_reminders() -> int:
    return services.reminders_fire()


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    return services.digests_send()
