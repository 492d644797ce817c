"""Forms and phones (issue 28, points 3 and 4), in real Chromium under the
application's CSP.

- "Open a case" is filled in by clicking every kind of field as a user
  does (an ECL checkbox group, single ECL checkboxes, a several-choice list,
  radio buttons, selects), at 1440 and at 390 px, and the saved case has
  what was clicked. Each click lands on the box it aims at: nothing covers it.
- A form sent with mistakes opens on one error summary that takes the
  focus and links to each field, the link moving the focus to it.
- On a phone the main menu is ECL's "Menu" button and drawer (ECL's script,
  started from cdt.js: no inline script), no main page of any role is wider
  than the 390 px screen, wide tables scroll inside their own box, the
  positions board is a list of cards and the workflow diagram keeps a
  readable size in a box that opens on the current step.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from awareness.models import Assessment, ThreatActor
from cases.models import Case, CaseState
from cdt.directory.models import Organisation
from council.models import Meeting
from measures.models import OptionsNote

from .conftest import open_tab
from .journeys import AXE, WCAG_TAGS
from .test_case_flow import demo  # noqa: F401  (the demo fixture: seed_demo)
from .test_role_flows import sign_in, submit, url_re

pytestmark = pytest.mark.browser

#: The axe-core impacts that fail a page.
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def main_pages() -> dict[str, list[tuple[str, str]]]:
    """The pages each demo user opens most, by username (``delegate-de``'s are
    everyone's else's default)."""
    case = Case.objects.filter(exercise=False, state=CaseState.DELIBERATION).first() or Case.objects.filter(exercise=False).first()
    note = OptionsNote.objects.first()
    meeting = Meeting.objects.first()
    actor = ThreatActor.objects.filter(measures__isnull=False).first() or ThreatActor.objects.first()
    assessment = Assessment.objects.filter(cases__isnull=False).first()
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
        ],
        "chair-ie": [("home", "/"), ("case", f"/cases/{case.pk}/"), ("meeting", f"/council/meetings/{meeting.pk}/")],
        "secretariat": [("home", "/"), ("feed", "/awareness/feed/"), ("console", "/console/")],
    }


def new_page(browser, viewport, *, bypass_csp: bool = False):
    context = browser.new_context(locale="en-GB", viewport=viewport, bypass_csp=bypass_csp)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    return page


def go_to_cases(page, phone: bool) -> None:
    """The main menu's "Cases", through the drawer on a phone."""
    menu = page.get_by_test_id("main-menu")
    if phone:
        expect(menu.get_by_role("link", name="Cases", exact=True)).to_be_hidden()
        page.get_by_test_id("menu-open").click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    else:
        expect(page.get_by_test_id("menu-open")).to_be_hidden()
    with page.expect_navigation():
        menu.get_by_role("link", name="Cases", exact=True).click()


def click_box(page, group, label: str) -> None:
    """Click the centre of the ECL box drawn for ``label`` (what a user aims
    at) and check that the box, not something laid over it, took the click."""
    option = group.locator(".ecl-checkbox, .ecl-radio").filter(has=page.get_by_text(label, exact=True))
    box = option.locator(".ecl-checkbox__box, .ecl-radio__box")
    box.scroll_into_view_if_needed()
    area = box.bounding_box()
    assert area and area["width"] >= 16 and area["height"] >= 16, (label, area)
    x, y = area["x"] + area["width"] / 2, area["y"] + area["height"] / 2
    on_top = page.evaluate(
        "([x, y]) => { const hit = document.elementFromPoint(x, y); const label = hit.labels ? hit.labels[0] : hit.closest('label');"
        " return label && label.textContent.trim(); }",
        [x, y],
    )
    assert on_top == label, (label, on_top)
    page.mouse.click(x, y)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "390"])
