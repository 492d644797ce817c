"""The data generation: a number that changes whenever committed data does.

Some figures cost a scan of the register however few rows a page shows:
how many cases a reader sees at each step, how many match a list's
filters. Computed once per reader and kept under the current generation,
they cost a cache read until the next write (issue 29, ``make bench
--scale 100000``; docs/performance.md, "Counts").

The generation is bumped after every commit that wrote to the database
through Django's connection: each INSERT, UPDATE or DELETE (the ORM,
raw SQL, the migrations) is seen by a wrapper on every connection and a
bump is queued with ``transaction.on_commit``, so a rolled-back write
bumps nothing and a figure is never kept under a generation older than
the last committed write. ``COPY`` (:mod:`cdt.core.bulk`) bumps
explicitly. Writes that bypass Django (``psql``) are caught by the time
limit on every kept figure (:data:`KEPT_SECONDS`).

Writes that change nothing a figure counts are left out, or every page
view would bump: the session, the audit trail, the API token's last use.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

GENERATION_KEY = "cdt:generation"
#: The longest a kept figure lives, whatever the generation.
KEPT_SECONDS = 120
#: Tables whose writes change no kept figure (see the module's docstring):
#: nothing counted through :func:`kept_count` reads them (the audit trail and
#: the tokens are listed in the admin, whose paginator counts every time).
QUIET_TABLES = frozenset(
    {
        "django_session",
        "security_auditentry",
        "security_audithead",
        "security_pendingread",
        "accounts_apitoken",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "django_celery_results_taskresult",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
#: The writes inside a statement that starts with ``WITH`` (the reminder
#: sweep marks its reminders fired and inserts their events in one).
_WRITE_IN_WITH = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?!SKIP\b|NOWAIT\b|OF\b)"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
_WITH = re.compile(r"^\s*WITH\b", re.IGNORECASE)


def written_tables(sql: str) -> list[str]:
    """The tables a statement writes to, as far as its text says (lower case)."""
    if _WITH.match(sql):
        return [table.lower() for table in _WRITE_IN_WITH.findall(sql)]
    match = _WRITE.match(sql)
    return [match.group(1).lower()] if match else []


#: After the cache failed to answer, how long it is left alone: a sick Redis
#: costs one socket timeout per process and per period, not one per write
#: and per figure (issue 30, point 5).
RESTING_SECONDS = 30.0

#: What a cache that does not answer raises (``ConnectionError`` is also
#: what :func:`_incr` raises for django-redis's silent ``None``).
CACHE_ERRORS = (ConnectionError, OSError, RedisError, ConnectionInterrupted)

_T = TypeVar("_T")
logger = logging.getLogger(__name__)


class _Health:
    """Whether the cache answered lately, in this process."""

    resting_until = 0.0
    #: A bump was lost while the cache was away: the first answer starts a
    #: new generation, so nothing kept before the outage is read after it.
    missed = False


def _resting() -> bool:
    return time.monotonic() < _Health.resting_until


def _failed(error: BaseException) -> None:
    _Health.resting_until = time.monotonic() + RESTING_SECONDS
    _Health.missed = True
    logger.warning("cache unreachable, kept figures are computed for %.0f s: %s", RESTING_SECONDS, error)


def _incr() -> int:
    """A new generation, or an exception (a timeout never passes unseen:
    django-redis's ``IGNORE_EXCEPTIONS`` answers ``None`` to ``incr``)."""
    try:
        value = cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: start one
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.incr(GENERATION_KEY)
    if value is None:
        raise ConnectionError("the cache did not answer")
    return int(value)


def current() -> int | None:
    """The generation now (0 before the first write since the cache was
    empty), or ``None`` while the cache does not answer: nothing is kept then."""
    if _resting():
        return None
    try:
        if _Health.missed:
            _Health.missed = False
            return _incr()
        value = cache.get(GENERATION_KEY)
        if value is None:
            # No generation yet, or a cache that does not answer: django-redis
            # ignoring a failure answers ``None`` here, indistinguishable from
            # a missing key. Starting a generation tells them apart: its
            # ``incr`` answers ``None`` too, and :func:`_incr` raises.
            return _incr()
        return int(value)
    except CACHE_ERRORS as error:  # the cache is away: compute instead
        _failed(error)
        return None


def bump() -> None:
    """Start a new generation: every kept figure is recomputed on its next read."""
    if _resting():
        _Health.missed = True
        return
    try:
        _incr()
    except CACHE_ERRORS as error:  # a write must never fail because the cache is away
        _failed(error)


def kept(key: str, compute: Callable[[], _T]) -> _T:
    """``compute()``, kept under ``key`` for the current generation.

    ``key`` must name everything the figure depends on besides the data:
    the reader (their id, organisation and clearance, as
    :func:`cdt.security.access` keys its rules), the filters, the language.
    ``CDT_KEEP_FIGURES = False`` (the test settings: a test's writes are
    never committed, so they would bump nothing) computes every time."""
    if not settings.CDT_KEEP_FIGURES:
        return compute()
    generation = current()
    if generation is None:
        return compute()
    full_key = f"cdt:kept:{generation}:{key}"
    try:
        value = cache.get(full_key)
    except CACHE_ERRORS as error:
        _failed(error)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout=KEPT_SECONDS)
        except CACHE_ERRORS as error:
            _failed(error)
    return value


