"""The creation flows of issue 28 (point 5), through the test client: the
strategic response note started from a case and from the actor's page, an
assessment recorded from a page, option slots added and removed without
saving, the catalogue shown when proposing a measure, and the confirmation
before a draft's step. Each: the role that may does it; the others get 403
(or 404 for what they may not see); bad input shows its error and writes
nothing."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from awareness.factories import ThreatActorFactory
from awareness.models import Assessment
from cases.models import CaseKind, CaseState
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.markings import Distribution
from drafting.choices import NoteStatus
from measures import services as measure_services
from measures.models import OptionsNote, StrategicResponseNote

from .cases_support import case_at, walk_to
from .test_notes_pages import editor_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(directory):
    return ThreatActorFactory(name="Slate Heron", state_sponsored=True)


@pytest.fixture
def persistent_case(cast, actor):
    case = case_at(CaseState.EXPLORATION, cast, kind=CaseKind.PERSISTENT_THREAT_ACTOR)
    case.suspected_actors.add(actor)
    return case


def start_post(**overrides) -> dict:
    data = {
        "title": "Strategy towards Slate Heron",
        "review_on": "",
        "classification": "1",
        "limite": "on",
        "tlp": "2",
        "releasable_to_all": "on",
        "distribution": Distribution.HWPCI,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Starting a strategic response note -----------------------------------------------------


def test_the_case_page_offers_the_note_to_the_eeas_at_a_step_that_allows_it(cast, signed_in, persistent_case, actor):
    start = f"/measures/strategic-notes/new/{actor.pk}/?case={persistent_case.pk}"
    assert start in signed_in["eeas"].get(f"/cases/{persistent_case.pk}/").content.decode()
    assert start not in signed_in["delegate"].get(f"/cases/{persistent_case.pk}/").content.decode()
    early = case_at(CaseState.AWARENESS, cast, kind=CaseKind.PERSISTENT_THREAT_ACTOR)
    early.suspected_actors.add(actor)
    assert "Start a strategic response note" not in signed_in["eeas"].get(f"/cases/{early.pk}/").content.decode()


def test_a_single_activity_case_offers_it_for_a_persistent_suspect_only(cast, signed_in, actor):
    case = case_at(CaseState.EXPLORATION, cast)
    occasional = ThreatActorFactory(name="One-off Crew", persistent=False)
    case.suspected_actors.add(actor, occasional)
    page = signed_in["eeas"].get(f"/cases/{case.pk}/").content.decode()
    assert f"/strategic-notes/new/{actor.pk}/" in page and f"/strategic-notes/new/{occasional.pk}/" not in page


def test_the_eeas_starts_the_note_from_a_case_and_lands_on_it(cast, signed_in, persistent_case, actor):
    url = f"/measures/strategic-notes/new/{actor.pk}/?case={persistent_case.pk}"
    form = signed_in["eeas"].get(url)
    assert form.status_code == 200 and "Slate Heron" in form.content.decode()
    siac = Organisation.objects.get(code="SIAC")
    response = signed_in["eeas"].post(url, start_post(shared_with=[siac.pk], review_on="2027-06-30"))
    note = StrategicResponseNote.objects.get(actor=actor)
    assert response.status_code == 302 and response.url == f"/measures/strategic-notes/{note.pk}/"
    assert (note.title, note.status, note.version, note.drafted_by) == ("Strategy towards Slate Heron", NoteStatus.DRAFT, 1, cast["eeas"])
    assert (note.classification, note.tlp, note.limite, note.distribution) == (1, 2, True, Distribution.HWPCI)
    assert str(note.review_on) == "2027-06-30"
    assert signed_in["eeas"].get(response.url).status_code == 200
    assert "Start a strategic response note" not in signed_in["eeas"].get(f"/cases/{persistent_case.pk}/").content.decode()
    # Once it exists, the start page leads to it.
    assert signed_in["eeas"].get(url).url == f"/measures/strategic-notes/{note.pk}/"


def test_only_the_eeas_starts_one_and_a_hidden_case_is_not_found(cast, signed_in, persistent_case, actor):
    url = f"/measures/strategic-notes/new/{actor.pk}/"
    assert signed_in["delegate"].get(url).status_code == 403
    assert signed_in["delegate"].post(url, start_post()).status_code == 403
    assert signed_in["siac"].post(url, start_post()).status_code == 403
    assert signed_in["outsider"].get(f"{url}?case={persistent_case.pk}").status_code == 404
    assert signed_in["eeas"].get("/measures/strategic-notes/new/999999/").status_code == 404
    assert not StrategicResponseNote.objects.exists()


def test_bad_input_shows_its_error_and_starts_nothing(signed_in, actor):
    url = f"/measures/strategic-notes/new/{actor.pk}/"
    response = signed_in["eeas"].post(url, start_post(title="", releasable_to_all=None, review_on="2001-01-01"))
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-summary"' in page
    assert "Name at least one organisation, or make it releasable to all." in page
    assert page.count("ecl-notification--error") == 1  # one summary of the problems, not one more of the page's own
    assert "A review date is not in the past." in page
    assert not StrategicResponseNote.objects.exists()


def test_the_actor_page_offers_it_for_a_persistent_actor_without_one(cast, signed_in, actor):
    start = f"/measures/strategic-notes/new/{actor.pk}/"
    assert start in signed_in["eeas"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert start not in signed_in["delegate"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    occasional = ThreatActorFactory(name="One-off Crew", persistent=False)
    assert "Start a strategic response note" not in signed_in["eeas"].get(f"/awareness/actors/{occasional.pk}/").content.decode()
    response = signed_in["eeas"].post(start, start_post())
    assert response.status_code == 302
    page = signed_in["eeas"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert start not in page and 'data-testid="strategic-note"' in page


# --- An assessment recorded from a page --------------------------------------------------------


def assessment_post(case=None, **overrides) -> dict:
    data = {
        "kind": Assessment.Kind.WRITTEN,
        "title": "All-source assessment of the wiper campaign",
        "body": "SIAC assesses with moderate confidence that the activity continues.",
        "source": str(Organisation.objects.get(code="SIAC").pk),
        "assessed_on": "2026-11-20",
        "confidence": Assessment.Confidence.HIGH,
        "classification": "1",
        "limite": "on",
        "tlp": "2",
        "releasable_to_all": "on",
        "distribution": Distribution.WITH_CASES,
        **({"cases": [str(case.pk)]} if case is not None else {}),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_siac_records_an_assessment_on_a_case(cast, signed_in, open_case):
    case = open_case()
    assert "/awareness/assessments/new/?case=" in signed_in["siac"].get(f"/cases/{case.pk}/").content.decode()
    form = signed_in["siac"].get(f"/awareness/assessments/new/?case={case.pk}")
    ticked = re.search(rf'<input(?=[^>]*name="cases")(?=[^>]*value="{case.pk}")(?=[^>]*\bchecked)[^>]*>', form.content.decode())
    assert form.status_code == 200 and ticked, "the case the form was opened from is ticked"
    response = signed_in["siac"].post(f"/awareness/assessments/new/?case={case.pk}", assessment_post(case))
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == f"/awareness/assessments/{assessment.pk}/"
    assert (assessment.originator.code, assessment.source.code, assessment.recorded_by) == ("SIAC", "SIAC", cast["siac"])
    assert (assessment.confidence, assessment.distribution, list(assessment.cases.all())) == ("high", Distribution.WITH_CASES, [case])
    # As the API's: whoever sees the case reads it.
    assert signed_in["delegate"].get(response.url).status_code == 200
    assert signed_in["outsider"].get(response.url).status_code == 404


def test_who_may_not_record_gets_403_and_a_hidden_case_404(cast, signed_in, open_case, make_user, login_verified):
    from django.test import Client

    case = open_case()
    commission = make_user("commission-staff", "COM-CNECT", roles=(Role.COMMISSION_CONTRIBUTOR,))
    client = Client()
    login_verified(client, commission)
    assert client.get("/awareness/assessments/new/").status_code == 403
    assert client.post("/awareness/assessments/new/", assessment_post(case)).status_code == 403
    assert signed_in["outsider"].get(f"/awareness/assessments/new/?case={case.pk}").status_code == 404
    # The secretariat records oral briefings only: the form offers no other type, the service refuses one.
    page = signed_in["secretariat"].get("/awareness/assessments/new/").content.decode()
    assert 'value="oral_briefing"' in page and 'value="written"' not in page
    assert signed_in["secretariat"].post("/awareness/assessments/new/", assessment_post(case)).status_code == 400
    assert not Assessment.objects.exists()


def test_bad_input_shows_the_same_error_as_the_api_and_records_nothing(signed_in, open_case):
    open_case()
    response = signed_in["siac"].post("/awareness/assessments/new/", assessment_post(None))  # follows cases, names none
    page = response.content.decode()
    assert response.status_code == 400 and "An assessment that names no case cannot follow its cases." in page
    api = signed_in["siac"].post(
        "/api/v1/assessments/",
        {
            "kind": "written",
            "title": "T",
            "body": "B",
            "classification": "RESTREINT_UE",
            "limite": True,
            "tlp": "AMBER",
            "releasable_to_all": True,
            "distribution": "with_cases",
        },
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["distribution"] == ["An assessment that names no case cannot follow its cases."]
    response = signed_in["siac"].post("/awareness/assessments/new/", assessment_post(None, title="", distribution="restricted"))
    assert response.status_code == 400 and 'data-testid="error-summary"' in response.content.decode()
    assert response.content.decode().count("ecl-notification--error") == 1
    assert not Assessment.objects.exists()


# --- Option slots without saving ---------------------------------------------------------------


def test_adding_and_removing_option_slots_saves_nothing(cast, signed_in, open_case):
    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    url = f"/measures/options-notes/new/{case.pk}/"
    empty = signed_in["eeas"].get(url).content.decode()
    assert 'name="options-0-measure_type"' in empty and 'name="options-1-measure_type"' not in empty
    data = editor_post("Options note", [{"measure_type": "demarche", "rationale": "First."}])
    added = signed_in["eeas"].post(url, {**data, "add_entry": "1"})
    page = added.content.decode()
    assert added.status_code == 200 and 'name="options-1-measure_type"' in page and "First." in page
    assert "This field is required" not in page and not OptionsNote.objects.exists()
    assert re.search(r'<select name="options-1-measure_type"[^>]*\bautofocus\b', page)  # the cursor goes to the new entry
    two = editor_post(
        "Options note", [{"measure_type": "demarche", "rationale": "First."}, {"measure_type": "advisories", "rationale": "Second."}]
    )
    removed = signed_in["eeas"].post(url, {**two, "remove_entry": "0"}).content.decode()
    assert "First." not in removed and "Second." in removed and 'name="options-1-measure_type"' not in removed
    assert not OptionsNote.objects.exists()
    # Only the EEAS edits; the outsider does not see the case.
    assert signed_in["delegate"].post(url, {**data, "add_entry": "1"}).status_code == 403
    assert signed_in["outsider"].post(url, {**data, "add_entry": "1"}).status_code == 404


def test_option_slots_stop_at_the_maximum_and_errors_show_per_option(cast, signed_in, open_case):
    from measures.forms import MAX_OPTIONS

    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    url = f"/measures/options-notes/new/{case.pk}/"
    full = editor_post("Options note", [{"measure_type": "demarche"}] * MAX_OPTIONS)
    page = signed_in["eeas"].post(url, {**full, "add_entry": "1"}).content.decode()
    assert f'name="options-{MAX_OPTIONS}-measure_type"' not in page and 'data-testid="add-entry"' not in page
    too_many = editor_post("Options note", [{"measure_type": "demarche"}] * (MAX_OPTIONS + 1))
    assert signed_in["eeas"].post(url, too_many).status_code == 400
    bad = editor_post("Options note", [{"measure_type": "demarche"}, {"measure_type": "no-such-measure", "rationale": "Second."}])
    response = signed_in["eeas"].post(url, bad)
    assert response.status_code == 400 and "Option 2 needs correcting." in response.content.decode()
    assert "Option 1 needs correcting." not in response.content.decode()
    assert not OptionsNote.objects.exists()
    good = editor_post("Options note", [{"measure_type": "demarche"}, {"measure_type": "advisories"}])
    assert signed_in["eeas"].post(url, good).status_code == 302
    assert [o["measure_type"] for o in OptionsNote.objects.get().content["options"]] == ["demarche", "advisories"]


# --- The catalogue when proposing a measure ------------------------------------------------------


def test_the_proposal_form_shows_the_catalogue_with_descriptions(cast, signed_in, open_case):
    from measures.models import MeasureType

    case = open_case()
    page = signed_in["delegate"].get(f"/cases/{case.pk}/").content.decode()
    demarche = MeasureType.objects.get(slug="demarche")
    radio = f'type="radio" class="cdt-choices" name="measure_type" value="{demarche.pk}" id="id_measure_type_'
    assert radio in page and 'data-testid="catalogue-choices"' in page
    choice_id = page.split(radio)[1].split('"')[0]
    assert f'aria-describedby="id_measure_type_{choice_id}-description"' in page
    assert f'<label for="id_measure_type_{choice_id}"><strong>{demarche.name}</strong>' in page
    assert f'id="id_measure_type_{choice_id}-description">{demarche.description}</p>' in page
    assert "Escalation level 1</legend>" in page
    assert MeasureType.objects.filter(active=True).count() == page.count('name="measure_type"')
    refused = signed_in["delegate"].post(f"/measures/propose/{case.pk}/", {"measure_type": "", "description": "D."})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()


def test_a_catalogue_name_is_shown_in_the_readers_language_where_translated(directory):
    from django.utils import translation

    from measures.forms import measure_name
    from measures.models import MeasureType

    entry = MeasureType(name="Démarche", name_fr="Démarche diplomatique")
    untranslated = MeasureType(name="Travel ban")  # no French name given: the English one shows
    with translation.override("fr"):
        assert measure_name(entry) == "Démarche diplomatique"
        assert measure_name(untranslated) == "Travel ban"
    with translation.override("en"):
        assert measure_name(entry) == "Démarche"


# --- Confirming a draft's step ----------------------------------------------------------------


@pytest.fixture
def draft_note(cast, open_case):
    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    return measure_services.options_note_create(
        by=cast["eeas"], case=case, title="Options note", content={"situation": "S.", "options": [{"measure_type": "demarche"}]}
    )


def test_circulating_asks_for_confirmation_first(cast, signed_in, draft_note):
    base = f"/measures/options-notes/{draft_note.pk}"
    page = signed_in["eeas"].get(f"{base}/").content.decode()
    assert f'<form method="get" action="{base}/circulate/"' in page
    confirm = signed_in["eeas"].get(f"{base}/circulate/")
    text = confirm.content.decode()
    assert confirm.status_code == 200 and 'data-testid="confirm-summary"' in text
    assert "from “Draft” to “Circulated for comments”" in text and "people with access are notified" in text
    assert "Germany" in text or "DE" in text  # the opener's delegation is told
    assert f'<form method="post" action="{base}/circulate/"' in text and 'name="version" value="1"' in text
    assert OptionsNote.objects.get().status == NoteStatus.DRAFT  # a GET changes nothing
    assert signed_in["eeas"].post(f"{base}/circulate/", {"version": "1"}).status_code == 302
    assert OptionsNote.objects.get().status == NoteStatus.CIRCULATED


def test_a_confirmation_on_a_replaced_version_is_refused(cast, signed_in, draft_note):
    from drafting.services import note_save

    base = f"/measures/options-notes/{draft_note.pk}"
    note_save(by=cast["eeas"], note=draft_note, title="Options note", content=dict(draft_note.content), base_version=1)
    response = signed_in["eeas"].post(f"{base}/submit/", {"version": "1"})
    assert response.status_code == 409 and "The draft changed since you confirmed" in response.content.decode()
    assert OptionsNote.objects.get().status == NoteStatus.DRAFT
    assert signed_in["eeas"].post(f"{base}/submit/").status_code == 302  # the endpoint's contract: no version, no check
    assert OptionsNote.objects.get().status == NoteStatus.SUBMITTED


def test_who_may_not_take_the_step_gets_no_confirmation(cast, signed_in, draft_note):
    base = f"/measures/options-notes/{draft_note.pk}"
    assert signed_in["delegate"].get(f"{base}/circulate/").status_code == 403
    assert signed_in["outsider"].get(f"{base}/circulate/").status_code == 404
    assert signed_in["eeas"].get(f"{base}/no-such-step/").status_code == 404
    assert signed_in["eeas"].get(f"{base}/comment/").status_code == 405
    assert OptionsNote.objects.get().status == NoteStatus.DRAFT


# --- A marking within the author's own clearance ---------------------------------------------


@pytest.mark.parametrize("role", ["eeas", "siac"])
def test_nothing_is_marked_above_its_authors_clearance(role, signed_in, cast, actor):
    """An author without clearance cannot mark a strategic note or an
    assessment RESTREINT UE: they could not read it back (it would be a
    404 to them). 400 on ``classification``, nothing written."""
    from awareness.models import Assessment
    from cdt.security.markings import Classification

    user = cast[role]
    type(user).objects.filter(pk=user.pk).update(clearance=Classification.UNCLASSIFIED)
    if role == "eeas":
        response = signed_in[role].post(f"/measures/strategic-notes/new/{actor.pk}/", start_post())
        assert not StrategicResponseNote.objects.exists()
    else:
        response = signed_in[role].post("/awareness/assessments/new/", assessment_post(None, distribution="hwpci"))
        assert not Assessment.objects.exists()
    assert response.status_code == 400
    assert "Above your own clearance" in response.content.decode()


def test_a_note_hidden_from_the_drafter_is_not_named_when_starting_another(signed_in, actor, make_user, login_verified):
    """One strategic note per actor: its author is taken to it to revise it; a
    drafter who may not see it (no clearance for its marking) is refused
    without its title, and nothing is written."""
    from django.test import Client

    from cdt.security.markings import Classification

    assert (
        signed_in["eeas"].post(f"/measures/strategic-notes/new/{actor.pk}/", start_post(title="Grey Tempest: the response")).status_code
        == 302
    )
    note = StrategicResponseNote.objects.get()
    again = signed_in["eeas"].post(f"/measures/strategic-notes/new/{actor.pk}/", start_post(title="Second"))
    assert again.status_code == 302 and again.url == f"/measures/strategic-notes/{note.pk}/"  # to the note, to revise it
    other = make_user("eeas-uncleared", "EEAS", roles=(Role.EEAS_DRAFTER,), clearance=Classification.UNCLASSIFIED)
    client = Client()
    login_verified(client, other)
    refused = client.post(f"/measures/strategic-notes/new/{actor.pk}/", start_post(title="Third", classification="0"))
    body = refused.content.decode()
    assert refused.status_code == 403 and "Grey Tempest: the response" not in body and "already has" not in body
    assert list(StrategicResponseNote.objects.all()) == [note]


def test_the_creation_pages_answer_get_and_post_only(signed_in, actor):
    assert signed_in["siac"].put("/awareness/assessments/new/").status_code == 405
    assert signed_in["eeas"].delete(f"/measures/strategic-notes/new/{actor.pk}/").status_code == 405
    assert not StrategicResponseNote.objects.exists() and not Assessment.objects.exists()


def test_council_approval_is_chosen_among_the_decisions_on_the_actors_cases(cast, signed_in, open_case, actor):
    """Recording the Council's approval of a strategic note offers the
    decisions the reader may see on cases about the note's actor, by date
    and outcome: never a field for a database id."""
    from council.services import hr_act_record
    from drafting.services import note_transition
    from measures.services import strategic_note_create

    note = strategic_note_create(
        by=cast["eeas"], actor=actor, title="SRN", content={}, classification=0, limite=False, tlp=2, shared_with_all_delegations=True
    )
    note_transition(by=cast["eeas"], note=note, transition="submit")
    about = walk_to(open_case(suspected_actors=[actor]), CaseState.DELIBERATION, cast)
    other = walk_to(open_case(), CaseState.DELIBERATION, cast)
    on_actor = hr_act_record(by=cast["eeas"], case=about, explanation="Démarche on the actor's campaign.")
    elsewhere = hr_act_record(by=cast["eeas"], case=other, explanation="Statement on another campaign.")
    page = signed_in["chair"].get(f"/measures/strategic-notes/{note.pk}/approve/").content.decode()
    assert "Decision (id)" not in page and 'select class="ecl-select" id="confirm-decision" name="decision"' in page
    assert f'<option value="{on_actor.pk}"' in page and "Démarche on the actor&#x27;s campaign." in page
    assert f'<option value="{elsewhere.pk}"' not in page
    assert signed_in["chair"].post(f"/measures/strategic-notes/{note.pk}/approve/", {"decision": str(on_actor.pk)}).status_code == 302
    assert StrategicResponseNote.objects.get().approval == on_actor


def test_two_drafters_starting_the_actors_note_at_once_get_a_refusal_not_a_500(cast, signed_in, actor, monkeypatch):
    """The second drafter's check ran before the first one's note was saved
    (simulated: the first check passes): the unique actor refuses the row,
    and the refusal is the same as if the check had seen it. 400, one note."""
    from measures import services

    signed_in["eeas"].post(f"/measures/strategic-notes/new/{actor.pk}/", start_post(title="First"))
    real, calls = services._strategic_note_absent, []

    def late_check(by, actor):
        calls.append(actor)
        if len(calls) > 1:
            real(by, actor)

    monkeypatch.setattr(services, "_strategic_note_absent", late_check)
    with pytest.raises(ValidationError, match="already has a strategic response note"):
        services.strategic_note_create(by=cast["eeas"], actor=actor, title="Second", content={}, classification=0, limite=False, tlp=2)
    assert len(calls) == 2 and StrategicResponseNote.objects.count() == 1
