"""The creation flows of issue 28 (point 5) in a real browser, each short:
the EEAS adds and removes option slots in the options-note editor without
saving, saves, and circulates the note through its confirmation page; SIAC
records an assessment on a case from its form, an error first.

No demo seed: a small world from the factories, and the session of a
verified sign-in put in the browser's cookies (the sign-in page has its own
test), so each test spends its time on the flow itself. Driven by clicks
and form fills only (the CSP forbids evaluated script)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from awareness.models import Assessment
from cases.models import CaseState
from drafting.choices import NoteStatus
from measures.models import OptionsNote
from tests.cases_support import case_at, cast_make

from .conftest import open_tab
from .test_role_flows import submit, url_re

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, make_user, login_verified):
    cast = cast_make(make_user)
    return {"cast": cast, "case": case_at(CaseState.EXPLORATION, cast), "login": login_verified}


def signed_in_as(page, live_server, world, role) -> None:
    """The browser carries the session of a verified sign-in of the cast's ``role``."""
    client = Client()
    world["login"](client, world["cast"][role])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_drafter_adds_and_removes_option_slots_then_circulates_after_confirming(page, live_server, world):
    case = world["case"]
    signed_in_as(page, live_server, world, "eeas")
    page.goto(f"{live_server.url}/measures/options-notes/new/{case.pk}/")
    editor = page.get_by_test_id("note-editor")
    editor.get_by_label("Title").fill("Options note on the wiper attack")
    first = editor.locator("fieldset[data-entry='0']")
    first.get_by_label("Measure").select_option("demarche")
    first.get_by_label("Rationale").fill("A first step.")
    submit(page, editor.get_by_role("button", name="Add an option"))
    second = page.locator("fieldset[data-entry='1']")
    expect(second.locator("legend")).to_have_text("Option 2")
    expect(second.get_by_label("Measure")).to_be_focused()  # the cursor is in the new entry
    expect(page.locator("fieldset[data-entry='0']").get_by_label("Rationale")).to_have_value("A first step.")
    second.get_by_label("Measure").select_option("advisories")
    second.get_by_label("Rationale").fill("Publish an advisory.")
    submit(page, page.locator("fieldset[data-entry='0']").get_by_role("button", name=re.compile("^Remove this option")))
    expect(page.locator("fieldset[data-entry]")).to_have_count(1)
    expect(page.locator("fieldset[data-entry='0']").get_by_label("Rationale")).to_have_value("Publish an advisory.")
    assert not OptionsNote.objects.exists()  # nothing saved yet
    submit(page, page.get_by_role("button", name="Save version", exact=True).last)
    note = OptionsNote.objects.get()
    page.wait_for_url(url_re(live_server, rf"/measures/options-notes/{note.pk}/"))
    assert [option["measure_type"] for option in note.content["options"]] == ["advisories"]

    submit(page, page.locator("button[data-transition=circulate]"))  # the confirmation first
    page.wait_for_url(url_re(live_server, rf"/measures/options-notes/{note.pk}/circulate/"))
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("to “Circulated for comments”")
    assert OptionsNote.objects.get().status == NoteStatus.DRAFT
    submit(page, page.get_by_test_id("confirm-step"))
    expect(page.get_by_test_id("note-status")).to_have_text("Circulated for comments")
    assert OptionsNote.objects.get().status == NoteStatus.CIRCULATED
    assert page.errors == []


def test_siac_records_an_assessment_from_the_case(page, live_server, world):
    case = world["case"]
    signed_in_as(page, live_server, world, "siac")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    open_tab(page, "assessments")
    page.get_by_role("link", name="Add an assessment to this case").click()
    page.wait_for_url(url_re(live_server, r"/awareness/assessments/new/"))
    form = page.get_by_test_id("assessment-form")
    form.get_by_label("Title").fill("All-source assessment of the wiper campaign")
    form.get_by_label(re.compile(r"^Assessment")).fill("SIAC assesses with high confidence that the campaign continues.")
    form.get_by_label("Confidence").select_option(label="High confidence")
    form.get_by_label("Releasable to all").uncheck()  # and no organisation named: refused, shown
    submit(page, form.get_by_role("button", name="Record the assessment"))
    expect(page.get_by_test_id("error-summary")).to_contain_text("Name at least one organisation, or make it releasable to all.")
    assert not Assessment.objects.exists()
    form = page.get_by_test_id("assessment-form")
    expect(form.get_by_label("Title")).to_have_value("All-source assessment of the wiper campaign")
    form.get_by_label("Releasable to all").check()
    submit(page, form.get_by_role("button", name="Record the assessment"))
    assessment = Assessment.objects.get()
    page.wait_for_url(url_re(live_server, rf"/awareness/assessments/{assessment.pk}/"))
    expect(page.locator("h1")).to_contain_text("All-source assessment of the wiper campaign")
    assert list(assessment.cases.all()) == [case] and assessment.confidence == "high"
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]  # the refusal, by design
