"""Read-auditing switched off for one request, for the bench's comparison
(issue 29: 20 clients reading classified cases with their reads audited
against the same run with read-auditing off). Bench only: the product has no
switch for it, and the bench's settings are the only ones that install this.

A request carrying :data:`HEADER` reads exactly as any other, except that
:func:`cdt.security.selectors.protected_read_record` records nothing.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-Reads-Unaudited"
_UNAUDITED: contextvars.ContextVar[bool] = contextvars.ContextVar("bench_reads_unaudited", default=False)


class UnauditedReadsMiddleware:
    """Marks the request that carries :data:`HEADER` for the duration of its view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _UNAUDITED.set(request.headers.get(HEADER) == "1")
        try:
            return self.get_response(request)
        finally:
            _UNAUDITED.reset(token)


def audit_read_switchable(recorded: Callable[..., Any]) -> Callable[..., Any]:
    """``recorded`` (the product's ``audit_read``), except in a request
    marked by :class:`UnauditedReadsMiddleware`."""

    def audit_read(**kwargs: Any) -> Any:
        return None if _UNAUDITED.get() else recorded(**kwargs)

    return audit_read


class Chainer:
    """The beat's chainer, every second in a thread of the bench's process,
    while the audited figure runs: the reads are linked into the chain as in
    production, and that work is part of what the figure costs."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval, self.stop, self.chained = interval, threading.Event(), 0
        self.thread = threading.Thread(target=self._run, name="bench-chainer", daemon=True)

    def _run(self) -> None:
        from django.db import connection

        from cdt.security.audit import audit_chain_reads

        try:
            while not self.stop.wait(self.interval):
                self.chained += audit_chain_reads(wait=True)
            self.chained += audit_chain_reads(wait=True)
        finally:
            connection.close()

    def __enter__(self) -> Chainer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()
