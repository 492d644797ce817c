"""A delegate reads the demo options note in a real browser, comments beside
an option, and compares its two versions."""

import pytest
from playwright.sync_api import expect

from measures.models import OptionsNote

from .test_case_flow import demo, sign_in  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.browser


def test_delegate_comments_and_compares_versions(page, live_server, demo):
    note = OptionsNote.objects.get(version=2)
    path = f"/measures/options-notes/{note.pk}/"
    sign_in(page, live_server, "delegate-ee", path)
    assert page.get_by_test_id("note-status").inner_text() == "Submitted to HWPCI"
    assert page.get_by_test_id("marking-top").inner_text().startswith("RESTREINT UE")
    aside = page.locator('aside[data-anchor="option-2"]')
    assert "Germany supports a statement" in aside.inner_text()
    aside.get_by_label("Comment").fill("Estonia agrees with Germany.")
    page.evaluate("window.cdtMarker = 'same page'")
    aside.get_by_role("button", name="Comment").click()
    expect(page.locator('aside[data-anchor="option-2"]')).to_contain_text("Estonia agrees with Germany.")
    assert page.evaluate("window.cdtMarker") == "same page"  # swapped in place by htmx, no reload
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"{live_server.url}{path}compare/?from=1&to=2")
    changed = page.locator('tr.cdt-changed[data-anchor="recommendation"]')
    assert changed.locator("ins").count() >= 1 and changed.locator("del").count() >= 1
    assert page.errors == []
