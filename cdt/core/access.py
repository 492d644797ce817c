"""Declared access for every URL.

Every view served by CDT declares who may reach it, in code next to the view,
with :func:`declare_access`. A test walks the URL configuration and fails if
any view lacks a declaration, so a new page or API route cannot ship without
one. The declaration is enforced, not informational:

* ``PUBLIC``: reachable without logging in (login page, language switch,
  health probe). Marked ``login_not_required`` for the middleware.
* ``AUTHENTICATED``: any logged-in user; enforced by
  :class:`cdt.core.middleware.LoginRequiredMiddleware` for pages and by the
  view's ``permission_classes`` for the API.
* ``STAFF``: the Council secretariat's admin console (Django admin checks
  ``is_staff`` and model permissions itself).
* ``SECRETARIAT``: the secretariat's own console (``/console/``): the
  Council secretariat role with a verified second factor; anyone else signed
  in gets 403 before anything is looked up
  (:func:`cdt.accounts.console.secretariat_console` declares and enforces it).
* ``OBJECT``: a logged-in user, further filtered per object by the security
  model's single access rule (selectors return 404 for what a user may not see).

Third-party views we mount but do not write (Django's auth views, the admin,
the schema) are declared in :data:`THIRD_PARTY_URL_ACCESS` by URL name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator

PUBLIC = "public"
AUTHENTICATED = "authenticated"
STAFF = "staff"
SECRETARIAT = "secretariat"
OBJECT = "object"
POLICIES = frozenset({PUBLIC, AUTHENTICATED, STAFF, SECRETARIAT, OBJECT})

ATTRIBUTE = "cdt_access"
MODEL_ATTRIBUTE = "cdt_access_model"
KIND_ATTRIBUTE = "cdt_access_kind"
LOOKUP_ATTRIBUTE = "cdt_access_lookup"
METHODS_ATTRIBUTE = "cdt_access_methods"

#: What an ``OBJECT`` route shows, so the permission-matrix test knows how to
#: probe it: one object (``detail``: 200 or 404) or many (``list``: the
#: visible ones, their count, and ``?q=`` search). DRF viewsets need no kind:
#: the router's ``-list``/``-detail`` names say it.
DETAIL = "detail"
LIST = "list"
KINDS = frozenset({DETAIL, LIST})

V = TypeVar("V", bound=Callable)

# URL name -> policy, for views CDT mounts but does not define.
THIRD_PARTY_URL_ACCESS: dict[str, str] = {
    "password_change": AUTHENTICATED,
    "password_change_done": AUTHENTICATED,
    "api-schema": AUTHENTICATED,
    "api-docs": AUTHENTICATED,
}


def declare_access(
    policy: str, *, model=None, kind: str | None = None, lookup: str = "pk", methods: tuple[str, ...] = ("get",)
) -> Callable[[V], V]:
    """Mark a view function or class with its access policy.

    Public views are also exempted from the login-required middleware; all
    others stay behind it. ``OBJECT`` views name the protected ``model`` they
    show and, unless they are DRF viewsets, their ``kind`` and the URL
    keyword (``lookup``) that carries the object's primary key.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown access policy {policy!r}")
    if policy == OBJECT and model is None:
        raise ValueError("an OBJECT view must name the protected model it shows")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")

    def decorate(view: V) -> V:
        if policy == PUBLIC:
            if isinstance(view, type):
                # as_view() copies dispatch's attributes onto the view function.
                view = method_decorator(login_not_required, name="dispatch")(view)
            else:
                view = login_not_required(view)
        setattr(view, ATTRIBUTE, policy)
        if policy == OBJECT:
            setattr(view, MODEL_ATTRIBUTE, model)
            setattr(view, KIND_ATTRIBUTE, kind)
            setattr(view, LOOKUP_ATTRIBUTE, lookup)
            setattr(view, METHODS_ATTRIBUTE, methods)
        return view

    return decorate


def access_of(view_func: Callable, url_name: str | None) -> str | None:
    """The declared policy of a resolved view callback, or None."""
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        if candidate is not None and getattr(candidate, ATTRIBUTE, None):
            return getattr(candidate, ATTRIBUTE)
    if url_name and url_name in THIRD_PARTY_URL_ACCESS:
        return THIRD_PARTY_URL_ACCESS[url_name]
    return None


def declared_object_route(view_func: Callable, url_name: str | None):
    """For an ``OBJECT`` route: (model, kind, lookup keyword, HTTP methods),
    else None. A DRF viewset's routes take their kind from the action
    (``detail=True`` actions are per object, like retrieve)."""
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        if candidate is not None and getattr(candidate, ATTRIBUTE, None) == OBJECT:
            kind = getattr(candidate, KIND_ATTRIBUTE, None)
            lookup = getattr(candidate, LOOKUP_ATTRIBUTE, "pk")
            methods: tuple[str, ...] = getattr(candidate, METHODS_ATTRIBUTE, ("get",))
            actions = getattr(view_func, "actions", None)
            if kind is None and actions:
                methods = tuple(sorted(actions))
                names = set(actions.values())
                if names & {"list", "create"}:
                    kind = LIST
                elif names & {"retrieve", "update", "partial_update", "destroy"}:
                    kind = DETAIL
                else:
                    kind = DETAIL if all(getattr(getattr(candidate, name), "detail", False) for name in names) else None
                lookup = getattr(candidate, "lookup_url_kwarg", None) or getattr(candidate, "lookup_field", "pk")
            return getattr(candidate, MODEL_ATTRIBUTE), kind, lookup, methods
    return None
