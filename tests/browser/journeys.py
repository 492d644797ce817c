"""The harness of the role journeys (``test_journey_*.py``, issue 28).

Each journey is one role doing its real work end to end through clicks, at
1440×900 and at 390×844 (a phone: touch, mobile viewport), in English and in
French: twice in every run of the suite (desktop in English, phone in
French: each width and each language, the narrowest screen with the longer
language), all four combinations with ``CDT_JOURNEYS=all`` (``make
test-journeys``). Two runs instead of four halved the journeys' share of
the CI (about two minutes of its two cores, docs/testing.md). The language is the browser's (its locale sends
``Accept-Language``; ``LocaleMiddleware`` answers in it from the login page
on); if a page comes back in the other language the header's switch is
used, as a person would. Only the entry URL and the login page are typed:
everything else is reached through links, buttons and menus.

Every page a journey lands on goes through :func:`visit_check`: axe-core
(WCAG 2.1 A/AA, serious and critical violations), no horizontal overflow,
no script or console error, and a full-page screenshot under
``test-artifacts/screenshots/journeys/`` (``CDT_ARTIFACTS`` moves it; the
directory is git-ignored).

Overflow and axe findings do not stop the journey: they are collected and
:func:`finish` raises them at the end, each kind as its own exception, so a
known defect is marked ``xfail(strict=True, raises=<that kind>)`` on the
runs it affects and every other assertion of those runs still counts (any
other failure is a failure). When the defect is fixed the run passes, the
strict mark turns that into a failure, and the mark is removed.

The world: the demo's data once per journey module (``seed_demo`` once per
worker, its rows written back after that: tests/db_reset.py) plus what the module's
``world()`` adds through services, on a live server of the module's own.
The runs share it, so each run acts on objects of its own (its own
question, its own note, its own delegate). At the end of the module every
table is put back as the migrations left it, as after any transactional
test.
"""

from __future__ import annotations

import io
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

PASSWORD = "demo-cdt-2026"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CDT_ARTIFACTS") or Path(settings.BASE_DIR) / "test-artifacts") / "screenshots" / "journeys"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The shell's locators every journey relies on (the header, the menu, the
# login and second-factor pages): one place to adapt after a layout change.
LANGUAGE_SWITCH = "#cdt-language"
MAIN_NAVIGATION = "Main navigation"  # the <nav>'s accessible name (translated)
MENU_DRAWER = ".ecl-menu__inner"  # ECL's drawer of menu entries on narrow screens
MENU_OPEN = "menu-open"  # data-testid of ECL's "Menu" button (shown on narrow screens only)
USERNAME = "input[name=username]"
PASSWORD_INPUT = "input[name=password]"
OTP = "input[name=otp_token]"


# --- The runs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    width: int
    height: int
    lang: str

    @property
    def phone(self) -> bool:
        return self.width < 600

    @property
    def locale(self) -> str:
        return {"en": "en-GB", "fr": "fr-FR"}[self.lang]

    def __str__(self) -> str:
        return f"{self.width}-{self.lang}"


DESKTOP_EN = Run(1440, 900, "en")
DESKTOP_FR = Run(1440, 900, "fr")
PHONE_EN = Run(390, 844, "en")
PHONE_FR = Run(390, 844, "fr")
RUNS = (DESKTOP_EN, DESKTOP_FR, PHONE_EN, PHONE_FR)
#: The runs of every suite run; the other two with ``CDT_JOURNEYS=all``.
EVERY_RUN = (DESKTOP_EN, PHONE_FR)
#: The runs that also tour the pages a role reads besides its work (the
#: former accessibility walk's pages): both languages and both widths, the
#: narrowest with the longer language.
TOUR_RUNS = (DESKTOP_EN, PHONE_FR)


class Unclickable(AssertionError):
    """A control the journey must use is covered by another element (a
    person's tap lands on that element), or a menu entry is hidden with no
    menu button to show it: the journey cannot go on."""


#: The findings kept until the end of a run, by kind.
DEFERRED = {
    "overflow": "the page is wider than the viewport (a phone scrolls sideways)",
    "axe": "axe-core: serious or critical WCAG 2.1 A/AA violations",
    "console": "a script error or a console error (a CSP violation among them)",
}
_CLASS_NAMES = {"overflow": "HorizontalOverflow", "axe": "AccessibilityViolations", "console": "ConsoleErrors"}
_DEFECT_CLASSES: dict[frozenset[str], type[AssertionError]] = {}


