"""Walking the URL configuration, for the tests that check every route of a
kind (every list counts its queries, every form is fuzzed)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver


def walk(patterns, prefix=""):
    """(route, name, view) for every route outside the admin console, whose
    lists and forms are Django's own."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.callback
