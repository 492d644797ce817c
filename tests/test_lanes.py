"""The CI's two lanes (``.ci/run``, docs/testing.md): which tests each runs.

The SQLite lane runs the tests that need no database and the modules of
``BOTH_DATABASES``; the PostgreSQL lane runs every test that needs one. A
module renamed out of ``BOTH_DATABASES`` would silently stop running on
SQLite, so each name is held to a module here."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import BOTH_DATABASES, _embedded_lane_keeps, _needs_database

TESTS = Path(__file__).parent


def test_every_module_run_on_both_databases_exists_and_says_why():
    missing = sorted(name for name in BOTH_DATABASES if not (TESTS / name).is_file())
    assert missing == []
    assert all(reason.strip() for reason in BOTH_DATABASES.values())


def _item(name: str, *, database: bool):
    marker = SimpleNamespace(args=(), kwargs={}) if database else None
    return SimpleNamespace(path=TESTS / name, fixturenames=(), get_closest_marker=lambda _name: marker)


@pytest.mark.parametrize(
    ("name", "database", "embedded", "production"),
    [
        ("test_search.py", True, True, True),  # both databases
        ("test_case_pages.py", True, False, True),  # PostgreSQL only
        ("test_voting.py", False, True, False),  # no database: SQLite lane only
    ],
)
def test_each_test_runs_in_the_lanes_it_concerns(name, database, embedded, production):
    item = _item(name, database=database)
    assert _embedded_lane_keeps(item) is embedded
    assert _needs_database(item) is production
