"""A person signs in, sees who they are, switches to French and signs out,
in a real browser against the live server (static assets included)."""

import io

import pytest
from django.core.management import call_command

from tests.db_reset import demo_seed

pytestmark = pytest.mark.browser


def demo_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_otp", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def demo(transactional_db):
    demo_seed()  # seed_demo once per worker, its rows written back after that


@pytest.mark.parametrize(
    ("username", "name", "organisation", "role"),
    [
        ("delegate-ee", "Kadri Tamm", "Estonia", "HWPCI delegate"),
        ("chair-ie", "Siobhán Murphy", "Ireland", "Presidency chair"),
        ("secretariat", "Marta Nowak", "Council secretariat", "Council secretariat"),
    ],
)
def test_demo_account_signs_in_sees_itself_and_signs_out(page, live_server, demo, username, name, organisation, role):
    page.goto(f"{live_server.url}/directory/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    if username == "secretariat":  # the secretariat needs its second factor
        page.wait_for_url(f"{live_server.url}/accounts/second-factor/?next=%2Fdirectory%2F")
        page.get_by_label("Code from your authenticator app").fill(demo_code(username))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/directory/")  # back where they were going
    header = page.get_by_test_id("current-user")
    assert name in header.inner_text()
    assert organisation in header.inner_text()
    assert role in header.inner_text()
    # The ECL and htmx scripts loaded and ran without errors.
    assert page.evaluate("document.documentElement.classList.contains('has-js')")
    assert page.evaluate("typeof window.ECL === 'object' && typeof window.htmx === 'object'")
    assert page.errors == []
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def test_wrong_password_shows_an_error(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("delegate-de")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_language_switch_to_french(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("delegate-fr")
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.select_option("#cdt-language", "fr")  # applies on change, no button needed
    page.wait_for_selector("html[lang=fr]")
    assert page.get_by_role("heading", name="Présidence du Conseil").is_visible()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()


def test_admin_console_and_api_docs_run_under_the_csp(page, live_server, demo):
    """The secretariat's console and the Swagger UI work with no inline
    script allowed: any CSP violation shows up as a console error."""
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/?next=%2Fadmin%2F")
    page.get_by_label("Code from your authenticator app").fill(demo_code("secretariat"))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/accounts/user/")
    assert page.get_by_role("link", name="delegate-de").is_visible()
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "CDT API" in page.inner_text(".swagger-ui .info .title")
    assert page.errors == []
