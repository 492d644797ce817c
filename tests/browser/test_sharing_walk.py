"""The sharing screens as a first-time user meets them, at phone width
(390×844) and desktop width (1280×900), in English and in French: the
originator (delegate-ee) opens her restricted demo case, which has a pending
request for access from delegate-fr, reads the "Distribution and access"
panel, then the requests-for-access page.

On each: nothing overflows sideways, every form control in the panel has an
accessible name, the French pages are in French, no page error. The pages
run under their CSP; the checks read the page (scroll width, labels) and
never change it. Screenshots go to ``CDT_WALK_SHOTS`` (``/tmp`` by default)
as ``walk-<screen>-<width>-<language>.png``."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import Case

from .conftest import close_quietly, open_tab
from .test_case_flow import demo  # noqa: F401  (the demo fixture: seed_demo)
from .test_role_flows import PASSWORD, url_re

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("CDT_WALK_SHOTS") or "/tmp")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
TITLE = "Espionage against the Estonian foreign ministry"

# What the panel and the requests page say, in each language.
PANEL_TEXT = {
    "en": ["Distribution and access", "Share", "Requests for access", "Grant", "Decline", "Access given to"],
    "fr": ["Diffusion et accès", "Partager", "Demandes d’accès", "Accorder", "Refuser", "Accès donné à"],
}
REQUESTS_TEXT = {
    "en": ["Requests for access", "Ask for access", "Your requests", "Requests for you to decide"],
    "fr": ["Demandes d’accès", "Demander l’accès", "Vos demandes", "Demandes sur lesquelles vous statuez"],
}

# Visible form controls without an accessible name: a <label> with text, an
# aria-label, an aria-labelledby naming text, or a title (buttons: their text).
UNNAMED_CONTROLS = """root => [...root.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const text = s => (s || '').trim();
    if (text(el.getAttribute('aria-label')) || text(el.title)) return false;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some(id => text(document.getElementById(id)?.textContent))) return false;
    if (el.labels && [...el.labels].some(l => text(l.textContent))) return false;
    if (el.tagName === 'BUTTON' && text(el.textContent)) return false;
    return true;
  })
  .map(el => el.outerHTML.slice(0, 160))"""

OVERFLOW = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(el => `${el.tagName}#${el.id}.${el.className}`)})"""


@pytest.fixture
def walk_page(browser, request):
    """A context at the parametrised width and language (the Accept-Language
    header and Django's language cookie both say it)."""
    width, language = request.param
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.width, page.language = width, language
    yield page
    close_quietly(page)


def sign_in(page, live_server, username: str, next_path: str) -> None:
    """As test_role_flows.sign_in, by field name (the login page follows the
    context's language)."""
    page.goto(f"{live_server.url}{next_path}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/second-factor/" in page.url:
        code = io.StringIO()
        call_command("demo_otp", username, stdout=code)
        page.locator("input[name=otp_token]").fill(code.getvalue().strip())
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    page.wait_for_url(url_re(live_server, re.escape(next_path)))


def assert_no_sideways_scroll(page) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["inner"], result


def shoot(page, screen: str) -> None:
    page.screenshot(path=str(SHOTS / f"walk-{screen}-{page.width}-{page.language}.png"), full_page=True)


@pytest.mark.parametrize(
    "walk_page",
    [(width, language) for width in VIEWPORTS for language in LOCALES],
    ids=lambda p: "-".join(p),
    indirect=True,
)
def test_originator_reads_the_share_panel_and_the_requests_page(walk_page, live_server, demo):
    page = walk_page
    language = page.language
    case = Case.objects.get(title__startswith=TITLE)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in(page, live_server, "delegate-ee", f"/cases/{case.pk}/")
    page.wait_for_selector(f"html[lang={language}]")
    open_tab(page, "sharing")

    # The case page, once htmx has put the panel in place.
    panel = page.get_by_test_id("sharing-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("sharing-placeholder")).to_have_count(0)
    expect(panel.get_by_test_id("access-request")).to_have_count(1)
    expect(panel.get_by_test_id("share-form")).to_be_visible()
    section = page.locator("#sharing")
    for text in PANEL_TEXT[language]:
        expect(section).to_contain_text(text)
    if language == "fr":
        for english in ["Distribution and access", "Who has access", "Grant", "Decline", "Named official"]:
            expect(section).not_to_contain_text(english)
    shoot(page, "case")
    panel.screenshot(path=str(SHOTS / f"walk-panel-{page.width}-{language}.png"))
    assert panel.evaluate(UNNAMED_CONTROLS) == []
    # Below 996px ECL stacks the table and titles each cell from its
    # data-ecl-table-header: none is left untitled (the action cell has its button).
    expect(panel.locator("td.ecl-table__cell:not([data-ecl-table-header]):not(.cdt-cell--action)")).to_have_count(0)
    assert_no_sideways_scroll(page)
    assert page.errors == []

    # The requests-for-access page.
    page.goto(f"{live_server.url}/cases/access-requests/")
    main = page.locator("main")
    for text in REQUESTS_TEXT[language]:
        expect(main).to_contain_text(text)
    expect(page.get_by_test_id("requests-to-decide").get_by_role("link", name=case.reference)).to_be_visible()
    shoot(page, "requests")
    assert page.get_by_test_id("access-request-form").evaluate(UNNAMED_CONTROLS) == []
    assert_no_sideways_scroll(page)
    assert page.errors == []
