"""Reference data in factories: found, never made.

The migrations load the directory (Member States, organisations, Council
bodies) and the measures catalogue; a factory that made its own would give
a second Germany. Factories point at it with :func:`reference_data`.
"""

from __future__ import annotations

from typing import Any

import factory
from django.db.models import Model


def reference_data(model: type[Model], **lookup: Any) -> factory.LazyFunction:
    """A declaration for the row of ``model`` matching ``lookup`` (e.g.
    ``reference_data(Organisation, code="DE")``), looked up when a row is
    built."""
    return factory.LazyFunction(lambda: model._default_manager.get(**lookup))
