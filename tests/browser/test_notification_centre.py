"""In a real browser: a delegate sees the unread count in the header and
the demo's notifications and deadlines on the home page, opens the
notification centre and marks one read (htmx: the header's count drops
without a reload)."""

import pytest
from playwright.sync_api import expect

from notifications.models import Event
from notifications.outbox import event_dispatch

from .test_case_flow import demo, sign_in  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.browser


def test_unread_count_and_mark_read(page, live_server, demo):
    for event_id in Event.objects.filter(dispatched_at=None).values_list("pk", flat=True):
        event_dispatch(event_id=event_id)  # as the worker does (the PostgreSQL lane has none running here)
    sign_in(page, live_server, "delegate-fr", "/")
    badge = page.get_by_test_id("unread-count")
    unread = int(badge.get_attribute("data-count"))
    assert unread > 0
    assert page.get_by_test_id("my-notifications").locator("li.cdt-unread").count() > 0
    assert "Written procedure" in page.get_by_test_id("my-deadlines").inner_text()
    badge.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    page.get_by_test_id("mark-read").first.click()
    expect(page.get_by_test_id("unread-count")).to_have_attribute("data-count", str(unread - 1))  # no eval: the CSP forbids it
    assert page.errors == []
