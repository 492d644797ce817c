"""The measures API: propose, lifecycle answers (200/400/403/404/409),
override, listing, evaluations, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseState
from council.services import hr_act_record
from measures.models import ResponseMeasure

from .cases_support import case_at, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(signed_in):
    return signed_in


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast)


def propose(clients, case, slug="demarche", who="eeas", **extra):
    return clients[who].post(
        "/api/v1/measures/", {"case": case.pk, "measure_type": slug, "description": "Démarche.", **extra}, content_type="application/json"
    )


def take(clients, who, measure_id, transition, **body):
    return clients[who].post(f"/api/v1/measures/{measure_id}/transitions/{transition}/", body, content_type="application/json")


def test_propose_and_walk_a_measure_through_the_api(cast, clients, case):
    response = propose(clients, case, proposed_on="2026-11-03")
    assert response.status_code == 201, response.content
    measure_id = response.json()["id"]
    assert response.json()["state"] == "proposed" and response.json()["escalation_warning"] == ""
    assert take(clients, "eeas", measure_id, "select").status_code == 403
    assert take(clients, "outsider", measure_id, "select").status_code == 404
    assert take(clients, "chair", measure_id, "no_such_step").status_code == 404
    # Entered afterwards: each step says the day it happened (in order, not before the case).
    assert take(clients, "chair", measure_id, "select", on="2026-11-03").json()["state"] == "selected"
    assert take(clients, "chair", measure_id, "select").status_code == 409
    response = take(clients, "chair", measure_id, "agree")
    assert response.status_code == 400 and "decision" in response.json()
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.", decided_on=datetime.date(2026, 11, 4))
    assert take(clients, "chair", measure_id, "agree", decision=decision.pk, on="2026-11-04").json()["state"] == "agreed"
    started = take(clients, "eeas", measure_id, "start_implementation", implementing_actor="EEAS", on="2026-11-05").json()
    assert started["implementing_actor"] == "EEAS"
    assert take(clients, "eeas", measure_id, "complete", on="2026-11-04").status_code == 400  # before the previous step
    body = take(clients, "eeas", measure_id, "complete", on="2026-11-05").json()
    assert body["state"] == "implemented" and body["implemented_on"] == "2026-11-05"
    evaluations = clients["eeas"].get("/api/v1/impact-evaluations/", {"measure": measure_id}).json()
    assert [row["due_on"] for row in evaluations["results"]] == ["2027-02-05", "2027-05-05", "2027-11-05"]
    first = evaluations["results"][0]["id"]
    response = clients["siac"].post(
        f"/api/v1/impact-evaluations/{first}/record/",
        {"observed_change": "Quieter.", "effect": "limited", "recommendation": "continue"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["done"]
    response = clients["delegate"].post(
        f"/api/v1/impact-evaluations/{evaluations['results'][1]['id']}/record/",
        {"observed_change": "x", "effect": "none", "recommendation": "lift"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_bad_proposals_are_refused_with_the_field(clients, case):
    response = propose(clients, case, slug="no-such-measure")
    assert response.status_code == 400 and "measure_type" in response.json()
    response = propose(clients, case, who="secretariat")
    assert response.status_code == 403
    response = propose(clients, case, who="outsider")
    assert response.status_code == 400 and "case" in response.json()
    assert ResponseMeasure.objects.count() == 0


def test_escalation_check_and_override(cast, clients, case):
    response = propose(clients, case, slug="suspend-engagements")  # level 6, no proportionality assessment: 2 supported
    measure_id = response.json()["id"]
    assert "exceeds the 2 supported" in response.json()["escalation_warning"]
    response = take(clients, "chair", measure_id, "select")
    assert response.status_code == 400 and "exceeds" in response.json()["guards"][0]
    override = f"/api/v1/measures/{measure_id}/override-escalation/"
    assert clients["eeas"].post(override, {"justification": "x"}, content_type="application/json").status_code == 403
    assert clients["chair"].post(override, {"justification": ""}, content_type="application/json").status_code == 400
    assert clients["chair"].post(override, {"justification": "Repeated."}, content_type="application/json").status_code == 200
    assert take(clients, "chair", measure_id, "select").json()["state"] == "selected"


def test_listing_is_set_whole_and_atomically(cast, clients, case):
    from awareness.models import ThreatActor

    actor = ThreatActor.objects.create(name="Silent Quill")
    measure_id = propose(clients, case, slug="cyber-sanctions-listing", actors=[actor.pk]).json()["id"]
    url = f"/api/v1/measures/{measure_id}/listing/"
    bad = {
        "council_decision": "Council Decision (CFSP) 2026/1",
        "entries": [
            {"kind": "person", "name": "Ivan Fictional", "statement_of_reasons": "Responsible."},
            {"kind": "alien", "name": "X", "statement_of_reasons": "Y"},
        ],
    }
    response = clients["secretariat"].put(url, bad, content_type="application/json")
    assert response.status_code == 400 and "entries" in response.json()
    assert not ResponseMeasure.objects.get(pk=measure_id).__class__.objects.filter(listing__isnull=False).exists()
    good = {**bad, "entries": bad["entries"][:1], "renewal_on": "2027-05-18"}
    assert clients["eeas"].put(url, good, content_type="application/json").status_code == 403
    response = clients["secretariat"].put(url, good, content_type="application/json")
    assert response.status_code == 200 and response.json()["entries"][0]["name"] == "Ivan Fictional"
    assert clients["delegate"].get(f"/api/v1/measures/{measure_id}/").json()["listing"]["renewal_on"] == "2027-05-18"


def test_catalogue_and_list_query_counts(cast, clients, case, open_case):
    assert clients["delegate"].get("/api/v1/measure-types/cyber-sanctions-listing/").json()["attribution"] == "actor"

    def count() -> int:
        clients["delegate"].get("/api/v1/measures/")  # the session renewed (once a minute), as any second request finds it
        with CaptureQueriesContext(connection) as queries:
            response = clients["delegate"].get("/api/v1/measures/")
        assert response.status_code == 200
        return len(queries)

    propose(clients, case)
    small = count()
    for _ in range(4):
        propose(clients, case, slug="hr-statement")
    other = walk_to(open_case(), CaseState.DELIBERATION, cast)
    propose(clients, other)
    assert clients["delegate"].get("/api/v1/measures/").json()["count"] == 6
    assert count() == small == 8  # 1 of them: the one audit record naming the classified measures listed; 1: their actors
