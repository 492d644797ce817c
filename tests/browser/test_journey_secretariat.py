"""The Council secretariat's journey (issue 28), at 1440 and 390 px, in
English and French: signs in with the second factor, finds on the dashboard
the request for access waiting on a restricted case, reads who has access
to that case and why (its grants), then the user accounts in the console.

Onboarding a delegate in one form is being built: it is one more step in
``STEPS`` (after ``opens_the_console``) once the console offers it."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from cases.models import Case
from cdt.accounts.models import User

from .journeys import (
    DESKTOP_FR,
    PHONE_FR,
    TOUR_RUNS,
    AccessibilityViolations,
    click_to,
    finish,
    journey_db_fixture,
    journey_page_fixture,
    journey_world_fixture,
    nav_to,
    runs,
    sign_in,
    t,
)

pytestmark = pytest.mark.browser

journey_world = journey_world_fixture()
db = journey_db_fixture()
journey_page = journey_page_fixture()

# The locators this journey relies on, beyond the shell's (journeys.py).
HEADING = "h1"
ACCESS_REQUESTS_PANEL = "panel-access-requests"  # data-testid of the dashboard panel
SHARING_PANEL = "sharing-panel"  # loaded into the case page by htmx
ACCESS_LINE = "access-line"  # one row per grant: data-kind, data-code
ACCESS_REQUEST = "access-request"
CONSOLE_MODEL = "#%s"  # the row header of a model on the console's index (Django admin: app-model)
CONSOLE_HOME = ".breadcrumbs a >> nth=0"  # the console's own way back to its index (it has no site menu)


def world() -> dict:
    return {"case": Case.objects.get(title__startswith="Espionage against the Estonian foreign ministry")}


def signs_in(page, world) -> None:
    run = page.visit.run
    sign_in(page, "secretariat", check_login=True)
    expect(page.get_by_role("heading", name=t(run, "Secretariat"), exact=True)).to_be_visible()


def reads_the_grants_of_a_case(page, world) -> None:
    run, case = page.visit.run, world["case"]
    panel = page.get_by_test_id(ACCESS_REQUESTS_PANEL)
    click_to(page, panel.get_by_role("link", name=case.reference), "case")
    expect(page.locator(HEADING)).to_have_text(case.title)
    sharing = page.get_by_test_id(SHARING_PANEL)
    expect(sharing).to_contain_text(t(run, "Restricted to named recipients (originator control)"))
    lines = sharing.get_by_test_id(ACCESS_LINE)
    for code in ("EE", "LV", "LT", "EEAS"):
        expect(lines.and_(page.locator(f"[data-code='{code}']"))).to_have_count(1)
    expect(lines.and_(page.locator("[data-kind=organisation]")).first).to_contain_text(t(run, "Shared with the organisation"))
    expect(sharing.get_by_test_id(ACCESS_REQUEST)).to_contain_text("Julien Marchand")


def opens_the_console(page, world) -> None:
    run = page.visit.run
    nav_to(page, t(run, "Admin"), "console")
    with translation.override(run.lang):
        users = capfirst(str(User._meta.verbose_name_plural))
    click_to(page, page.locator(CONSOLE_MODEL % "accounts-user").get_by_role("link", name=users, exact=True), "console-users")
    expect(page.get_by_role("link", name="delegate-de", exact=True)).to_be_visible()
    if run in TOUR_RUNS:  # the cases in the console too
        click_to(page, page.locator(CONSOLE_HOME))
        with translation.override(run.lang):
            cases = capfirst(str(Case._meta.verbose_name_plural))
        click_to(page, page.locator(CONSOLE_MODEL % "cases-case").get_by_role("link", name=cases, exact=True), "console-cases")
        expect(page.get_by_role("link", name=world["case"].reference)).to_be_visible()


#: The journey, in order (a step is ``step(page, world)``).
STEPS = [signs_in, reads_the_grants_of_a_case, opens_the_console]


BREADCRUMBS = "issue 28 point 10: in French the stock Django admin's breadcrumbs fail axe's link-in-text-block (serious): links told apart by colour only"


@pytest.mark.parametrize(
    "run",
    runs(
        {
            DESKTOP_FR: (AccessibilityViolations, BREADCRUMBS),
            PHONE_FR: (AccessibilityViolations, BREADCRUMBS),
        }
    ),
)
def test_secretariat_journey(journey_page, journey_world, run):
    for step in STEPS:
        step(journey_page, journey_world.data)
    finish(journey_page)
