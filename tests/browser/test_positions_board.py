"""A German delegate breaks silence on the demo listings case: the board
updates in place (htmx), without a page load."""

import pytest
from django.core.management import call_command

from cases.models import Case

from .conftest import open_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_delegate_sets_own_position_and_the_board_updates(page, live_server, demo):
    case = Case.objects.get(title__startswith="Intrusions into EU institutions")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_label("Username").fill("delegate-de")
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    open_tab(page, "council")
    assert "adopted: silence not broken by the deadline" in page.get_by_test_id("silence-outcome").inner_text()
    page.evaluate("window.cdtMarker = 'same page'")
    form = page.get_by_test_id("position-form-DE")
    form.locator("select[name=value]").select_option("objection")
    form.get_by_role("button", name="Set our position").click()
    page.wait_for_selector('tr[data-state="DE"][data-position="objection"]')
    assert "silence broken by DE" in page.get_by_test_id("silence-outcome").inner_text()
    assert page.evaluate("window.cdtMarker") == "same page"  # updated in place, no reload
    assert page.locator("[data-testid^=position-form-]").count() == 1  # only Germany's row is editable
    assert page.errors == []
