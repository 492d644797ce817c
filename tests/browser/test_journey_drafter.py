"""The EEAS drafter's journey (issue 28), at 1440 and 390 px, in English and
French: signs in, opens NATO's request from the list of cases, starts an
options note, writes two options (the catalogue's measures) and circulates
it for the delegations' comments.

The runs share one world: each drafts a note of its own on the case."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cases.models import Case
from drafting.choices import NoteStatus
from measures.models import OptionsNote

from .conftest import open_tab
from .journeys import (
    TOUR_RUNS,
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

TITLE = "Options note: coordinated response to the DDoS campaign against Allies ({run})"

# The locators this journey relies on, beyond the shell's (journeys.py).
HEADING = "h1"
EDITOR = "note-editor"  # data-testid of the note's form
NOTE_STATUS = "note-status"
NOTE_VERSION = "note-version"
CIRCULATE = "button[data-transition=circulate]"


def option(page, run, number: int):
    """The editor's fieldset of option ``number`` (its legend: "Option 1")."""
    return page.get_by_test_id(EDITOR).locator("fieldset", has_text=f"{t(run, 'Option')} {number}")


def world() -> dict:
    return {"case": Case.objects.get(title__startswith="NATO request for a coordinated response")}


def signs_in_and_opens_the_case(page, world) -> None:
    run, case = page.visit.run, world["case"]
    sign_in(page, "eeas-drafter")
    expect(page.get_by_role("heading", name=t(run, "Drafting"))).to_be_visible()
    nav_to(page, t(run, "Cases"), "cases")
    click_to(page, page.locator("main").get_by_role("link", name=case.reference, exact=True), "case")
    expect(page.locator(HEADING)).to_have_text(case.title)


def drafts_an_options_note(page, world) -> OptionsNote:
    run, case = page.visit.run, world["case"]
    open_tab(page, "measures")  # the case page's tab of options notes and measures
    click_to(page, page.get_by_role("link", name=t(run, "Start an options note")), "new-note")
    editor = page.get_by_test_id(EDITOR)
    title = TITLE.format(run=run)
    editor.get_by_label(t(run, "Title")).fill(title)
    editor.get_by_label(t(run, "Situation")).fill("NATO asks the EU to join a coordinated statement on a DDoS campaign.")
    editor.get_by_label(t(run, "Recommendation")).fill("Option 1 now; option 2 with NATO if the campaign continues.")
    first = option(page, run, 1)
    first.get_by_label(t(run, "Measure")).select_option("demarche")
    first.get_by_label(t(run, "Rationale")).fill("Raise the campaign with the State whose territory is used.")
    first.get_by_label(t(run, "Expected effect")).fill("The State acts against the activity.")
    click_to(page, editor.get_by_role("button", name=t(run, "Save version")))
    note = OptionsNote.objects.get(case=case, title=title)
    expect(page.locator(HEADING)).to_have_text(title)
    with translation.override(run.lang):
        expect(page.get_by_test_id(NOTE_STATUS)).to_have_text(str(NoteStatus.DRAFT.label))
    return note


def adds_a_second_option(page, world, note) -> None:
    run = page.visit.run
    click_to(page, page.get_by_role("link", name=t(run, "Edit (saves a new version)")))
    second = option(page, run, 2)
    second.get_by_label(t(run, "Measure")).select_option("hr-statement")
    second.get_by_label(t(run, "Rationale")).fill("Show unity with NATO Allies against the campaign.")
    click_to(page, page.get_by_test_id(EDITOR).get_by_role("button", name=t(run, "Save version")))
    expect(page.get_by_test_id(NOTE_VERSION)).to_have_text("2")
    # The note names the catalogue's measures, not the slugs its content stores.
    expect(page.locator("section#option-2")).not_to_contain_text("hr-statement")
    assert [entry["measure_type"] for entry in OptionsNote.objects.get(pk=note.pk).content["options"]] == ["demarche", "hr-statement"]


def circulates_it(page, world, note) -> None:
    run = page.visit.run
    click_to(page, page.locator(CIRCULATE), "confirm-circulate")  # a page says what will happen and who is told
    click_to(page, page.get_by_test_id("confirm-step"), "circulated")
    with translation.override(run.lang):
        expect(page.get_by_test_id(NOTE_STATUS)).to_have_text(str(NoteStatus.CIRCULATED.label))
    assert OptionsNote.objects.get(pk=note.pk).status == NoteStatus.CIRCULATED


def reads_the_evaluations_due(page, world) -> None:
    """On two runs: the impact evaluations due, from the dashboard."""
    run = page.visit.run
    if run not in TOUR_RUNS:
        return
    nav_to(page, t(run, "Home"))
    click_to(page, page.get_by_role("link", name=t(run, "All evaluations")), "evaluations")
    expect(page.locator(HEADING)).to_have_text(t(run, "Impact evaluations due"))


EDITOR_OVERLAP = (
    "issue 28 points 3 and 4: at 390 px the new note's page is ~957 px wide (the measure drop-down's long labels widen the option), "
    "and the tap on 'Save version' lands on the 'Assessments referred to' field set"
)


@pytest.mark.parametrize("run", runs())
def test_drafter_journey(journey_page, journey_world, run):
    page, world = journey_page, journey_world.data
    signs_in_and_opens_the_case(page, world)
    note = drafts_an_options_note(page, world)
    adds_a_second_option(page, world, note)
    circulates_it(page, world, note)
    reads_the_evaluations_due(page, world)
    finish(page)
