"""A German delegate breaks silence on the demo listings case: the board
updates in place (htmx), without a page load; a refused position is shown
in place with its reason (issue 28: it used to be thrown away)."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.db_reset import demo_seed

from .conftest import open_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    demo_seed()  # seed_demo once per worker, its rows written back after that


def test_delegate_sets_own_position_and_the_board_updates(page, live_server, demo):
    case = Case.objects.get(title__startswith="Intrusions into EU institutions")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_label("Username").fill("delegate-de")
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    open_tab(page, "council")
    # Before the deadline an unbroken silence is pending, never "adopted" (issue 28).
    assert "pending: adopted at the deadline unless a Member State breaks silence" in page.get_by_test_id("silence-outcome").inner_text()
    page.evaluate("window.cdtMarker = 'same page'")
    form = page.get_by_test_id("position-form-DE")
    form.locator("select[name=value]").select_option("objection")
    form.get_by_role("button", name="Set our position").click()
    page.wait_for_selector('tr[data-state="DE"][data-position="objection"]')
    assert "silence broken by DE" in page.get_by_test_id("silence-outcome").inner_text()
    assert page.evaluate("window.cdtMarker") == "same page"  # updated in place, no reload
    assert page.locator("[data-testid^=position-form-]").count() == 1  # only Germany's row is editable
    assert page.errors == []


def _sign_in_at_the_case(page, live_server):
    case = Case.objects.get(title__startswith="Intrusions into EU institutions")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_label("Username").fill("delegate-de")
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    open_tab(page, "council")


def test_a_constructive_abstention_without_its_declaration_is_refused_in_view(page, live_server, demo):
    """The 400 answer is the board again with the reason: htmx swaps it in
    (static/js/htmx-errors.js), the summary is announced (role="alert") and
    takes the focus, the row keeps what was chosen; with the declaration
    the same form goes through."""
    _sign_in_at_the_case(page, live_server)
    page.evaluate("window.cdtMarker = 'same page'")
    before = page.locator('tr[data-state="DE"]').get_attribute("data-position")
    form = page.get_by_test_id("position-form-DE")
    form.locator("select[name=value]").select_option("constructive_abstention")
    form.get_by_role("button", name="Set our position").click()

    summary = page.get_by_test_id("board-errors")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("A constructive abstention needs the formal declaration (Art. 31(1) TEU).")
    expect(summary).to_be_focused()
    form = page.get_by_test_id("position-form-DE")
    expect(form.locator("select[name=value]")).to_have_value("constructive_abstention")  # what was chosen is kept
    expect(form.locator("input[name=declaration]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('tr[data-state="DE"]')).to_have_attribute("data-position", before)  # nothing changed
    assert page.evaluate("window.cdtMarker") == "same page"

    form.locator("input[name=declaration]").fill("Germany will not obstruct the decision.")
    form.get_by_role("button", name="Set our position").click()
    expect(page.locator('tr[data-state="DE"]')).to_have_attribute("data-position", "constructive_abstention")
    expect(page.get_by_test_id("board-errors")).to_have_count(0)
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]


def test_an_error_without_a_fragment_is_shown_beside_the_form(page, live_server, demo):
    """A failure the server does not answer with a fragment (here a 500) is
    not swapped, and not silent either: a message appears before the form."""
    _sign_in_at_the_case(page, live_server)
    before = page.locator('tr[data-state="DE"]').get_attribute("data-position")
    page.route(
        "**/council/questions/*/positions/DE/", lambda route: route.fulfill(status=500, body="<html>boom</html>", content_type="text/html")
    )
    form = page.get_by_test_id("position-form-DE")
    form.locator("select[name=value]").select_option("support")
    form.get_by_role("button", name="Set our position").click()
    notice = page.get_by_test_id("htmx-error")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("The request was refused (500). Reload the page and try again.")
    expect(page.locator('tr[data-state="DE"]')).to_have_attribute("data-position", before)
