"""A chair moves a demo case one step in a real browser: the diagram is
drawn, the button is there, the step changes and the timeline records it."""

import pytest

from cases.models import Case, CaseState
from tests.db_reset import demo_seed

from .conftest import open_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    demo_seed()  # seed_demo once per worker, its rows written back after that


def sign_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-cdt-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_chair_shares_awareness_on_a_case(page, live_server, demo):
    case = Case.objects.get(state=CaseState.STARTED, exercise=False, distribution="hwpci")
    sign_in(page, live_server, "chair-ie", "/cases/")
    assert page.get_by_role("link", name=case.reference).is_visible()
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator('svg.cdt-workflow g[data-state="started"][aria-current="step"]').count() == 1
    assert page.get_by_test_id("marking-top").inner_text().startswith("RESTREINT UE")
    form = page.locator('form[data-transition="share_awareness"]')
    form.get_by_label("Comment").fill("SIAC briefing at the next HWPCI")
    form.get_by_role("button", name="Share situational awareness").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert page.get_by_test_id("case-state").inner_text() == "2 · Shared situational awareness"
    open_tab(page, "history")
    assert "SIAC briefing at the next HWPCI" in page.get_by_test_id("timeline").inner_text()
    assert page.locator('svg.cdt-workflow path.cdt-workflow__edge--taken[data-transition="share_awareness"]').count() == 1
    assert page.errors == []


def test_delegate_switches_to_exercise_mode(page, live_server, demo):
    sign_in(page, live_server, "delegate-de", "/cases/")
    assert "EU CyCLES" not in page.content()
    page.get_by_test_id("exercise-toggle").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    assert page.get_by_test_id("result-count").inner_text() == "1"
    assert "EU CyCLES 2026" in page.content()
    assert page.errors == []
