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
#: When the inactivity timeout was last renewed (seconds since the epoch).
SESSION_RENEWED_KEY = "cdt_session_renewed"
#: Renew it at most this often: saving the session on every request was a
#: database write (and a commit) on every page and API call (issue 29).
SESSION_RENEWAL_SECONDS = 60

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
    """An absolute session lifetime on top of the inactivity timeout: after
    ``CDT_SESSION_MAX_SECONDS`` from login the user signs in again, however
    active they were.

    The inactivity timeout (``SESSION_COOKIE_AGE``) is renewed by a request
    when the last renewal is :data:`SESSION_RENEWAL_SECONDS` old or more (a
    changed session is saved with a new expiry and cookie): a session ends
    between ``SESSION_COOKIE_AGE`` minus a minute and ``SESSION_COOKIE_AGE``
    after the last request, without a write on every request."""

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
            if now - request.session.get(SESSION_RENEWED_KEY, 0) >= SESSION_RENEWAL_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now
        return self.get_response(request)
