"""Every URL declares who may reach it, and the declaration holds.

Walks the whole URL configuration: a route with no declared access fails
the build, and every non-public route turns an anonymous visitor away.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cdt.core.access import AUTHENTICATED, OBJECT, PUBLIC, SECRETARIAT, access_of

EXPECTED_PUBLIC = {"login", "set_language", "health", "favicon", "calendar-feed", "invitation-accept"}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                yield prefix + str(entry.pattern), "admin", None
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.callback


ROUTES = list(walk(get_resolver().url_patterns))


def test_routes_were_found():
    assert len(ROUTES) > 10


@pytest.mark.parametrize(("route", "name", "callback"), ROUTES, ids=[route for route, _, _ in ROUTES])
def test_every_route_declares_access(route, name, callback):
    if name == "admin":
        return  # the admin console enforces is_staff and model permissions itself
    assert access_of(callback, name) is not None, f"{route} ({name}) has no declared access"


def test_only_the_expected_routes_are_public():
    public = {name for _, name, callback in ROUTES if name != "admin" and access_of(callback, name) == PUBLIC}
    assert public == EXPECTED_PUBLIC


def concrete(route: str) -> str | None:
    """A URL for a route pattern, or None if it has parameters."""
    if "<" in route or "(?P" in route:
        return None
    return "/" + route.replace("^", "").replace("$", "").replace("\\.", ".")


PROTECTED_GET_URLS = [
    concrete(route)
    for route, name, callback in ROUTES
    if name != "admin" and access_of(callback, name) in (AUTHENTICATED, OBJECT, SECRETARIAT) and concrete(route)
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PROTECTED_GET_URLS)
def test_anonymous_visitors_are_turned_away(client, url):
    response = client.get(url)
    if url.startswith(("/api/", "/taxii2/")):  # machine interfaces answer 401/403, never a login page
        assert response.status_code in (401, 403), url
    else:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_admin_requires_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
def test_public_routes_answer_without_login(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/health/").json() == {"status": "ok"}
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"}).status_code == 302
