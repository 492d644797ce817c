"""Shared fixtures.

Reference data is loaded by a migration, but tests that use a transactional
database flush it away afterwards; the ``directory`` fixture reloads it
(idempotently) so every test that needs it can rely on it.
"""

from __future__ import annotations

import contextlib
import os

import pytest
from django.conf import settings

from cdt.accounts.roles import Role
from cdt.accounts.services import user_upsert
from cdt.directory.models import Organisation
from cdt.security.markings import Classification

PASSWORD = "a-long-test-password-2026"


def _flushes(item) -> bool:
    """Whether pytest-django runs ``item`` as a transactional test, whose
    teardown flushes every table (the same test pytest-django makes)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (
            marker is not None
            and (marker.kwargs.get("transaction", marker.args[0] if marker.args else False) or marker.kwargs.get("reset_sequences"))
        )
        or "transactional_db" in names
        or "live_server" in names
        or "django_db_reset_sequences" in names
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, the reference data the migrations
    loaded is put back, committed, so every test starts from the migrated
    database whatever ran before it on its worker (with pytest-xdist the
    order differs from run to run: tests that read the directory without the
    ``directory`` fixture failed after a flush)."""
    result = yield
    if _flushes(item) and nextitem is not None:  # after the last test the test database is gone
        from pytest_django.plugin import blocking_manager_key

        from tests.worlds import directory_ensure

        with item.config.stash[blocking_manager_key].unblock():
            directory_ensure()
    return result


#: Fixtures through which a test reaches the database (directly or by a fixture that needs it).
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _needs_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


#: The modules the CI runs on both databases (the rest of the database tests
#: run on PostgreSQL only, the production database): those whose code takes
#: a different path on SQLite or guards a failure only SQLite has, and those
#: about the embedded default itself (names relative to ``tests/``).
#: ``tests/test_lanes.py`` holds every name to an existing module.
BOTH_DATABASES = {
    # A branch on the database vendor in the code they test.
    "test_search.py": "overview/search.py: full-text search on PostgreSQL, a plain match on SQLite",
    "test_sweeps.py": "notifications/reminders.py: the sweep's JSON timestamps",
    "test_notifications.py": "notifications/reminders.py, and Celery in-process",
    "test_stix_feed.py": "cdt/core/bulk.py: COPY on PostgreSQL, bulk_create on SQLite",
    "test_audit.py": "cdt/security/audit.py: the chain's lock",
    "test_audit_read_queue.py": "cdt/security/audit.py: read records queued and chained",
    "test_audit_reads_and_users.py": "cdt/security/audit.py: audited reads",
    # Guards against failures only SQLite has (an id beyond 64 bits in
    # ``IN (…)`` raises OverflowError there; PostgreSQL finds nothing).
    "test_hostile_forms_regressions.py": "cdt/core/forms.py, measures/notes.py: ids beyond 64 bits",
    "test_hostile_forms_ids.py": "cdt/core/forms.py: every form's ids, overflowing ones among them",
    "test_hostile_api_bodies.py": "the API's ids beyond 64 bits",
    # SQLite's own behaviour: one writer at a time, a connection per thread.
    "test_write_concurrency.py": "a locked SQLite database answers 503, never 500",
    "test_list_read_concurrency.py": "reads beside a writer",
    "test_test_isolation.py": "decision 0021: a thread's own SQLite connection",
    "test_db_reset.py": "the test database's reset, SQLite and PostgreSQL branches",
    # The embedded default as make run serves it.
    "test_demo_living_register.py": "seed_demo, which make run loads",
    "test_kept_figures.py": "no Redis: figures computed, never kept",
    "test_celery.py": "Celery in-process",
}


TESTS = os.path.dirname(__file__)


def _embedded_lane_keeps(item) -> bool:
    return not _needs_database(item) or os.path.relpath(item.path, TESTS) in BOTH_DATABASES


def _deselect(config, items, keep) -> None:
    kept = [item for item in items if keep(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not keep(item)])
        items[:] = kept


#: Modules that take a minute or more of a worker (a fuzzer's run, a world
#: of thousands of rows, a walk of every route): scheduled first, so that the
#: two workers end together instead of one finishing a long module alone.
LONG_MODULES = (
    "test_hostile_api_schemathesis",
    "test_permission_matrix.py",
    "test_restricted_relations.py",
    "test_notification_delivery.py",
    "test_volume_pages.py",
    "test_language_per_request.py",
    "test_concurrency.py",
)


def _schedule(item) -> int:
    """The long modules first, the browser tests last: Playwright's session
    keeps an event loop running in the worker's thread (and Django's
    async-unsafe guard lifted) until the session ends, which a test after
    it that drives the ASGI handler cannot share."""
    path = item.path.as_posix()
    if "/tests/browser/" in path:
        return 2
    return 0 if any(part in path for part in LONG_MODULES) else 1


