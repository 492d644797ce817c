"""Response and session hardening that applies to every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

SESSION_STARTED_KEY = "cdt_session_started"

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class NoStoreMiddleware:
    """Nothing shown to a logged-in user (page or API, session or token) may
    be kept by a browser or proxy cache: every such response carries
    ``Cache-Control: no-store``. Runs after DRF has authenticated tokens,
    since DRF sets the user on the underlying request."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLifetimeMiddleware:
    """An absolute session lifetime on top of the inactivity timeout
    (``SESSION_COOKIE_AGE`` renewed on every request): after
    ``CDT_SESSION_MAX_SECONDS`` from login the user signs in again, however
    active they were."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.CDT_SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)
