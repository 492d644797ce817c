"""The chair takes a case through deliberation and decision-making to a
silence procedure, in a real browser on the demo scenario, driving the
pages only (clicks, form fills; the database is read, never written, after
seeding), with one step in French. The helpers here serve the other flows.

The delegate's flow (dashboard, case, assessment, positions board) and the
drafter's (options note, two options, circulation) that were here are the
role journeys now (``test_journey_delegate.py``, ``test_journey_drafter.py``:
at desktop and phone widths, in English and French, axe on every page).

The application runs a strict CSP: nothing here evaluates script in the
page; waits are locator assertions, URLs and selectors."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseState
from council.models import Question, WrittenProcedure
from drafting.choices import NoteStatus
from measures.choices import MeasureState
from measures.models import ResponseMeasure

from .conftest import open_tab
from .test_case_flow import demo  # noqa: F401  (the demo fixture: seed_demo)

pytestmark = pytest.mark.browser

PASSWORD = "demo-cdt-2026"


# --- Helpers -----------------------------------------------------------------


@pytest.fixture
def other_page(browser):
    """A second browser (its own cookies: another user signed in beside the
    first), with the same console-error and CSP-violation capture as ``page``."""
    contexts = []

    def make(locale: str = "en-GB"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
        return page

    yield make
    for context in contexts:
        context.close()


def url_re(live_server, path_pattern: str) -> re.Pattern:
    """A full-URL pattern for ``path_pattern`` (a regex of the path), with
    any query string or fragment after it."""
    return re.compile("^" + re.escape(live_server.url) + path_pattern + r"(?:[?#].*)?$")


def sign_in(page, live_server, username: str, next_path: str) -> None:
    """Open ``next_path``, sign in on the login page it redirects to (with
    the demo second factor when the account needs one), land on it."""
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/second-factor/" in page.url:
        code = io.StringIO()
        call_command("demo_otp", username, stdout=code)
        page.locator("input[name=otp_token]").fill(code.getvalue().strip())
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    page.wait_for_url(url_re(live_server, re.escape(next_path)))


def submit(page, button) -> None:
    """Click a button that posts a form and wait for the page it leads to
    (post/redirect/get: the URL alone may not change)."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def switch_language(page, code: str) -> None:
    """The header's language menu (it submits on change)."""
    with page.expect_navigation():
        page.locator("#cdt-language").select_option(code)
    page.wait_for_selector(f"html[lang={code}]")


# --- 3. Chair: deliberation → decision-making → silence procedure -------------


def take(page, transition: str, label: str) -> None:
    """The chair takes a case transition from its form on the case page."""
    form = page.locator(f'form[data-transition="{transition}"]')
    submit(page, form.get_by_role("button", name=label))


