"""Measures in the browser's pages: the case panel and proposal form, the
measure page with its steps, checks and evaluations, the catalogue, the
evaluations due, the actor's history."""

import pytest

from cases.models import CaseState
from council.services import hr_act_record
from measures import services
from measures.models import MeasureType, ResponseMeasure

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(signed_in):
    return signed_in


def test_propose_from_the_case_page_and_walk_it(cast, pages, open_case):
    from awareness.models import ThreatActor

    actor = ThreatActor.objects.create(name="Silent Quill")
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    page = pages["eeas"].get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="propose-measure"' in page and "up to level 2" in page
    assert 'data-testid="propose-measure"' not in pages["secretariat"].get(f"/cases/{case.pk}/").content.decode()
    listing = MeasureType.objects.get(slug="cyber-sanctions-listing")
    response = pages["eeas"].post(
        f"/measures/propose/{case.pk}/", {"measure_type": listing.pk, "actors": [actor.pk], "description": "Listing."}
    )
    measure = ResponseMeasure.objects.get()
    assert response.status_code == 302 and response.url == f"/measures/{measure.pk}/"
    page = pages["chair"].get(response.url).content.decode()
    assert 'data-testid="escalation-warning"' in page and 'data-testid="override-form"' in page
    assert "requires a coordinated political attribution at EU level covering Silent Quill" in page
    response = pages["chair"].post(f"/measures/{measure.pk}/transitions/select/")
    assert response.status_code == 400 and "exceeds" in response.content.decode()
    assert pages["chair"].post(f"/measures/{measure.pk}/override/", {"justification": ""}).status_code == 400
    assert pages["chair"].post(f"/measures/{measure.pk}/override/", {"justification": "Third campaign."}).status_code == 302
    assert pages["chair"].post(f"/measures/{measure.pk}/transitions/select/").status_code == 302
    assert pages["eeas"].post(f"/measures/{measure.pk}/transitions/agree/").status_code == 403
    assert pages["outsider"].get(f"/measures/{measure.pk}/").status_code == 404
    assert ResponseMeasure.objects.get().state == "selected"


def test_a_bad_proposal_shows_the_form_again(cast, pages, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    response = pages["eeas"].post(f"/measures/propose/{case.pk}/", {"measure_type": "", "description": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert ResponseMeasure.objects.count() == 0


def test_evaluations_due_and_the_actors_history(cast, pages, open_case):
    from awareness.models import ThreatActor
    from cdt.directory.models import Organisation

    actor = ThreatActor.objects.create(name="Grey Tempest")
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    measure = services.measure_propose(
        by=cast["eeas"],
        case=case,
        measure_type=MeasureType.objects.get(slug="demarche"),
        actors=[actor],
        description="Démarche to the State concerned.",
    )
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.")
    for transition, who, data in (
        ("select", "chair", {}),
        ("agree", "chair", {"decision": decision}),
        ("start_implementation", "eeas", {"implementing_actor": Organisation.objects.get(code="EEAS")}),
        ("complete", "eeas", {}),
    ):
        services.measure_transition(by=cast[who], measure=measure, transition=transition, **data)
    page = pages["delegate"].get("/measures/evaluations/").content.decode()
    assert 'data-testid="result-count">3<' in page
    assert 'data-testid="result-count">0<' in pages["outsider"].get("/measures/evaluations/").content.decode()
    evaluation = measure.evaluations.order_by("due_on").first()
    response = pages["eeas"].post(
        f"/measures/evaluations/{evaluation.pk}/record/",
        {
            f"evaluation-{evaluation.pk}-observed_change": "No new activity.",
            f"evaluation-{evaluation.pk}-effect": "significant",
            f"evaluation-{evaluation.pk}-recommendation": "continue",
        },
    )
    assert response.status_code == 302
    assert 'data-testid="result-count">2<' in pages["delegate"].get("/measures/evaluations/").content.decode()
    history = pages["delegate"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert "Démarche" in history.split('data-testid="actor-responses"')[1].split("</table>")[0]
    assert (
        "Démarche"
        not in pages["outsider"]
        .get(f"/awareness/actors/{actor.pk}/")
        .content.decode()
        .split('data-testid="actor-responses"')[1]
        .split("</table>")[0]
    )
    catalogue = pages["delegate"].get("/measures/catalogue/").content.decode()
    assert "Sectoral sanctions" in catalogue and "Démarche" in catalogue
