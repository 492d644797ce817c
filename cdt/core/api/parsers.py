"""The API's JSON parser: DRF's ``JSONParser`` reading a bounded number of
bytes and answering a bad request, never a server error, for any body.

Two gaps in the stock parser. It reads the stream to its end, trusting
whatever bounds the stream: the body-limit middleware bounds it by the
declared length on both WSGI and ASGI, and the parser counts what it actually
reads too, so a stream that arrives unbounded by another route is still capped.
And Python's JSON decoder recurses: a body nested a few thousand levels
deep raises RecursionError, which DRF lets through as a 500.

The limit is a setting name, so the feed routes (STIX bundles, up to
``CDT_TAXII_MAX_CONTENT_LENGTH``) reuse the class with their own ceiling.
"""

from __future__ import annotations

import codecs

from django.conf import settings
from rest_framework import exceptions, renderers, status
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils import json


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int, name: str = "max_content_length"):
        super().__init__(f"The request body exceeds {limit} bytes ({name}).")


class BoundedJSONParser(BaseParser):
    """JSON as DRF's ``JSONParser`` reads it, reading at most the number of
    bytes named by ``limit_setting``."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer
    strict = api_settings.STRICT_JSON
    limit_setting = "CDT_MAX_REQUEST_BODY"
    limit_name = "max_request_body"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = getattr(settings, self.limit_setting)
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge(limit, self.limit_name)
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.decode(body, encoding)
            parsed = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
        if _deeper_than(parsed, MAX_DEPTH):
            raise exceptions.ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.")
        return parsed


#: How deep a body may nest. What parses may still be too deep to encode
#: again (a JSONField save re-encodes it further down the stack): the
#: decoder's own limit is the interpreter's recursion limit (1,000), less
#: whatever the request already uses. Half of it leaves the save room. STIX
#: objects are capped at 100 levels by their own validator, which names the
#: object and property, so bundles between the two limits get that answer.
MAX_DEPTH = 500


def _deeper_than(value, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` levels (counted without recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (current.values() if isinstance(current, dict) else current))
    return False
