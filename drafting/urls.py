"""The pages of a kind of draft, mounted by the app that owns the kind:
``urlpatterns = [..., *draft_urls(KIND, "options-notes/")]`` gives
``<id>/``, ``<id>/edit/``, ``<id>/compare/`` and ``<id>/<action>/``, named
``<url_name>-page``, ``-edit-page``, ``-compare-page`` and ``-act-page``,
each declaring its access on the kind's model."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cdt.core.access import DETAIL, OBJECT, declare_access
from cdt.security.types import AuthenticatedHttpRequest

from . import views
from .kinds import DraftKind


def draft_urls(kind: DraftKind, prefix: str) -> list[URLPattern]:
    name = kind.name

    def detail(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
        return views.draft_page(request, name, note_id)

    def edit(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
        return views.editor(request, name, note=views.draft_get(request, name, note_id))

    def compare(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
        return views.compare_page(request, name, note_id)

    @require_http_methods(["GET", "POST"])  # GET: a step's confirmation page; POST: the action
    def act(request: AuthenticatedHttpRequest, note_id: int, action: str) -> HttpResponse:
        return views.act(request, name, note_id, action)

    def declared(view: Callable[..., HttpResponse], methods: tuple[str, ...] = ("get",)) -> Callable[..., HttpResponse]:
        # Editors are probed by POST in the permission matrix: a reader who may not draft gets 403, not the form.
        view.__name__ = view.__qualname__ = f"{name}_{view.__name__}"
        return declare_access(OBJECT, model=kind.model, kind=DETAIL, lookup="note_id", methods=methods)(view)

    page = kind.page_name
    return [
        path(f"{prefix}<int:note_id>/", declared(detail), name=f"{page}-page"),
        path(f"{prefix}<int:note_id>/edit/", declared(edit, ("post",)), name=f"{page}-edit-page"),
        path(f"{prefix}<int:note_id>/compare/", declared(compare), name=f"{page}-compare-page"),
        path(f"{prefix}<int:note_id>/<str:action>/", declared(act, ("post",)), name=f"{page}-act-page"),
    ]
