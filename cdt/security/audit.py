"""Appending to and verifying the audit trail.

Every entry is chained to the previous one by SHA-256. A write (a login, a
change, a grant, a transition, an export) appends under the lock of the
single :class:`AuditHead` row (``SELECT … FOR UPDATE``), so the chain never
forks under concurrency; the entry itself is inserted once and never
touched again.

Reads of classified objects are most of the trail, and a page view must not
queue behind every other page view for that one lock (issue 29, decision
0032). :func:`audit_read` inserts a :class:`PendingRead` and takes no lock;
:func:`audit_chain_reads` (a beat task every few seconds; in the embedded
mode right after the read commits) links the queue into the chain in id
order, one head lock per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEntry, AuditHead, PendingRead
from .types import AnyUser, is_signed_in

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64

#: What each read recorded in the block of :func:`reads_recorded` named,
#: for :func:`audit_read_again` (a kept page shown again is read again).
_recording: ContextVar[list[dict[str, Any]] | None] = ContextVar("cdt_recorded_reads", default=None)
#: What a read names besides who and from where: the same on every showing.
_READ_SUBJECT = ("object_type", "object_id", "object_repr", "details")

#: Reads linked into the chain under one lock of its head, and batches per
#: run: a run ends within a bounded time, the next one takes the rest.
CHAIN_BATCH = 500
CHAIN_BATCHES_PER_RUN = 20


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def current_request() -> HttpRequest | None:
    """The request this thread is serving, if any (django-simple-history's
    middleware keeps it for the length of the request): how a model signal
    learns who made a change in the console or the API."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def current_actor() -> AnyUser:
    """The signed-in user of :func:`current_request`; None outside a request
    (a shell, a management command, a Celery task) or before sign-in."""
    user = getattr(current_request(), "user", None)
    return user if is_signed_in(user) else None


def _described(
    *, actor: AnyUser, target: Model | None, details: dict[str, Any] | None, request: HttpRequest | None, actor_name: str | None
) -> dict[str, Any]:
    """What an entry says, chained now or later: who, what, from where
    (when is the caller's: a write takes the time once it holds the head,
    so the chain's times never go back)."""
    user = actor if is_signed_in(actor) else None
    return {
        "actor": user,
        "actor_name": actor_name or (user.get_username() if user else ""),
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "object_repr": str(target)[:300] if target is not None else "",
        "details": details or {},
        "ip_address": client_ip(request),
    }


