"""Operational probes (the home page, search and figures are ``overview``'s)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .access import PUBLIC, declare_access


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