def test_a_delegate_opens_a_case_by_clicking_every_kind_of_field(browser, live_server, demo, viewport):
    phone = viewport["width"] < 996
    title = f"Clicked through at {viewport['width']} px"
    page = new_page(browser, viewport)
    sign_in(page, live_server, "delegate-de", "/")
    go_to_cases(page, phone)
    page.get_by_role("link", name="Open a case").click()
    page.wait_for_url(url_re(live_server, re.escape("/cases/new/")))
    form = page.locator("main form.cdt-form")

    form.get_by_label("Kind").select_option(index=1)
    form.get_by_label("Title").fill(title)
    form.get_by_label("Summary").fill("Spear-phishing against two ministries, reported by Germany.")
    form.get_by_label("Brought on").fill("2026-12-01")
    form.get_by_label("Classification").select_option(label="RESTREINT UE/EU RESTRICTED")
    form.get_by_label("TLP").select_option(label="TLP:AMBER")
    for label in ("Exercise", "Art. 42(7) TEU invoked", "LIMITE", "Releasable to all"):
        click_box(page, form, label)
        expect(form.get_by_role("checkbox", name=re.compile("^" + re.escape(label)))).to_be_checked()
    sectors = form.locator("#id_sectors_group")
    for label in ("Critical infrastructure", "Energy"):
        click_box(page, sectors, label)
    states = form.locator("#id_member_states_affected_group")
    for label in ("Estonia", "France"):  # two in a list of several choices
        click_box(page, states, label)
    click_box(page, states, "France")  # and a second click takes one back out
    click_box(page, states, "Latvia")
    actors = form.locator("#id_suspected_actors_group")
    click_box(page, actors, "Grey Tempest")
    distribution = form.locator("#id_distribution_group")
    click_box(page, distribution, "Restricted to named recipients (originator control)")
    click_box(page, distribution, "HWPCI: every delegation, the Presidency, the EEAS, SIAC and the secretariat")
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    submit(page, form.get_by_role("button", name="Open the case"))
    page.wait_for_url(url_re(live_server, r"/cases/\d+/"))
    case = Case.objects.get(title=title)
    assert (case.exercise, case.article_42_7_invoked, case.limite, case.releasable_to_all) == (True, True, True, True)
    assert sorted(case.sectors) == ["critical_infrastructure", "energy"]
    assert sorted(case.member_states_affected.values_list("code", flat=True)) == ["EE", "LV"]
    assert list(case.suspected_actors.values_list("name", flat=True)) == ["Grey Tempest"]
    assert case.distribution == "hwpci" and case.originator == Organisation.objects.get(code="DE")
    expect(page.locator("h1")).to_have_text(title)
    assert page.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "390"])
def test_a_form_sent_with_mistakes_opens_on_a_summary_linking_to_each_field(browser, live_server, demo, viewport):
    page = new_page(browser, viewport)
    sign_in(page, live_server, "delegate-de", "/cases/new/")
    form = page.locator("main form.cdt-form")
    form.get_by_label("Summary").fill("No title, no kind, no markings.")
    with page.expect_navigation():
        form.get_by_role("button", name="Open the case").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("problems to correct")
    assert summary.bounding_box()["y"] < viewport["height"], "the summary is at the top of the page"
    links = summary.get_by_role("link")
    names = links.all_inner_texts()
    assert any(name.startswith("Title: ") for name in names) and any(name.startswith("Kind: ") for name in names), names
    assert not any(name.startswith("Summary") for name in names), "a field given correctly is not listed"
    expect(form.get_by_label("Summary")).to_have_value("No title, no kind, no markings.")

    summary.get_by_role("link", name=re.compile("^Title: ")).click()
    expect(form.get_by_label("Title")).to_be_focused()
    expect(form.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert "id_title_error" in form.get_by_label("Title").get_attribute("aria-describedby")
    # A group of boxes: the link goes to its first box.
    summary.get_by_role("link", name=re.compile("^Releasable to: ")).click()
    expect(page.locator("#id_releasable_to_0")).to_be_focused()
    assert Case.objects.filter(summary="No title, no kind, no markings.").count() == 0
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]


ROLE_HOMES = {
    "delegate-de": ["/cases/new/", "/accounts/profile/"],
    "chair-ie": [],
    "eeas-drafter": ["/notifications/"],
    "siac-analyst": ["/awareness/assessments/", "/awareness/actors/"],
    "secretariat": ["/notifications/deadlines/", "/directory/"],
}


