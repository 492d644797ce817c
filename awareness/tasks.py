"""Celery tasks of the awareness app (thin: load by id, call the service)."""

from celery import shared_task

from .ingestion import feed_ingestion_process, feed_ingestions_requeue
from .models import FeedIngestion


@shared_task(acks_late=True)
def process_feed_ingestion(ingestion_id: str) -> str:
    """Ingest a large bundle accepted with 202. Idempotent: an ingestion that
    is no longer pending (already run, or its payload gone) is left alone."""
    ingestion = FeedIngestion.objects.select_related("posted_by__organisation", "token").get(pk=ingestion_id)
    if ingestion.status != FeedIngestion.Status.PENDING or ingestion.payload is None:
        return ingestion.status
    return feed_ingestion_process(ingestion=ingestion).status


@shared_task(name="awareness.requeue_pending_ingestions", ignore_result=True)
def requeue_pending_ingestions() -> int:
    return feed_ingestions_requeue()
