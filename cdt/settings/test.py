"""Test settings: the embedded default unless the environment selects
PostgreSQL and Redis (the CI's second lane does)."""

import os
import re
import tempfile

# Parallel runs (pytest-xdist): each worker gets its own Redis database, so a
# worker's Celery consumer never takes a task another worker queued against
# its own test database, and cache keys never collide. Derived from the
# value the run started with, so a subprocess inheriting this environment
# lands on the same database.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw"):
    for _name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if _name not in os.environ:
            continue
        _original = os.environ.setdefault(f"CDT_XDIST_BASE_{_name}", os.environ[_name])
        _match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", _original)
        if _match:
            os.environ[_name] = f"{_match.group(1)}/{(int(_match.group(2) or 0) + int(_WORKER[2:])) % 16}"

from .base import *  # noqa: E402,F403
from .base import DATABASES, env  # noqa: E402

SECRET_KEY = env.str("SECRET_KEY", default="cdt-test-key")
# A test's writes are rolled back, never committed, so they bump no data
# generation: counts are computed every time, except in the tests of
# cdt/core/generation.py, which commit (tests/test_kept_figures.py).
CDT_KEEP_FIGURES = False
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The integration tests run a worker process that sends real SMTP to a sink.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")

# A protected model that exists only in tests (tests/testapp): the security
# model is tested on it independently of the domain apps.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.testapp.urls"

# SQLite tests use a database file (in memory-backed /dev/shm where there is
# one), not Django's shared in-memory database: that one hands the test's own
# connection to the live server, so the browser's requests and the test ran
# their transactions on one connection, interleaved (a request's rollback
# undid another's session row: "Forced update did not affect any rows"; a
# flush met a half-written row: "FOREIGN KEY constraint failed"). With a
# file, every thread has its own connection and SQLite's locks keep them
# apart. pytest-xdist appends the worker to the name; the process id keeps
# two runs on one machine apart.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _directory = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    DATABASES["default"].setdefault("TEST", {})
    if not DATABASES["default"]["TEST"].get("NAME") and not os.environ.get("DATABASE_URL"):
        # Not even the main database is the developer's db.sqlite3.
        DATABASES["default"]["NAME"] = os.path.join(_directory, "cdt-test-main.sqlite3")
    if not DATABASES["default"]["TEST"].get("NAME"):
        DATABASES["default"]["TEST"]["NAME"] = os.path.join(
            _directory, f"cdt-test-{os.environ.setdefault('CDT_TEST_RUN', str(os.getpid()))}.sqlite3"
        )

# A test database is thrown away: PostgreSQL need not wait for the disk at
# each commit of a transactional test (a crash loses the last commits, never
# consistency). Production keeps the default.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"]["options"] = DATABASES["default"]["OPTIONS"].get("options", "") + " -c synchronous_commit=off"
