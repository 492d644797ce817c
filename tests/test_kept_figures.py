"""Counts kept per reader until the next committed write
(cdt/core/generation.py): a kept count is never older than the last
commit, so a withdrawn grant takes its case out of every count at once."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.selectors import case_list
from cdt.core import generation
from cdt.core.generation import kept_count
from cdt.directory.models import Organisation
from cdt.security.grants import access_revoke, organisation_group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("keeping")]


def _counted(user) -> tuple[int, int]:
    """The reader's count of cases, and how many queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        count = kept_count(case_list(user=user))
    return count, len(queries)


def test_a_count_is_kept_until_a_committed_write(cast, open_case):
    open_case(title="First")
    assert _counted(cast["other_delegate"]) == (1, 1)
    assert _counted(cast["other_delegate"]) == (1, 0)  # kept: no query
    assert _counted(cast["delegate"])[1] == 1  # another reader: counted for them
    open_case(title="Second")  # committed (a transactional test): a new generation
    assert _counted(cast["other_delegate"]) == (2, 1)


def test_a_withdrawn_grant_leaves_every_kept_count_at_once(cast, open_case):
    case = open_case()
    assert _counted(cast["other_delegate"])[0] == 1
    access_revoke(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    assert _counted(cast["other_delegate"]) == (0, 1)


def test_a_rolled_back_write_bumps_nothing_and_a_later_one_in_the_transaction_still_does(cast, open_case):
    open_case()
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Case.objects.update(title="Renamed")
        raise RuntimeError("rolled back")
    assert generation.current() == before
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, rolled back with the callback its write queued
                Case.objects.update(title="Renamed")
                raise RuntimeError
        except RuntimeError:
            pass
        Case.objects.update(title="Renamed again")
    assert generation.current() > before


def test_a_write_that_changes_no_row_bumps_nothing(cast, open_case):
    open_case()
    before = generation.current()
    assert Case.objects.filter(title="No such title").update(title="Renamed") == 0
    assert generation.current() == before
    Case.objects.update(title="Renamed")
    assert generation.current() > before


def test_sessions_and_the_audit_trail_bump_nothing(client, cast, open_case):
    from cdt.security.audit import audit_chain_reads
    from cdt.security.models import PendingRead

    open_case(classification=1)
    client.force_login(cast["delegate"])
    client.get("/cases/")  # saves the session, queues the read of a classified case
    before = generation.current()
    client.get("/cases/")
    client.get("/")
    audit_chain_reads()  # the chainer appends to the chain and empties the queue
    assert generation.current() == before
    assert not PendingRead.objects.exists()


class _AbsentCache:
    """A cache that never answers, as django-redis with ``IGNORE_EXCEPTIONS``
    behaves on a dead Redis after waiting its socket timeout: ``get`` answers
    its default, the writes answer ``None``. It counts how often it was asked."""

    def __init__(self):
        self.asked = 0

    def get(self, key, default=None):
        self.asked += 1
        return default

    def _nothing(self, *args, **kwargs):
        self.asked += 1
        return None

    set = incr = add = _nothing


@pytest.fixture
def absent(monkeypatch):
    absent = _AbsentCache()
    monkeypatch.setattr(generation, "cache", absent)
    monkeypatch.setattr(generation._Health, "resting_until", 0.0)
    monkeypatch.setattr(generation._Health, "missed", False)
    return absent


def test_a_process_that_only_reads_notices_an_absent_cache_once_then_rests(absent):
    computed = []
    for _ in range(3):
        assert generation.kept("figure", lambda: computed.append(1) or 7) == 7
    assert absent.asked == 2  # one read, one attempt to start a generation: then the cache rests
    assert len(computed) == 3  # every figure computed, never read stale


def test_an_absent_cache_costs_one_attempt_then_rests_and_a_new_generation_follows(absent, monkeypatch):
    computed = []
    generation.bump()  # a write's bump: the cache does not answer
    for _ in range(3):
        assert generation.kept("figure", lambda: computed.append(1) or 7) == 7
    generation.bump()
    assert absent.asked == 1  # one attempt, then the cache rests
    assert len(computed) == 3  # and every figure is computed, never read stale
    monkeypatch.setattr(generation, "cache", cache)  # the cache is back
    monkeypatch.setattr(generation._Health, "resting_until", 0.0)  # the rest is over
    before = cache.get(generation.GENERATION_KEY, 0)
    cache.set(f"cdt:kept:{before}:figure", 99)  # a value kept before the outage
    assert generation.current() > before  # the bumps lost while away: a new generation first
    assert generation.kept("figure", lambda: 8) == 8


def test_a_write_queues_one_bump_per_savepoint_level(cast, open_case):
    open_case()
    with transaction.atomic():
        for title in ("One", "Two", "Three"):
            Case.objects.update(title=title)
        bumps = [func for _sids, func, _robust in connection.run_on_commit if generation.is_generation_callback(func)]
        assert len(bumps) == 1
        with transaction.atomic():
            Case.objects.update(title="Four")
            bumps = [func for _sids, func, _robust in connection.run_on_commit if generation.is_generation_callback(func)]
            assert len(bumps) == 2  # the savepoint's own, which a rollback of it would take away


def test_the_tables_a_statement_writes_are_read_from_with_statements_and_truncate_too():
    from cdt.core.generation import written_tables

    assert written_tables('INSERT INTO "cases_case" ("title") VALUES (%s)') == ["cases_case"]
    assert written_tables('UPDATE "cases_case" SET "title" = %s') == ["cases_case"]
    assert written_tables("TRUNCATE TABLE ONLY notifications_event") == ["notifications_event"]
    # The reminder sweep: one statement that marks reminders fired and inserts their events.
    sweep = (
        'WITH due AS (SELECT "id" FROM "notifications_reminder" FOR UPDATE SKIP LOCKED), '
        'fired AS (UPDATE "notifications_reminder" r SET "fired_at" = %(now)s FROM due RETURNING r."deadline_id") '
        'INSERT INTO "notifications_event" ("kind") SELECT %(kind)s FROM fired'
    )
    assert written_tables(sweep) == ["notifications_reminder", "notifications_event"]
    assert written_tables('WITH recent AS (SELECT 1) SELECT * FROM "cases_case"') == []
    assert written_tables('SELECT "id" FROM "cases_case" WHERE "title" = %s') == []


def test_new_generation_makes_every_kept_figure_computed_again():
    from io import StringIO

    from django.core.management import call_command

    computed = []
    assert generation.kept("figure", lambda: computed.append(1) or 7) == 7
    assert generation.kept("figure", lambda: computed.append(1) or 7) == 7
    out = StringIO()
    call_command("new_generation", stdout=out)
    assert generation.kept("figure", lambda: computed.append(1) or 8) == 8
    assert len(computed) == 2
    assert "computed again" in out.getvalue()
