"""The Council secretariat's journey (issue 28), at 1440 and 390 px, in
English and French: signs in with the second factor, finds on the dashboard
the request for access waiting on a restricted case, reads who has access
to that case and why (its grants), then onboards a delegate from the
console in one form (the account, and its invitation sent)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cdt.accounts.models import User
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.markings import Classification

from .journeys import (
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


def world() -> dict:
    return {
        "case": Case.objects.get(title__startswith="Espionage against the Estonian foreign ministry"),
        "finland": Organisation.objects.get(code="FI"),
    }


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


def onboards_a_delegate(page, world) -> None:
    """The console (the secretariat's own pages): one form makes the account
    and sends the invitation; the new account is listed among the people."""
    run = page.visit.run
    nav_to(page, t(run, "Console"), "console")
    expect(page.locator(HEADING)).to_have_text(t(run, "Secretariat console"))
    click_to(page, page.get_by_role("link", name=t(run, "Onboard a delegate or official")), "onboard")
    email = f"aino.virtanen.{run.width}.{run.lang}@formin.example.fi"
    page.locator("input[name=first_name]").fill("Aino")
    page.locator("input[name=last_name]").fill(f"Virtanen {run.width} {run.lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("select[name=organisation]").select_option(value=str(world["finland"].pk))
    page.locator("select[name=role]").select_option(value=Role.HWPCI_DELEGATE.value)
    page.locator("select[name=clearance]").select_option(value=str(int(Classification.RESTREINT_UE)))
    page.locator("input[name=clearance_expires_on]").fill("31/12/2030")
    click_to(page, page.get_by_role("button", name=t(run, "Make the account and send the invitation")), "onboarded")
    expect(page.locator(".ecl-notification--success")).to_be_visible()
    assert User.objects.filter(email=email, is_active=True).exists()


#: The journey, in order (a step is ``step(page, world)``).
STEPS = [signs_in, reads_the_grants_of_a_case, onboards_a_delegate]


@pytest.mark.parametrize("run", runs())
def test_secretariat_journey(journey_page, journey_world, run):
    for step in STEPS:
        step(journey_page, journey_world.data)
    finish(journey_page)
