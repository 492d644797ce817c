"""Request middleware: login required by default, the body-size cap, and
503 for a request that waited too long for a database lock.

Login required by default for every page. Django's ``LoginRequiredMiddleware`` redirects anonymous users to the login
page unless a view is marked ``login_not_required``. API views are the
exception: DRF authenticates tokens inside the view, after middleware runs,
so the middleware lets them through and their ``permission_classes`` decide
(anonymous API calls get 401/403, never a redirect to an HTML page).
"""

import logging
import sqlite3

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import LimitedStream
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from rest_framework.views import APIView


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than its address accepts, with
    413 and a message that says the limit, before anything reads the body.

    Django enforces ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only where it parses a
    form or reads ``request.body``; DRF's parsers read the stream and are not
    bounded at all. One check here covers pages, API and TAXII alike. A view
    that takes bigger bodies (the STIX feed and TAXII's add-objects) names the
    setting holding its limit in ``max_request_body_setting``.

    The declared length is the one to judge because nothing reads past it.
    Under WSGI Django wraps the input in a ``LimitedStream`` of that length
    (no ``Content-Length``: nothing is read). Under ASGI Django hands the view
    whatever the client sent, so a body declaring 100 bytes could bring
    megabytes to the form parser; the same wrapper is put on it here, first,
    so both servers read the same body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if isinstance(request, ASGIRequest):
            # Not a number: process_view refuses it with 400 before any view reads.
            request._stream = LimitedStream(request._stream, max(_declared_length(request) or 0, 0))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        length = _declared_length(request)
        if length is None:
            return refusal(request, view_func, status=400, message=gettext("The request's Content-Length header is not a number."))
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        setting = getattr(view_class, "max_request_body_setting", None) or getattr(view_func, "max_request_body_setting", None)
        limit = getattr(settings, setting) if setting else settings.CDT_MAX_REQUEST_BODY
        if length > limit:
            return refusal(
                request,
                view_func,
                status=413,
                message=gettext("The request body is %(length)s bytes; this address accepts at most %(limit)s bytes.")
                % {"length": length, "limit": limit},
            )
        return None


def refusal(request, view_func, *, status: int, message: str) -> HttpResponse:
    """The error in the caller's language: TAXII's error resource on TAXII,
    DRF's ``detail`` on the API, a page for the browser."""
    if request.path.startswith("/taxii2/"):
        return JsonResponse(
            {"title": _TAXII_TITLES[status], "description": message, "http_status": str(status)},
            status=status,
            content_type="application/taxii+json;version=2.1",
        )
    view_class = getattr(view_func, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return JsonResponse({"detail": message}, status=status)
    title = {413: gettext("Request too large"), 503: gettext("The server is busy")}.get(status, gettext("Bad request"))
    context = {"title": title, "message": message, "too_large": status == 413}
    return HttpResponse(render_to_string("core/request_refused.html", context, request=request), status=status)


_TAXII_TITLES = {400: "Bad Request", 413: "Request Entity Too Large", 503: "Service Unavailable"}


def _declared_length(request) -> int | None:
    """The body length the client declared: 0 without the header, None if it is not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


logger = logging.getLogger(__name__)

#: SQLite's "busy" and "locked" result codes (the low byte of an extended code).
_SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
#: PostgreSQL's lock_not_available (a ``lock_timeout`` ran out) and deadlock_detected.
_POSTGRESQL_LOCK_STATES = frozenset({"55P03", "40P01"})
#: Seconds a client is told to wait before trying again.
BUSY_RETRY_AFTER = 2


class DatabaseBusyMiddleware:
    """Answer 503 ``Retry-After`` with a plain message, not 500, when a view
    gave up waiting for a database lock.

    On SQLite every writer queues for the one write lock (``IMMEDIATE``
    transactions with a busy timeout, see the settings); one that waits past
    the timeout gets "database is locked". On PostgreSQL a ``lock_timeout``
    or a deadlock ends the same way. Neither is a fault in the request or in
    the code: the transaction that waited was rolled back, and the same
    request may well go through in a moment, which is what 503 with
    ``Retry-After`` says (409 would claim a conflict with the object's
    state, which it never got to read). Any other database error stays a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("Database busy, answered 503: %s %s", request.method, request.path, exc_info=exception)
        message = gettext("The database is busy with other changes and could not take this request in time. Try again in a moment.")
        match = getattr(request, "resolver_match", None)
        response = refusal(request, match.func if match else None, status=503, message=message)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response


def database_busy(exception: BaseException) -> bool:
    """Whether ``exception`` is a database's "I waited for a lock and gave
    up" (SQLite busy or locked; PostgreSQL lock timeout or deadlock)."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_BUSY_CODES
        return "locked" in str(cause) or "busy" in str(cause)
    # psycopg2 names the SQLSTATE ``pgcode``, psycopg 3 ``sqlstate``.
    return (getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)) in _POSTGRESQL_LOCK_STATES
