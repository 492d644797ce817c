"""The test suite's own isolation (decision 0021): what made it flaky
must not come back."""

import pytest
from django.db import connection

from tests.conftest import _flushes


def test_the_live_server_has_database_connections_of_its_own(live_server):
    """Django shares an in-memory SQLite connection between the test thread
    and the live server's request threads; their transactions then
    interleave (the browser tests' "Forced update did not affect any rows"
    and the flush's "FOREIGN KEY constraint failed")."""
    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_the_migrated_reference_data_is_there_and_untouched_by_the_audit_trail():
    """Every test starts from the migrated database, whatever ran before it
    on its worker: the reference data is there, and putting it back after a
    flush wrote nothing to the audit trail."""
    from cdt.directory.models import Organisation
    from cdt.security.models import AuditEntry
    from measures.models import MeasureType

    assert Organisation.objects.filter(code="EEAS").exists() and MeasureType.objects.exists()
    assert not AuditEntry.objects.exists()


def test_transactional_tests_are_recognised(request):
    """The teardown hook puts the reference data back after exactly the
    tests pytest-django flushes after."""
    for marks, fixtures, flushes in (
        ({"transaction": True}, (), True),
        ((True,), (), True),
        ({}, ("db",), False),
        ({}, ("transactional_db",), True),
        ({}, ("live_server",), True),
        (None, (), False),
    ):
        item = type("Item", (), {})()
        item.fixturenames = fixtures
        item.get_closest_marker = lambda name, marks=marks: (
            None
            if marks is None
            else pytest.mark.django_db(*marks).mark
            if isinstance(marks, tuple)
            else pytest.mark.django_db(**marks).mark
        )
        assert _flushes(item) is flushes, (marks, fixtures)