def defects(*kinds: str) -> type[AssertionError]:
    """The exception :func:`finish` raises when a run found exactly these
    kinds of findings (one class per combination, none a subclass of
    another: an xfail for overflow does not hide a new axe violation)."""
    key = frozenset(kinds)
    assert key and key <= DEFERRED.keys(), kinds
    if key not in _DEFECT_CLASSES:
        name = "And".join(_CLASS_NAMES[kind] for kind in sorted(key))
        _DEFECT_CLASSES[key] = type(name, (AssertionError,), {"__doc__": "; ".join(DEFERRED[kind] for kind in sorted(key))})
    return _DEFECT_CLASSES[key]


HorizontalOverflow = defects("overflow")
AccessibilityViolations = defects("axe")
ConsoleErrors = defects("console")


def runs(known: dict[Run, tuple[type[BaseException], str]] | None = None) -> list:
    """The runs as pytest parameters: :data:`EVERY_RUN`, or all four with
    ``CDT_JOURNEYS=all``. ``known`` maps a run to a known defect (the
    exception it raises, and why): that run, and only it, is
    ``xfail(strict=True, raises=...)``."""
    params = []
    for run in RUNS if os.environ.get("CDT_JOURNEYS") == "all" else EVERY_RUN:
        entry = (known or {}).get(run)
        marks = [] if entry is None else [pytest.mark.xfail(strict=True, raises=entry[0], reason=entry[1])]
        params.append(pytest.param(run, id=str(run), marks=marks))
    return params


# --- Text in the run's language ---------------------------------------------------------


#: Words spelt the same in French: no sign of a missing translation.
SAME_IN_FRENCH = {"Situation", "Option", "Menu", "Attribution", "Notifications", "Console"}


def t(run: Run, text: str) -> str:
    """``text`` as the catalogue renders it in the run's language; in French
    it must be translated (an untranslated string is what the issue is
    about), so the assertion that uses it checks the language too."""
    with translation.override(run.lang):
        rendered = translation.gettext(text)
    if run.lang != "en" and text not in SAME_IN_FRENCH:
        assert rendered != text, f"not translated into {run.lang}: {text!r}"
    return rendered


# --- The world and the server -------------------------------------------------------------


def journey_world_fixture(scope: str = "module"):
    """The fixture ``journey_world``: seeded data and a live server for one
    module. A module may define ``world() -> dict`` (built through services
    after the seed); its result is the fixture's ``data``."""

    @pytest.fixture(scope=scope)
    def journey_world(request, browser, django_db_setup, django_db_blocker):
        from pytest_django.live_server_helper import LiveServer

        from tests.db_reset import demo_seed, migrated_state_restore

        if not AXE.exists():
            pytest.fail("axe-core is missing: run `make setup` (npm ci installs the dev dependencies)")
        with django_db_blocker.unblock():
            server = None
            try:  # the reset runs even when the seed or the module's world fails half-way
                demo_seed()
                build = getattr(request.module, "world", None)
                data = build() if build is not None else {}
                server = LiveServer("localhost")
                server._live_server_modified_settings.enable()
                yield World(url=server.url, data=data)
            finally:
                if server is not None:
                    server._live_server_modified_settings.disable()
                    server.stop()
                migrated_state_restore()

    return journey_world


def journey_db_fixture():
    """The fixture ``db`` of a journey module, in place of pytest-django's:
    the journeys' database is the module's world, committed, outside any
    per-test transaction (the live server must see what the test reads and
    writes, and on SQLite a test transaction's snapshot would hide the
    server's writes from the test). Naming ``db`` tells pytest-django (and
    the CI's PostgreSQL lane, tests/conftest.py) that the test needs the
    database; no per-test reset runs, the world's teardown resets it."""

    @pytest.fixture(name="db")
    def journey_db(journey_world):
        return journey_world

    return journey_db


@dataclass
class World:
    url: str
    data: dict


# --- The page of one run --------------------------------------------------------------------


@dataclass
class Visit:
    journey: str
    run: Run
    world: World
    count: int = 0
    findings: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in DEFERRED})
    #: Seconds spent in the checks themselves (axe, screenshot), for --durations' reader.
    checking: float = 0.0
    finished: bool = False

    @property
    def label(self) -> str:
        return f"{self.journey}-{self.run} page {self.count:02d}"


