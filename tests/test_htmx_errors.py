"""Every htmx form's refusals reach the user (issue 28: the positions board
answered a constructive abstention without its declaration with a good 400
that htmx threw away). The convention (``cdt.core.htmx``): the refusal is
the fragment again, marked ``CDT-Error-Fragment``, with an error summary
(``role="alert"``) and what was typed; ``static/js/htmx-errors.js`` swaps it
in. A test below fails when a template gains an htmx form that this module
does not cover."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import CaseState
from cdt.core.htmx import ERROR_FRAGMENT_HEADER
from cdt.directory.models import CouncilBody
from council import services
from council.models import Position
from measures.services import options_note_create

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

#: Each template with an htmx form -> the test here that shows its refusals.
HTMX_FORMS = {
    "council/templates/council/includes/position_form.html": "test_a_refused_position_is_the_board_again_with_the_reason",
    "cases/templates/cases/includes/sharing_panel.html": "tests/test_distribution.py::test_the_share_panel_asks_for_its_refusals_to_be_shown_in_place",
    "drafting/templates/drafting/includes/comments.html": "test_a_refused_comment_is_the_section_again_with_the_reason",
    "notifications/templates/notifications/list.html": "test_a_bad_mark_read_answers_plain_text_the_script_shows",
}


def test_every_htmx_form_is_covered():
    found = set()
    for path in ROOT.rglob("*.html"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "node_modules", "staticfiles", "test-artifacts"}:
            continue
        if re.search(r"\bhx-(post|put|patch|delete)=", path.read_text()):
            found.add(str(path.relative_to(ROOT)))
    assert found == set(HTMX_FORMS), "an htmx form without a test of its refusals: see cdt/core/htmx.py"


@pytest.fixture
def question(cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    return services.question_put(
        by=cast["chair"], case=case, text="Agree the declaration?", voting_rule="unanimity", body=CouncilBody.objects.get(code="HWPCI")
    )


def test_a_refused_position_is_the_board_again_with_the_reason(client, cast, question):
    client.force_login(cast["delegate"])
    url = reverse("position-set-page", args=[question.pk, "DE"])
    response = client.post(url, {"value": "constructive_abstention", "declaration": "  "}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and response[ERROR_FRAGMENT_HEADER] == "1"
    assert html.startswith('<div class="cdt-board"') and "<html" not in html
    summary = html.split('data-testid="board-errors"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "A constructive abstention needs the formal declaration (Art. 31(1) TEU)." in summary
    assert re.search(r'class="[^"]*cdt-error-summary[^"]*" role="alert" tabindex="-1" data-error-summary', html)
    # The row keeps what was chosen, the field marked and described by its error.
    row = html.split('data-testid="position-form-DE"', 1)[1].split("</form>", 1)[0]
    assert '<option value="constructive_abstention" selected>' in row
    assert 'aria-invalid="true" aria-describedby="declaration-' in row and 'data-testid="declaration-error"' in row
    assert Position.objects.get(question=question, member_state__code="DE").value == "none"  # nothing changed

    # Refused for the role (403) and, without htmx, the message on the case page.
    other = client.post(reverse("position-set-page", args=[question.pk, "FR"]), {"value": "support"}, HTTP_HX_REQUEST="true")
    assert other.status_code == 403 and other[ERROR_FRAGMENT_HEADER] == "1" and "Only a delegate of France" in other.content.decode()
    page = client.post(url, {"value": "constructive_abstention"}, follow=True)
    assert "A constructive abstention needs the formal declaration" in page.content.decode()

    accepted = client.post(url, {"value": "constructive_abstention", "declaration": "Germany will not obstruct."}, HTTP_HX_REQUEST="true")
    assert accepted.status_code == 200 and ERROR_FRAGMENT_HEADER not in accepted and "board-errors" not in accepted.content.decode()


def test_a_refused_comment_is_the_section_again_with_the_reason(cast, signed_in, open_case):
    from drafting.services import note_transition

    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    note = options_note_create(
        by=cast["eeas"],
        case=case,
        title="Options",
        content={"situation": "Wiper.", "options": [{"measure_type": "demarche", "rationale": "First."}], "recommendation": "1."},
    )
    note_transition(by=cast["eeas"], note=note, transition="circulate")
    url = f"/measures/options-notes/{note.pk}/comment/"
    empty = signed_in["delegate"].post(url, {"anchor": "option-1", "text": ""}, HTTP_HX_REQUEST="true")
    html = empty.content.decode()
    assert empty.status_code == 400 and empty[ERROR_FRAGMENT_HEADER] == "1"
    assert html.startswith("<aside") and 'data-anchor="option-1"' in html and 'data-testid="comment-errors"' in html
    assert "Write the comment." in html and 'role="alert"' in html
    refused = signed_in["siac"].post(url, {"anchor": "option-1", "text": "SIAC's view."}, HTTP_HX_REQUEST="true")
    html = refused.content.decode()
    assert refused.status_code == 403 and refused[ERROR_FRAGMENT_HEADER] == "1" and html.startswith("<aside")
    assert "Delegates with access comment" in html and note.comments.count() == 0


def test_a_bad_mark_read_answers_plain_text_the_script_shows(signed_in):
    """The target is the badge: no fragment to show a reason in. The
    answer is plain text, which static/js/htmx-errors.js shows beside the
    button (a 400 that is not a fragment is never swapped)."""
    response = signed_in["delegate"].post("/notifications/read/", {"id": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert ERROR_FRAGMENT_HEADER not in response and response.content.decode() == "Notification ids are numbers."


def test_the_script_follows_the_convention():
    """The browser half (driven for real in tests/browser/test_positions_board.py)."""
    script = (ROOT / "static" / "js" / "htmx-errors.js").read_text()
    assert f'getResponseHeader("{ERROR_FRAGMENT_HEADER}") === "1"' in script
    assert "htmx:responseError" in script and "htmx:sendError" in script
    base = (ROOT / "templates" / "base.html").read_text()
    assert "{% static 'js/htmx-errors.js' %}" in base
