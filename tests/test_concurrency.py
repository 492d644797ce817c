"""Races over HTTP against real gunicorn workers (processes and threads) on
PostgreSQL: what the test client, one request at a time, cannot show.

- 50 simultaneous requests for one transition: exactly one 200, the rest
  409, one row in the transition log, the audit chain intact;
- 27 delegations setting their positions on one question at once: 27
  positions, none lost.

PostgreSQL only (SQLite serialises every writer); the CI's PostgreSQL lane
runs it."""

import asyncio
from collections import Counter

import httpx
import pytest
from django.contrib.auth.models import Group
from django.db import connection

from bench.load import run_in_own_loop
from bench.server import gunicorn
from cases.models import Case, CaseState, CaseTransition
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.directory.models import CouncilBody, MemberState
from cdt.security.audit import audit_verify
from cdt.security.grants import access_grant
from council import services as council_services
from council.models import Position, PositionValue

from .cases_support import cast, open_case, walk_to  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.hostile]


@pytest.fixture
def served():
    if connection.vendor != "postgresql":
        pytest.skip("races need row locks and parallel writers: PostgreSQL (the CI's PostgreSQL lane runs this)")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    environment = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cdt.settings.test", "CDT_API_TOKEN_RATE": "100000/min"}
    with gunicorn(environment, workers=3, threads=12) as (base_url, _pid):
        yield base_url


def burst(base_url: str, requests: list[tuple[str, str, str, dict]]) -> list[httpx.Response]:
    """Send every (method, path, token, body) at once."""

    async def send():
        async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=httpx.Limits(max_connections=len(requests))) as client:
            return await asyncio.gather(
                *(
                    client.request(method, path, json=body, headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"})
                    for method, path, token, body in requests
                )
            )

    return run_in_own_loop(send)


def test_fifty_simultaneous_transitions_exactly_one_wins(served, cast, open_case):
    case = open_case()
    token = api_token_issue(user=cast["chair"], name="race", scopes=[READ, WRITE])[1]
    answers = burst(served, [("POST", f"/api/v1/cases/{case.pk}/transitions/share_awareness/", token, {})] * 50)
    assert Counter(answer.status_code for answer in answers) == {200: 1, 409: 49}, [answer.text[:200] for answer in answers[:3]]
    refused = next(answer for answer in answers if answer.status_code == 409).json()
    assert refused["state"] == CaseState.AWARENESS
    assert CaseTransition.objects.filter(case=case, transition="share_awareness").count() == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.AWARENESS
    assert audit_verify()[1] is None


def test_twenty_seven_delegations_set_their_positions_at_once(served, cast, open_case, make_user):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    access_grant(target=case, by=cast["delegate"], group=Group.objects.get(name=GROUP_NAMES[Role.HWPCI_DELEGATE]))
    question = council_services.question_put(
        by=cast["chair"], case=case, text="Adopt the options", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
    )
    states = list(MemberState.objects.current().order_by("protocol_order"))
    assert len(states) == 27
    tokens = {
        state.code: api_token_issue(user=make_user(f"race-{state.code.lower()}", state.code), name="race", scopes=[READ, WRITE])[1]
        for state in states
    }
    answers = burst(
        served,
        [
            ("PUT", f"/api/v1/questions/{question.pk}/positions/{code}/", token, {"value": PositionValue.SUPPORT})
            for code, token in tokens.items()
        ],
    )
    assert [answer.status_code for answer in answers] == [200] * 27, [answer.text[:200] for answer in answers if answer.status_code != 200]
    positions = Position.objects.filter(question=question)
    assert positions.count() == 27
    assert set(positions.values_list("value", flat=True)) == {PositionValue.SUPPORT}
    board = httpx.get(
        f"{served}/api/v1/questions/{question.pk}/positions/",
        headers={"Authorization": f"Token {tokens['DE']}", "X-Forwarded-Proto": "https"},
    ).json()
    assert "27" in str(board)  # the tally counts all 27
    assert audit_verify()[1] is None