def journey_page_fixture():
    """The fixture ``journey_page``: a fresh browser context for the run
    (``run`` is the test's parameter), axe-core preloaded in every document
    (an init script: the page's CSP still applies to the page's own
    resources, and a violation shows up as a console error)."""

    @pytest.fixture
    def journey_page(browser, db, journey_world, run, request):
        phone = {"is_mobile": True, "has_touch": True} if run.phone else {}
        context = browser.new_context(
            locale=run.locale,
            viewport={"width": run.width, "height": run.height},
            device_scale_factor=1,
            **phone,
        )
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: a loaded machine renders the case page slowly
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
        name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_journey_")
        page.visit = Visit(journey=name, run=run, world=journey_world)
        yield page
        if os.environ.get("CDT_JOURNEY_TIMING"):
            print(f"\n{page.visit.journey}-{run}: {page.visit.count} pages, {page.visit.checking:.1f} s in the checks")
        from .conftest import close_quietly

        close_quietly(page)

    return journey_page


# --- What every page is checked for -------------------------------------------------------------

AXE_RUN = """async tags => {
    if (typeof axe === 'undefined') { return null; }
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
        `${v.id} (${v.impact}) ${v.help}: ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '));
}"""


def visit_check(page, slug: str) -> None:
    """The checks on the page the journey has just landed on (see the module
    docstring). Script and console errors, overflow and axe findings are
    kept for :func:`finish`; a page in the wrong language fails at once."""
    visit = page.visit
    page.wait_for_load_state("load")
    visit.count += 1
    label = f"{visit.count:02d}-{slug} ({page.url.removeprefix(visit.world.url)})"
    _errors_kept(page, label)
    lang = page.locator("html").get_attribute("lang")
    assert lang == visit.run.lang, f"{label}: the page is in {lang!r}, not {visit.run.lang!r}"
    started = time.perf_counter()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > visit.run.width + 1:
        visit.findings["overflow"].append(f"{label}: {width} px wide at {visit.run.width} px")
    found = page.evaluate(AXE_RUN, WCAG_TAGS)
    assert found is not None, f"{label}: axe-core did not load"
    visit.findings["axe"] += [f"{label}: {violation}" for violation in found]
    assert page.errors == [], f"{label}: console errors while axe-core ran (the harness, not the page): {page.errors}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{visit.journey}-{visit.run}-{visit.count:02d}-{slug}.png"), full_page=True)
    visit.checking += time.perf_counter() - started


def finish(page) -> None:
    """The end of a journey: no script error since the last page, then the
    deferred findings, raised as one exception of their kinds (see
    :func:`defects`)."""
    visit = page.visit
    visit.finished = True
    _errors_kept(page, f"after {visit.count:02d}")
    assert visit.count > 0, "the journey checked no page"
    kinds = [kind for kind, found in visit.findings.items() if found]
    if kinds:
        raise defects(*kinds)("\n".join(line for kind in kinds for line in visit.findings[kind]))


def _errors_kept(page, label: str) -> None:
    """Move the script and console errors seen since the last check into the
    run's findings, with the page they came after."""
    if page.errors:
        page.visit.findings["console"] += [f"{label}: {error}" for error in page.errors]
        page.errors.clear()


# --- How a person moves -------------------------------------------------------------------------


def tap(page, locator) -> None:
    """Click (or tap) ``locator`` as a person would. If another element lies
    on top of it, that is what a person would hit: :class:`Unclickable` is
    raised after a short wait (a trial click: Playwright's own hit test),
    not after the whole timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    locator.wait_for(state="visible")
    try:
        locator.click(trial=True, timeout=5_000)
    except PlaywrightTimeout as error:
        page.screenshot(path=str(ARTIFACTS / f"{page.visit.journey}-{page.visit.run}-{page.visit.count:02d}-unclickable.png"))
        if "intercepts pointer events" not in str(error):
            raise
        covering = re.findall(r"- (<.*?) (?:from <.*?> subtree )?intercepts pointer events", str(error))
        raise Unclickable(f"{page.visit.label}+ at {page.visit.run}: {locator} is covered by {covering[-1] if covering else '?'}") from None
    locator.click()


def settle(page) -> None:
    page.wait_for_load_state("load")


def click_to(page, locator, slug: str | None = None) -> None:
    """Click a link or a button that leads to another page, wait for it and,
    with ``slug``, check it (:func:`visit_check`). Without one (a page the
    run has checked already, shown again after a form), only its language
    and the absence of script errors are checked: axe and the screenshot
    take most of a run's time."""
    with page.expect_navigation():
        tap(page, locator)
    settle(page)
    if slug:
        visit_check(page, slug)
    else:
        _errors_kept(page, f"{page.visit.label}+")
        assert page.locator("html").get_attribute("lang") == page.visit.run.lang, f"{page.visit.label}+: not in {page.visit.run.lang}"