def kept_or_computed(
    key: str, compute: Callable[[], _T], *, keep: Callable[[_T], bool], generation: int | None, seconds: int = KEPT_SECONDS
) -> tuple[_T, bool]:
    """What was kept under ``key`` for ``generation``, or ``compute()``
    (kept when ``keep`` says so: an answer with an error or a one-off message
    is not). Answers the value and whether it was kept, so the caller can
    repeat what the computation did besides its value (an audited read).

    ``generation`` is :func:`current` read by the caller *before* anything
    the value depends on was read (a request's user, loaded by the
    middleware: :class:`cdt.security.kept.GenerationMiddleware`); ``None``
    computes. Like :func:`kept`, ``key`` names everything else the value
    depends on. A value computed while the generation moved on is not kept."""
    if generation is None or not settings.CDT_KEEP_FIGURES:
        return compute(), False
    full_key = f"cdt:kept:{generation}:{key}"
    try:
        value = cache.get(full_key)
    except CACHE_ERRORS as error:
        _failed(error)
        return compute(), False
    if value is not None:
        return value, True
    value = compute()
    if keep(value) and current() == generation:
        try:
            cache.set(full_key, value, timeout=seconds)
        except CACHE_ERRORS as error:
            _failed(error)
    return value, False


def _query_key(queryset: Any, kind: str) -> str:
    """The query's SQL and parameters name all it depends on: its filters,
    and the reader's rule (:class:`cdt.security.access.RuleCondition`
    writes the reader's id, organisation and clearance into them)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    return f"{kind}:" + hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()


def kept_count(queryset: Any) -> int:
    """``queryset.count()``, kept for the generation (a paginator's total,
    a badge): a count reads every matching row, however few a page shows."""
    if not settings.CDT_KEEP_FIGURES:
        return int(queryset.count())
    return kept(_query_key(queryset, "count"), queryset.count)


def kept_rows(queryset: Any) -> list[Any]:
    """``list(queryset)`` of plain values (``values_list``), kept for the generation."""
    if not settings.CDT_KEEP_FIGURES:
        return list(queryset)
    return kept(_query_key(queryset, "rows"), lambda: list(queryset))


def _shared() -> bool:
    """Whether a bump can matter: figures are kept here, or in another
    process sharing this Redis (one started with ``CDT_KEEP_FIGURES`` on, a
    rolling deploy). Without Redis nothing is shared and nothing is kept."""
    return bool(settings.CDT_KEEP_FIGURES or settings.REDIS_URL)


def _bump_after_commit(connection: BaseDatabaseWrapper) -> Callable[[], None]:
    def after_commit() -> None:
        if getattr(connection, "_cdt_written", False):
            connection._cdt_written = False  # type: ignore[attr-defined]
            bump()

    return after_commit


def written_by_copy(connection: BaseDatabaseWrapper) -> None:
    """Queue a bump for the commit of a write: what the wrapper does for
    each statement it sees, and what ``COPY`` (which it cannot see) calls."""
    if not _shared():
        return
    connection._cdt_written = True  # type: ignore[attr-defined]
    # Once per savepoint level, not per transaction: a savepoint rolled back
    # takes its own callbacks with it, and a later write must still bump. A
    # bump already queued last at this very level is enough: it goes only
    # with a rollback that takes this write too. The first to run after the
    # commit bumps; the others find nothing written.
    if connection.in_atomic_block and connection.run_on_commit:
        savepoints, func, _robust = connection.run_on_commit[-1]
        if is_generation_callback(func) and savepoints == set(connection.savepoint_ids):
            return
    callback = _bump_after_commit(connection)
    callback._cdt_generation = True  # type: ignore[attr-defined]
    transaction.on_commit(callback, using=connection.alias)


def is_generation_callback(func: Callable[..., Any]) -> bool:
    """Whether an on-commit callback is the generation's bump (tests that
    count their own callbacks leave it out)."""
    return bool(getattr(func, "_cdt_generation", False))


def _watch(connection: BaseDatabaseWrapper) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        if not _shared():
            return result
        tables = written_tables(sql) if isinstance(sql, str) else []
        # A write that changed no row (a sweep with nothing due, every few seconds) bumps nothing.
        changed = getattr(context.get("cursor"), "rowcount", -1) != 0
        if changed and any(table not in QUIET_TABLES for table in tables):
            written_by_copy(connection)
        return result

    return wrapper


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if not any(getattr(wrapper, "_cdt_generation", False) for wrapper in connection.execute_wrappers):
        wrapper = _watch(connection)
        wrapper._cdt_generation = True  # type: ignore[attr-defined]
        connection.execute_wrappers.append(wrapper)


def watch_writes() -> None:
    """Watch every connection, open or to come (called once, at start-up)."""
    connection_created.connect(_install, dispatch_uid="cdt-generation")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)
