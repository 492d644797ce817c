"""Celery tasks of the core app: thin, they call a service."""

import socket

from celery import shared_task

from . import services


@shared_task(bind=True, name="cdt.core.tasks.record_worker_heartbeat")
def record_worker_heartbeat(self) -> int:
    """Scheduled by beat every minute; returns the heartbeat row's id."""
    hostname = self.request.hostname or socket.gethostname()
    return services.worker_heartbeat_record(hostname=hostname).pk