def test_chair_opens_deliberation_refers_for_decision_and_opens_a_silence_procedure(page, live_server, demo):
    # No case the chair can see is at step 3 in the demo (the step-3 case is
    # TLP:AMBER+STRICT, for the EEAS only). The Baltic ransomware case has a
    # submitted options note and implemented measures; the chair takes it
    # round the cycle (evaluation, sustained engagement) back to step 3.
    case = Case.objects.get(title="Ransomware against hospitals in the Baltic states")
    assert case.state == CaseState.IMPLEMENTATION
    assert case.options_notes.filter(status=NoteStatus.SUBMITTED).exists()
    sign_in(page, live_server, "chair-ie", f"/cases/{case.pk}/")
    state = page.get_by_test_id("case-state")
    take(page, "evaluate", "Evaluate impact")
    expect(state).to_have_text("8 · Evaluation of impact")
    take(page, "sustain", "Sustain engagement")
    expect(state).to_have_text("9 · Sustained engagement")
    revisit = page.locator('form[data-transition="revisit"]')
    revisit.locator("select[name=target]").select_option(CaseState.EXPLORATION)
    revisit.locator("input[name=reason]").fill("The group struck again: a new response is to be explored.")
    submit(page, revisit.get_by_role("button", name="Revisit an earlier step"))
    expect(state).to_have_text("3 · Exploration of a response")

    # Deliberations opened in French (the transition's label follows the
    # request's language: cases/workflow.py keeps it lazy).
    switch_language(page, "fr")
    expect(page.locator("#workflow-heading")).to_have_text("Processus de réponse")
    expect(state).to_have_text("3 · Examen d'une réponse")
    opening = page.locator('form[data-transition="open_deliberation"]')
    expect(page.get_by_test_id("next-step").get_by_role("heading")).to_have_text("Étape suivante\u00a0: Ouvrir les délibérations")
    opening.get_by_label("Commentaire").fill("Délibérations sur la nouvelle campagne.")
    submit(page, opening.get_by_role("button", name="Ouvrir les délibérations"))
    expect(state).to_have_text("4 · Délibérations")
    switch_language(page, "en")
    expect(state).to_have_text("4 · Deliberations")
    assert page.locator('svg.cdt-workflow g[data-state="deliberation"][aria-current="step"]').count() == 1

    # A measure proposed and selected for decision.
    open_tab(page, "measures")
    page.get_by_text("Propose a measure", exact=True).click()
    propose = page.get_by_test_id("propose-measure")
    propose.get_by_role("radio", name=re.compile("^Request to take measures against activity from its territory")).check()
    propose.get_by_label("Description").fill("Request to the States whose territory hosts the ransomware infrastructure to act against it.")
    submit(page, propose.get_by_role("button", name="Propose"))
    page.wait_for_url(url_re(live_server, r"/measures/\d+/"))
    measure = ResponseMeasure.objects.get(pk=int(re.search(r"/measures/(\d+)/", page.url).group(1)))
    assert measure.case_id == case.pk
    expect(page.get_by_test_id("measure-state")).to_have_text("Proposed")
    submit(page, page.locator('form[data-transition="select"]').get_by_role("button", name="Select for decision"))
    expect(page.get_by_test_id("measure-state")).to_have_text("Selected for decision")
    measure = ResponseMeasure.objects.get(pk=measure.pk)
    assert measure.state == MeasureState.SELECTED
    page.get_by_role("link", name=f"{case.reference} {case.title}").click()
    page.wait_for_url(url_re(live_server, rf"/cases/{case.pk}/"))
    open_tab(page, "measures")
    expect(page.locator(f'[data-testid="case-measures"] tr[data-measure-id="{measure.pk}"]')).to_contain_text("Selected for decision")

    take(page, "refer_for_decision", "Refer for decision")
    expect(state).to_have_text("5 · Decision-making")
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.DECISION
    assert [(step.transition, step.by.username) for step in case.transitions.select_related("by").order_by("at", "id")][-5:] == [
        ("evaluate", "chair-ie"),
        ("sustain", "chair-ie"),
        ("revisit", "chair-ie"),
        ("open_deliberation", "chair-ie"),
        ("refer_for_decision", "chair-ie"),
    ]
    assert case.transitions.filter(transition="open_deliberation").latest("at").comment == "Délibérations sur la nouvelle campagne."

    # The question to the Council, then the silence procedure on it.
    open_tab(page, "council")
    page.get_by_text("Put a question to the Council", exact=True).click()
    question_form = page.locator(f'form[action="/council/cases/{case.pk}/questions/"]')
    question_form.get_by_label("Question put to the Council").fill(
        "Does the Council agree to request the States concerned to act against the ransomware infrastructure?"
    )
    question_form.get_by_label("Deciding body").select_option("COUNCIL")
    submit(page, question_form.get_by_role("button", name="Put the question"))
    question = Question.objects.filter(case=case, status="open").latest("put_at")
    article = page.locator(f"#question-{question.pk}")
    expect(article).to_be_visible()
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    procedure_form = article.locator(f'form[action="/council/questions/{question.pk}/written-procedure/"]')
    expect(procedure_form.get_by_label("Procedure")).to_have_value(WrittenProcedure.Kind.SILENCE)
    procedure_form.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    procedure_form.get_by_label("COREU reference").fill("CFSP/SEC/0901/26")
    submit(page, procedure_form.get_by_role("button", name="Open the written procedure"))
    page.wait_for_url(url_re(live_server, r"/council/written-procedures/\d+/"))

    procedure = WrittenProcedure.objects.get(question=question)
    assert page.url == f"{live_server.url}/council/written-procedures/{procedure.pk}/"
    assert (procedure.kind, procedure.status) == (WrittenProcedure.Kind.SILENCE, WrittenProcedure.Status.OPEN)
    assert procedure.deadline == deadline
    expect(page.locator("h1")).to_have_text("Simplified written procedure (silence procedure)")
    expect(page.locator("main")).to_contain_text(deadline.strftime("%-d %B %Y %H:%M"))
    expect(page.locator("main")).to_contain_text("CFSP/SEC/0901/26")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^2 d 2[23] h \d\d min \d\d s$"))
    expect(page.get_by_test_id("procedure-outcome")).to_have_text("Pending until the deadline")
    expect(page.get_by_test_id(f"board-{question.pk}")).to_be_visible()

    # Back on the case page, the question links to its procedure and deadline.
    page.get_by_role("link", name=f"{case.reference} {case.title}").click()
    page.wait_for_url(url_re(live_server, rf"/cases/{case.pk}/"))
    open_tab(page, "council")
    procedure_link = page.locator(f"#question-{question.pk}").get_by_role("link", name=re.compile("silence procedure"))
    expect(procedure_link).to_contain_text(deadline.strftime("%-d %b %Y %H:%M"))
    expect(procedure_link).to_have_attribute("href", f"/council/written-procedures/{procedure.pk}/")
    assert page.errors == []
