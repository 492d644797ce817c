"""The HWPCI chair's journey (issue 28), at 1440 and 390 px, in English and
French: signs in, opens a case in deliberation from the list, puts a
question to the Council, records a delegation's position as stated orally
on the positions board, and records the decision.

The runs share one world: each puts and decides a question of its own
on the same case."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cases.models import Case
from council.models import Position, PositionValue, Question

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
    tap,
)

pytestmark = pytest.mark.browser

journey_world = journey_world_fixture()
db = journey_db_fixture()
journey_page = journey_page_fixture()

QUESTION = "Does the Council agree to démarches against the wiper attack's State of origin? ({run})"
ORAL = "NL"  # the delegation whose position the chair records as stated in the meeting

# The locators this journey relies on, beyond the shell's (journeys.py).
HEADING = "h1"
QUESTION_FORM = "form[action$='/questions/']"
PROCEDURES_CLOSING = "panel-procedures-closing"  # data-testid of the dashboard panel


def question_article(page, question):
    return page.locator(f"#question-{question.pk}")


def world() -> dict:
    return {"case": Case.objects.get(title="Wiper attack on electricity transmission operators")}


def signs_in_and_opens_the_case(page, world) -> None:
    run, case = page.visit.run, world["case"]
    sign_in(page, "chair-ie")
    expect(page.get_by_role("heading", name=t(run, "As chair of HWPCI"))).to_be_visible()
    if run in TOUR_RUNS:  # the silence procedure closing soon, from the dashboard, and back
        closing = page.get_by_test_id(PROCEDURES_CLOSING)
        click_to(page, closing.locator("a").first, "written-procedure")
        expect(page.get_by_test_id("countdown")).to_be_visible()
        nav_to(page, t(run, "Home"))
    nav_to(page, t(run, "Cases"), "cases")
    click_to(page, page.locator("main").get_by_role("link", name=case.reference, exact=True), "case")
    expect(page.locator(HEADING)).to_have_text(case.title)


def puts_a_question(page, world) -> Question:
    run, case = page.visit.run, world["case"]
    open_tab(page, "council")  # the case page's tab of questions, positions and procedures
    tap(page, page.get_by_text(t(run, "Put a question to the Council"), exact=True))
    form = page.locator(QUESTION_FORM)
    text = QUESTION.format(run=run)
    form.get_by_label(t(run, "Question put to the Council")).fill(text)
    click_to(page, form.get_by_role("button", name=t(run, "Put the question")))
    question = Question.objects.get(case=case, text=text)
    expect(question_article(page, question)).to_contain_text(text)
    return question


def records_a_position_stated_orally(page, world, question) -> None:
    run = page.visit.run
    form = question_article(page, question).get_by_test_id(f"position-form-{ORAL}")
    form.locator("select[name=value]").select_option(PositionValue.SUPPORT)
    tap(page, form.get_by_role("button", name=t(run, "Record as stated orally")))  # htmx: the board is swapped in place
    row = page.locator(f"#board-{question.pk} tr[data-state={ORAL}]")
    expect(row).to_have_attribute("data-position", PositionValue.SUPPORT)
    expect(row).to_contain_text(t(run, "stated orally"))
    position = Position.objects.get(question=question, member_state__code=ORAL)
    assert position.value == PositionValue.SUPPORT and position.stated_orally


def records_the_decision(page, world, question) -> None:
    run = page.visit.run
    article = question_article(page, question)
    click_to(page, article.get_by_role("button", name=t(run, "Record the decision now")), "decided")
    question.refresh_from_db()
    assert question.status == Question.Status.DECIDED
    with translation.override(run.lang):
        expect(question_article(page, question)).to_contain_text(str(question.get_status_display()))
    expect(question_article(page, question).get_by_role("button", name=t(run, "Record the decision now"))).to_have_count(0)


@pytest.mark.parametrize("run", runs())
def test_chair_journey(journey_page, journey_world, run):
    page, world = journey_page, journey_world.data
    signs_in_and_opens_the_case(page, world)
    question = puts_a_question(page, world)
    records_a_position_stated_orally(page, world, question)
    records_the_decision(page, world, question)
    finish(page)
