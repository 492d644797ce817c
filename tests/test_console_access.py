"""The secretariat's console (``/console/``): every route is the
secretariat's, with a verified second factor. Anyone else signed in gets
403 (before anything is looked up: a case id tells them nothing), the
anonymous the sign-in page, and an unverified secretariat session the
second-factor page. A case the secretariat member may not see is 404 there
as everywhere. The navigation offers the console to the secretariat only."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from cdt.core.access import SECRETARIAT, access_of
from cdt.directory.models import Organisation
from cdt.security.grants import access_revoke, organisation_group

from .url_support import walk

pytestmark = pytest.mark.django_db

OUTSIDERS = ("delegate", "chair", "eeas", "siac")


def console_routes(case, person):
    """(method, URL) of every console route, with real objects."""
    return [
        ("get", reverse("console-index")),
        ("get", reverse("console-people")),
        ("get", reverse("console-onboard")),
        ("post", reverse("console-onboard")),
        ("post", reverse("console-invitation-resend", args=[person.pk])),
        ("get", reverse("console-deactivate", args=[person.pk])),
        ("get", reverse("console-population")),
        ("get", reverse("console-population-year", args=[2026])),
        ("post", reverse("console-population-year", args=[2026])),
        ("get", reverse("console-cases")),
        ("get", reverse("console-case-access", args=[case.pk])),
    ]


def test_every_console_route_declares_the_secretariat():
    routes = [(route, name, callback) for route, name, callback in walk(get_resolver().url_patterns) if route.startswith("console/")]
    assert len(routes) == 9
    assert all(access_of(callback, name) == SECRETARIAT for _route, name, callback in routes), routes


@pytest.mark.parametrize("role", OUTSIDERS)
def test_others_are_refused_before_anything_is_looked_up(role, cast, open_case, signed_in):
    case = open_case()
    client = signed_in[role]
    for method, url in console_routes(case, cast["delegate"]):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (role, method, url, response.status_code)
    # Not even a case that does not exist answers otherwise.
    assert client.get(reverse("console-case-access", args=[999999])).status_code == 403


def test_the_secretariat_reaches_every_route(cast, open_case, signed_in):
    case = open_case()
    client = signed_in["secretariat"]
    for method, url in console_routes(case, cast["delegate"]):
        response = getattr(client, method)(url)
        # A POST without its fields is a form error (400) or, for the resend
        # of an account that has a password, a message and a redirect.
        assert response.status_code in ((200,) if method == "get" else (302, 400)), (method, url, response.status_code)


def test_anonymous_visitors_sign_in_first(cast, open_case):
    case = open_case()
    for method, url in console_routes(case, cast["delegate"]):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_a_secretariat_session_without_its_second_factor_verifies_first(cast, open_case):
    client = Client()
    client.force_login(cast["secretariat"])
    response = client.get(reverse("console-people"))
    assert response.status_code == 302 and response.url.startswith("/accounts/second-factor/")


def test_a_case_the_secretariat_member_does_not_see_is_404(cast, open_case, signed_in):
    hidden = open_case(title="German eyes only", releasable_to=["DE"])
    response = signed_in["secretariat"].get(reverse("console-case-access", args=[hidden.pk]))
    assert response.status_code == 404
    assert "German eyes only" not in response.content.decode()
    listed = signed_in["secretariat"].get(reverse("console-cases"), {"q": "German"}).content.decode()
    assert "German eyes only" not in listed and hidden.reference not in listed


def test_the_navigation_offers_the_console_to_the_secretariat_only(signed_in):
    console = reverse("console-index")
    assert f'href="{console}"' in signed_in["secretariat"].get("/").content.decode()
    for role in OUTSIDERS:
        assert f'href="{console}"' not in signed_in[role].get("/").content.decode(), role


def test_the_case_page_says_who_sees_it_and_why(cast, open_case, signed_in, make_user):
    """Read-only: each person with the need-to-know that reaches them, and
    the people in the loop whom a marking keeps out, with the marking."""
    import datetime

    from cdt.security.markings import Classification, Distribution

    case = open_case(distribution=Distribution.HWPCI)  # RESTREINT UE; shared with IE, FR, EEAS, SIAC too
    lapsed = make_user("delegate-pl", "PL", clearance=Classification.RESTREINT_UE, clearance_expires_on=datetime.date(2020, 1, 1))
    uncleared = make_user("delegate-pt", "PT", clearance=Classification.UNCLASSIFIED)
    access_revoke(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    page = signed_in["secretariat"].get(reverse("console-case-access", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    viewers = body.split('data-testid="viewers"')[1].split("</table>")[0]
    kept_out = body.split('data-testid="kept-out"')[1].split("</table>")[0]
    assert 'data-username="delegate-fr"' in viewers  # FR's grant withdrawn, but HWPCI still reaches France
    assert "the case is distributed to HWPCI" in viewers.split('data-username="delegate-fr"')[1].split("</tr>")[0]
    opener = viewers.split('data-username="delegate-de"')[1].split("</tr>")[0]
    assert "their organisation (DE) is given access" in opener and "may change it" in opener
    assert 'data-username="delegate-pl"' in kept_out and "clearance expired on 1 Jan 2020" in kept_out
    assert 'data-username="delegate-pt"' in kept_out and "not cleared for RESTREINT UE/EU RESTRICTED" in kept_out
    assert 'data-username="delegate-pl"' not in viewers and lapsed.pk and uncleared.pk
    assert f'href="{reverse("case-sharing-page", args=[case.pk])}"' in body  # the way to change it


def test_the_case_page_reads_a_fixed_number_of_queries(cast, open_case, signed_in, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = open_case()
    client = signed_in["secretariat"]
    url = reverse("console-case-access", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        make_user(f"delegate-extra-{n}", ("AT", "BE", "BG")[n % 3])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
