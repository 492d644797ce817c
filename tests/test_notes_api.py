"""The notes API and the PDF export: versions, compare, comments, lifecycle,
and a PDF that carries the marking on every page and only what the reader sees."""

import io

import pypdf
import pytest

from cases.models import CaseState
from cdt.security.models import AuditEntry
from measures.models import OptionsNote

from .cases_support import walk_to

pytestmark = pytest.mark.django_db
CONTENT = {
    "situation": "Wiper attack.",
    "options": [{"measure_type": "demarche", "rationale": "First step."}],
    "recommendation": "Option 1.",
}


@pytest.fixture
def clients(signed_in):
    return signed_in


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_options_note_through_the_api(cast, clients, open_case):
    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    response = post(clients["eeas"], "/api/v1/options-notes/", {"case": case.pk, "title": "Options note", "content": CONTENT})
    assert response.status_code == 201, response.content
    note_id = response.json()["id"]
    base = f"/api/v1/options-notes/{note_id}"
    bad = post(clients["eeas"], f"{base}/save/", {"title": "x", "content": {"options": [{"measure_type": "nope"}]}})
    assert bad.status_code == 400 and "options[0].measure_type" in str(bad.json())
    assert post(clients["delegate"], f"{base}/save/", {"title": "x", "content": CONTENT}).status_code == 403
    assert (
        post(clients["eeas"], f"{base}/save/", {"title": "Options note", "content": {**CONTENT, "recommendation": "Option 1 now."}}).json()[
            "version"
        ]
        == 2
    )
    # Optimistic locking: a save from version 1 after version 2 exists is refused, nothing written.
    stale = post(
        clients["eeas"],
        f"{base}/save/",
        {"title": "Options note", "base_version": 1, "content": {**CONTENT, "recommendation": "Overwrite."}},
    )
    assert stale.status_code == 409 and "version 2 was saved meanwhile" in stale.json()["detail"]
    assert clients["eeas"].get(f"{base}/").json()["version"] == 2
    assert post(clients["eeas"], f"{base}/save/", {"title": "x", "base_version": 0, "content": CONTENT}).status_code == 400
    assert [v["number"] for v in clients["delegate"].get(f"{base}/versions/").json()] == [1, 2]
    rows = clients["delegate"].get(f"{base}/compare/", {"from": 1, "to": 2}).json()
    assert [row["anchor"] for row in rows if row["changed"]] == ["recommendation"]
    assert clients["delegate"].get(f"{base}/compare/", {"from": 1, "to": 9}).status_code == 400
    assert post(clients["delegate"], f"{base}/comments/", {"anchor": "option-1", "text": "Early."}).status_code == 403
    assert post(clients["eeas"], f"{base}/transitions/circulate/").json()["status"] == "circulated"
    assert post(clients["delegate"], f"{base}/comments/", {"anchor": "option-1", "text": "Germany supports."}).status_code == 201
    assert post(clients["siac"], f"{base}/comments/", {"anchor": "option-1", "text": "x"}).status_code == 403
    assert clients["outsider"].get(f"{base}/").status_code == 404
    assert post(clients["chair"], f"{base}/transitions/submit/").status_code == 403
    assert post(clients["eeas"], f"{base}/transitions/submit/").json()["status"] == "submitted"
    assert post(clients["eeas"], f"{base}/transitions/circulate/").status_code == 409
    assert post(clients["eeas"], f"{base}/transitions/teleport/").status_code == 404
    revision = post(clients["eeas"], f"{base}/revise/")
    assert revision.status_code == 201 and revision.json()["version"] == 3 and revision.json()["supersedes"] == note_id


def test_pdf_has_the_marking_on_every_page_and_only_what_the_reader_sees(cast, clients, open_case):
    from drafting import services as drafts
    from measures import services

    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    long_content = {**CONTENT, "situation": "\n".join(f"Paragraph {n} of the situation." for n in range(160))}
    note = services.options_note_create(by=cast["eeas"], case=case, title="Options note", content=long_content)
    note = drafts.note_transition(by=cast["eeas"], note=note, transition="circulate")
    drafts.note_comment(by=cast["delegate"], note=note, anchor="option-1", text="Germany supports option 1.")
    response = clients["delegate"].get(f"/api/v1/options-notes/{note.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    banner = OptionsNote.objects.get(pk=note.pk).marking_label
    assert banner.startswith("RESTREINT UE")
    for page in reader.pages:
        assert page.extract_text().count(banner.split(" · ")[0]) >= 2, "marking missing at the top or bottom of a page"
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Germany supports option 1." in text
    assert clients["outsider"].get(f"/api/v1/options-notes/{note.pk}/pdf/").status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(note.pk)).count() == 1


def test_strategic_note_through_the_api(cast, clients):
    from awareness.models import ThreatActor

    actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    body = {
        "actor": actor.pk,
        "title": "SRN",
        "content": {"short_term_effects": "Disrupt.", "measures": []},
        "classification": "RESTREINT_UE",
        "limite": True,
        "tlp": "AMBER",
        "releasable_to_all": True,
    }
    response = post(clients["eeas"], "/api/v1/strategic-response-notes/", body)
    assert response.status_code == 201, response.content
    note_id = response.json()["id"]
    assert clients["delegate"].get(f"/api/v1/strategic-response-notes/{note_id}/").status_code == 200
    assert clients["siac"].get(f"/api/v1/strategic-response-notes/{note_id}/").json()["distribution"] == "hwpci"
    assert post(clients["eeas"], "/api/v1/strategic-response-notes/", body).status_code == 400  # one per actor
