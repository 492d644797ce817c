"""A transactional test's database put back as the migrations left it,
for a fraction of Django's flush.

Django ends a transactional test (``transactional_db``, ``live_server``)
with ``flush``: a ``TRUNCATE`` of every table on PostgreSQL (new files for
two hundred tables, about a second), then the ``post_migrate`` signal
(content types, permissions), then this suite's reload of the reference
data (half a second more). Over the suite's transactional and browser
tests that was minutes of the CI (docs/testing.md, "CI lanes and timings").

Here the migrated database's rows are read once per worker, right after
the test database is made. A transactional test's end deletes every row of
every table and writes those rows back, in one transaction: the next test
starts from exactly the migrated database, with the same ids (content
types and permissions included), whatever the test before it wrote.

- PostgreSQL: the foreign keys Django makes are ``DEFERRABLE INITIALLY
  DEFERRED``, so the order of the deletes does not matter within the one
  transaction; each table's rows travel as one JSON document and are
  written back by ``json_populate_recordset``, so every type is read by the
  server's own input functions.
- SQLite: foreign keys are switched off for the reset, as Django's own
  flush does there.

The same mechanism keeps a second state: the demo's (:func:`demo_seed`).
``seed_demo`` walks the real services for five seconds; the browser tests
that start from it seed it once per worker and write its rows back for
each test after that.

Sequences are never moved back, as Django's flush does not reset them
either (``reset_sequences=False``). On PostgreSQL each restored table's
sequence is moved forward past the ids written back: a test that drops and
recreates a table (``tests/test_drafting.py`` migrates ``measures`` back
and forth) leaves a sequence starting again from 1, and a restored demo
row must not take the id the next insert gets. SQLite's ``AUTOINCREMENT``
moves forward by itself on an explicit id.
"""

from __future__ import annotations

import io
from typing import Any

from django.db import connections, transaction
from django.test import TransactionTestCase

#: Per database alias and state ("migrated", "demo"): each table's name and
#: its rows (``None`` for an empty table).
_STATES: dict[tuple[str, str], list[tuple[str, Any]]] = {}
#: Per database alias: each table's sequences, as (sequence, column).
_SEQUENCES: dict[str, dict[str, list[tuple[str, str]]]] = {}
MIGRATED = "migrated"


def _tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor, include_views=False))
    return sorted(name for name in connection.introspection.django_table_names(only_existing=False) if name in existing)


def state_capture(name: str, alias: str = "default") -> None:
    """Keep every table's rows as the state ``name`` (the migrated one: once,
    before any test writes)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    captured: list[tuple[str, Any]] = []
    with connection.cursor() as cursor:
        for table in _tables(connection):
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT json_agg(t)::text FROM {quote(table)} AS t")
                captured.append((table, cursor.fetchone()[0]))
                _SEQUENCES.setdefault(alias, {})[table] = [
                    (sequence["name"], sequence["column"]) for sequence in connection.introspection.get_sequences(cursor, table)
                ]
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")
                rows = cursor.fetchall()
                columns = [column[0] for column in cursor.description]
                captured.append((table, (columns, rows) if rows else None))
    _STATES[alias, name] = captured


def state_restore(name: str, alias: str = "default") -> None:
    """Every table back to the rows of the state ``name``, in one transaction."""
    state = _STATES[alias, name]
    connection = connections[alias]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("".join(f"DELETE FROM {quote(table)};" for table, _rows in state))
            for table, rows in state:
                if rows is not None:
                    cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM json_populate_recordset(NULL::{quote(table)}, %s)", [rows])
            forward = [
                f"setval(%s, GREATEST((SELECT MAX({quote(column)}) FROM {quote(table)}), nextval(%s)))"
                for table, rows in state
                if rows is not None
                for _sequence, column in _SEQUENCES[alias].get(table, ())
            ]
            if forward:
                names = [
                    name
                    for table, rows in state
                    if rows is not None
                    for sequence, _column in _SEQUENCES[alias].get(table, ())
                    for name in (sequence, sequence)
                ]
                cursor.execute("SELECT " + ", ".join(forward), names)
        return
    with connection.constraint_checks_disabled():
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for table, rows in state:
                cursor.execute(f"DELETE FROM {quote(table)}")
                if rows is not None:
                    columns, values = rows
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", values)


def migrated_state_restore(alias: str = "default") -> None:
    state_restore(MIGRATED, alias)


def demo_seed(alias: str = "default") -> None:
    """The demo's data, committed: ``seed_demo`` the first time on this
    worker, its rows written back after that. For a transactional test
    (browser, live server) whose end puts the migrated rows back."""
    from django.core.management import call_command

    if (alias, "demo") in _STATES:
        state_restore("demo", alias)
        return
    call_command("seed_demo", stdout=io.StringIO())
    state_capture("demo", alias)


def install() -> None:
    """Make every transactional test end with :func:`migrated_state_restore`
    instead of ``flush`` (tests that ask for a flush of a subset of the apps,
    serialized rollback or reset sequences keep Django's own)."""
    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self: TransactionTestCase) -> None:
        if self.available_apps is not None or self.serialized_rollback or self.reset_sequences:
            return original(self)
        for alias in self._databases_names(include_mirrors=False):
            if (alias, MIGRATED) not in _STATES:
                return original(self)
            migrated_state_restore(alias)

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
