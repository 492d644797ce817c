"""Reads of protected objects, for every view, API and export.

Every detail read goes through :func:`protected_get`: it applies the one
access rule in SQL (so an object the user may not see is exactly as absent
as one that does not exist: 404), and records the read in the audit trail
when the object is classified (who, what, when, from where), in the queue
of reads the chainer links into the hash chain (decision 0032). A response
that shows many objects (a list page, an API list, search results, an
export) is recorded once, naming the classified ones, by
:func:`protected_list_record`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .access import can_view, can_view_child, is_classified, visible_children, visible_to
from .audit import audit_read
from .models import Classified, Marked, MarkedChild, PendingRead
from .types import AnyUser, is_active_user

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
    recorded: they would drown the trail). One insert, no lock."""
    if is_classified(obj):
        details: dict[str, Any] = {"classification": int(obj.classification)}
        if request is not None:
            details["path"] = request.path[:200]
        if via:
            details["via"] = via
        audit_read(actor=user, target=obj, request=request, details=details)


def visible_or_none(user: AnyUser, obj: _P | None, *, within: Marked | None = None) -> _P | None:
    """``obj`` if ``user`` may see it, else ``None``: what a page or API
    object shows of a single related object (decision record 0023: a hidden
    reference is shown as nothing, with no id, title or value derived from
    it).

    ``within``: a protected object the caller has already shown to ``user``
    (the page's own case). A child of it then needs only the clearance check,
    in Python, with no query: the related objects of a case page are its
    children, and a dozen of them must not cost a dozen reads of the grants."""
    if obj is None:
        return None
    if isinstance(obj, MarkedChild):
        parent_model = type(obj)._meta.get_field(obj.parent_field).related_model
        if within is not None and type(within) is parent_model and getattr(obj, f"{obj.parent_field}_id") == within.pk:
            seen = is_active_user(user) and int(user.effective_clearance()) >= int(obj.classification)
        else:
            seen = can_view_child(user, obj)
    elif isinstance(obj, Marked):
        seen = can_view(user, obj)
    else:
        raise TypeError(f"{type(obj).__name__} is not a protected model")
    return obj if seen else None


def visible_related(related: QuerySet[_P], user: AnyUser) -> QuerySet[_P]:
    """The objects of a relation (``plan.measures.all()``, ``assessment.cases.all()``)
    that ``user`` may see, in one query: lists omit what the reader may not
    see (decision record 0023). Never the relation's prefetch cache, which
    holds every related object."""
    return protected_queryset(related.all(), user)  # a clone: filtering it reads the table, not the cache


#: Objects named in one list-read entry; the count is always complete. A
#: page or a search shows far fewer; an export past this many is an EXPORT
#: entry of its own as well.
LISTED_OBJECTS = 1000


def protected_list_record(
    *, objects: Iterable[Any], user: AnyUser, request: HttpRequest | None = None, via: str | None = None
) -> PendingRead | None:
    """Audit one response that shows many objects: ONE entry naming the
    classified ones among ``objects`` (``[model label, pk]`` pairs), so a
    page of 50 costs one insert, not 50; nothing when none is classified
    (unclassified reads would drown the trail). ``objects`` must be already
    fetched (a list or an evaluated page): this adds no query of its own
    besides the insert into the queue of reads."""
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
    return audit_read(actor=user, request=request, details=details)


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
