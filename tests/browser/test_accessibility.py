"""axe-core (from the npm registry, a dev dependency) on every main page,
as each role sees it, in English and in French: no serious or critical
WCAG 2.1 A/AA violation. Every page visited is also saved as a full-page
screenshot under ``test-artifacts/screenshots/`` (``CDT_ARTIFACTS`` moves
it; never committed) so a reviewer can look at the product without running
it."""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from awareness.models import Assessment, ThreatActor
from cases.models import Case, CaseState
from council.models import Meeting
from measures.models import OptionsNote

from .conftest import CHROMIUM

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CDT_ARTIFACTS") or Path(settings.BASE_DIR) / "test-artifacts") / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def audit_page(browser):
    """A context that lets the test inject axe-core despite the CSP (the
    application's own pages still run under it in every other test)."""

    def make(locale: str = "en-GB"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}, bypass_csp=True)
        contexts.append(context)
        return context.new_page()

    contexts = []
    yield make
    for context in contexts:
        context.close()


def demo_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_otp", username, stdout=out)
    return out.getvalue().strip()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo-cdt-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.locator("input[name=otp_token]").fill(demo_code(username))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


def audit(page, live_server, path: str, name: str) -> list[str]:
    """Open ``path``, save a screenshot, run axe; the blocking violations."""
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, f"{path}: HTTP {response.status}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{name} {path}: {violation['id']} ({violation['impact']}) {violation['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def main_pages() -> dict[str, list[tuple[str, str]]]:
    case = Case.objects.filter(exercise=False, state=CaseState.DELIBERATION).first() or Case.objects.filter(exercise=False).first()
    note = OptionsNote.objects.first()
    meeting = Meeting.objects.first()
    actor = ThreatActor.objects.filter(measures__isnull=False).first() or ThreatActor.objects.first()
    assessment = Assessment.objects.filter(cases__isnull=False).first()
    # The creation flows (issue 28): a note started on an actor without one, a step's confirmation.
    noteless = ThreatActor.objects.filter(strategic_response_note__isnull=True).first()
    draft = OptionsNote.objects.filter(status__in=["draft", "circulated"]).first()
    common = [
        ("home", "/"),
        ("cases", "/cases/"),
        ("case", f"/cases/{case.pk}/"),
        ("figures", "/figures/"),
        ("search", "/search/?q=intrusion"),
        ("assessments", "/awareness/assessments/"),
        ("assessment", f"/awareness/assessments/{assessment.pk}/"),
        ("actors", "/awareness/actors/"),
        ("actor", f"/awareness/actors/{actor.pk}/"),
        ("meetings", "/council/meetings/"),
        ("meeting", f"/council/meetings/{meeting.pk}/"),
        ("catalogue", "/measures/catalogue/"),
        ("notifications", "/notifications/"),
        ("deadlines", "/notifications/deadlines/"),
        ("directory", "/directory/"),
        ("claims", "/attribution/claims/"),
    ]
    return {
        "delegate-de": common,
        "eeas-drafter": [
            ("home", "/"),
            ("options-note", f"/measures/options-notes/{note.pk}/"),
            ("options-note-edit", f"/measures/options-notes/{note.pk}/edit/"),
            ("evaluations", "/measures/evaluations/"),
            *([("strategic-note-new", f"/measures/strategic-notes/new/{noteless.pk}/")] if noteless else []),
            *([("note-step-confirm", f"/measures/options-notes/{draft.pk}/submit/")] if draft else []),
        ],
        "siac-analyst": [("assessment-new", "/awareness/assessments/new/")],
        "chair-ie": [("home", "/"), ("case", f"/cases/{case.pk}/"), ("meeting", f"/council/meetings/{meeting.pk}/")],
        "secretariat": [
            ("home", "/"),
            ("feed", "/awareness/feed/"),
            ("admin", "/admin/"),
            ("admin-cases", "/admin/cases/case/"),
            ("admin-users", "/admin/accounts/user/"),
        ],
    }


@pytest.mark.skipif(not CHROMIUM and os.environ.get("CI") != "true", reason="Chromium not installed")
def test_main_pages_have_no_serious_accessibility_violations(audit_page, live_server, demo):
    assert AXE.exists(), "axe-core is missing: run `make setup` (npm ci installs the dev dependencies)"
    failures = []
    login = audit_page()
    failures += audit(login, live_server, "/accounts/login/", "anonymous-login")
    for username, pages in main_pages().items():
        page = audit_page()
        sign_in(page, live_server, username)
        for name, path in pages:
            failures += audit(page, live_server, path, f"{username}-{name}")
    french = audit_page("fr-FR")
    sign_in(french, live_server, "delegate-fr")
    french.select_option("#cdt-language", "fr")
    french.wait_for_selector("html[lang=fr]")
    for name, path in main_pages()["delegate-de"][:8]:
        failures += audit(french, live_server, path, f"fr-delegate-fr-{name}")
    assert french.locator("html").get_attribute("lang") == "fr"
    assert failures == [], "\n".join(failures)
    shots = sorted(ARTIFACTS.glob("*.png"))
    assert len(shots) >= 30 and all(shot.stat().st_size > 5000 for shot in shots)


def test_a_violation_is_caught(audit_page, live_server, demo):
    """The check can fail: an image without text and an unlabelled input,
    added to a real page, are reported as blocking."""
    page = audit_page()
    sign_in(page, live_server, "delegate-de")
    page.goto(f"{live_server.url}/")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text"><img src="/static/img/favicon.svg">');
    }""")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    blocking = {violation["id"] for violation in result["violations"] if violation["impact"] in BLOCKING}
    assert {"image-alt", "label"} <= blocking, blocking
    assert not re.search(r"\bimage-alt\b", " ".join(audit(page, live_server, "/", "check-clean-home")))


def test_keyboard_reaches_the_content_first_through_the_skip_link(audit_page, live_server, demo):
    """Focus order: the first Tab lands on "Skip to main content"; following
    it, the next Tab is inside the page's content, not back in the header;
    and the language switch, search box and navigation are all reachable by
    keyboard, in that order."""
    page = audit_page()
    sign_in(page, live_server, "delegate-de")
    page.goto(f"{live_server.url}/cases/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), page.evaluate("document.activeElement.outerHTML")

    page.goto(f"{live_server.url}/cases/")
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
