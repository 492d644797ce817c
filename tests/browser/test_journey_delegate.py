"""The HWPCI delegate's journey (issue 28), at 1440 and 390 px, in English
and French: signs in, finds on the dashboard the case waiting for their
Member State's position, reads the case and SIAC's assessment, states the
position on the positions board, and comments on the options note being
circulated.

Each run is a different delegation (the runs share one world): the
German and the French delegates on a desktop, the Estonian and a
Luxembourg delegate on a phone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from awareness.models import Assessment
from cases.models import Case
from cdt.accounts.demo import CLEARANCE_EXPIRY
from cdt.accounts.models import User
from cdt.accounts.roles import Role
from cdt.accounts.services import user_upsert
from cdt.directory.models import CouncilBody, Organisation
from council import services as council
from council.models import Position, PositionValue
from drafting.choices import NoteStatus
from drafting.services import note_transition
from measures.services import options_note_create

from .conftest import open_tab
from .journeys import (
    DESKTOP_EN,
    DESKTOP_FR,
    PHONE_EN,
    PHONE_FR,
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
    tap,
    tour,
    visit_check,
)

pytestmark = pytest.mark.browser

journey_world = journey_world_fixture()
db = journey_db_fixture()
journey_page = journey_page_fixture()

#: Who signs in on each run, and their Member State.
DELEGATES = {
    DESKTOP_EN: ("delegate-de", "DE"),
    DESKTOP_FR: ("delegate-fr", "FR"),
    PHONE_EN: ("delegate-ee", "EE"),
    PHONE_FR: ("delegate-lu", "LU"),
}
COMMENT = "{state} asks that option 1 names the sector affected ({run})."

# The locators this journey relies on, beyond the shell's (journeys.py).
HEADING = "h1"
AWAITING_PANEL = "panel-awaiting-position"  # data-testid of the dashboard panel
CASE_ASSESSMENTS = "case-assessments"  # data-testid of the case's assessments
CASE_NOTES = "case-notes"  # data-testid of the case's options notes
NOTE_STATUS = "note-status"
NOTIFICATIONS_LINK = "unread-count"  # data-testid of the header's notifications link


def question_article(page, question):
    return page.locator(f"#question-{question.pk}")


def board_row(page, question, state: str):
    return page.locator(f"#board-{question.pk} tr[data-state={state}]")


def own_position_form(page, question, state: str):
    return question_article(page, question).get_by_test_id(f"position-form-{state}")


def option_comments(page, anchor: str):
    return page.locator(f'aside[data-anchor="{anchor}"]')


def world() -> dict:
    """After the demo: a Luxembourg delegate (a fourth delegation), a question
    put to the Council on the wiper case (no delegation has answered it),
    and an options note on that case circulated for comments."""
    organisation = Organisation.objects.get(code="LU")
    user_upsert(
        username="delegate-lu",
        password=settings.CDT_DEMO_PASSWORD,
        first_name="Claire",
        last_name="Weber",
        email="delegate-lu@demo.cdt.invalid",
        organisation=organisation,
        roles=(Role.HWPCI_DELEGATE,),
        clearance=User.objects.get(username="delegate-de").clearance,
        clearance_expires_on=CLEARANCE_EXPIRY,
    )
    case = Case.objects.get(title="Wiper attack on electricity transmission operators")
    chair = User.objects.get(username="chair-ie")
    question = council.question_put(
        by=chair,
        case=case,
        text="Does the Council agree to a declaration by the High Representative on the wiper attack?",
        voting_rule="unanimity",
        body=CouncilBody.objects.get(code="COUNCIL"),
    )
    drafter = User.objects.get(username="eeas-drafter")
    note = options_note_create(
        by=drafter,
        case=case,
        title="Options note: declaration on the wiper attack",
        content={
            "situation": "Destructive malware against two transmission system operators.",
            "options": [
                {"measure_type": "demarche", "rationale": "Raise the activity with the State of origin.", "expected_effect": "It acts."},
                {"measure_type": "hr-statement", "rationale": "Show unity.", "expected_effect": "Deterrence."},
            ],
            "recommendation": "Option 1 now; option 2 if the activity continues.",
        },
    )
    note = note_transition(by=drafter, note=note, transition="circulate")
    assessment = Assessment.objects.filter(cases=case).order_by("pk").first()
    return {"case": case, "question": question, "note": note, "assessment": assessment}


def signs_in_and_finds_the_case(page, world) -> None:
    run, case, question = page.visit.run, world["case"], world["question"]
    username, state = DELEGATES[run]
    sign_in(page, username)
    expect(page.locator(HEADING)).to_contain_text(User.objects.get(username=username).first_name)
    awaiting = page.get_by_test_id(AWAITING_PANEL)
    link = awaiting.get_by_role("link", name=case.reference).first  # one row per question waiting for the state
    click_to(page, link, "case")
    expect(page.locator(HEADING)).to_have_text(case.title)
    open_tab(page, "council")  # the case page's tab of questions and positions
    expect(question_article(page, question)).to_contain_text(question.text)


def reads_the_assessment(page, world) -> None:
    case, assessment = world["case"], world["assessment"]
    open_tab(page, "assessments")  # the case page's tab of assessments
    click_to(page, page.get_by_test_id(CASE_ASSESSMENTS).get_by_role("link", name=assessment.title), "assessment")
    expect(page.locator(HEADING)).to_have_text(assessment.title)
    expect(page.locator("main")).to_contain_text("All-source assessment of the activity")
    click_to(page, page.get_by_role("link", name=f"{case.reference} {case.title}"))


def states_the_position(page, world) -> None:
    run, question = page.visit.run, world["question"]
    username, state = DELEGATES[run]
    open_tab(page, "council")  # back from the assessment, the case page opens on its overview
    row = board_row(page, question, state)
    expect(row).to_have_attribute("data-position", PositionValue.NONE)
    form = own_position_form(page, question, state)
    form.locator("select[name=value]").select_option(PositionValue.SUPPORT)
    tap(page, form.get_by_role("button", name=t(run, "Set our position")))  # htmx: the board is swapped in place
    expect(row).to_have_attribute("data-position", PositionValue.SUPPORT)
    with translation.override(run.lang):
        expect(row).to_contain_text(str(PositionValue.SUPPORT.label))
    expect(row).to_contain_text(User.objects.get(username=username).get_full_name())
    assert Position.objects.get(question=question, member_state__code=state).value == PositionValue.SUPPORT


def comments_on_the_options_note(page, world) -> None:
    run, note = page.visit.run, world["note"]
    username, state = DELEGATES[run]
    open_tab(page, "measures")  # the case page's tab of options notes
    click_to(page, page.get_by_test_id(CASE_NOTES).get_by_role("link", name=note.title), "options-note")
    expect(page.locator(HEADING)).to_have_text(note.title)
    with translation.override(run.lang):
        expect(page.get_by_test_id(NOTE_STATUS)).to_have_text(str(NoteStatus.CIRCULATED.label))
    aside = option_comments(page, "option-1")
    comment = COMMENT.format(state=state, run=run)
    aside.get_by_role("textbox").fill(comment)
    tap(page, aside.get_by_role("button", name=t(run, "Comment")))  # htmx swaps the aside (or the page reloads)
    expect(option_comments(page, "option-1")).to_contain_text(comment)
    visit_check(page, "commented")
    assert note.comments.filter(anchor="option-1", author__username=username, text=comment).exists()


def tours_the_register(page, world) -> None:
    """The pages a delegate reads besides (on two runs): the meetings and
    one meeting, the catalogue of measures, their notifications and
    deadlines."""
    run = page.visit.run
    if run not in TOUR_RUNS:
        return
    tour(page, [("Meetings", "meetings", "Meetings")])
    click_to(page, page.locator("main table a, main li a").first, "meeting")
    tour(page, [("Measures", "catalogue", "Catalogue of measures")])
    click_to(page, page.get_by_test_id(NOTIFICATIONS_LINK), "notifications")
    expect(page.locator(HEADING)).to_have_text(t(run, "Notifications"))
    nav_to(page, t(run, "Home"))
    click_to(page, page.get_by_role("link", name=t(run, "All my deadlines")), "deadlines")
    expect(page.locator(HEADING)).to_have_text(t(run, "My deadlines"))


#: The journey, in order (a step is ``step(page, world)``).
STEPS = [signs_in_and_finds_the_case, reads_the_assessment, states_the_position, comments_on_the_options_note, tours_the_register]


@pytest.mark.parametrize("run", runs())
def test_delegate_journey(journey_page, journey_world, run):
    for step in STEPS:
        step(journey_page, journey_world.data)
    finish(journey_page)
