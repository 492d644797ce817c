"""Writes of operational records."""

from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that ``hostname`` is alive now (one row per worker)."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"beat_at": timezone.now()})
    return heartbeat
