"""Celery tasks of the security app: thin, they call a service."""

from __future__ import annotations

from celery import shared_task

from .audit import audit_chain_reads


@shared_task(name="cdt.security.tasks.chain_audit_reads", ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def chain_audit_reads() -> int:
    """Scheduled by beat every few seconds: link the reads queued since the
    last run into the audit chain (decision 0032). It skips a run while the
    chain's head is locked (PostgreSQL): a write or another chainer holds
    it, and the next run takes the rest. Returns how many were linked."""
    return audit_chain_reads(wait=False)
