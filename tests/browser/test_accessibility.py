"""axe-core (from the npm registry, a dev dependency) in Chromium.

Every page the role journeys visit (``test_journey_*.py``, issue 28) is
checked there, in English and in French, at 1440 and 390 px: no serious or
critical WCAG 2.1 A/AA violation (the harness: ``journeys.py``). This module
keeps what the journeys do not show: that the check does catch a
violation, and the keyboard's path through the page. Both share one seeded
world (``journey_world``), as a journey module does.

The pages the former walk here covered, and the journey that covers each
now (``*``: on the runs that also tour, 1440-en and 390-fr):
login, home, case, assessment, actors, actor, feed: every journey / SIAC;
cases: chair, drafter; assessments: SIAC; search*, figures*, claims*:
SIAC; directory*: SIAC; meetings*, meeting*, catalogue*, notifications*,
deadlines*: delegate; options note, options note edit: drafter;
evaluations*: drafter; admin, admin users: secretariat; admin cases*:
secretariat; the written procedure*: chair.
"""

import pytest
from django.core.management import call_command

from .journeys import AXE, AXE_RUN, PASSWORD, WCAG_TAGS, journey_db_fixture, journey_world_fixture

pytestmark = pytest.mark.browser

journey_world = journey_world_fixture()
db = journey_db_fixture()


@pytest.fixture
def audit_page(browser, db):
    """A context with axe-core preloaded in every document (an init script:
    the application's CSP still applies to its own pages)."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


def demo_code(username: str) -> str:
    import io

    out = io.StringIO()
    call_command("demo_otp", username, stdout=out)
    return out.getvalue().strip()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.locator("input[name=otp_token]").fill(demo_code(username))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


def test_a_violation_is_caught(audit_page, journey_world):
    """The check can fail: an image without text and an unlabelled input,
    added to a real page, are reported as blocking; the page without them
    is not."""
    page = audit_page
    sign_in(page, journey_world, "delegate-de")
    page.goto(f"{journey_world.url}/")
    assert not any(finding.startswith("image-alt") for finding in page.evaluate(AXE_RUN, WCAG_TAGS))
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text"><img src="/static/img/favicon.svg">');
    }""")
    blocking = {finding.split(" ", 1)[0] for finding in page.evaluate(AXE_RUN, WCAG_TAGS)}
    assert {"image-alt", "label"} <= blocking, blocking


def test_keyboard_reaches_the_content_first_through_the_skip_link(audit_page, journey_world):
    """Focus order: the first Tab lands on "Skip to main content"; following
    it, the next Tab is inside the page's content, not back in the header;
    and the language switch, search box and navigation are all reachable by
    keyboard, in that order."""
    page = audit_page
    sign_in(page, journey_world, "delegate-de")
    page.goto(f"{journey_world.url}/cases/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), page.evaluate("document.activeElement.outerHTML")

    page.goto(f"{journey_world.url}/cases/")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("""() => { const e = document.activeElement;
            return e.id || e.getAttribute('name') || (e.closest('nav') ? 'nav:' + e.textContent.trim() : e.tagName); }""")
        )
    for expected in ("cdt-language", "cdt-search", "nav:Cases", "nav:Figures"):
        assert expected in order, (expected, order)
    assert order.index("cdt-language") < order.index("cdt-search") < order.index("nav:Cases") < order.index("nav:Figures")
