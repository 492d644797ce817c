"""Reading the body of the two routes that take STIX bundles, the feed API
and TAXII add-objects, within ``CDT_TAXII_MAX_CONTENT_LENGTH`` rather than
the API's general ``CDT_MAX_REQUEST_BODY`` (see ``cdt.core.api.parsers``),
and refusing a body whose length is not declared.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, status

from cdt.core.api.parsers import BodyTooLarge, BoundedJSONParser


class LengthRequired(exceptions.APIException):
    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = "A Content-Length header is required: without one the body is not read."
    default_code = "length_required"


def check_declared_length(request) -> None:
    """Before the body is read: a missing, empty, negative or oversized
    Content-Length is refused (not silently read as no body)."""
    declared = request.META.get("CONTENT_LENGTH")
    if declared in (None, ""):
        raise LengthRequired()
    try:
        length = int(declared)
    except ValueError:
        raise exceptions.ParseError("The Content-Length header is not a number.") from None
    if length < 0:
        raise exceptions.ParseError("The Content-Length header is negative.")
    if length == 0:
        raise exceptions.ParseError("The request body is empty.")
    if length > settings.CDT_TAXII_MAX_CONTENT_LENGTH:
        raise BodyTooLarge(settings.CDT_TAXII_MAX_CONTENT_LENGTH)


class FeedJSONParser(BoundedJSONParser):
    """JSON read within the feed's own ceiling, ``CDT_TAXII_MAX_CONTENT_LENGTH``."""

    limit_setting = "CDT_TAXII_MAX_CONTENT_LENGTH"
    limit_name = "max_content_length"
