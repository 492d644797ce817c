"""The SIAC analyst's journey (issue 28), at 1440 and 390 px, in English and
French: signs in with the second factor, reads the assessments, opens one
and the case it informs, records a new assessment on that case from its
form, then reads the threat actors and the feed ingestion log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from awareness.models import Assessment, FeedIngestion

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
    tour,
    visit_check,
)

pytestmark = pytest.mark.browser

journey_world = journey_world_fixture()
db = journey_db_fixture()
journey_page = journey_page_fixture()

# The locators this journey relies on, beyond the shell's (journeys.py).
HEADING = "h1"
ASSESSMENT_BODY = ".cdt-assessment-body"
SEARCH_BOX = "#cdt-search"
ASSESSMENT_FORM = "assessment-form"


def world() -> dict:
    assessment = Assessment.objects.filter(title__startswith="SIAC assessment: Wiper attack").get()
    return {"assessment": assessment, "case": assessment.cases.get()}


def signs_in(page, world) -> None:
    sign_in(page, "siac-analyst", check_login=True)
    expect(page.locator(HEADING)).to_contain_text("Pieter")


def reads_the_assessments(page, world) -> None:
    run = page.visit.run
    nav_to(page, t(run, "Awareness"), "assessments")
    expect(page.locator(HEADING)).to_have_text(t(run, "Assessments and briefings"))


def reads_an_assessment(page, world) -> None:
    assessment, case = world["assessment"], world["case"]
    click_to(page, page.get_by_role("link", name=assessment.title, exact=True), "assessment")
    expect(page.locator(HEADING)).to_have_text(assessment.title)
    expect(page.locator(ASSESSMENT_BODY)).to_contain_text("All-source assessment of the activity")
    # The case it informs.
    click_to(page, page.get_by_role("link", name=f"{case.reference} {case.title}"), "case")
    expect(page.locator(HEADING)).to_have_text(case.title)
    expect(page.get_by_test_id("case-assessments")).to_contain_text(assessment.title)


def records_an_assessment(page, world) -> None:
    """From the case it informs (where the last step left the analyst): the
    form opens on that case, and the assessment recorded is shown, then
    listed on the case."""
    run, case = page.visit.run, world["case"]
    title = f"Follow-up assessment of the wiper campaign ({run})"
    open_tab(page, "assessments")
    click_to(page, page.get_by_role("link", name=t(run, "Add an assessment to this case")), "assessment-new")
    form = page.get_by_test_id(ASSESSMENT_FORM)
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=body]").fill("SIAC assesses that the campaign continues against a second operator.")
    click_to(page, form.get_by_role("button", name=t(run, "Record the assessment")), "assessment-recorded")
    expect(page.locator(HEADING)).to_have_text(title)
    recorded = Assessment.objects.get(title=title)
    assert list(recorded.cases.all()) == [case], "the assessment informs the case it was recorded from"
    click_to(page, page.get_by_role("link", name=f"{case.reference} {case.title}"))
    open_tab(page, "assessments")
    expect(page.get_by_test_id("case-assessments")).to_contain_text(title)


def reads_the_actors_and_the_feed(page, world) -> None:
    run = page.visit.run
    nav_to(page, t(run, "Awareness"))
    click_to(page, page.get_by_role("link", name=t(run, "Threat actors")), "actors")
    expect(page.locator(HEADING)).to_have_text(t(run, "Threat actors"))
    click_to(page, page.get_by_role("link", name="Grey Tempest", exact=True), "actor")
    expect(page.locator(HEADING)).to_have_text("Grey Tempest")
    nav_to(page, t(run, "Awareness"))
    click_to(page, page.get_by_role("link", name=t(run, "Feed ingestion log")), "feed-log")
    expect(page.locator(HEADING)).to_have_text(t(run, "Feed ingestion log"))
    assert FeedIngestion.objects.exists()
    click_to(page, page.locator("main table a").first, "feed-ingestion")
    expect(page.locator(HEADING)).to_contain_text(t(run, "Feed ingestion"))


def tours_the_register(page, world) -> None:
    """The pages the analyst reads besides (on two runs): the figures, the
    directory, the attribution claims, and a search from the header."""
    run = page.visit.run
    tour(
        page, [("Figures", "figures", "Figures"), ("Directory", "directory", "Directory"), ("Attribution", "claims", "Attribution claims")]
    )
    if run in TOUR_RUNS:
        page.locator(SEARCH_BOX).fill("intrusion")
        with page.expect_navigation():
            page.locator(SEARCH_BOX).press("Enter")
        visit_check(page, "search")
        expect(page.locator(HEADING)).to_have_text(t(run, "Search"))


#: The journey, in order (a step is ``step(page, world)``).
STEPS = [signs_in, reads_the_assessments, reads_an_assessment, records_an_assessment, reads_the_actors_and_the_feed, tours_the_register]


@pytest.mark.parametrize(
    "run",
    runs(),
)
def test_siac_analyst_journey(journey_page, journey_world, run):
    for step in STEPS:
        step(journey_page, journey_world.data)
    finish(journey_page)
