"""Issue 29: reads never wait on a lock (decision 0032).

* A read of a classified object is one INSERT into the queue of pending
  reads: it never reads, locks or updates the chain's head.
* The chainer links the queue into the chain in id order, after whatever
  the locked writes appended, one head lock per batch; the console lists a
  read the moment it is recorded, and its line keeps its place once chained.
* ``verify_audit`` still names an edited, deleted or forged entry (chained
  reads included), and names a read that waited too long for the chain or
  that is queued although already chained.
* In the embedded mode (Celery in-process) the read is chained once it
  commits; with a broker, beat's task does it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cdt.security.audit import audit_chain_reads, audit_read, audit_record, audit_verify
from cdt.security.models import AuditEntry, AuditHead, AuditTrailLine, PendingRead
from cdt.security.tasks import chain_audit_reads

pytestmark = pytest.mark.django_db

READ, EXPORT = AuditEntry.Action.READ, AuditEntry.Action.EXPORT
TRAIL = "/admin/security/audittrailline/"


def write(n: int) -> AuditEntry:
    return audit_record(action=EXPORT, details={"n": n})


def read(n: int) -> PendingRead:
    return audit_read(actor=None, details={"n": n})


def chain_order() -> list[tuple[str, int]]:
    return [(entry.action, entry.details["n"]) for entry in AuditEntry.objects.order_by("id")]


def trail_order() -> list[tuple[str, int, bool]]:
    return [(line.action, line.details["n"], line.position is not None) for line in AuditTrailLine.objects.all()]


# --- A read takes no lock --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["page", "api", "list"])
def test_a_read_is_one_insert_and_never_touches_the_chains_head(cast, signed_in, open_case, path):
    case = open_case(title="Wiper attack on grid operators")  # RESTREINT UE
    url = {"page": reverse("case-page", args=[case.pk]), "api": f"/api/v1/cases/{case.pk}/", "list": "/api/v1/cases/"}[path]
    client = signed_in["other_delegate"]
    client.get(url)  # the first request of a session sets it up
    head = AuditHead.objects.values_list("last_id", "last_hash").get(pk=1)
    queued = PendingRead.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if AuditHead._meta.db_table in sql or "FOR UPDATE" in sql.upper()]
    assert not [sql for sql in statements if AuditEntry._meta.db_table in sql]
    assert len([sql for sql in statements if sql.startswith(f'INSERT INTO "{PendingRead._meta.db_table}"')]) == 1
    assert AuditHead.objects.values_list("last_id", "last_hash").get(pk=1) == head
    assert PendingRead.objects.count() == queued + 1
    queued_read = PendingRead.objects.latest("id")
    assert queued_read.actor == cast["other_delegate"] and queued_read.details["path"] == url


def test_a_write_still_takes_the_lock_and_a_read_cannot():
    with pytest.raises(ValueError, match="audit_read"):
        audit_record(action=READ, details={})
    entry = write(1)
    assert AuditHead.objects.get(pk=1).last_id == entry.id and not PendingRead.objects.exists()


# --- The chainer ------------------------------------------------------------------------------------


def test_the_chainer_links_reads_in_id_order_after_the_locked_writes():
    write(1)
    first = read(1)
    write(2)
    reads = [first, read(2), read(3)]
    # Listed at once, in the order the chain will take: the chain, then the queue.
    assert trail_order() == [(EXPORT, 1, True), (EXPORT, 2, True), (READ, 1, False), (READ, 2, False), (READ, 3, False)]
    assert audit_chain_reads() == 3
    assert chain_order() == [(EXPORT, 1), (EXPORT, 2), (READ, 1), (READ, 2), (READ, 3)]
    assert trail_order() == [(EXPORT, 1, True), (EXPORT, 2, True), (READ, 1, True), (READ, 2, True), (READ, 3, True)]
    chained = list(AuditEntry.objects.filter(action=READ).order_by("id"))
    assert [entry.pending_id for entry in chained] == [queued.id for queued in reads]
    assert [(entry.at, entry.details, entry.actor_id) for entry in chained] == [(q.at, q.details, q.actor_id) for q in reads]
    assert not PendingRead.objects.exists()
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (chained[-1].id, chained[-1].entry_hash)
    assert audit_verify() == (5, None)
    # A write after the chainer follows the chained reads.
    write(3)
    read(4)
    assert audit_chain_reads() == 1
    assert chain_order()[-2:] == [(EXPORT, 3), (READ, 4)]
    assert audit_verify() == (7, None)
    assert audit_chain_reads() == 0


def test_one_head_lock_per_batch():
    for n in range(5):
        read(n)
    with CaptureQueriesContext(connection) as queries:
        assert audit_chain_reads(batch_size=2) == 5
    head_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and AuditHead._meta.db_table in q["sql"]]
    assert len(head_reads) == 3  # batches of 2, 2 and 1
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{AuditEntry._meta.db_table}"')]
    assert len(inserts) == 3  # one statement per batch
    assert [entry.details["n"] for entry in AuditEntry.objects.order_by("id")] == list(range(5))
    assert audit_verify() == (5, None)


def test_a_run_stops_after_its_batches_and_the_next_takes_the_rest():
    for n in range(5):
        read(n)
    assert audit_chain_reads(batch_size=2, batches=1) == 2
    assert PendingRead.objects.count() == 3 and audit_verify() == (2, None)
    assert chain_audit_reads() == 3  # beat's task
    assert audit_verify() == (5, None)


def test_in_the_embedded_mode_a_read_is_chained_once_it_commits(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        read(1)
    assert len(callbacks) == 1
    assert not PendingRead.objects.exists() and chain_order() == [(READ, 1)]


def test_with_a_broker_a_read_leaves_the_chaining_to_beat(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        read(1)
    assert callbacks == [] and PendingRead.objects.count() == 1 and not AuditEntry.objects.exists()


def test_a_failing_chainer_never_fails_the_read(settings, django_capture_on_commit_callbacks, monkeypatch, caplog):
    from cdt.security import audit

    def broken(**kwargs):
        raise RuntimeError("database is locked")

    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(audit, "audit_chain_reads", broken)
    with django_capture_on_commit_callbacks(execute=True):
        read(1)
    assert PendingRead.objects.count() == 1 and "could not chain" in caplog.text


# --- The console lists the queue --------------------------------------------------------------------


def test_the_console_lists_a_read_at_once_and_in_the_same_place_once_chained(cast, signed_in, open_case):
    case = open_case(title="Wiper attack on grid operators")
    console = signed_in["secretariat"]
    assert signed_in["other_delegate"].get(reverse("case-page", args=[case.pk])).status_code == 200
    audit_chain_reads()  # everything before the read we look for

    assert signed_in["other_delegate"].get(reverse("case-page", args=[case.pk])).status_code == 200
    found = console.get(TRAIL, {"q": cast["other_delegate"].username, "action__exact": READ})
    lines = list(found.context["cl"].result_list)
    assert [(line.object_id, line.position) for line in lines][-1] == (str(case.pk), None)
    assert 'alt="False"' in found.content.decode()  # "in the chain": not yet
    queued_as = lines[-1].pending_id

    audit_chain_reads()
    again = list(console.get(TRAIL, {"q": cast["other_delegate"].username, "action__exact": READ}).context["cl"].result_list)
    assert [line.pk for line in again][:-1] == [line.pk for line in lines][:-1]
    assert (again[-1].pending_id, again[-1].object_id) == (queued_as, str(case.pk)) and again[-1].position is not None


def test_the_trail_is_the_secretariats_as_before(signed_in, cast):
    queued = read(1)
    assert signed_in["other_delegate"].get(TRAIL).status_code == 302  # not staff: sent to the console's login
    assert signed_in["secretariat"].get(TRAIL).status_code == 200
    assert signed_in["secretariat"].get(f"{TRAIL}{AuditTrailLine.objects.get(pending_id=queued.pk).pk}/change/").status_code == 200
    assert signed_in["secretariat"].post(f"{TRAIL}add/", {}).status_code == 403


# --- verify_audit -----------------------------------------------------------------------------------


def chained_reads(count: int) -> list[AuditEntry]:
    write(0)
    for n in range(count):
        read(n)
    audit_chain_reads()
    write(99)
    return list(AuditEntry.objects.filter(action=READ).order_by("id"))


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.format(entry=AuditEntry._meta.db_table, queue=PendingRead._meta.db_table), params)


def test_an_edited_chained_read_is_named():
    entries = chained_reads(3)
    sql("UPDATE {entry} SET actor_name = 'someone else' WHERE id = %s", entries[1].id)
    checked, problem = audit_verify()
    assert (checked, problem.entry_id, problem.subject) == (2, entries[1].id, "entry") and "edited" in problem.reason
    with pytest.raises(CommandError, match=f"broken at entry #{entries[1].id}"):
        call_command("verify_audit")


def test_a_chained_read_pointed_at_another_queued_read_is_an_edit():
    entries = chained_reads(2)
    sql("UPDATE {entry} SET pending_id = pending_id + 1000 WHERE id = %s", entries[0].id)
    assert audit_verify()[1].entry_id == entries[0].id


def test_a_deleted_chained_read_is_named():
    entries = chained_reads(3)
    sql("DELETE FROM {entry} WHERE id = %s", entries[1].id)
    problem = audit_verify()[1]
    assert problem.entry_id == entries[1].id and "missing" in problem.reason


def test_a_forged_chained_read_with_a_recomputed_hash_is_named_by_the_next_entry():
    entries = chained_reads(3)
    forged = AuditEntry.objects.get(pk=entries[1].id)
    forged.actor_name = "forger"
    sql("UPDATE {entry} SET actor_name = 'forger', entry_hash = %s WHERE id = %s", forged.compute_hash(), forged.id)
    problem = audit_verify()[1]
    assert problem.entry_id == entries[2].id and "does not follow" in problem.reason


def test_a_read_waiting_too_long_for_the_chain_is_named(capsys):
    read(1)
    stale = read(2)
    call_command("verify_audit")
    assert "2 reads waiting for the chain" in capsys.readouterr().out
    PendingRead.objects.filter(pk=stale.pk).update(at=timezone.now() - datetime.timedelta(minutes=6))
    checked, problem = audit_verify()
    assert (problem.subject, problem.entry_id) == ("pending read", stale.id) and "stalled" in problem.reason
    assert audit_verify(bound=datetime.timedelta(minutes=10))[1] is None
    with pytest.raises(CommandError, match=f"pending read #{stale.id} has waited for the chain"):
        call_command("verify_audit")
    call_command("verify_audit", "--chain")  # a restored copy: link the queue first, as beat would
    assert "2 queued reads linked" in capsys.readouterr().out and audit_verify() == (2, None)


def test_a_queued_read_already_chained_is_named():
    entries = chained_reads(2)
    columns = "id, at, actor_id, actor_name, object_type, object_id, object_repr, details, ip_address"
    sql(
        f"INSERT INTO {{queue}} ({columns}) SELECT pending_id, at, actor_id, actor_name, object_type, object_id, object_repr, details, ip_address FROM {{entry}} WHERE id = %s",
        entries[0].id,
    )
    problem = audit_verify()[1]
    assert (problem.subject, problem.entry_id) == ("pending read", entries[0].pending_id)
    assert f"entry #{entries[0].id} already chained it" in problem.reason
    with pytest.raises(IntegrityError):  # the chainer refuses to chain it twice: nothing forks
        audit_chain_reads()
