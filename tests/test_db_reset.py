"""A transactional test ends with the database as the migrations left it
(tests/db_reset.py): what it wrote is gone, what the migrations loaded is
back with its ids, and the next test's rows never collide with them."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from awareness.models import TaxiiCollection
from cdt.directory.models import Organisation
from tests import db_reset

pytestmark = pytest.mark.django_db(transaction=True)


def _migrated() -> tuple[list, list]:
    return list(Organisation.objects.order_by("pk").values_list("pk", "code", "name")), list(
        Permission.objects.order_by("pk").values_list("pk", "codename")
    )


def test_the_reset_takes_away_what_a_test_wrote_and_puts_back_what_it_changed_or_deleted(cast):
    before = _migrated()
    assert before[0] and before[1]
    Organisation.objects.filter(code="DE").update(name="Renamed")
    TaxiiCollection.objects.all().delete()
    Permission.objects.filter(pk=before[1][0][0]).delete()
    db_reset.migrated_state_restore(connection.alias)
    assert _migrated() == before
    from cdt.accounts.models import User

    assert not User.objects.exists()  # the cast is gone
    assert Organisation.objects.get(code="DE").name != "Renamed"
    assert TaxiiCollection.objects.exists()


def test_rows_made_after_a_reset_take_new_ids(make_user):
    user = make_user("after-reset", "FR")
    assert user.organisation.code == "FR"
    db_reset.migrated_state_restore(connection.alias)
    assert make_user("after-reset-again", "FR").pk > user.pk


def test_a_sequence_moves_past_the_rows_written_back(cast):
    """A table dropped and made again (a test migrating an app back and
    forth) starts its sequence again from 1: the rows written back must not
    take the ids its next inserts get."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's AUTOINCREMENT moves forward by itself on an explicit id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('directory_organisation', 'id'), 1, false)")
    db_reset.migrated_state_restore(connection.alias)
    kind = next(kind for kind in Organisation.Kind.values if kind != Organisation.Kind.DELEGATION)
    made = Organisation.objects.create(code="ZZ", name="Nowhere", kind=kind)
    assert made.pk > max(Organisation.objects.exclude(pk=made.pk).values_list("pk", flat=True))
