"""In a real browser: a delegate reads the demo deliberation (the ten
considerations, the outcome, national attributions apart); the EEAS records
a third country's alignment with the published HR declaration and compares
its two versions."""

import pytest

from attribution.models import AttributionDeliberation, Statement

from .test_case_flow import demo, sign_in  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.browser


def test_deliberation_and_declaration(page, live_server, demo):
    deliberation = AttributionDeliberation.objects.get(status="concluded")
    path = f"/attribution/deliberations/{deliberation.pk}/"
    sign_in(page, live_server, "delegate-fr", path)
    assert page.locator("[data-consideration]").count() == 10
    assert "France asks that the Member States concerned" in page.locator('[data-consideration="7"]').inner_text()
    assert "Grey Tempest" in page.get_by_test_id("attribution-outcome").inner_text()
    assert "Germany" in page.get_by_test_id("national-attributions").inner_text()
    assert page.errors == []

    statement = Statement.objects.get(deliberation=deliberation)
    path = f"/attribution/statements/{statement.pk}/"
    page.context.clear_cookies()
    sign_in(page, live_server, "eeas-drafter", path)
    assert page.get_by_test_id("note-status").inner_text() == "Published"
    form = page.get_by_test_id("alignment-form")
    form.get_by_label("Country aligning").select_option(label="Türkiye")
    form.get_by_role("button", name="Record alignment").click()
    page.wait_for_url(f"{live_server.url}{path}")
    assert page.locator('[data-country="TR"]').count() == 1
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"{live_server.url}{path}compare/?from=1&to=2")
    assert page.locator('tr.cdt-changed[data-anchor="para-1"] ins').inner_text().strip() == "strongly"
    assert page.errors == []
