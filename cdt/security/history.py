"""Which past versions of a protected object a user may see.

A version (a simple-history row) carries the markings the object had then.
A user who may see the object now may still not have been allowed to see an
earlier version: a TLP:RED report its producer later lowered to TLP:CLEAR, a
case declassified from RESTREINT UE. Each version is judged by the one rule
(:func:`~cdt.security.access.can_view`, :func:`~cdt.security.access.can_view_child`)
on the version's own classification, LIMITE, TLP, originator, releasability
flag and distribution, with the grants as they are now (grants and
``releasable_to`` lists have no history; they are read from the object).
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from .access import can_view, can_view_child
from .models import Marked, MarkedChild
from .types import AnyUser

_H = TypeVar("_H", bound=Model)

#: The fields of a protected object that the rule reads, as history stores them.
MARKED_FIELDS = ("classification", "limite", "tlp", "originator_id", "releasable_to_all", "distribution")
CHILD_FIELDS = ("classification",)


def visible_versions(versions: QuerySet[_H], obj: Marked | MarkedChild, user: AnyUser) -> QuerySet[_H]:
    """``versions`` (of ``obj``, which the caller has checked ``user`` may
    see now) narrowed to those whose own markings ``user`` may see. The rule
    is evaluated once per distinct set of markings, not once per version."""
    child = isinstance(obj, MarkedChild)
    stored = {field.attname for field in versions.model._meta.concrete_fields}
    fields = [name for name in (CHILD_FIELDS if child else MARKED_FIELDS) if name in stored]
    allowed = Q(pk__in=[])
    for markings in versions.order_by().values_list(*fields).distinct():
        then = dict(zip(fields, markings, strict=True))
        probe: Any = copy.copy(obj)  # the object as it was marked then; nothing is saved
        for name, value in then.items():
            setattr(probe, name, value)
        if can_view_child(user, probe) if child else can_view(user, probe):
            allowed |= Q(**then)
    return versions.filter(allowed)
