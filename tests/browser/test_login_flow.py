"""A person signs in, sees who they are, switches to French and signs out,
in a real browser against the live server (static assets included)."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


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
