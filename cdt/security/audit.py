"""Appending to and verifying the audit trail.

Every entry is chained to the previous one by SHA-256. Appends serialise on
the single :class:`AuditHead` row (``SELECT … FOR UPDATE``), so the chain
never forks under concurrency; the entry itself is inserted once and never
touched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEntry, AuditHead
from .types import AnyUser, is_signed_in

GENESIS_HASH = "0" * 64


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


def audit_record(
    *,
    action: str,
    actor: AnyUser = None,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry. Runs in its own (nested) transaction; call it inside
    the business transaction so the entry commits or rolls back with it."""
    if not is_signed_in(actor):
        actor = None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            id=head.last_id + 1,
            at=timezone.now(),
            actor=actor,
            actor_name=actor_name or (actor.get_username() if actor else ""),
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            object_repr=str(target)[:300] if target is not None else "",
            details=details or {},
            ip_address=client_ip(request),
            previous_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_id, head.last_hash = entry.id, entry.entry_hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str


def audit_verify(batch_size: int = 2000) -> tuple[int, AuditProblem | None]:
    """Recompute the chain from the first entry. Returns how many entries
    were checked and the first problem found (an edited entry, a deleted or
    inserted one, or a head that does not match the last entry)."""
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
    return checked, None
