"""The drafting tool in pages: create, edit (add, reorder, delete options),
comments beside the text, compare, lifecycle buttons."""

import pytest

from cases.models import CaseState
from measures.models import OptionsNote

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(signed_in):
    return signed_in


def editor_post(title, options, situation="Wiper attack.", recommendation="Option 1.", base_version=None):
    data = {
        "title": title,
        "situation": situation,
        "recommendation": recommendation,
        **({"base_version": str(base_version)} if base_version is not None else {}),
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    for index, option in enumerate(options):
        for key, value in option.items():
            data[f"options-{index}-{key}"] = value
    return data


def test_draft_reorder_comment_compare(cast, pages, open_case):
    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    assert "Start an options note" in pages["eeas"].get(f"/cases/{case.pk}/").content.decode()
    assert pages["delegate"].get(f"/measures/options-notes/new/{case.pk}/").status_code == 403
    assert pages["outsider"].get(f"/measures/options-notes/new/{case.pk}/").status_code == 404
    bad = pages["eeas"].post(f"/measures/options-notes/new/{case.pk}/", editor_post("", [{"measure_type": "nope", "ORDER": "1"}]))
    assert bad.status_code == 400 and OptionsNote.objects.count() == 0
    response = pages["eeas"].post(
        f"/measures/options-notes/new/{case.pk}/",
        editor_post(
            "Options note",
            [
                {"measure_type": "demarche", "rationale": "First.", "ORDER": "1"},
                {"measure_type": "hr-statement", "rationale": "Second.", "ORDER": "2"},
            ],
        ),
    )
    note = OptionsNote.objects.get()
    assert response.status_code == 302 and response.url == f"/measures/options-notes/{note.pk}/"
    assert [option["measure_type"] for option in note.content["options"]] == ["demarche", "hr-statement"]
    # Reorder: the statement first; delete nothing; add a third option.
    response = pages["eeas"].post(
        f"/measures/options-notes/{note.pk}/edit/",
        editor_post(
            "Options note",
            [
                {"measure_type": "demarche", "rationale": "First.", "ORDER": "2"},
                {"measure_type": "hr-statement", "rationale": "Second.", "ORDER": "1"},
                {"measure_type": "advisories", "rationale": "Third.", "ORDER": "3"},
            ],
            base_version=1,
        ),
    )
    assert response.status_code == 302
    note = OptionsNote.objects.get()
    assert note.version == 2 and [o["measure_type"] for o in note.content["options"]] == ["hr-statement", "demarche", "advisories"]
    # Delete the advisory.
    pages["eeas"].post(
        f"/measures/options-notes/{note.pk}/edit/",
        editor_post(
            "Options note",
            [
                {"measure_type": "hr-statement", "ORDER": "1"},
                {"measure_type": "demarche", "ORDER": "2"},
                {"measure_type": "advisories", "ORDER": "3", "DELETE": "on"},
            ],
            base_version=2,
        ),
    )
    assert len(OptionsNote.objects.get().content["options"]) == 2
    compare = pages["delegate"].get(f"/measures/options-notes/{note.pk}/compare/", {"from": 1, "to": 2}).content.decode()
    assert 'data-testid="compare"' in compare and "<ins>" in compare
    assert pages["delegate"].get(f"/measures/options-notes/{note.pk}/compare/", {"from": 1, "to": 7}).status_code == 400
    assert pages["eeas"].post(f"/measures/options-notes/{note.pk}/circulate/").status_code == 302
    page = pages["delegate"].get(f"/measures/options-notes/{note.pk}/").content.decode()
    assert 'data-anchor="option-1"' in page and 'name="text"' in page
    assert (
        pages["delegate"]
        .post(f"/measures/options-notes/{note.pk}/comment/", {"anchor": "option-1", "text": "Germany supports."})
        .status_code
        == 302
    )
    assert pages["siac"].post(f"/measures/options-notes/{note.pk}/comment/", {"anchor": "option-1", "text": "x"}).status_code == 403
    # With htmx the answer is the one section's comments, to swap in place.
    fragment = pages["other_delegate"].post(
        f"/measures/options-notes/{note.pk}/comment/", {"anchor": "option-2", "text": "France agrees."}, HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.startswith("<aside") and 'data-anchor="option-2"' in html
    assert "France agrees." in html and "Germany supports." not in html and "<html" not in html
    assert pages["outsider"].get(f"/measures/options-notes/{note.pk}/").status_code == 404
    page = pages["eeas"].get(f"/measures/options-notes/{note.pk}/").content.decode()
    assert "Germany supports." in page.split('data-anchor="option-1"')[1].split("</aside>")[0]
    assert pages["delegate"].post(f"/measures/options-notes/{note.pk}/submit/").status_code == 403
    assert pages["eeas"].post(f"/measures/options-notes/{note.pk}/submit/").status_code == 302
    assert OptionsNote.objects.get().status == "submitted"


def test_the_strategic_note_page_shows_the_evaluations_of_measures_on_its_actor(cast, pages, open_case):
    from awareness.models import ThreatActor
    from cdt.directory.models import Organisation
    from cdt.security.markings import Classification, Tlp
    from council.services import hr_act_record
    from measures import services
    from measures.models import MeasureType

    actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    note = services.strategic_note_create(
        by=cast["eeas"],
        actor=actor,
        title="SRN",
        content={"short_term_effects": "Disrupt."},
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        shared_with_all_delegations=False,  # restricted: the EEAS, the secretariat and Germany
        shared_with=[Organisation.objects.get(code="DE")],
    )
    case = walk_to(open_case(suspected_actors=[actor]), CaseState.DELIBERATION, cast)
    measure = services.measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(slug="demarche"), actors=[actor], description="Démarche."
    )
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.")
    for transition, who, data in (
        ("select", "chair", {}),
        ("agree", "chair", {"decision": decision}),
        ("start_implementation", "eeas", {"implementing_actor": Organisation.objects.get(code="EEAS")}),
        ("complete", "eeas", {}),
    ):
        services.measure_transition(by=cast[who], measure=measure, transition=transition, **data)
    services.evaluation_record(
        by=cast["eeas"],
        evaluation=measure.evaluations.first(),
        observed_change="Campaign paused.",
        effect="limited",
        recommendation="escalate",
    )
    page = pages["delegate"].get(f"/measures/strategic-notes/{note.pk}/").content.decode()
    assert "Campaign paused." in page.split('data-testid="strategic-evaluations"')[1]
    assert pages["siac"].get(f"/measures/strategic-notes/{note.pk}/").status_code == 404


def test_two_drafters_saving_the_same_version_the_second_is_refused(cast, pages, open_case):
    """Optimistic locking: both editors opened version 1; the first save
    makes version 2, the second is refused with 409 and writes nothing."""
    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    pages["eeas"].post(f"/measures/options-notes/new/{case.pk}/", editor_post("Options note", [{"measure_type": "demarche", "ORDER": "1"}]))
    note = OptionsNote.objects.get()
    editor_page = pages["eeas"].get(f"/measures/options-notes/{note.pk}/edit/").content.decode()
    assert 'name="base_version" value="1"' in editor_page
    first = pages["eeas"].post(
        f"/measures/options-notes/{note.pk}/edit/",
        editor_post("Options note", [{"measure_type": "demarche", "ORDER": "1"}], recommendation="First drafter.", base_version=1),
    )
    assert first.status_code == 302
    second = pages["eeas"].post(
        f"/measures/options-notes/{note.pk}/edit/",
        editor_post("Options note", [{"measure_type": "demarche", "ORDER": "1"}], recommendation="Second drafter.", base_version=1),
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "version 2 was saved meanwhile" in body and "Second drafter." in body  # their text is kept on the page to copy
    assert 'name="base_version" value="1"' in body  # saving again from the stale form is refused again
    note = OptionsNote.objects.get(pk=note.pk)
    assert note.version == 2 and note.content["recommendation"] == "First drafter."
    assert note.versions.count() == 2
    missing = pages["eeas"].post(
        f"/measures/options-notes/{note.pk}/edit/",
        editor_post("Options note", [{"measure_type": "demarche", "ORDER": "1"}], recommendation="No base."),
    )
    assert missing.status_code == 400 and OptionsNote.objects.get().version == 2
