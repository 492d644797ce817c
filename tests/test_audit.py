"""The audit trail: logins are recorded, and the hash chain exposes an edited,
a deleted or a truncated entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from cdt.security.audit import audit_record, audit_verify
from cdt.security.models import AuditEntry, AuditHead

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def write_entries(count: int) -> list[AuditEntry]:
    return [audit_record(action=AuditEntry.Action.EXPORT, details={"n": index}) for index in range(count)]


def test_logins_and_failures_are_recorded_without_the_password(client, delegate):
    client.post(reverse("login"), {"username": delegate.username, "password": "wrong-password"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": delegate.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("logout"))
    sign_ins = ["login_failed", "login", "logout"]  # (creating the user is an entry too)
    entries = list(AuditEntry.objects.filter(action__in=sign_ins).order_by("id").values_list("action", "actor_name", "ip_address"))
    assert entries == [
        ("login_failed", delegate.username, "10.1.2.3"),
        ("login", delegate.username, "10.1.2.3"),
        ("logout", delegate.username, "127.0.0.1"),
    ]
    assert "wrong-password" not in str(list(AuditEntry.objects.values()))


def test_intact_chain_verifies(capsys):
    write_entries(5)
    assert audit_verify() == (5, None)
    call_command("verify_audit")
    assert "5 entries verified" in capsys.readouterr().out


def test_an_edited_entry_is_found():
    entries = write_entries(5)
    # An edit made behind the application's back, straight in the table.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET actor_name = 'someone else' WHERE id = %s", [entries[2].id])
    checked, problem = audit_verify()
    assert (checked, problem.entry_id) == (2, entries[2].id)
    assert "edited" in problem.reason
    with pytest.raises(CommandError, match=f"entry #{entries[2].id}"):
        call_command("verify_audit")


def test_a_deleted_entry_is_found():
    entries = write_entries(5)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[1].id])
    checked, problem = audit_verify()
    assert problem.entry_id == entries[1].id and "missing" in problem.reason


def test_deleting_the_newest_entries_is_found():
    entries = write_entries(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id >= %s", [entries[2].id])
    checked, problem = audit_verify()
    assert checked == 2 and problem is not None and "newest" in problem.reason


def test_a_rewritten_chain_with_recomputed_hashes_is_still_caught_by_the_head():
    """Recomputing one row's hash is not enough: the next row no longer follows."""
    entries = write_entries(3)
    forged = AuditEntry.objects.get(pk=entries[1].id)
    forged.actor_name = "forger"
    forged_hash = forged.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor_name = 'forger', entry_hash = %s WHERE id = %s",
            [forged_hash, entries[1].id],
        )
    checked, problem = audit_verify()
    assert problem.entry_id == entries[2].id and "does not follow" in problem.reason


def test_head_tracks_the_newest_entry():
    entries = write_entries(2)
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (entries[-1].id, entries[-1].entry_hash)
    assert entries[1].previous_hash == entries[0].entry_hash


def test_the_three_kinds_of_audit_line_share_their_fields_and_the_console_shows_them_all():
    """One definition (``AuditRecord``) for the chained entry, the queued read
    and the console's line over both: the view of migration 0003 copies the
    same columns, and the console's audit page shows every one of them."""
    from django.contrib import admin

    from cdt.security.models import AuditRecord, AuditTrailLine, PendingRead

    shared = {field.name for field in AuditRecord._meta.fields}
    assert shared == {"at", "actor", "actor_name", "object_type", "object_id", "object_repr", "details", "ip_address"}
    for model in (AuditEntry, PendingRead, AuditTrailLine):
        assert shared <= {field.name for field in model._meta.fields}, model
    shown = admin.site._registry[AuditTrailLine].readonly_fields
    assert sorted(shown) == sorted(field.name for field in AuditTrailLine._meta.fields)
