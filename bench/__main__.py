"""``python -m bench`` (``make bench``): create a scratch PostgreSQL
database, seed a realistic register, serve it with gunicorn under
production settings, measure, print one table, write it as JSON, drop the
database.

Exit status: 0 whatever the figures (the bench reports); with ``--check``
(``make bench-check``), 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _arguments():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 20)))
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ.get("BENCH_DURATION", 15)),
        help="seconds of measurement per figure, after a 2-second warm-up",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)), help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="a tenth of the volume and 5-second figures (a smoke run)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", default=os.environ.get("BENCH_JSON", "bench-results.json"))
    parser.add_argument("--keep-database", action="store_true", help="leave the scratch database for profiling")
    parser.add_argument(
        "--seed-only", action="store_true", help="seed, keep the database and stop (for profiling; with --scale, the largest register)"
    )
    parser.add_argument(
        "--scale",
        type=lambda text: [int(part) for part in text.split(",") if part],
        default=[int(part) for part in os.environ.get("BENCH_SCALE", "").split(",") if part],
        help="larger registers (case counts, e.g. 100000) measured after the 10,000-case one, each figure judged against it",
    )
    return parser.parse_args()


def _environment(database_url: str) -> dict[str, str]:
    """Production settings on plain HTTP at 127.0.0.1; Redis for the cache,
    throttling buckets and the broker (nothing consumes the bench's queue:
    it is emptied at the end); rate limits out of the way of 20 clients."""
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CDT_SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        "CELERY_RESULT_BACKEND": redis,
        "CDT_API_TOKEN_RATE": "1000000/min",
        "CDT_API_SESSION_RATE": "1000000/min",
        "CONN_MAX_AGE": "60",
    }


def _database(url: str, *, create: bool) -> None:
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def _sessions(user_ids: list[int]) -> list[str]:
    """A signed-in session for each delegate, as the login view leaves it
    (their clearance needs no second factor)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from cdt.accounts.models import User
    from cdt.security.middleware import SESSION_STARTED_KEY

    keys = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_STARTED_KEY] = int(time.time())
        session.create()
        keys.append(session.session_key)
    return keys


def _tokens(user_ids: list[int]) -> list[str]:
    from cdt.accounts.models import User
    from cdt.accounts.scopes import READ
    from cdt.accounts.services import api_token_issue

    return [api_token_issue(user=user, name="bench", scopes=[READ])[1] for user in User.objects.filter(pk__in=user_ids).order_by("pk")]


def _register(arguments, environment: dict[str, str], database_url: str, volume, *, first: bool) -> tuple[list, dict]:
    """Migrate a fresh scratch database, seed ``volume``, measure it; the
    sweeps and the feed (which do not read the register) only ``first``."""
    from django.core.management import call_command
    from django.db import connections

    from . import figures as measured
    from .seed import seed

    _database(database_url, create=True)
    duration = 5.0 if arguments.quick else arguments.duration
    print(
        f"Scratch database {urllib.parse.urlparse(database_url).path.lstrip('/')}: migrating and seeding {volume.cases:,} cases…",
        flush=True,
    )
    call_command("migrate", verbosity=0, interactive=False)
    seeding = time.perf_counter()
    seeded = seed(volume)
    seed_seconds = time.perf_counter() - seeding
    print(f"  seeded in {seed_seconds:.1f} s: " + ", ".join(f"{count:,} {name}" for name, count in seeded.counts.items()), flush=True)
    context = {"volume": seeded.counts, "seed_seconds": round(seed_seconds, 1)}
    if arguments.seed_only:
        print(
            f"Seeded and kept: DATABASE_URL={database_url}; cases every client sees: {seeded.shared_case_ids[:5]}, "
            f"questions: {seeded.question_ids[:5]}, delegates: {seeded.delegates[:5]}"
        )
        return [], context
    clients = seeded.delegates[: arguments.clients]
    sessions, tokens = _sessions(clients), _tokens(clients)
    connections.close_all()

    from .server import gunicorn

    with gunicorn(environment, workers=arguments.workers, access_log=bool(os.environ.get("BENCH_ACCESS_LOG"))) as (base_url, pid):
        print(f"Serving with gunicorn ({arguments.workers} workers); {len(clients)} clients, {duration:.0f} s a figure:", flush=True)
        results = measured.web(base_url, seeded, sessions=sessions, tokens=tokens, duration=duration)
        if first:
            results += measured.audited_reads(base_url, seeded, sessions=sessions, duration=duration)
        rss = _worker_rss_mb(pid)
    results.append(
        measured.Figure(
            "web worker memory after the run (largest worker)",
            max(rss),
            "MB RSS",
            target=measured.RSS_MB,
            higher_is_better=False,
            note=f"{len(rss)} workers: " + ", ".join(f"{size:.0f}" for size in rss),
        )
    )
    print("In process:", flush=True)
    results += measured.in_process(seeded, session=sessions[0], token=tokens[0])
    results += measured.voting()
    if first:
        results += measured.sweeps(due=10_000 if arguments.quick else 100_000)
        results += measured.stix(objects=2_000 if arguments.quick else 20_000)
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the tasks the sweeps and the feed queued
    connections.close_all()
    return results, context


def main() -> int:
    arguments = _arguments()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cdt_bench")
    environment = _environment(database_url)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    try:
        import django

        django.setup()
        from django.core.management import call_command

        # Production settings serve static files from the manifest that
        # collectstatic writes: without it every page answers 500.
        call_command("collectstatic", interactive=False, verbosity=0)
        from . import figures as measured
        from .report import as_json, table
        from .seed import Volume

        base = Volume().scaled(0.1) if arguments.quick else Volume()
        volumes = [base] + [base.scaled(scale / base.cases) for scale in arguments.scale if scale != base.cases]
        if arguments.seed_only:  # with --scale, the largest register alone (for profiling at volume)
            volumes = volumes[-1:]
        results, contexts = [], []
        results_at_base: list = []
        for index, volume in enumerate(volumes):
            figures, context = _register(arguments, environment, database_url, volume, first=index == 0)
            contexts.append(context)
            if arguments.seed_only:
                arguments.keep_database = True
                return 0
            if index:
                kept = [figure for figure in figures if not figure.name.startswith("baseline")]
                results += measured.growth(kept, results_at_base, scale=volume.cases, earlier_scale=base.cases)
            else:
                results_at_base = figures
                results += figures
            if index + 1 < len(volumes):
                from django.db import connections

                connections.close_all()
                _database(database_url, create=False)
        print()
        print(table(results))
        missed = [figure.name for figure in results if figure.passed is False]
        context = {
            "registers": contexts,
            "clients": arguments.clients,
            "duration": 5.0 if arguments.quick else arguments.duration,
            "workers": arguments.workers,
            "quick": arguments.quick,
            "cpus": os.cpu_count(),
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        Path(arguments.json).write_text(as_json(results, **context))
        print(
            f"\n{len(results) - len(missed)} of {len(results)} figures meet or have no target; written to {arguments.json} "
            f"in {time.perf_counter() - started:.0f} s."
        )
        if missed:
            print("Missed: " + "; ".join(missed))
        return 1 if (arguments.check and missed) else 0
    finally:
        if not arguments.keep_database:
            from django.db import connections

            connections.close_all()
            _database(database_url, create=False)


if __name__ == "__main__":
    sys.exit(main())