def test_on_a_phone_every_role_has_the_menu_and_no_page_is_wider_than_the_screen(browser, live_server, demo):
    pages = main_pages()
    wider = []
    for username, extra in ROLE_HOMES.items():
        page = new_page(browser, PHONE)
        sign_in(page, live_server, username, "/")
        # The menu: a button opens ECL's drawer, Escape closes it, a link in it navigates.
        menu = page.get_by_test_id("main-menu")
        expect(page.get_by_test_id("menu-open")).to_be_visible()
        page.get_by_test_id("menu-open").click()
        drawer = menu.locator(".ecl-menu__inner")
        expect(drawer).to_be_visible()
        assert drawer.bounding_box()["width"] <= PHONE["width"]
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(drawer).to_be_hidden()
        page.get_by_test_id("menu-open").click()
        page.wait_for_function("el => getComputedStyle(el).right === '0px'", arg=drawer.element_handle())  # slid in
        # Nothing of the page's header lies over the drawer: its own close button and every entry take a tap.
        menu.locator(".ecl-menu__close").click(trial=True, timeout=5_000)
        for link in menu.locator(".ecl-menu__link[href]").all():
            link.click(trial=True, timeout=5_000)
        with page.expect_navigation():
            menu.get_by_role("link", name="Figures", exact=True).click()
        page.wait_for_url(url_re(live_server, re.escape("/figures/")))
        for _name, path in [*pages.get(username, pages["delegate-de"]), *[("", p) for p in extra]]:
            if path.startswith("/admin/"):
                continue  # Django's own admin has its own layout
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wider.append(f"{username} {path}: {width} px")
        assert page.errors == [], (username, page.errors)
        page.context.close()
    assert wider == [], "\n".join(wider)


def test_on_a_phone_tables_scroll_in_their_box_the_board_is_cards_and_the_diagram_readable(browser, live_server, demo):
    page = new_page(browser, PHONE)
    sign_in(page, live_server, "delegate-de", "/measures/catalogue/")
    table = page.get_by_test_id("catalogue")
    box = page.locator(".cdt-scroll", has=table)
    expect(box).to_have_attribute("tabindex", "0")  # a keyboard can scroll it
    expect(box).to_have_attribute("role", "region")
    sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert sizes[0] > sizes[1] and sizes[1] <= PHONE["width"], sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(table.locator("thead")).to_be_visible()  # rows and columns kept, headers shown

    case = Case.objects.filter(questions__isnull=False, exercise=False, state=CaseState.DELIBERATION).distinct().first()
    assert case is not None
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    open_tab(page, "council")
    row = page.locator(".cdt-board__table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "flex"
    area = row.bounding_box()
    assert area["x"] >= 0 and area["x"] + area["width"] <= PHONE["width"], area
    expect(row.locator("th")).to_be_visible()

    open_tab(page, "overview")
    wrap = page.get_by_test_id("workflow-diagram")
    current = wrap.locator("[aria-current='step']")
    diagram = wrap.locator("svg")
    assert diagram.bounding_box()["width"] >= 900  # drawn at a readable size …
    frame, step = wrap.bounding_box(), current.bounding_box()
    assert frame["x"] <= step["x"] and step["x"] + step["width"] <= frame["x"] + frame["width"] + 1  # … opened on the current step
    expect(wrap).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.errors == []


def test_phone_pages_and_the_open_menu_have_no_serious_accessibility_violation(browser, live_server, demo):
    """axe-core at 390 px, on the pages whose layout changes most on a phone,
    with the menu's drawer open too."""
    page = new_page(browser, PHONE, bypass_csp=True)
    sign_in(page, live_server, "delegate-de", "/")
    case = Case.objects.filter(exercise=False, state=CaseState.DELIBERATION).first()
    failures = []

    def audit(label: str) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        failures.extend(f"{label}: {v['id']} ({v['impact']}) {v['help']}" for v in result["violations"] if v["impact"] in BLOCKING)

    for path in ("/", "/cases/new/", f"/cases/{case.pk}/", "/measures/catalogue/", "/notifications/"):
        page.goto(f"{live_server.url}{path}")
        audit(path)
    page.get_by_test_id("menu-open").click()
    expect(page.get_by_test_id("main-menu").locator(".ecl-menu__inner")).to_be_visible()
    audit("menu open")
    assert ThreatActor.objects.exists()
    assert failures == [], "\n".join(failures)