def pytest_collection_modifyitems(config, items):
    items.sort(key=_schedule)  # stable: the order within each group is kept
    if os.environ.get("CDT_TESTS_NEEDING_A_DATABASE_ONLY") == "1":
        # The CI's PostgreSQL lane: a test that never touches the database
        # (voting arithmetic, settings, source scans, translations) ran in the
        # SQLite lane already and would only repeat itself (docs/testing.md).
        _deselect(config, items, _needs_database)
    if os.environ.get("CDT_TESTS_FOR_THE_EMBEDDED_LANE_ONLY") == "1":
        # The CI's SQLite lane: the tests that need no database, and the
        # modules of BOTH_DATABASES; every other database test runs in the
        # PostgreSQL lane (docs/testing.md, "CI lanes and timings").
        _deselect(config, items, _embedded_lane_keeps)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        skip = pytest.mark.skip(reason="needs a broker and worker: set CELERY_BROKER_URL (the CI's PostgreSQL lane does)")
        for item in items:
            if "integration" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, its migrated rows read once: a
    transactional test ends by writing them back (``tests/db_reset.py``)
    rather than by Django's much slower flush."""
    from tests import db_reset

    with django_db_blocker.unblock():
        db_reset.state_capture(db_reset.MIGRATED)
    db_reset.install()
    return django_db_setup


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb, django_db_createdb):
    """pytest-django's hook before the test database is made, with its final
    name (the xdist worker appended): no SQLite WAL file of a former
    database of that name is left beside it, before or after.

    Django deletes a test database's file only. SQLite deletes the ``-wal``
    and ``-shm`` beside it when the last connection closes, which a
    connection whose statement a traceback still holds does only when the
    garbage collector comes, perhaps not before the process exits. Left in
    ``/dev/shm`` they take memory, and a WAL left by a killed run would be
    replayed into the next database of the same name."""
    keep = django_db_keepdb and not django_db_createdb  # --reuse-db: the database and its WAL are kept
    if not keep:
        _sqlite_wal_remove(orphans_only=False)
    yield
    _sqlite_wal_remove(orphans_only=True)


def _sqlite_wal_remove(*, orphans_only: bool) -> None:
    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    if not database["ENGINE"].endswith("sqlite3") or not name:
        return
    if orphans_only and os.path.exists(name):
        return
    for path in (f"{name}-wal", f"{name}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


@pytest.fixture
def directory(db):
    """The reference data: loaded by the migrations, loaded again only after
    a transactional test's flush emptied the tables."""
    from tests.worlds import directory_ensure

    directory_ensure()


def user_make(username: str, organisation: str = "DE", roles=(Role.HWPCI_DELEGATE,), **extra):
    """A test user (created or updated) in ``organisation``; plain function so
    module-scoped worlds built outside a fixture use the same recipe."""
    user, _ = user_upsert(
        username=username,
        password=PASSWORD,
        first_name=extra.pop("first_name", username.title()),
        last_name=extra.pop("last_name", "Tester"),
        email=f"{username}@test.invalid",
        organisation=Organisation.objects.get(code=organisation),
        roles=roles,
        clearance=extra.pop("clearance", Classification.RESTREINT_UE),
        **extra,
    )
    return user


@pytest.fixture
def make_user(directory):
    return user_make


@pytest.fixture
def delegate(make_user):
    return make_user("delegate-test", "DE")


@pytest.fixture
def secretariat_user(make_user):
    return make_user("secretariat-test", "GSC", roles=(Role.SECRETARIAT,), is_staff=True)


TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


@pytest.fixture
def login_verified():
    """Sign ``user`` in on ``client`` with a verified second factor, as if
    they had entered their TOTP code (for users who require one)."""
    return sign_in_verified


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker consuming from the configured broker (Redis),
    in a thread of this process so it shares the test database."""
    from celery.contrib.testing.worker import start_worker

    from cdt.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def keeping():
    """Counts and answers kept for the data generation, as in production
    (the test settings compute them every time: a test's writes are rolled
    back, never committed). For transactional tests, which commit."""
    from django.core.cache import cache
    from django.test.utils import override_settings

    cache.clear()
    with override_settings(CDT_KEEP_FIGURES=True):
        yield
    cache.clear()


from tests.cases_support import cast, open_case, signed_in  # noqa: E402,F401  (fixtures for the case tests)
from tests.stix_support import feed_token  # noqa: E402,F401  (the SIAC feed client)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with
    ``Accept-Language: fr`` leaves French active in the thread (the locale
    middleware activates and never deactivates), which would otherwise leak
    into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def sign_in_verified(client, user):
    """Sign ``user`` in on ``client`` as if they had entered their TOTP code;
    returns the registered device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from cdt.accounts.services import second_factor_register

    device = second_factor_register(user=user, key_hex=TEST_TOTP_KEY)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
