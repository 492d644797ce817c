"""Issue 25 made list reads write: every list showing classified rows
records one READ entry (since issue 29 queued without a lock, then linked
into the hash chain: decision 0032). Simultaneous readers must then
all get their list, on SQLite too (the embedded default serialises its
writers: ``IMMEDIATE`` transactions with a busy timeout, decision 0021),
and the chain must stay whole.

A threaded live server on the test database (a file on SQLite), twenty
readers at once.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bench.load import run_in_own_loop
from cdt.accounts.scopes import READ
from cdt.accounts.services import api_token_issue
from cdt.security.audit import audit_chain_reads, audit_verify
from cdt.security.models import AuditEntry

from .cases_support import cast, open_case  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 20


def test_simultaneous_list_reads_all_answer_and_keep_the_chain(live_server, cast, open_case):
    open_case(title="Wiper attack on grid operators")  # RESTREINT UE: each list read is audited
    tokens = [api_token_issue(user=cast[name], name="reader", scopes=[READ])[1] for name in ("delegate", "other_delegate", "chair", "eeas")]
    audit_chain_reads()  # reads are queued, then chained (decision 0032)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()

    async def read_all():
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60, limits=httpx.Limits(max_connections=READERS)) as client:
            return await asyncio.gather(
                *(
                    client.get(
                        "/api/v1/cases/", headers={"Authorization": f"Token {tokens[n % len(tokens)]}", "X-Forwarded-Proto": "https"}
                    )
                    for n in range(READERS)
                )
            )

    answers = run_in_own_loop(read_all)
    assert [answer.status_code for answer in answers] == [200] * READERS, [
        answer.text[:200] for answer in answers if answer.status_code != 200
    ]
    audit_chain_reads()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ).count() == before + READERS
    assert audit_verify()[1] is None
