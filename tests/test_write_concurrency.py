"""Simultaneous writers on both databases (issue 26, "locks that work on
both databases"): they queue for the lock and the losers get 409, never 500.

On SQLite, the embedded default, every transaction takes the one write lock
when it begins (``IMMEDIATE``) and waits for it (the busy timeout), and WAL
keeps readers from holding writers back; without the first two, ten
simultaneous transitions gave one 200 and nine 500s ("database is locked").
A request that still waits past the timeout answers 503 "try again"
(``DatabaseBusyMiddleware``), as a PostgreSQL ``lock_timeout`` does.

The tests run in both CI lanes: a threaded live server on the test database
(a file on SQLite), and the test client with another connection holding the
lock or a read open.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager

import httpx
import pytest
from django.db import OperationalError, connection, connections
from django.test import RequestFactory

from cases.models import Case, CaseState, CaseTransition
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.core.middleware import BUSY_RETRY_AFTER, DatabaseBusyMiddleware, database_busy
from cdt.security.audit import audit_verify

from .cases_support import cast, open_case  # noqa: F401
from .conftest import sign_in_verified

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 10


def take(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/transitions/share_awareness/"


def test_ten_simultaneous_identical_transitions_one_wins_nine_conflict(live_server, cast, open_case):
    case = open_case()
    token = api_token_issue(user=cast["chair"], name="race", scopes=[READ, WRITE])[1]
    start = threading.Barrier(ATTEMPTS)
    answers: list[httpx.Response] = []

    def attempt():
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            start.wait()
            answers.append(client.post(take(case), json={}, headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}))

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(answer.status_code for answer in answers)
    assert counts == {200: 1, 409: ATTEMPTS - 1}, [answer.text[:200] for answer in answers if answer.status_code not in (200, 409)]
    assert next(answer for answer in answers if answer.status_code == 409).json()["state"] == CaseState.AWARENESS
    assert list(CaseTransition.objects.filter(case=case).values_list("transition", flat=True)) == ["share_awareness"]
    assert Case.objects.get(pk=case.pk).state == CaseState.AWARENESS
    assert audit_verify()[1] is None


@contextmanager
def other_connection():
    """A second connection to the test database, as another process would
    have; closing it ends whatever it still holds."""
    other = connections.create_connection("default")
    try:
        yield other
    finally:
        other.close()


@contextmanager
def short_lock_wait(milliseconds: int = 300):
    """This thread's connection (the test client's requests) waits this long
    for a lock instead of the settings' 20 s."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
        else:
            cursor.execute(f"SET lock_timeout = '{milliseconds}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {int(connection.settings_dict['OPTIONS']['timeout'] * 1000)}")
            else:
                cursor.execute("RESET lock_timeout")


def hold_the_lock(other, case: Case) -> None:
    """What a long writer elsewhere holds: SQLite's write lock, or the case's
    row lock on PostgreSQL."""
    with other.cursor() as cursor:
        if other.vendor == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])


def release(other) -> None:
    with other.cursor() as cursor:
        cursor.execute("ROLLBACK")


def test_a_transition_that_cannot_get_the_lock_in_time_answers_503_and_changes_nothing(client, cast, open_case):
    case = open_case()
    sign_in_verified(client, cast["chair"])
    page = f"/cases/{case.pk}/transitions/share_awareness/"
    with other_connection() as other, short_lock_wait():
        hold_the_lock(other, case)
        answer = client.post(take(case), {}, content_type="application/json")
        assert answer.status_code == 503, answer.content[:300]
        assert answer["Retry-After"] == str(BUSY_RETRY_AFTER)
        assert "busy" in answer.json()["detail"] and "Try again" in answer.json()["detail"]
        on_the_page = client.post(page, {"comment": ""})
        assert on_the_page.status_code == 503
        assert "The server is busy" in on_the_page.text and "Try again in a moment" in on_the_page.text
        release(other)
    assert Case.objects.get(pk=case.pk).state == CaseState.STARTED
    assert not CaseTransition.objects.filter(case=case).exists()
    # Once the lock is free the same request goes through.
    assert client.post(take(case), {}, content_type="application/json").status_code == 200
    assert audit_verify()[1] is None


def test_a_long_read_elsewhere_does_not_hold_up_a_transition(client, cast, open_case):
    """A read transaction left open (the audit chain's verification, a long
    list) while a transition commits: on SQLite, WAL lets the writer commit
    (in the default journal mode the commit waits for the reader and fails
    with "database is locked")."""
    case = open_case()
    client.force_login(cast["chair"])
    with other_connection() as other, short_lock_wait():
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT count(*) FROM cases_case")
            assert cursor.fetchone()[0] >= 1
            answer = client.post(take(case), {}, content_type="application/json")
            assert answer.status_code == 200, answer.content[:300]
        release(other)
    assert Case.objects.get(pk=case.pk).state == CaseState.AWARENESS


def sqlite_busy(path) -> OperationalError:
    """A real "database is locked" from SQLite, as Django raises it."""
    holder, waiter = (sqlite3.connect(path, timeout=0, isolation_level=None) for _ in range(2))
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as refused:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.close()
        waiter.close()
    error = OperationalError(str(refused.value))
    error.__cause__ = refused.value
    return error


def test_only_lock_waits_are_turned_into_503(tmp_path):
    busy = sqlite_busy(tmp_path / "busy.sqlite3")
    assert "locked" in str(busy) and database_busy(busy)
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post("/api/v1/cases/1/transitions/share_awareness/")
    assert middleware.process_exception(request, busy).status_code == 503
    # Any other database error stays a 500 (the middleware lets it through).
    other = OperationalError("no such table: cases_case")
    other.__cause__ = sqlite3.OperationalError("no such table: cases_case")
    assert not database_busy(other) and middleware.process_exception(request, other) is None
    assert middleware.process_exception(request, ValueError("database is locked")) is None
    # PostgreSQL's lock timeout: the 503 test above, in the PostgreSQL lane.
