"""Queueing Celery tasks from requests and services without ever failing
(or hanging) the caller when the broker is unreachable: the work is in a
database row, and a beat sweep queues it again later."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue ``task(*args)``; False (logged) if the broker refused. Bounded
    by ``CELERY_BROKER_CONNECTION_TIMEOUT``: no publish retries."""
    try:
        task.apply_async(args=args, retry=False, ignore_result=True)
    except Exception as error:  # noqa: BLE001 — any broker failure: the row keeps the work
        logger.warning("could not queue %s%s: %s (a sweep will queue it again)", task.name, args, error)
        return False
    return True
