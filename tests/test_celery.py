"""Celery: in-process in the embedded mode, a real worker over Redis in the
production-like mode (tests marked ``integration``, run by the CI's second lane)."""

import pytest
from django.conf import settings

from cdt.core.models import WorkerHeartbeat
from cdt.core.tasks import record_worker_heartbeat


@pytest.mark.django_db
def test_embedded_mode_runs_tasks_in_process():
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured: the integration test covers this")
    result = record_worker_heartbeat.delay()
    assert WorkerHeartbeat.objects.filter(pk=result.get()).exists()


def test_beat_schedules_the_heartbeat():
    assert settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["task"] == record_worker_heartbeat.name


@pytest.mark.django_db
def test_status_reports_mode_and_heartbeat(client, delegate):
    client.force_login(delegate)
    status = client.get("/api/v1/status/").json()
    assert status["last_worker_heartbeat"] is None
    assert status["celery_mode"] == ("in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "broker")
    from cdt.core.services import worker_heartbeat_record

    worker_heartbeat_record(hostname="worker@test")
    status = client.get("/api/v1/status/").json()
    assert status["last_worker_heartbeat"] is not None
    assert 0 <= status["worker_heartbeat_age_seconds"] < 60


@pytest.mark.integration
def test_real_worker_runs_a_task_through_redis(celery_worker_thread, directory):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = record_worker_heartbeat.delay()
    heartbeat_id = result.get(timeout=30)
    assert result.status == "SUCCESS"
    assert type(result.backend).__name__ == "RedisBackend"
    heartbeat = WorkerHeartbeat.objects.get(pk=heartbeat_id)
    assert heartbeat.hostname in (celery_worker_thread.hostname, celery_worker_thread.hostname.split("@")[-1])
