"""Hostile input over the whole API (issue 12): the run, shared by the two
test modules that split the roles between the CI's two workers
(tests/test_hostile_api_schemathesis.py and ``_more.py``).

``schemathesis_as`` serves the app (pytest-django's live server, over
the test database seeded with the demo scenario) and runs the schemathesis
CLI against the served OpenAPI schema, once per role, with a fixed seed and a
fixed number of examples per operation: positive and negative data, the
stateful links schemathesis infers, and the checks the issue names. It
passes only with 0 failures and 0 errors; the audit chain must verify after
the run. ``make test`` runs the bounded profile (the fuzzing and stateful
phases); ``make check-hostile`` the full one (every phase, more examples).

Each defect the run found is pinned by a plain test in
tests/test_hostile_api_bodies.py or tests/test_hostile_api_schema.py, so a
regression shows up in the fast suite too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from awareness.services import feed_client_configure
from cdt.accounts.models import User
from cdt.accounts.scopes import FEEDS_WRITE, READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.accounts.throttling import ApiTokenRateThrottle, SessionUserRateThrottle
from cdt.security.markings import Classification, Tlp
from tests.db_reset import demo_seed
from tests.hostile import API_EXAMPLES, PROFILE, SEED

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "test-artifacts" / "schemathesis"

#: The checks issue 12 asks for; each one must pass on every operation.
CHECKS = ["not_a_server_error", "response_schema_conformance", "negative_data_rejection", "ignored_auth", "use_after_free"]
PHASES = {"bounded": "fuzzing,stateful", "full": "examples,coverage,fuzzing,stateful"}[PROFILE]

#: The roles the API serves, as demo accounts: (username, scopes). The
#: bounded profile leaves out the Presidency chair (a delegate with more
#: rights: the delegate's run covers its routes) to keep the CI lane short.
ROLES = {
    "hwpci-delegate": ("delegate-de", [READ, WRITE]),
    "presidency-chair": ("chair-ie", [READ, WRITE]),
    "eeas-drafter": ("eeas-drafter", [READ, WRITE]),
    "siac-analyst": ("siac-analyst", [READ, WRITE, FEEDS_WRITE]),
    "secretariat": ("secretariat", [READ, WRITE]),
}
RUN_ROLES = list(ROLES) if PROFILE == "full" else [role for role in ROLES if role != "presidency-chair"]

#: Each role's run takes about a minute on PostgreSQL: half of them in each
#: test module, so the two CI workers (pytest-xdist, one module each) share them.
FIRST_HALF = RUN_ROLES[: len(RUN_ROLES) // 2]
SECOND_HALF = RUN_ROLES[len(RUN_ROLES) // 2 :]

#: The bounded run is the CI PostgreSQL lane's (decided before the live server and the flush it costs).
ONLY_ON_POSTGRESQL = pytest.mark.skipif(
    PROFILE == "bounded" and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the bounded run is the CI PostgreSQL lane's; make check-hostile runs the full one anywhere",
)


def schemathesis_run(*, base_url: str, token: str, report: Path) -> tuple[subprocess.CompletedProcess, dict]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base_url}/api/v1/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        PHASES,
        "--seed",
        str(SEED),
        "--max-examples",
        str(API_EXAMPLES),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "120",
        "--no-color",
        "--output-truncate",
        "true",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=3600, env={**os.environ, "SCHEMATHESIS_HOOKS": ""}
    )
    return completed, json.loads(report.read_text()) if report.exists() else {}


def schemathesis_as(role, live_server, monkeypatch):
    """One role's bounded (or full) run against the served schema."""
    # The rate limits would answer 429 to a fuzzer's burst: lifted for this run only.
    for throttle in (ApiTokenRateThrottle, SessionUserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"api_token": "1000000/min", "session_user": "1000000/min"})
    demo_seed()  # seed_demo once per worker, its rows written back after that
    username, scopes = ROLES[role]
    token, key = api_token_issue(user=User.objects.get(username=username), name=f"schemathesis {role}", scopes=scopes)
    if FEEDS_WRITE in scopes:
        feed_client_configure(
            by=User.objects.get(username="secretariat"),
            token=token,
            default_classification=Classification.UNCLASSIFIED,
            default_tlp=Tlp.AMBER,
            shared_with_all_delegations=True,
        )
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{PROFILE}-{role}.json"
    report.unlink(missing_ok=True)
    completed, summary = schemathesis_run(base_url=live_server.url, token=key, report=report)
    (REPORTS / f"{PROFILE}-{role}.log").write_text(completed.stdout + completed.stderr)
    assert summary, f"schemathesis wrote no report:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
    counts = summary["test_cases"]
    print(
        f"\nschemathesis as {role} ({PROFILE}): {summary['operations']['tested']} operations, {counts['generated']} requests, "
        f"{counts['unique_failures']} failures, {len(summary['errors'])} errors, {summary['running_time']:.0f} s"
    )
    assert summary["operations"]["tested"] >= 100, summary["operations"]
    assert counts["generated"] >= summary["operations"]["tested"], counts
    assert completed.returncode == 0 and counts["unique_failures"] == 0 and not summary["errors"], completed.stdout[-12000:]
    call_command("verify_audit", stdout=open(os.devnull, "w"))  # the chain holds after everything the run wrote
