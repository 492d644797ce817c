"""Issue 29 (decision 0032): chainers, writers and readers at once on
PostgreSQL, each in a thread with its own connection. The head's row lock
serialises the chainers and the writers, so the chain never forks, never
chains a read twice and never reorders the queue; beat's chainer skips a
run while the head is locked (``SKIP LOCKED``), a waiting one follows.

PostgreSQL only (SQLite serialises every writer at BEGIN, decision 0021);
the CI's PostgreSQL lane runs it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from cdt.security.audit import audit_chain_reads, audit_read, audit_record, audit_verify
from cdt.security.models import AuditEntry, AuditHead, PendingRead
from cdt.security.tasks import chain_audit_reads

pytestmark = pytest.mark.django_db(transaction=True)

READ, EXPORT = AuditEntry.Action.READ, AuditEntry.Action.EXPORT


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and SKIP LOCKED: PostgreSQL (the CI's PostgreSQL lane runs this)")


def own_connection(function):
    """``function`` for a thread: it closes the thread's connection when done."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return run


def wait_until(condition, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_chainers_writers_and_readers_at_once_never_fork_or_reorder_the_chain():
    audit_record(action=EXPORT, details={"n": -1})
    queued = [audit_read(actor=None, details={"n": n}).id for n in range(40)]
    start = threading.Barrier(7)

    def chainer(wait: bool) -> int:
        start.wait()
        return sum(audit_chain_reads(batch_size=5, batches=1, wait=wait) for _ in range(30))

    def writer(first: int) -> None:
        start.wait()
        for n in range(first, first + 10):
            audit_record(action=EXPORT, details={"n": n})

    def reader() -> list[int]:
        start.wait()  # one reader: its reads commit in id order, so the chain must take them in id order
        return [audit_read(actor=None, details={"n": n}).id for n in range(40, 70)]

    with ThreadPoolExecutor(7) as pool:
        chainers = [pool.submit(own_connection(chainer), wait) for wait in (True, True, True, False)]
        writers = [pool.submit(own_connection(writer), first) for first in (100, 200)]
        later = pool.submit(own_connection(reader))
        for future in writers:
            future.result()
        queued += later.result()
        linked = sum(future.result() for future in chainers)
    linked += audit_chain_reads()

    assert linked == 70 and not PendingRead.objects.exists()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [entry.id for entry in entries] == list(range(1, 92))  # 1 + 70 reads + 20 writes, no gap, no fork
    assert [entry.pending_id for entry in entries if entry.action == READ] == queued  # each once, in id order
    assert sorted(entry.details["n"] for entry in entries if entry.action == EXPORT) == [-1, *range(100, 110), *range(200, 210)]
    assert audit_verify() == (91, None)


def test_beats_chainer_skips_while_the_head_is_locked_and_a_waiting_chainer_follows():
    audit_record(action=EXPORT, details={"n": 0})
    audit_read(actor=None, details={"n": 1})
    audit_read(actor=None, details={"n": 2})
    locked, release = threading.Event(), threading.Event()

    def hold_the_head() -> None:
        with transaction.atomic():
            AuditHead.objects.select_for_update().get(pk=1)
            locked.set()
            release.wait(30)

    def waiting_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            return cursor.fetchone()[0] > 0

    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(own_connection(hold_the_head))
        assert locked.wait(30)
        assert chain_audit_reads() == 0  # beat's run: skipped at once, not queued behind the holder
        assert PendingRead.objects.count() == 2
        waiting = pool.submit(own_connection(audit_chain_reads))  # wait=True: queues for the lock
        wait_until(waiting_for_a_lock, what="the second chainer to wait for the head")
        release.set()
        holder.result()
        assert waiting.result() == 2
    assert not PendingRead.objects.exists() and audit_verify() == (3, None)
