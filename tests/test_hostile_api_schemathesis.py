"""Hostile input over the whole API (issue 12): schemathesis as the first half of
the roles (tests/hostile_api_schemathesis_support.py has the run and why)."""

from __future__ import annotations

import pytest

from tests.hostile import hostile

from .hostile_api_schemathesis_support import FIRST_HALF, ONLY_ON_POSTGRESQL, schemathesis_as

pytestmark = [hostile]


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", FIRST_HALF)
def test_schemathesis_as(role, live_server, directory, monkeypatch):
    schemathesis_as(role, live_server, monkeypatch)
