"""Case distribution in a real browser, on the demo scenario: the EEAS opens a
case restricted to named recipients from the "Open a case" page; the
Presidency chair (Ireland) does not find it in the case list and gets a 404
at its address; the EEAS shares it with Ireland from the share panel on the
case page (swapped in place by htmx, a refused attempt first); the chair then
finds the case and reads it.

Desktop width (the ``page`` fixture's 1280×900), in English: no other browser
test runs at phone width, and the French steps of test_role_flows.py are
single checks inside a flow rather than a parametrisation.

Pages are driven only by clicks and form fills (the CSP forbids evaluated
script); the database is read, never written, after seeding."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases.models import Case
from cdt.security.access import can_view
from cdt.security.markings import Distribution

from .conftest import open_tab
from .test_case_flow import demo  # noqa: F401  (the demo fixture: seed_demo)
from .test_role_flows import other_page, sign_in, submit, url_re  # noqa: F401  (other_page: a fixture)

pytestmark = pytest.mark.browser

TITLE = "Credential phishing against EEAS staff reported by a partner's contractor"


def test_eeas_opens_a_restricted_case_and_shares_it_with_the_presidency(page, other_page, live_server, demo):
    # 1. The EEAS opens the case from the "Open a case" page, restricted.
    sign_in(page, live_server, "eeas-drafter", "/cases/")
    page.get_by_role("link", name="Open a case").click()
    page.wait_for_url(url_re(live_server, re.escape("/cases/new/")))
    form = page.locator("main form.cdt-form")
    form.get_by_label("Kind").select_option(index=1)
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Summary").fill("A partner's contractor reports credential phishing aimed at EEAS staff.")
    form.get_by_label("Brought by").select_option(label="EEAS")
    form.get_by_label("Brought on").fill("2026-11-30")
    form.get_by_label("Government and critical State functions").check()
    form.get_by_label("Classification").select_option(label="RESTREINT UE/EU RESTRICTED")
    form.get_by_label("TLP").select_option(label="TLP:AMBER")
    form.get_by_label("Releasable to all").check()  # the box itself, as a user ticks it
    expect(form.get_by_role("radio", name=re.compile("^HWPCI"))).to_be_checked()  # the default
    restricted = form.get_by_role("radio", name="Restricted to named recipients (originator control)")
    restricted.check()
    expect(restricted).to_be_checked()
    submit(page, form.get_by_role("button", name="Open the case"))
    page.wait_for_url(url_re(live_server, r"/cases/\d+/"))
    case = Case.objects.get(title=TITLE)
    assert (case.distribution, case.originator.code, case.sectors) == (Distribution.RESTRICTED, "EEAS", ["government"])
    expect(page.locator("h1")).to_have_text(TITLE)
    assert page.errors == []

    # 2. The Presidency chair (Ireland) does not see it: not in the list, a 404 at its address.
    chair = other_page()
    sign_in(chair, live_server, "chair-ie", "/cases/")
    expect(chair.get_by_role("link", name=case.reference)).to_have_count(0)
    response = chair.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404
    expect(chair.locator("body")).not_to_contain_text(TITLE)
    assert chair.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    chair.errors.clear()

    # 3. The EEAS shares it with Ireland from the share panel, which htmx loads
    #    into the case page and swaps in place: no page load.
    open_tab(page, "sharing")
    panel = page.get_by_test_id("sharing-panel")
    expect(panel.get_by_test_id("distribution")).to_contain_text("Restricted to named recipients")
    expect(panel.locator('[data-testid="access-line"][data-kind="originator"][data-code="EEAS"]')).to_be_visible()
    expect(panel.locator('[data-testid="access-line"][data-code="IE"]')).to_have_count(0)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    reason = "The Presidency puts the case on the next HWPCI agenda."

    # Share pressed before choosing with whom: the panel says so, in place.
    share = page.get_by_test_id("share-form")
    share.get_by_label("Reason").fill(reason)
    share.get_by_role("button", name="Share").click()
    expect(page.get_by_test_id("sharing-panel").get_by_role("alert")).to_contain_text("Choose exactly one")
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    page.errors.clear()

    share = page.get_by_test_id("share-form")
    expect(share.get_by_label("Reason")).to_have_value(reason)  # kept across the refusal
    share.get_by_label("Delegation or organisation").select_option("IE")
    share.get_by_role("button", name="Share").click()
    line = page.locator('[data-testid="access-line"][data-kind="organisation"][data-code="IE"]')
    expect(line).to_be_visible()
    expect(line).to_contain_text("Ireland")
    expect(line).to_contain_text("Shared with the organisation")
    expect(page.get_by_test_id("sharing-panel").get_by_role("alert")).to_have_count(0)
    expect(page.get_by_test_id("share-form").get_by_label("Reason")).to_have_value("")
    expect(page.locator("#sharing [data-testid=sharing-panel]")).to_have_count(1)
    assert navigations == []
    assert can_view(get_user_model().objects.get(username="chair-ie"), case)
    assert page.errors == []

    # 4. The chair now finds the case in the list and reads it.
    chair.goto(f"{live_server.url}/cases/")
    link = chair.get_by_role("link", name=case.reference)
    expect(link).to_have_count(1)
    link.click()
    chair.wait_for_url(url_re(live_server, rf"/cases/{case.pk}/"))
    expect(chair.locator("h1")).to_have_text(TITLE)
    open_tab(chair, "sharing")
    expect(chair.get_by_test_id("sharing-panel").locator('[data-testid="access-line"][data-code="IE"]')).to_be_visible()
    assert chair.errors == []
    assert page.errors == []
