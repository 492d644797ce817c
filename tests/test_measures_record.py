"""Entering the record of the EU's past responses (issue 27): the
catalogue's entries for the Toolbox's own practice, a measure concerning
several actors (and a listing's persons linked to them), the date a
measure was proposed, a measure with its listing in one call, and a
lifecycle that was one act recorded in one call, all or nothing."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from awareness.models import ThreatActor
from cases.models import CaseState
from cdt.security.models import AuditEntry
from council.services import hr_act_record
from measures.catalogue import AMEND_SEEDED_NAME
from measures.models import ListedPerson, MeasureTransition, MeasureType, ResponseMeasure, RestrictiveListing
from notifications.models import Event

from .attribution_support import attribute
from .cases_support import case_at

pytestmark = pytest.mark.django_db

PRACTICE = {
    "eeas-spokesperson-statement",
    "presidents-joint-statement",
    "solidarity-statement",
    "partner-support-offer",
    "sanctions-regime-establishment",
    "sanctions-regime-prolongation",
    "listing-renewal",
}


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast, brought_on=datetime.date(2020, 7, 1))


@pytest.fixture
def actors():
    return ThreatActor.objects.create(name="Sandworm Echo"), ThreatActor.objects.create(name="Silent Quill")


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def propose(client, case, slug="demarche", **extra):
    return post(client, "/api/v1/measures/", {"case": case.pk, "measure_type": slug, "description": "…", **extra})


# --- The catalogue ---------------------------------------------------------------------------------------------


def test_the_catalogue_has_the_toolbox_practice(directory, signed_in):
    entries = {entry["slug"]: entry for entry in signed_in["delegate"].get("/api/v1/measure-types/").json()["results"]}
    assert PRACTICE <= set(entries)
    spokesperson = entries["eeas-spokesperson-statement"]
    assert (spokesperson["deciding_body"], spokesperson["voting_rule"], spokesperson["leads"]) == (None, "", ["eeas"])
    assert spokesperson["public_by_default"] and spokesperson["attribution"] == "none"
    for slug in ("sanctions-regime-establishment", "sanctions-regime-prolongation", "listing-renewal"):
        entry = entries[slug]
        assert (entry["deciding_body"], entry["voting_rule"]) == ("COUNCIL", "unanimity"), slug
        assert "2019/797" in entry["source"] and "2019/796" in entry["source"] and "Art. 29 TEU" in entry["legal_basis"], slug
    assert entries["sanctions-regime-establishment"]["escalation_level"] == entries["amend-sanctions-regime"]["escalation_level"]
    renewal = entries["listing-renewal"]
    assert renewal["restrictive"] and renewal["attribution"] == "actor"
    assert renewal["escalation_level"] == entries["cyber-sanctions-listing"]["escalation_level"]
    solidarity = entries["solidarity-statement"]
    assert (solidarity["deciding_body"], solidarity["voting_rule"]) == ("COUNCIL", "unanimity")
    assert set(solidarity["leads"]) == {"hr", "council"} and "supportive" in solidarity["effects"]
    support = entries["partner-support-offer"]
    assert "technical" in support["forms"] and "supportive" in support["effects"] and support["voting_rule"] == ""
    presidents = entries["presidents-joint-statement"]
    assert "european_council" in presidents["leads"] and presidents["deciding_body"] is None
    assert entries["amend-sanctions-regime"]["name"] == "Amending the cyber sanctions regime"
    for entry in MeasureType.objects.filter(slug__in=PRACTICE):
        entry.full_clean()  # forms, effects and leads from the vocabularies


def test_the_migration_adds_what_is_missing_and_renames_only_an_unedited_entry(directory):
    practice = import_module("measures.migrations.0008_measure_actors_proposed_on").catalogue_practice
    MeasureType.objects.filter(slug="listing-renewal").delete()
    MeasureType.objects.filter(slug="amend-sanctions-regime").update(name=AMEND_SEEDED_NAME)
    MeasureType.objects.filter(slug="solidarity-statement").update(escalation_level=3)  # the secretariat's edit
    practice(apps, None)
    assert MeasureType.objects.get(slug="listing-renewal").restrictive
    assert MeasureType.objects.get(slug="amend-sanctions-regime").name == "Amending the cyber sanctions regime"
    assert MeasureType.objects.get(slug="solidarity-statement").escalation_level == 3
    MeasureType.objects.filter(slug="amend-sanctions-regime").update(name="Amending the regime (edited)")
    practice(apps, None)
    assert MeasureType.objects.get(slug="amend-sanctions-regime").name == "Amending the regime (edited)"


# --- Several actors; the date proposed ---------------------------------------------------------------------------


def test_a_measure_concerns_several_actors_and_is_found_by_each(signed_in, case, actors):
    first, second = actors
    response = propose(signed_in["eeas"], case, slug="hr-statement", actors=[first.pk, second.pk])
    assert response.status_code == 201, response.content
    assert sorted(response.json()["actors"]) == sorted([first.pk, second.pk])
    assert set(ResponseMeasure.objects.get().actors.all()) == {first, second}
    found = signed_in["delegate"].get("/api/v1/measures/", {"actor": second.pk}).json()["results"]
    assert [row["id"] for row in found] == [response.json()["id"]]
    assert first.measures.get().pk == response.json()["id"]  # from the actor's side too


@pytest.mark.parametrize("value", [[10**9], 10**9, [None], {"id": 1}])
def test_an_unknown_actor_is_400_naming_actors_and_nothing_is_proposed(signed_in, case, actors, value):
    response = propose(signed_in["eeas"], case, actors=value)
    assert response.status_code == 400 and set(response.json()) == {"actors"}, response.content
    assert "Sandworm" not in response.content.decode() and not ResponseMeasure.objects.exists()


def test_proposed_on_is_the_date_it_was_proposed_kept_apart_from_the_recording(signed_in, case):
    response = propose(signed_in["eeas"], case, proposed_on="2020-07-30")
    assert response.status_code == 201, response.content
    assert response.json()["proposed_on"] == "2020-07-30"
    assert timezone.localtime(ResponseMeasure.objects.get().proposed_at).date() == timezone.localdate()
    assert propose(signed_in["eeas"], case).json()["proposed_on"] == timezone.localdate().isoformat()  # today by default


@pytest.mark.parametrize(
    "proposed_on, reason",
    [
        ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "future"),
        ("2020-06-30", "brought on 2020-07-01"),
        ("30/07/2020", "format"),
    ],
)
def test_proposed_on_is_not_in_the_future_nor_before_the_case(signed_in, case, proposed_on, reason):
    response = propose(signed_in["eeas"], case, proposed_on=proposed_on)
    assert response.status_code == 400 and set(response.json()) == {"proposed_on"}, response.content
    assert reason in str(response.json()["proposed_on"]) or reason == "format"
    assert not ResponseMeasure.objects.exists()


# --- Attribution over every actor -----------------------------------------------------------------------------


def test_a_measure_requiring_attribution_needs_it_for_every_actor(cast, signed_in, case, actors):
    first, second = actors
    attribute(cast, case, [first])
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Listing.")
    both = propose(signed_in["chair"], case, slug="cyber-sanctions-listing", actors=[first.pk, second.pk]).json()["id"]
    only_first = propose(signed_in["chair"], case, slug="cyber-sanctions-listing", actors=[first.pk]).json()["id"]
    for measure in (both, only_first):
        post(signed_in["chair"], f"/api/v1/measures/{measure}/override-escalation/", {"justification": "Third campaign."})
    steps = {"steps": [{"transition": "select"}, {"transition": "agree", "decision": decision.pk}]}
    blocked = post(signed_in["chair"], f"/api/v1/measures/{both}/record/", steps)
    assert blocked.status_code == 400, blocked.content
    reasons = blocked.json()["steps"]["1"]["guards"]
    assert len(reasons) == 1 and "covering Silent Quill" in reasons[0] and "Sandworm" not in reasons[0]
    assert ResponseMeasure.objects.get(pk=both).state == "proposed"
    assert post(signed_in["chair"], f"/api/v1/measures/{only_first}/record/", steps).json()["state"] == "agreed"


# --- Listings: linked actors, with the measure in one call -------------------------------------------------------


def listing_body(*entries_actors):
    return {
        "council_decision": "Council Decision (CFSP) 2020/1127",
        "council_regulation": "Council Implementing Regulation (EU) 2020/1125",
        "renewal_on": "2027-05-18",
        "entries": [
            {"kind": "person", "name": f"Person {index}", "statement_of_reasons": "Responsible.", "actors": linked}
            for index, linked in enumerate(entries_actors)
        ],
    }


def test_listed_persons_are_linked_to_actors_among_the_measures(signed_in, case, actors):
    first, second = actors
    measure = propose(signed_in["eeas"], case, slug="cyber-sanctions-listing", actors=[first.pk]).json()["id"]
    url = f"/api/v1/measures/{measure}/listing/"
    response = signed_in["secretariat"].put(url, listing_body([first.pk], [first.pk, second.pk]), content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"entries[1].actors"}, response.content
    assert not RestrictiveListing.objects.exists() and not ListedPerson.objects.exists()
    response = signed_in["secretariat"].put(url, listing_body([first.pk], []), content_type="application/json")
    assert response.status_code == 200, response.content
    entries = signed_in["delegate"].get(f"/api/v1/measures/{measure}/").json()["listing"]["entries"]
    assert [entry["actors"] for entry in entries] == [[first.pk], []]


def test_a_measure_and_its_listing_in_one_call_or_neither(signed_in, case, actors):
    first, second = actors
    body = {"slug": "cyber-sanctions-listing", "actors": [first.pk, second.pk], "proposed_on": "2020-07-30"}
    refused = propose(signed_in["chair"], case, listing=listing_body([first.pk], [10**9]), **body)
    assert refused.status_code == 400 and "entries" in str(refused.json()["listing"]), refused.content
    refused = propose(signed_in["chair"], case, listing={**listing_body([first.pk]), "entries": [{"kind": "alien"}]}, **body)
    assert refused.status_code == 400 and "listing" in refused.json(), refused.content
    forbidden = propose(signed_in["eeas"], case, listing=listing_body([first.pk]), **body)  # the EEAS proposes, not lists
    assert forbidden.status_code == 403, forbidden.content
    not_restrictive = propose(signed_in["chair"], case, listing=listing_body([first.pk]), **{**body, "slug": "demarche"})
    assert not_restrictive.status_code == 400 and set(not_restrictive.json()) == {"listing"}, not_restrictive.content
    assert not ResponseMeasure.objects.exists() and not RestrictiveListing.objects.exists()
    created = propose(signed_in["chair"], case, listing=listing_body([first.pk], [second.pk]), **body)
    assert created.status_code == 201, created.content
    listing = created.json()["listing"]
    assert listing["renewal_on"] == "2027-05-18" and [entry["actors"] for entry in listing["entries"]] == [[first.pk], [second.pk]]
    assert signed_in["delegate"].get(f"/api/v1/measures/{created.json()['id']}/").json()["listing"] == listing


# --- A lifecycle in one call ----------------------------------------------------------------------------------


@pytest.fixture
def proposed(signed_in, case):
    return propose(signed_in["eeas"], case, proposed_on="2020-07-20").json()["id"]


def record(client, measure, *steps):
    return post(client, f"/api/v1/measures/{measure}/record/", {"steps": list(steps)})


def trail(measure):
    return (
        ResponseMeasure.objects.get(pk=measure).state,
        MeasureTransition.objects.filter(measure=measure).count(),
        AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION).count(),
        Event.objects.count(),
    )


def test_a_lifecycle_that_was_one_act_is_one_call(cast, signed_in, case, proposed):
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.", decided_on=datetime.date(2020, 7, 21))
    events = Event.objects.count()
    response = record(
        signed_in["chair"],
        proposed,
        {"transition": "select", "on": "2020-07-22"},
        {"transition": "agree", "decision": decision.pk, "on": "2020-07-30"},
        {"transition": "start_implementation", "implementing_actor": "EEAS", "on": "2020-07-30"},
        {"transition": "complete", "on": "2020-07-30"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["implemented_on"], body["implementing_actor"], body["decision"]) == (
        "implemented",
        "2020-07-30",
        "EEAS",
        decision.pk,
    )
    logged = list(MeasureTransition.objects.filter(measure=proposed).order_by("id").values_list("transition", flat=True))
    assert logged == ["propose", "select", "agree", "start_implementation", "complete"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION, object_id=str(proposed)).count() == 4
    assert Event.objects.count() == events + 4  # one per step, as one by one


def test_a_failing_step_undoes_the_steps_before_it(cast, signed_in, case, proposed):
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.", decided_on=datetime.date(2020, 7, 21))
    before = trail(proposed)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = record(
        signed_in["chair"],
        proposed,
        {"transition": "select"},
        {"transition": "agree", "decision": decision.pk},
        {"transition": "start_implementation", "implementing_actor": "EEAS"},
        {"transition": "complete", "on": tomorrow},
    )
    assert response.status_code == 400 and set(response.json()["steps"]) == {"3"}, response.content
    assert "on" in response.json()["steps"]["3"]
    assert trail(proposed) == before
    # The wrong state: 409 with the state found, for the step that met it.
    response = record(signed_in["chair"], proposed, {"transition": "select"}, {"transition": "select"})
    assert response.status_code == 409 and response.json()["steps"]["1"]["state"] == "selected", response.content
    assert trail(proposed) == before


def test_a_step_the_caller_may_not_take_is_403_and_nothing_changes(cast, signed_in, case, proposed):
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.", decided_on=datetime.date(2020, 7, 21))
    assert record(signed_in["eeas"], proposed, {"transition": "select"}).status_code == 403  # the chair selects
    agreed = record(
        signed_in["chair"],
        proposed,
        {"transition": "select", "on": "2020-07-22"},
        {"transition": "agree", "decision": decision.pk, "on": "2020-07-25"},
    )
    assert agreed.json()["state"] == "agreed"
    before = trail(proposed)
    response = record(
        signed_in["eeas"],  # implements, but suspends only on the Council's decision, recorded by the chair or the secretariat
        proposed,
        {"transition": "start_implementation", "implementing_actor": "EEAS", "on": "2020-07-30"},
        {"transition": "complete", "on": "2020-07-30"},
        {"transition": "suspend", "reason": "Talks resumed."},
    )
    assert response.status_code == 403 and set(response.json()["steps"]) == {"2"}, response.content
    assert "Suspend" in response.json()["steps"]["2"]["detail"]
    assert trail(proposed) == before and not ResponseMeasure.objects.get(pk=proposed).evaluations.exists()
    assert record(signed_in["outsider"], proposed, {"transition": "suspend", "reason": "x"}).status_code == 404
    assert trail(proposed) == before


@pytest.mark.parametrize(
    "body, named",
    [
        ({"steps": []}, None),
        ({"steps": {}}, None),
        ({}, None),
        ({"steps": [{"transition": "select"}, {"transition": "no_such_step"}]}, "1"),
        ({"steps": [{"transition": "select"}, {"transition": "agree", "decision": "x"}]}, "1"),
        ({"steps": [{"transition": "agree", "decision": 10**9}]}, "0"),
        ({"steps": ["select"]}, "0"),
        ({"steps": [{"transition": "select"}] * 51}, None),
    ],
)
def test_bad_steps_are_400_naming_the_step(signed_in, proposed, body, named):
    before = trail(proposed)
    response = post(signed_in["chair"], f"/api/v1/measures/{proposed}/record/", body)
    assert response.status_code == 400 and "steps" in response.json(), response.content
    if named is not None:
        assert set(response.json()["steps"]) == {named}, response.content
    assert trail(proposed) == before
