"""Delivery guarantees, against the real parts (the CI's PostgreSQL + Redis
lane; skipped in the embedded mode):

1. With the broker unreachable, 50 actions over the API all succeed
   quickly and leave 50 events in the outbox; once it is back, the
   sweeper and a real worker deliver every notification, none twice.
2. A worker SIGKILLed in the middle of a batch (while it is handing an
   e-mail to the SMTP relay) loses nothing: after a restart every
   notification is delivered exactly once.

The counts are printed (``-s``) for the issue note.
"""

from __future__ import annotations

import asyncio
import collections
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from cdt.celery import app
from notifications import outbox
from notifications.models import Channel, Event, EventKind, Notification
from notifications.recipients import audience

from .test_case_api import NEW_CASE

pytestmark = [pytest.mark.integration]
CLOSED_PORT = "redis://127.0.0.1:1/0"
ROOT = Path(__file__).resolve().parent.parent


def point_broker_at(url: str) -> None:
    """Repoint the Celery app (and drop its pooled connections)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def wait_until(condition, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def delivered() -> bool:
    return (
        not Event.objects.filter(dispatched_at=None).exists()
        and not Notification.objects.filter(channel=Channel.EMAIL, sent_at=None).exists()
    )


def expected_rows() -> dict[int, set[int]]:
    return {event.pk: set(audience(event).values_list("pk", flat=True)) for event in Event.objects.all()}


def assert_each_once(message_ids: list[str]) -> None:
    rows = Notification.objects.filter(channel=Channel.EMAIL)
    assert {row.message_id for row in rows} == set(message_ids)
    duplicates = {mid: n for mid, n in collections.Counter(message_ids).items() if n > 1}
    assert not duplicates
    for event_id, recipients in expected_rows().items():
        for channel in (Channel.IN_APP, Channel.EMAIL):
            told = set(Notification.objects.filter(event_id=event_id, channel=channel).values_list("recipient_id", flat=True))
            assert told == recipients, (event_id, channel)


def test_with_the_broker_down_actions_succeed_and_nothing_is_lost(transactional_db, cast):
    from celery.contrib.testing.worker import start_worker

    real_broker = app.conf.broker_url
    client_timings = []
    redis_down = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CLOSED_PORT,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
    }
    from django.test import Client

    client = Client()
    client.force_login(cast["eeas"])
    point_broker_at(CLOSED_PORT)
    try:
        with override_settings(CACHES={"default": redis_down}):
            statuses = []
            for index in range(50):
                started = time.monotonic()
                response = client.post("/api/v1/cases/", {**NEW_CASE, "title": f"Campaign {index}"}, content_type="application/json")
                client_timings.append(time.monotonic() - started)
                statuses.append(response.status_code)
            for url in ("/", "/notifications/", "/api/v1/notifications/", "/api/v1/cases/"):
                started = time.monotonic()
                statuses.append(client.get(url).status_code)
                client_timings.append(time.monotonic() - started)
    finally:
        point_broker_at(real_broker)
    assert statuses == [201] * 50 + [200] * 4
    assert max(client_timings) < 10, max(client_timings)  # bounded by the connection timeouts, never a hang
    assert Event.objects.filter(kind=EventKind.CASE_OPENED, dispatched_at=None).count() == 50
    assert not Notification.objects.exists()
    mail.outbox.clear()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        queued = outbox.outbox_sweep(grace_seconds=0)  # what beat does every 30 s
        wait_until(delivered, what="delivery after the broker came back")
    assert queued["events"] == 50
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert_each_once(ids)
    print(
        f"\nbroker down: 50 actions, 0 errors, slowest {max(client_timings):.3f}s; "
        f"50 events kept; after restore {Notification.objects.count()} notifications, {len(ids)} e-mails, 0 twice"
    )


class StallingRelay:
    """An SMTP relay (aiosmtpd) that accepts messages and, on the
    ``stall_at``-th one, holds the DATA reply until released, so the test
    can kill the worker while it is inside the hand-over."""

    def __init__(self, stall_at: int):
        self.stall_at, self.seen = stall_at, 0
        self.accepted: list[str] = []
        self.stalled, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted"
        message = email.message_from_bytes(envelope.content)
        self.accepted.append(message["Message-ID"])
        return "250 OK"


def start_worker_process(smtp_port: int, name: str) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cdt.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cdt",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(transactional_db, cast, open_case):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database: PostgreSQL only")
    from aiosmtpd.controller import Controller

    relay = StallingRelay(stall_at=25)
    with socket.socket() as probe:  # a free port (aiosmtpd's start() connects to the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    workers = []
    try:
        for _ in range(20):
            open_case()  # each queues its event's dispatch on commit, into Redis
        workers.append(start_worker_process(controller.port, "first"))
        assert relay.stalled.wait(120), "the worker never reached the 25th e-mail"
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(30)
        relay.release.set()
        mid_batch = {
            "sent": Notification.objects.filter(channel=Channel.EMAIL).exclude(sent_at=None).count(),
            "unsent": Notification.objects.filter(channel=Channel.EMAIL, sent_at=None).count(),
            "undispatched": Event.objects.filter(dispatched_at=None).count(),
        }
        assert mid_batch["unsent"] + mid_batch["undispatched"] > 0  # killed with work left
        workers.append(start_worker_process(controller.port, "second"))
        outbox.outbox_sweep(grace_seconds=0)  # what beat does every 30 s
        wait_until(delivered, timeout=180, what="delivery after the restart")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(30)
        controller.stop()
    assert_each_once(relay.accepted)
    print(
        f"\nworker SIGKILLed mid-batch ({mid_batch}); after restart {Event.objects.count()} events, "
        f"{Notification.objects.filter(channel=Channel.IN_APP).count()} in-app, {len(relay.accepted)} e-mails accepted, 0 twice"
    )
