"""Shared settings of the hostile-input tests (issue 12): how many examples
each fuzzing test generates, a fixed seed so runs are comparable, and the
database fingerprint that proves a rejected input changed nothing.

``make test`` (and both CI lanes) run a bounded number of examples;
``make check-hostile`` sets ``CDT_HOSTILE_PROFILE=full`` for the long run.
The counts are fixed per profile, never random, so two runs of the same
commit generate the same inputs.
"""

from __future__ import annotations

import hashlib
import os

import pytest
from django.apps import apps
from django.core import serializers
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

PROFILE = os.environ.get("CDT_HOSTILE_PROFILE", "bounded")
if PROFILE not in ("bounded", "full"):
    raise RuntimeError(f"CDT_HOSTILE_PROFILE must be 'bounded' or 'full', not {PROFILE!r}")

#: Examples per fuzzing test (hypothesis) and per API operation (schemathesis).
EXAMPLES = {"bounded": 25, "full": 200}[PROFILE]
#: The bounded API run takes 2 per operation (about 150 operations since issue 27, four roles,
#: plus the stateful phase): 3 took about 48 s a role on PostgreSQL and the CI 16 minutes
#: (issue 26: 5 per operation took 65-70 s a role). ``make check-hostile`` runs 20.
API_EXAMPLES = {"bounded": 2, "full": 20}[PROFILE]
SEED = 20261123

#: The hypothesis settings every fuzzing test uses: derandomised (fixed
#: seed), no deadline (the CI machine is shared), no example database.
fuzz_settings = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)

hostile = pytest.mark.hostile


#: Written by every signed-in request, accepted or refused (session expiry).
ALWAYS_EXCLUDED = ("sessions.Session",)


def database_fingerprint(*, exclude: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Row count and a SHA-256 of every row of every table, per model label.

    ``exclude`` names models (``app_label.ModelName``) that a rejected input
    is documented to write, such as the feed-ingestion log row that records a
    rejected bundle; the caller asserts those separately. The session table
    is never compared: every signed-in request refreshes its session's
    expiry, whatever it asked for."""
    exclude = (*exclude, *ALWAYS_EXCLUDED)
    fingerprint = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in exclude or model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        rows = model._default_manager.order_by("pk")
        count = 0
        for chunk_start in range(0, rows.count(), 2000):
            chunk = list(rows[chunk_start : chunk_start + 2000])
            digest.update(serializers.serialize("json", chunk).encode())
            count += len(chunk)
        fingerprint[label] = (count, digest.hexdigest())
    return fingerprint


def fingerprint_difference(before: dict, after: dict) -> list[str]:
    """The models whose rows differ, for an assertion message."""
    return sorted(label for label in set(before) | set(after) if before.get(label) != after.get(label))
