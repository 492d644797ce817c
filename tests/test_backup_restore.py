"""The backup procedure in docs/operations.md restores everything: every table's
rows, and an audit chain that still verifies (and still catches an edit).

PostgreSQL only (``pg_dump``/``pg_restore`` are PostgreSQL's tools); the
CI's PostgreSQL lane runs it."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from cases.models import Case
from cdt.security.models import AuditEntry

from .cases_support import cast, open_case, walk_to  # noqa: F401

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent


def _connect(name: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=name,
    )


def _row_counts(name: str) -> dict[str, int]:
    with _connect(name) as database, database.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [table for (table,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    database.close()
    return counts


def _verify_audit(database_url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "cdt.settings.test"}
    return subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=environment, capture_output=True, text=True)


@pytest.mark.django_db(transaction=True)
def test_dump_and_restore_keep_every_row_and_the_audit_chain(tmp_path, cast, open_case):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore back up PostgreSQL (the CI's PostgreSQL lane runs this)")
    from cases.models import CaseState

    case = open_case()
    walk_to(case, CaseState.DELIBERATION, cast)
    assert AuditEntry.objects.count() > 0 and Case.objects.count() == 1
    settings = connection.settings_dict
    source, restored = settings["NAME"], f"{settings['NAME']}_restored"
    dump = tmp_path / "cdt.dump"
    credentials = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    # The procedure in docs/operations.md: a custom-format dump, restored in one transaction into an empty database.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *credentials, "-f", str(dump), source], check=True)
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *credentials,
                "-d",
                restored,
                str(dump),
            ],
            check=True,
        )
        before, after = _row_counts(source), _row_counts(restored)
        assert after == before
        assert before["security_auditentry"] > 0 and before["cases_casetransition"] > 0
        url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{restored}"
        verified = _verify_audit(url)
        assert verified.returncode == 0, verified.stderr
        assert f"{before['security_auditentry']} entries verified" in verified.stdout
        # The restored chain still exposes tampering.
        with _connect(restored) as database, database.cursor() as cursor:
            cursor.execute("UPDATE security_auditentry SET object_repr = object_repr || ' (edited)' WHERE id = 1")
        database.close()
        tampered = _verify_audit(url)
        assert tampered.returncode != 0 and "broken at entry #1" in tampered.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()
