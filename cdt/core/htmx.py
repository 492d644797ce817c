"""The one convention for answering htmx, refusals included.

htmx swaps only 2xx answers by default: a refused change answered 400
with the form and its errors would be thrown away, and the click would
seem to do nothing. So every view that answers htmx with a fragment
renders it through :func:`fragment`. A fragment answered with a 4xx status
carries the header :data:`ERROR_FRAGMENT_HEADER`, and ``static/js/htmx-errors.js``
swaps it in like a 2xx answer, then moves the focus to its error summary
(``includes/error_summary.html``: ``role="alert"``, so a screen reader
announces it). Any other error answer (a 404 page, a 500, a plain-text
400, no answer at all) is not swapped: the script shows a message beside
the form that sent the request instead, so no error is ever silent.

Without script the same forms post normally and the view answers with a
whole page (or a redirect with a message): :func:`is_htmx` tells the two
apart."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: Set on a 4xx answer whose body is a fragment to swap in place.
ERROR_FRAGMENT_HEADER = "CDT-Error-Fragment"


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it answers with a fragment)."""
    return request.headers.get("HX-Request") == "true"


def fragment(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Render ``template`` (a fragment) at ``status``; a refusal (4xx) is
    marked so the browser swaps it in with its errors."""
    response = render(request, template, context, status=status)
    if 400 <= status < 500:
        response[ERROR_FRAGMENT_HEADER] = "1"
    return response
