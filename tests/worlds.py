"""Worlds built once and shared by the tests of a module.

Building a realistic world (users, grants audited under one lock, cases in
every state) costs far more than the few requests a test makes against it.
A module that only reads (or whose writes are rolled back with each test)
builds it once with :func:`shared_world`: inside a transaction that is
rolled back when the module ends; each test then runs in a savepoint inside
it (``pytest.mark.django_db``), so nothing a test writes reaches the next.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import transaction
from django.test.utils import override_settings

W = TypeVar("W")


@functools.cache
def _migrated_apps():
    """The models as the migrations see them (no history, no signals): the
    reference data is put back exactly as the migrations loaded it, without
    the audit entries that creating it through the live models would add."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state().apps


def directory_ensure() -> None:
    """The reference data (directory, measures catalogue, TAXII collections).

    The migrations load it; a transactional test's flush empties every table,
    so it is loaded again only when it is missing (three cheap reads
    otherwise), not for every test."""
    from importlib import import_module

    from awareness.models import TaxiiCollection
    from cdt.directory.models import Organisation
    from cdt.directory.reference import load_reference_data
    from measures.catalogue import catalogue_ensure
    from measures.models import MeasureType

    if not Organisation.objects.exists():
        load_reference_data(_migrated_apps())
    if not TaxiiCollection.objects.exists():
        import_module("awareness.migrations.0004_taxii_collections").ensure(_migrated_apps().get_model("awareness", "TaxiiCollection"))
    if not MeasureType.objects.exists():
        catalogue_ensure(_migrated_apps())


@contextmanager
def shared_world(django_db_blocker, build: Callable[[], W], **settings) -> Iterator[W]:
    """``build()``'s world for the duration of a module, rolled back at its
    end; ``settings`` are overridden while it lasts."""
    with override_settings(**settings), django_db_blocker.unblock(), transaction.atomic():
        directory_ensure()
        yield build()
        transaction.set_rollback(True)
