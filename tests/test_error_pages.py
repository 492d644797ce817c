"""The 403, 404 and 500 pages are the site's (issue 28): in its layout,
translated, with a way home. A page the reader may not see gives the same
404 as one that does not exist, with no trace of what is there; the 500
page renders without a request context (what fails may be what that
context needs)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.views.defaults import permission_denied, server_error

from cdt.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

LAYOUT = ('class="ecl-site-header cdt-header"', 'id="main-content"', "ecl-site-footer")


def _in_layout(html: str) -> bool:
    return all(part in html for part in LAYOUT) and 'href="/" data-testid="error-home"' in html


def _without_tokens(html: str, *ids: int) -> str:
    """The page with what differs between two renders of it taken out: the
    CSRF token (masked afresh each time) and the id typed in the address."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for pk in ids:
        html = html.replace(f"/{pk}/", "/ID/")
    return html


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_site_404_with_a_link_home(client, cast):
    client.force_login(cast["delegate"])
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert _in_layout(html), html[:500]
    assert "<title>Page not found — CDT</title>" in html and "<h1>Not Found</h1>" not in html
    assert 'data-testid="current-user"' in html  # the header as on every page, the user signed in


@override_settings(DEBUG=False)
def test_a_hidden_case_gives_the_same_404_as_no_case(client, cast, open_case):
    case = open_case()  # shared with the cast, not with the outsider (HU)
    client.force_login(cast["outsider"])
    hidden = client.get(f"/cases/{case.pk}/")
    missing_pk = case.pk + 1000
    missing = client.get(f"/cases/{missing_pk}/")
    assert hidden.status_code == missing.status_code == 404
    shown = hidden.content.decode()
    assert _in_layout(shown)
    assert case.title not in shown and case.reference not in shown
    assert _without_tokens(shown, case.pk) == _without_tokens(missing.content.decode(), missing_pk)


@override_settings(DEBUG=False)
def test_the_404_is_translated(client, cast):
    client.force_login(cast["delegate"])
    html = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr"' in html and _in_layout(html)


def test_the_500_page_renders_in_the_layout_without_a_request_context(django_assert_num_queries):
    """Django's handler renders 500.html with an empty context: no request,
    no user, no database. It must still be the site's page."""
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/cases/1/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert _in_layout(html) and "Something went wrong" in html
    assert 'data-testid="current-user"' not in html  # no user in an empty context: the header without its user part


def _broken(request):
    raise RuntimeError("the database fell over")


#: This module is also a URL configuration: the project's pages and one that fails.
urlpatterns = [path("broken/", _broken), *project_urlpatterns]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_an_exception_in_a_view_answers_the_500_page(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast["delegate"])
    response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500 and _in_layout(html) and "the database fell over" not in html


def test_the_403_page_gives_the_reason_in_the_layout(cast):
    request = RequestFactory().get("/")
    request.user = cast["delegate"]
    response = permission_denied(request, PermissionDenied("Only the chair and the secretariat record decisions."))
    html = response.content.decode()
    assert response.status_code == 403 and _in_layout(html)
    assert "Only the chair and the secretariat record decisions." in html


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_the_sites_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["delegate"])
    response = client.post("/notifications/read/", {"id": "1"})
    html = response.content.decode()
    assert response.status_code == 403 and _in_layout(html) and "The form has expired" in html
