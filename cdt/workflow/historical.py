"""django-fsm and the migrations' historical models.

Each :class:`~django_fsm.FSMField` connects a receiver to ``class_prepared``
when it is added to a model, and every model class Django makes from then on
calls every such receiver. ``migrate`` makes tens of thousands of historical
model classes (it renders the project's state again after each operation),
each with fresh fields, and the old classes live on in reference cycles until
the garbage collector comes: on a fresh database some 9 million receiver
calls, over half of the time ``migrate`` took (80 s of 140 s under the
profiler). Every test run migrates its databases, and so does each deployment.

:func:`historical_fsm_fields_collect_once` makes a field of a historical model
(one made by the migrations, whose registry is a ``StateApps``) collect its
model's transitions at once and stay off ``class_prepared``. A historical
model carries no methods of its own (only those of the bases its migration
names), so what it collects is what the receiver would have collected; the
project's own models are untouched.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.migrations.state import StateApps
from django.db.models.signals import class_prepared
from django_fsm import FSMFieldMixin

_PATCHED = "_cdt_historical_collect_once"


def historical_fsm_fields_collect_once() -> None:
    """Install the rule above (once; called by the core app when Django starts)."""
    original = FSMFieldMixin.contribute_to_class
    if getattr(original, _PATCHED, False):
        return

    @functools.wraps(original)
    def contribute_to_class(self: Any, cls: Any, name: str, private_only: bool = False, **kwargs: Any) -> None:
        original(self, cls, name, private_only=private_only, **kwargs)
        if isinstance(cls._meta.apps, StateApps):
            class_prepared.disconnect(self._collect_transitions)
            self._collect_transitions(sender=cls)

    setattr(contribute_to_class, _PATCHED, True)
    FSMFieldMixin.contribute_to_class = contribute_to_class
