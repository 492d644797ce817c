"""Operational records that are not domain data."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the beat-scheduled heartbeat.

    Notifications and deadlines depend on a live worker and beat; this row is
    how the status endpoint and the secretariat tell that both are alive.
    """

    hostname = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
