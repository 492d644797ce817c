"""The home page and operational probes."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cdt.accounts.roles import Role
from cdt.directory import selectors as directory
from cdt.security.selectors import protected_list_record

from .access import AUTHENTICATED, PUBLIC, declare_access


@declare_access(AUTHENTICATED)
def home(request):
    from notifications import selectors as notifications

    from .dashboard import panels

    today = timezone.localdate()
    presidency = directory.presidency_on(today)
    dashboard = panels(request.user)
    # The dashboard is a list read like any other: one audit entry naming the classified rows shown.
    shown = {
        (type(row.source), row.source.pk): row.source
        for _section, section_panels in dashboard
        for panel in section_panels
        for row in panel.rows
        if row.source is not None
    }
    protected_list_record(objects=shown.values(), user=request.user, request=request, via="dashboard")
    return render(
        request,
        "core/home.html",
        {
            "today": today,
            "dashboard": dashboard,
            "presidency": presidency,
            "next_presidency": directory.presidency_after(presidency) if presidency else None,
            "notifications": list(notifications.inbox(user=request.user)[:8]),
            "deadlines": list(notifications.deadlines(user=request.user)[:8]),
            "is_chair_today": bool(
                presidency
                and request.user.member_state
                and request.user.member_state.pk == presidency.member_state_id
                and request.user.has_role(Role.PRESIDENCY_CHAIR)
            ),
        },
    )


@declare_access(AUTHENTICATED)
@require_GET
def search_page(request):
    """One search box across cases, assessments, actors, notes and
    statements; results only from what the user may see."""
    from cdt.security.selectors import highest_marking

    from .search import MAX_QUERY_LENGTH, kinds, search

    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        return render(
            request,
            "core/search.html",
            {
                "query": query[:MAX_QUERY_LENGTH],
                "kinds": kinds(),
                "groups": [],
                "error": _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH},
            },
            status=400,
        )
    selected = set(request.GET.getlist("kind"))
    groups = search(user=request.user, query=query, kinds=selected or None, limit=25 if selected else 10, request=request)
    return render(
        request,
        "core/search.html",
        {
            "query": query,
            "kinds": kinds(),
            "selected": selected,
            "groups": groups,
            "marking": highest_marking(hit.obj for group in groups for hit in group.hits if hasattr(hit.obj, "classification")),
        },
    )


@declare_access(AUTHENTICATED)
@require_GET
def figures_page(request):
    """Charts of the register as the user sees it: cases by step and kind,
    measures by type and year, time spent per step."""
    from . import figures

    return render(
        request,
        "core/figures.html",
        {
            "charts": [
                figures.cases_by_step(request.user),
                figures.measures_by_type_and_year(request.user),
                figures.time_per_step(request.user),
            ]
        },
    )


@declare_access(PUBLIC)
@never_cache
@require_GET
def health(request):
    """Liveness probe for load balancers: the database answers. Says nothing
    else, since it is reachable without logging in."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means not healthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@declare_access(PUBLIC)
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name none (the admin, the
    API docs): send them to the real icon instead of a 404."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
