"""Pages and API answers kept per reader until the next committed write.

A dashboard or a list costs a scan of the register through the access rule
however few rows it shows (issue 29: 90 ms for the dashboard against 8 ms
for a bare page of 25 cases). A reader who comes back to it before anyone
wrote anything gets the same answer: it is kept in the cache under the data
generation (:mod:`cdt.core.generation`), which every committed write to
the register, the grants, the users or the organisations changes, so no
kept answer outlives the data it was computed from, a withdrawn grant
included (decision 0034). The generation is read before the request reads
anything else (:class:`GenerationMiddleware`), and an answer lives at most
:data:`ANSWER_SECONDS`.

An answer is kept for **one reader** and everything else it depends on:

- a page for one session (its key, its CSRF cookie, whose token the page's
  forms carry, and every value the session holds, such as the exercise
  mode), the reader's organisation and clearance, the address with its query, the language, today's date (a
  clearance lapses at midnight; the access rule reads the date, not a
  write), and the htmx headers (a fragment is not the page);
- an API answer for one user (with their organisation and clearance) and
  token, the address, the negotiated media
  type and version, the language and the date. Authentication, the scope
  check and the throttles run as for any request; only the handler's work
  is skipped.

Nothing is kept but a 200 without a cookie of its own; a page is neither
kept nor shown from the cache while a message waits for the reader (it
is shown once). Reads of classified objects are recorded on every showing:
the reads audited while the answer was computed are kept with it and
recorded again, now, from the reader's address (:func:`audit_read_again`).
With ``CDT_KEEP_FIGURES`` off (the tests, a deployment without Redis)
every answer is computed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from rest_framework.response import Response

from cdt.core.generation import current, kept_or_computed

from .audit import audit_read_again, reads_recorded
from .middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY
from .types import is_signed_in

#: Session values that change on their own schedule and change no page.
_TIMING_KEYS = frozenset({SESSION_STARTED_KEY, SESSION_RENEWED_KEY})

Kept = tuple[Any, list[dict[str, Any]]]

#: The longest a kept answer lives, whatever the generation: what a page
#: computes from the clock ("overdue", a silence procedure's deadline) is at
#: most this old; and a bump lost with a killed worker costs no more.
ANSWER_SECONDS = 30


class GenerationMiddleware:
    """Reads the data generation before anything else of the request is
    read (the session, the user, the token's user: they come later): an
    answer is kept under the generation its inputs were read in, so a write
    committed while the request was under way (a clearance lowered, an
    organisation changed) is never hidden by an answer computed before it.
    Placed before the session and authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.cdt_generation = current() if settings.CDT_KEEP_FIGURES else None  # type: ignore[attr-defined]
        return self.get_response(request)


def _generation(request: Any) -> int | None:
    """The generation :class:`GenerationMiddleware` read (DRF's request
    passes the attribute through); none without it: computed."""
    return getattr(request, "cdt_generation", None)


def _reader(user: Any) -> list[Any]:
    """The reader as the access rule reads them (besides their grants and
    groups, which are rows: a change to them is a write)."""
    return [user.pk, user.organisation_id, int(user.effective_clearance()), user.is_active]


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _messages_waiting(request: HttpRequest) -> bool:
    """Whether a message waits for this reader, or the view added one: the
    page showing it is shown once, never kept."""
    storage = getattr(request, "_messages", None)
    if not isinstance(storage, BaseStorage):
        return False
    # The storage's own lists (the stubs leave them out): those it loaded from
    # the cookie or the session, and those added during this request.
    loaded = storage._loaded_messages  # type: ignore[attr-defined]
    return bool(loaded or storage._queued_messages)  # type: ignore[attr-defined]


def page_key(request: HttpRequest) -> str | None:
    """Everything a page depends on besides the data; ``None`` when it
    cannot be kept (no session or no CSRF cookie yet: the page would carry
    a token the browser does not hold)."""
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session_key = request.session.session_key
    if not csrf_cookie or not session_key:
        return None
    session = sorted((name, repr(value)) for name, value in request.session.items() if name not in _TIMING_KEYS)
    htmx = sorted((name, value) for name, value in request.META.items() if name.startswith("HTTP_HX_"))
    parts = [
        *_reader(request.user),
        session_key,
        csrf_cookie,
        session,
        request.build_absolute_uri(),
        translation.get_language(),
        timezone.localdate().isoformat(),
        htmx,
    ]
    return "page:" + _digest(parts)


def _replayed(request: Any, reads: list[dict[str, Any]]) -> None:
    for subject in reads:
        audit_read_again(actor=request.user, subject=subject, request=request)


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies and not _messages_waiting(request)


def kept_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep what ``view`` answers a signed-in reader's GET (see the module's
    docstring). For views whose GET writes nothing but audited reads."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or not is_signed_in(request.user) or _messages_waiting(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)

        fresh: list[HttpResponse] = []

        def computed() -> Kept:
            with reads_recorded() as reads:
                fresh.append(view(request, *args, **kwargs))
            if not _keepable(request, fresh[0]):
                return None, reads
            return (fresh[0].content, list(fresh[0].headers.items())), reads

        (payload, reads), _hit = kept_or_computed(
            key, computed, keep=lambda kept: kept[0] is not None, generation=_generation(request), seconds=ANSWER_SECONDS
        )
        if fresh:  # computed for this request: answered as it is
            return fresh[0]
        content, headers = payload
        _replayed(request, reads)
        response = HttpResponse(content)
        for name, header in headers:
            response.headers[name] = header
        return response

    return wrapper


def api_key(request: Any) -> str:
    """Everything an API answer depends on besides the data (the request
    is DRF's, authenticated and negotiated)."""
    parts = [
        *_reader(request.user),
        getattr(request.auth, "pk", None),
        request.build_absolute_uri(),
        request.accepted_media_type,
        request.version,
        translation.get_language(),
        timezone.localdate().isoformat(),
    ]
    return "api:" + _digest(parts)


def kept_api_answer(request: Any, handler: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``handler``'s answer (a DRF ``Response``), or the one kept for this
    reader: its data and status, rendered again for this request."""
    if not is_signed_in(request.user):
        return handler(request, *args, **kwargs)

    fresh: list[Any] = []

    def computed() -> Kept:
        with reads_recorded() as reads:
            fresh.append(handler(request, *args, **kwargs))
        response = fresh[0]
        if response.status_code != 200 or response.cookies or response.has_header("Location"):
            return None, reads
        return response.data, reads

    (data, reads), _hit = kept_or_computed(
        api_key(request), computed, keep=lambda kept: kept[0] is not None, generation=_generation(request), seconds=ANSWER_SECONDS
    )
    if fresh:  # computed for this request: answered as it is
        return fresh[0]
    _replayed(request, reads)
    return Response(data)
