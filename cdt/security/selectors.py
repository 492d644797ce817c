"""Reads of protected objects, for every view, API and export.

Every detail read goes through :func:`protected_get`: it applies the one
access rule in SQL (so an object the user may not see is exactly as absent
as one that does not exist: 404), and records the read in the audit trail
when the object is classified (who, what, when, from where).
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


def highest_marking(objects: Iterable[_P]) -> _P | None:
    """The object with the highest classification among ``objects``: a list
    page carries the banner of the most sensitive thing it shows."""
    best: _P | None = None
    for obj in objects:
        if best is None or (int(obj.classification), getattr(obj, "tlp", 0)) > (int(best.classification), getattr(best, "tlp", 0)):
            best = obj
    return best


def is_protected(model: type[Any]) -> bool:
    """Whether the one access rule decides who sees rows of ``model``."""
    return isinstance(model, type) and issubclass(model, Classified) and not model._meta.abstract


class VisibleIds:
    """Which rows of protected models one reader may see, asked in batches
    and remembered for one response.

    A page or an API response that embeds related objects (a measure's
    decision, an assessment's cases, a plan's measures) asks here before
    naming one: a hidden relation is left out of a list and ``null`` as a
    single reference (decision 0023). Asking for the ids of a whole page at
    once costs one query per related model, whatever the page size."""

    def __init__(self, user: AnyUser):
        self.user = user
        self._known: dict[type[Any], dict[Any, bool]] = {}

    def visible(self, model: type[Any], pks: Iterable[Any]) -> set[Any]:
        """The subset of ``pks`` (rows of ``model``) the reader may see."""
        known = self._known.setdefault(model, {})
        wanted = {pk for pk in pks if pk is not None}
        unknown = [pk for pk in wanted if pk not in known]
        if unknown:
            seen = set(protected_queryset(model._base_manager.filter(pk__in=unknown), self.user).values_list("pk", flat=True))
            known.update((pk, pk in seen) for pk in unknown)
        return {pk for pk in wanted if known[pk]}

    def sees(self, model: type[Any], pk: Any) -> bool:
        return pk is not None and pk in self.visible(model, [pk])


def visible_ids(request: HttpRequest | None, user: AnyUser | None = None) -> VisibleIds:
    """The reader's :class:`VisibleIds`, one per request (or a fresh one
    for ``user`` outside a request)."""
    if request is None:
        from django.contrib.auth.models import AnonymousUser

        return VisibleIds(user if user is not None else AnonymousUser())
    memo = getattr(request, "_cdt_visible_ids", None)
    if memo is None or memo.user is not request.user:
        memo = VisibleIds(request.user)
        request._cdt_visible_ids = memo  # type: ignore[attr-defined]
    return memo