def nav_to(page, name: str, slug: str | None = None) -> None:
    """Follow the main menu's entry ``name`` (already translated). On a phone
    the menu is ECL's drawer behind its "Menu" button: a person taps the
    button first (the drawer's links are laid out off screen until then, so
    "is the link visible" is not the test; the button's presence is)."""
    navigation = page.get_by_role("navigation", name=t_any(page.visit.run, MAIN_NAVIGATION))
    link = navigation.get_by_role("link", name=name, exact=True)
    toggle = page.get_by_test_id(MENU_OPEN)
    if toggle.is_visible():
        tap(page, toggle)
        expect(toggle).to_have_attribute("aria-expanded", "true")
        # The drawer slides in from the right (ECL: a 375 ms transition of
        # ``right``); a person taps an entry once it is still, and so does this.
        page.wait_for_function("el => getComputedStyle(el).right === '0px'", arg=navigation.locator(MENU_DRAWER).element_handle())
    elif not link.is_visible():
        raise Unclickable(f"{page.visit.label}+ at {page.visit.run}: the menu entry {name!r} is hidden and there is no menu button")
    click_to(page, link, slug)


def tour(page, entries: list[tuple[str, str, str]]) -> None:
    """On :data:`TOUR_RUNS`, follow each menu entry ``(label, slug,
    heading)`` (msgids) and check the page and its heading."""
    run = page.visit.run
    if run not in TOUR_RUNS:
        return
    for label, slug, heading in entries:
        nav_to(page, t(run, label), slug)
        expect(page.locator("h1")).to_have_text(t(run, heading))


def t_any(run: Run, text: str) -> str:
    """``text`` in the run's language, translated or not (labels that are
    the same word in both languages, such as "Menu")."""
    with translation.override(run.lang):
        return translation.gettext(text)


def ensure_language(page) -> None:
    """Use the header's language switch if the page is not in the run's
    language (a browser in French normally gets French at once)."""
    run = page.visit.run
    if page.locator("html").get_attribute("lang") == run.lang:
        return
    with page.expect_navigation():
        page.locator(LANGUAGE_SWITCH).select_option(run.lang)
    page.wait_for_selector(f"html[lang={run.lang}]")


def demo_code(username: str) -> str:
    """The demo account's current second-factor code. The device's record of
    the last code used is cleared first: the runs sign in within one
    30-second step, and a code is accepted once (as a person would wait for
    the next one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username=username).update(last_t=-1)
    out = io.StringIO()
    call_command("demo_otp", username, stdout=out)
    return out.getvalue().strip()


def sign_in(page, username: str, *, check_login: bool = False) -> None:
    """Open the site (the entry URL), land on the login page, sign in, give
    the second factor when the account needs one, and land on the home page
    (checked). The login and second-factor pages are checked with
    ``check_login`` (the journeys of the roles with a second factor do)."""
    run = page.visit.run
    # The account's own language (its profile's) is the one a sign-in applies:
    # the run's user reads CDT in the run's language, as a French delegate would.
    from cdt.accounts.models import User

    User.objects.filter(username=username).update(language=run.lang)
    page.goto(page.visit.world.url + "/")
    settle(page)
    assert "/accounts/login/" in page.url, page.url
    if check_login:
        visit_check(page, "login")
    page.locator(USERNAME).fill(username)
    page.locator(PASSWORD_INPUT).fill(PASSWORD)
    click_to(page, page.get_by_role("button", name=t(run, "Sign in")))
    if "/second-factor/" in page.url:
        if check_login:
            visit_check(page, "second-factor")
        page.get_by_label(t(run, "Code from your authenticator app")).fill(demo_code(username))
        click_to(page, page.get_by_role("button", name=t(run, "Verify")))
    ensure_language(page)
    visit_check(page, "home")
