"""The fixtures of the hostile API tests (tests/test_hostile_api_*.py)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def api(client, cast):
    client.force_login(cast["eeas"])
    return client


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)
