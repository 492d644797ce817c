"""Reads of protected objects, for every view, API and export.

Every detail read goes through :func:`protected_get`: it applies the one
access rule in SQL (so an object the user may not see is exactly as absent
as one that does not exist: 404), and records the read in the audit trail
when the object is classified (who, what, when, from where). A response
that shows many objects (a list page, an API list, search results, an
export) is recorded once, naming the classified ones, by
:func:`protected_list_record`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .access import is_classified, visible_children, visible_to
from .audit import audit_record
from .models import AuditEntry, Classified, MarkedChild
from .types import AnyUser

_P = TypeVar("_P", bound=Classified)


def protected_queryset(queryset: QuerySet[_P], user: AnyUser, action: str = "view") -> QuerySet[_P]:
    """``queryset`` narrowed by the access rule, for a protected model or a
    child of one."""
    if issubclass(queryset.model, MarkedChild):
        return visible_children(queryset, user, action)
    return visible_to(queryset, user, action)


def protected_get(queryset: QuerySet[_P], user: AnyUser, *, request: HttpRequest | None = None, action: str = "view", **lookup: Any) -> _P:
    """The one object matching ``lookup`` that ``user`` may see, or 404."""
    try:
        obj = protected_queryset(queryset, user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None
    protected_read_record(obj=obj, user=user, request=request)
    return obj


def protected_read_record(*, obj: Classified, user: AnyUser, request: HttpRequest | None = None, via: str | None = None) -> None:
    """Audit one read of a classified object (unclassified reads are not
    recorded: they would drown the trail)."""
    if is_classified(obj):
        details: dict[str, Any] = {"classification": int(obj.classification)}
        if request is not None:
            details["path"] = request.path[:200]
        if via:
            details["via"] = via
        audit_record(action=AuditEntry.Action.READ, actor=user, target=obj, request=request, details=details)


#: Objects named in one list-read entry; the count is always complete. A
#: page or a search shows far fewer; an export past this many is an EXPORT
#: entry of its own as well.
LISTED_OBJECTS = 1000


def protected_list_record(
    *, objects: Iterable[Any], user: AnyUser, request: HttpRequest | None = None, via: str | None = None
) -> AuditEntry | None:
    """Audit one response that shows many objects: ONE entry naming the
    classified ones among ``objects`` (``[model label, pk]`` pairs), so a
    page of 50 costs one insert, not 50; nothing when none is classified
    (unclassified reads would drown the trail). ``objects`` must be already
    fetched (a list or an evaluated page): this adds no query of its own
    besides the append."""
    shown = [obj for obj in objects if isinstance(obj, Classified) and is_classified(obj)]
    if not shown:
        return None
    details: dict[str, Any] = {
        "objects": [[obj._meta.label_lower, str(obj.pk)] for obj in shown[:LISTED_OBJECTS]],
        "count": len(shown),
        "classification": max(int(obj.classification) for obj in shown),
    }
    if request is not None:
        details["path"] = request.path[:200]
    if via:
        details["via"] = via
    return audit_record(action=AuditEntry.Action.READ, actor=user, request=request, details=details)


def highest_marking(objects: Iterable[_P]) -> _P | None:
    """The object with the highest classification among ``objects``: a list
    page carries the banner of the most sensitive thing it shows."""
    best: _P | None = None
    for obj in objects:
        if best is None or (int(obj.classification), getattr(obj, "tlp", 0)) > (int(best.classification), getattr(best, "tlp", 0)):
            best = obj
    return best