def audit_record(
    *,
    action: str,
    actor: AnyUser = None,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain, under the head's lock. Runs in its own
    (nested) transaction; call it inside the business transaction so the
    entry commits or rolls back with it. Reads go through :func:`audit_read`."""
    if action == AuditEntry.Action.READ:
        raise ValueError("a read is recorded by audit_read, without the chain's lock (decision 0032)")
    described = _described(actor=actor, target=target, details=details, request=request, actor_name=actor_name)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(id=head.last_id + 1, at=timezone.now(), action=action, previous_hash=head.last_hash, **described)
        entry.entry_hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_id, head.last_hash = entry.id, entry.entry_hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def audit_read(
    *,
    actor: AnyUser,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> PendingRead:
    """Record one read of classified objects: one INSERT into the queue, no
    lock, so simultaneous readers never wait for each other. The chainer
    links it into the chain within seconds (beat); until then it is listed
    with the trail but not yet protected by the hash chain (decision 0032).

    Without a broker (the embedded mode) there is no beat: the chainer runs
    in-process once the read commits, never inside the caller's transaction
    (which may already hold the head, and would hold it longer)."""
    described = _described(actor=actor, target=target, details=details, request=request, actor_name=None)
    recording = _recording.get()
    if recording is not None:
        recording.append({field: described[field] for field in _READ_SUBJECT})
    return _queued(described)


def _queued(described: dict[str, Any]) -> PendingRead:
    read = PendingRead.objects.create(at=timezone.now(), **described)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(_chain_after_read)
    return read


@contextmanager
def reads_recorded() -> Iterator[list[dict[str, Any]]]:
    """Collect what every :func:`audit_read` in the block names (the
    objects, the details), so that a response kept and shown again records
    the same reads again (:mod:`cdt.security.kept`): a reader is audited for
    every showing, whether or not it was computed."""
    outer = _recording.get()
    recorded: list[dict[str, Any]] = []
    token = _recording.set(recorded)
    try:
        yield recorded
    finally:
        _recording.reset(token)
        if outer is not None:  # a block within another: the outer answer made these reads too
            outer.extend(recorded)


def audit_read_again(*, actor: AnyUser, subject: dict[str, Any], request: HttpRequest | None = None) -> PendingRead:
    """Record again a read that :func:`reads_recorded` collected: the same
    objects and details, now, by ``actor``, from ``request``'s address."""
    described = _described(actor=actor, target=None, details=None, request=request, actor_name=None)
    described.update({field: subject[field] for field in _READ_SUBJECT})
    return _queued(described)


def _chain_after_read() -> None:
    """The embedded mode's chainer: a failure is logged, never raised into
    the page that read (its read is in the queue; the next read chains it)."""
    try:
        audit_chain_reads(wait=True)
    except Exception:  # any failure: the queue keeps the read for the next run
        logger.exception("could not chain the pending audit reads (the next run will)")


def audit_chain_reads(*, batch_size: int = CHAIN_BATCH, batches: int = CHAIN_BATCHES_PER_RUN, wait: bool = True) -> int:
    """Link the queue of pending reads into the chain, oldest id first,
    after every entry already chained; returns how many were linked.

    Safe to run twice at once: each batch holds the head's lock while it
    reads the queue, appends and removes what it appended, so a second
    chainer sees the first one's work or waits for it. ``wait=False`` (the
    beat task, on PostgreSQL) skips the run when the head is locked: a write
    or another chainer is appending, and the next run takes the rest."""
    linked = 0
    for _ in range(batches):
        done = _chain_batch(batch_size=batch_size, wait=wait)
        if done is None:
            break
        linked += done
        if done < batch_size:
            break
    return linked


def _chain_batch(*, batch_size: int, wait: bool) -> int | None:
    """One batch under one head lock; None when the head was busy."""
    with transaction.atomic():
        head = _head_locked(wait=wait)
        if head is None:
            return None
        reads = list(PendingRead.objects.order_by("id")[:batch_size])
        if not reads:
            return 0
        entries, last_id, last_hash = [], head.last_id, head.last_hash
        for read in reads:
            entry = AuditEntry(
                id=last_id + 1,
                at=read.at,
                actor_id=read.actor_id,
                actor_name=read.actor_name,
                action=AuditEntry.Action.READ,
                object_type=read.object_type,
                object_id=read.object_id,
                object_repr=read.object_repr,
                details=read.details,
                ip_address=read.ip_address,
                previous_hash=last_hash,
                pending_id=read.id,
            )
            entry.entry_hash = entry.compute_hash()
            entries.append(entry)
            last_id, last_hash = entry.id, entry.entry_hash
        AuditEntry.objects.bulk_create(entries)
        # By id, never "up to the last id": a read with a smaller id may have
        # committed since the queue was read, and must stay queued.
        removed, _ = PendingRead.objects.filter(id__in=[read.id for read in reads]).delete()
        if removed != len(reads):
            raise RuntimeError(f"the audit read queue changed under the chain's lock ({removed} of {len(reads)} removed)")
        head.last_id, head.last_hash = last_id, last_hash
        head.save(update_fields=["last_id", "last_hash"])
    return len(reads)


def _head_locked(*, wait: bool) -> AuditHead | None:
    """The head, locked for this transaction; None if ``wait`` is false and
    another transaction holds it (PostgreSQL's ``SKIP LOCKED``; SQLite has
    no row locks: its transactions already queue for the one write lock)."""
    if not wait and connection.features.has_select_for_update_skip_locked:
        head = AuditHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if head is not None or AuditHead.objects.filter(pk=1).exists():
            return head
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str
    #: What ``entry_id`` numbers: a chained "entry", or a "pending read" in the queue.
    subject: str = "entry"


def pending_bound() -> timedelta:
    """How long a read may wait for the chain before a stalled chainer is a finding."""
    return timedelta(seconds=settings.CDT_AUDIT_PENDING_MAX_SECONDS)


def audit_verify(batch_size: int = 2000, *, bound: timedelta | None = None) -> tuple[int, AuditProblem | None]:
    """Recompute the chain from the first entry, then look at the queue of
    reads not yet chained. Returns how many entries were checked and the
    first problem found: an edited entry, a deleted or inserted one, a head
    that does not match the last entry; a read waiting longer than
    ``bound`` (a stalled chainer); a queued read that is already chained.

    On PostgreSQL, outside a transaction, it reads one snapshot, so entries
    appended while it runs are not mistaken for a head pointing past the
    end. (SQLite's transactions take the write lock: a long verification
    there reads without one, as before.)"""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _verify(batch_size, pending_bound() if bound is None else bound)
    return _verify(batch_size, pending_bound() if bound is None else bound)


def _verify(batch_size: int, bound: timedelta) -> tuple[int, AuditProblem | None]:
    previous_hash, expected_id, checked = GENESIS_HASH, 1, 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.id != expected_id:
            return checked, AuditProblem(expected_id, f"entry #{expected_id} is missing (next present is #{entry.id})")
        if entry.previous_hash != previous_hash:
            return checked, AuditProblem(entry.id, "does not follow the previous entry (an entry was deleted or replaced)")
        if entry.compute_hash() != entry.entry_hash:
            return checked, AuditProblem(entry.id, "its content no longer matches its hash (the entry was edited)")
        previous_hash, expected_id, checked = entry.entry_hash, expected_id + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id, head.last_hash) != (expected_id - 1, previous_hash):
        return checked, AuditProblem(head.last_id, "the newest entries were deleted (the chain head points past the end)")
    return checked, _queue_problem(bound)


def _queue_problem(bound: timedelta) -> AuditProblem | None:
    """A queued read already chained (put back, or never taken out), or the
    oldest read waiting longer than ``bound``."""
    chained = AuditEntry.objects.filter(pending_id__isnull=False).values("pending_id")
    twice = PendingRead.objects.filter(id__in=chained).order_by("id").first()
    if twice is not None:
        entry_id = AuditEntry.objects.filter(pending_id=twice.id).values_list("id", flat=True).first()
        return AuditProblem(twice.id, f"is queued although entry #{entry_id} already chained it", subject="pending read")
    stale = PendingRead.objects.filter(at__lt=timezone.now() - bound).order_by("id").first()
    if stale is not None:
        return AuditProblem(
            stale.id,
            f"has waited for the chain since {stale.at:%Y-%m-%d %H:%M:%S} UTC, longer than {bound}: the chainer has stalled (is beat running?)",
            subject="pending read",
        )
    return None


def pending_reads() -> tuple[int, datetime | None]:
    """How many reads wait for the chain, and when the oldest was recorded (or None)."""
    queue = PendingRead.objects.order_by("id")
    oldest = queue.values_list("at", flat=True).first()
    return queue.count(), oldest
