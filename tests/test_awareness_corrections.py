"""Issue 27, the awareness part: threat actors from the feed get their
sponsoring State and persistence; the EEAS and SIAC correct the registry
over the API; an assessment is linked to (and unlinked from) a case over
the API; the secretariat sets feed clients over the API."""

from __future__ import annotations

import pytest
from django.test import Client

from awareness import services
from awareness.models import Assessment, FeedClient, FeedIngestion, ThreatActor
from cdt.accounts.scopes import FEEDS_WRITE, READ
from cdt.accounts.services import api_token_issue
from cdt.directory.models import Organisation
from cdt.security.markings import Classification, Distribution, Tlp
from cdt.security.models import AuditEntry
from notifications.models import Event, EventKind

from . import stix_support as s

pytestmark = pytest.mark.django_db
FEED = "/api/v1/feeds/stix/"
STATE = "identity--5a1ac000-0000-4000-8000-0000000000aa"
SPONSORED_BY = "relationship--5a1ac000-0000-4000-8000-0000000000ab"


def post(key, bundle):
    return Client().post(FEED, bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def sponsor_bundle(*, relationship_markings=(s.TLP_GREEN,), **actor_properties) -> dict:
    """SIAC's bundle, the state actor TLP:GREEN, attributed to the identity of
    a State (a government organisation, TLP:GREEN)."""
    bundle = s.replace(s.report_bundle(), s.STATE_ACTOR, **actor_properties)
    bundle["objects"] += [
        s.sdo(
            "identity",
            STATE,
            name="Republic of Fictionia",
            identity_class="organization",
            sectors=["government"],
            object_marking_refs=[s.TLP_GREEN],
        ),
        s.sdo(
            "relationship",
            SPONSORED_BY,
            relationship_type="attributed-to",
            source_ref=s.STATE_ACTOR,
            target_ref=STATE,
            object_marking_refs=list(relationship_markings),
        ),
    ]
    return bundle


# --- Sponsoring State and persistence from the feed ------------------------------------------------


def test_an_attributed_to_relationship_to_a_state_sets_the_sponsor_and_only_explicit_persistence(feed_token):
    _token, key = feed_token
    assert post(key, sponsor_bundle()).status_code == 200
    actor = ThreatActor.objects.get(stix_id=s.STATE_ACTOR)
    # "nation-state" and a first sighting long ago do not make it persistent: only x_eu_persistent does.
    assert (actor.suspected_sponsor, actor.persistent, actor.kind) == ("Republic of Fictionia", False, ThreatActor.Kind.STATE)
    newer = sponsor_bundle(modified=s.T1, x_eu_persistent=True, first_seen="2010-01-01T00:00:00Z")
    assert post(key, newer).status_code == 200
    actor.refresh_from_db()
    assert actor.persistent is True and actor.history.first().history_user.username == "siac-analyst"
    assert post(key, sponsor_bundle(modified="2026-11-20T00:00:00.000Z", x_eu_persistent=False)).status_code == 200
    actor.refresh_from_db()
    assert actor.persistent is False


def test_the_actors_own_property_names_its_sponsor(feed_token):
    _token, key = feed_token
    bundle = s.replace(s.report_bundle(), s.GRIDLOCK, x_eu_sponsoring_state=" Fictionia ", x_eu_persistent=True)
    assert post(key, bundle).status_code == 200
    gridlock = ThreatActor.objects.get(stix_id=s.GRIDLOCK)
    assert (gridlock.suspected_sponsor, gridlock.persistent) == ("Fictionia", True)


def test_an_amber_attribution_stays_in_the_feed_and_not_in_the_registry(feed_token):
    """The registry is read by everyone: a TLP:AMBER attribution is not copied into it."""
    _token, key = feed_token
    assert post(key, sponsor_bundle(relationship_markings=(s.TLP_AMBER,))).status_code == 200
    assert ThreatActor.objects.get(stix_id=s.STATE_ACTOR).suspected_sponsor == ""


def test_an_identity_that_is_no_state_names_no_sponsor(feed_token):
    _token, key = feed_token
    bundle = sponsor_bundle()
    for stix_object in bundle["objects"]:
        if stix_object["id"] == STATE:
            stix_object["sectors"] = ["technology"]
    assert post(key, bundle).status_code == 200
    assert ThreatActor.objects.get(stix_id=s.STATE_ACTOR).suspected_sponsor == ""


def test_the_custom_properties_are_checked(feed_token):
    _token, key = feed_token
    for name, value in [("x_eu_persistent", "yes"), ("x_eu_sponsoring_state", ""), ("x_eu_sponsoring_state", 5)]:
        response = post(key, s.replace(s.report_bundle(), s.STATE_ACTOR, **{name: value}))
        assert response.status_code == 400, (name, value)
        assert [(e["object"], e["property"]) for e in response.json()["errors"]] == [(s.STATE_ACTOR, name)]
    assert not ThreatActor.objects.exists()


# --- Correcting the registry (EEAS, SIAC) ----------------------------------------------------------


def test_the_eeas_and_siac_correct_the_registry_and_others_may_not(signed_in):
    actor = ThreatActor.objects.create(name="Grey Tempest", aliases=["GT"])
    url = f"/api/v1/threat-actors/{actor.pk}/"
    change = {"aliases": ["GT", "Tempest"], "suspected_sponsor": "Fictionia", "persistent": True, "kind": "state_sponsored"}
    response = signed_in["eeas"].patch(url, change, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["suspected_sponsor"] == "Fictionia" and response.json()["aliases"] == ["GT", "Tempest"]
    actor.refresh_from_db()
    assert (actor.persistent, actor.kind, actor.history.first().history_user.username) == (True, "state_sponsored", "eeas-staff")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, object_type="awareness.threatactor", object_id=str(actor.pk)).latest(
        "at"
    )
    assert entry.details["fields"] == ["aliases", "kind", "persistent", "suspected_sponsor"] and entry.actor.username == "eeas-staff"
    response = signed_in["siac"].patch(url, {"name": "Grey Tempest (GRIDLOCK)"}, content_type="application/json")
    assert response.status_code == 200 and ThreatActor.objects.get(pk=actor.pk).name == "Grey Tempest (GRIDLOCK)"
    for who in ("delegate", "chair", "secretariat", "outsider"):
        response = signed_in[who].patch(url, {"description": "Rewritten."}, content_type="application/json")
        assert response.status_code == 403, who
    assert ThreatActor.objects.get(pk=actor.pk).description == ""
    assert (
        signed_in["eeas"].patch("/api/v1/threat-actors/999999/", {"persistent": True}, content_type="application/json").status_code == 404
    )
    assert signed_in["eeas"].put(url, change, content_type="application/json").status_code == 405


@pytest.mark.parametrize(
    "change,field",
    [
        ({"name": "Taken"}, "name"),
        ({"aliases": "GT"}, "aliases"),
        ({"aliases": [5]}, "aliases"),
        ({"persistent": "yes"}, "persistent"),
        ({"kind": "friendly"}, "kind"),
        ({"first_seen": "2026-01-02", "last_seen": "2025-01-01"}, "last_seen"),
        ({"external_references": [{"url": "https://example.org"}]}, "external_references"),
        ({"external_references": [{"source_name": "mitre-attack", "external_id": "G\u0000"}]}, "external_references"),
        ({"external_references": {"source_name": "x"}}, "external_references"),
    ],
)
def test_a_bad_correction_is_refused_by_field_and_changes_nothing(signed_in, change, field):
    ThreatActor.objects.create(name="Taken")
    actor = ThreatActor.objects.create(name="Grey Tempest")
    response = signed_in["siac"].patch(f"/api/v1/threat-actors/{actor.pk}/", change, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert actor.history.count() == 1 and ThreatActor.objects.get(pk=actor.pk).name == "Grey Tempest"


# --- Linking an assessment to a case --------------------------------------------------------------


def siac_assessment(cast, **overrides) -> Assessment:
    fields = dict(
        by=cast["siac"],
        kind=Assessment.Kind.WRITTEN,
        title="GRIDLOCK: technical assessment",
        body="…",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        shared_with=[Organisation.objects.get(code="DE")],
    )
    return services.assessment_record(**{**fields, **overrides})


def test_siac_links_its_assessment_to_a_case_and_unlinks_it(cast, signed_in, open_case):
    case = open_case()
    assessment = siac_assessment(cast)
    link, unlink = f"/api/v1/assessments/{assessment.pk}/link-case/", f"/api/v1/assessments/{assessment.pk}/unlink-case/"
    response = signed_in["siac"].post(link, {"case": case.pk}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["cases"] == [case.pk] and list(assessment.cases.all()) == [case]
    assert Event.objects.filter(kind=EventKind.ASSESSMENT_ADDED, case=case).count() == 1
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGE, object_type="awareness.assessment", object_id=str(assessment.pk)
    ).exists()
    again = signed_in["siac"].post(link, {"case": case.pk}, content_type="application/json")
    assert again.status_code == 400 and "case" in again.json()
    response = signed_in["secretariat"].post(unlink, {"case": case.pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["cases"] == [] and not assessment.cases.exists()
    assert signed_in["siac"].post(unlink, {"case": case.pk}, content_type="application/json").status_code == 400  # not linked
    for body in ({}, {"case": None}, {"case": "x"}, {"case": [case.pk]}):
        assert signed_in["siac"].post(link, body, content_type="application/json").status_code == 400, body


def test_only_the_originator_or_the_secretariat_links_and_an_invisible_assessment_is_404(cast, signed_in, open_case):
    case, hidden_case = open_case(), open_case(releasable_to=["DE"])
    assessment = siac_assessment(cast)
    link = f"/api/v1/assessments/{assessment.pk}/link-case/"
    # The delegate sees both (DE has need-to-know on the assessment) but did not contribute it.
    assert signed_in["delegate"].get(f"/api/v1/assessments/{assessment.pk}/").status_code == 200
    assert signed_in["delegate"].post(link, {"case": case.pk}, content_type="application/json").status_code == 403
    assert signed_in["eeas"].post(link, {"case": case.pk}, content_type="application/json").status_code == 404  # EEAS may not see it
    assert signed_in["outsider"].post(link, {"case": case.pk}, content_type="application/json").status_code == 404
    # SIAC may not see the case released to Germany only: as for a case that does not exist.
    for case_id in (hidden_case.pk, 999999):
        response = signed_in["siac"].post(link, {"case": case_id}, content_type="application/json")
        assert response.status_code == 400 and response.json() == {"case": ["No such case."]}
    assert not assessment.cases.exists()


def test_an_assessment_keeps_what_its_distribution_and_answers_need(cast, signed_in, open_case):
    case, other = open_case(), open_case(title="Second case")
    follows = siac_assessment(cast, cases=[case])
    assert follows.distribution == Distribution.WITH_CASES
    unlink = f"/api/v1/assessments/{follows.pk}/unlink-case/"
    response = signed_in["siac"].post(unlink, {"case": case.pk}, content_type="application/json")
    assert response.status_code == 400 and "case" in response.json() and list(follows.cases.all()) == [case]
    rfi = services.rfi_ask(by=cast["delegate"], case=other, addressed_to=cast["siac"].organisation, question="Who?", due_on=case.brought_on)
    services.rfi_answer(by=cast["siac"], rfi=rfi, assessment=follows)
    response = signed_in["siac"].post(unlink, {"case": other.pk}, content_type="application/json")
    assert response.status_code == 400 and set(follows.cases.all()) == {case, other}


# --- Feed clients over the API (the secretariat) -----------------------------------------------------


def test_the_secretariat_sets_feed_clients_over_the_api(cast, signed_in):
    token, key = api_token_issue(user=cast["siac"], name="SIAC platform", scopes=[READ, FEEDS_WRITE])
    api = signed_in["secretariat"]
    body = {
        "token": token.pk,
        "default_classification": "RESTREINT_UE",
        "default_tlp": "GREEN",
        "releasable_to_all": False,
        "releasable_to": ["FR"],
    }
    response = api.post("/api/v1/feeds/clients/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["token"] == token.pk and created["token_name"] == "SIAC platform" and created["releasable_to"] == ["FR"]
    assert key not in response.content.decode() and token.key_hash not in response.content.decode()
    client = FeedClient.objects.get(token=token)
    assert (client.default_classification, client.releasable_to_all) == (Classification.RESTREINT_UE, False)
    assert created["default_classification"] == "RESTREINT_UE" and created["default_tlp"] == "GREEN"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="awareness.feedclient", object_id=str(client.pk)).exists()
    assert api.post("/api/v1/feeds/clients/", body, content_type="application/json").status_code == 400  # one per token
    response = api.patch(f"/api/v1/feeds/clients/{client.pk}/", {"shared_with_all_delegations": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["releasable_to"] == ["FR"]
    client.refresh_from_db()
    assert client.shared_with_all_delegations and client.default_tlp == Tlp.GREEN
    assert [row["id"] for row in api.get("/api/v1/feeds/clients/").json()["results"]] == [client.pk]
    assert api.delete(f"/api/v1/feeds/clients/{client.pk}/").status_code == 204
    assert (
        not FeedClient.objects.exists()
        and AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_type="awareness.feedclient").exists()
    )
    # Without settings the token can no longer post.
    assert post(key, s.report_bundle()).status_code == 403
    assert not FeedIngestion.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"releasable_to_all": False, "releasable_to": []}, "releasable_to"),
        ({"default_classification": 1}, "default_classification"),
        ({"default_classification": "TRES_SECRET_UE"}, "default_classification"),
        ({"default_tlp": "BROWN"}, "default_tlp"),
        ({"shared_with": ["NOWHERE"]}, "shared_with"),
        ({"token": "read-only"}, "token"),
    ],
)
def test_bad_feed_client_settings_are_refused_by_field(cast, signed_in, feed_token, change, field):
    token, _key = feed_token
    client = FeedClient.objects.get(token=token)
    if change.get("token") == "read-only":
        read_only, _ = api_token_issue(user=cast["siac"], name="Reader", scopes=[READ])
        response = signed_in["secretariat"].post(
            "/api/v1/feeds/clients/",
            {"token": read_only.pk, "default_classification": "UNCLASSIFIED", "default_tlp": "AMBER"},
            content_type="application/json",
        )
    else:
        response = signed_in["secretariat"].patch(f"/api/v1/feeds/clients/{client.pk}/", change, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.content
    client.refresh_from_db()
    assert (client.releasable_to_all, client.default_classification, client.shared_with.count()) == (True, 0, 0)


def test_only_the_secretariat_sees_or_sets_feed_clients(cast, signed_in, feed_token):
    token, key = feed_token
    client = FeedClient.objects.get(token=token)
    for who in ("siac", "eeas", "delegate", "chair"):
        api = signed_in[who]
        assert api.get("/api/v1/feeds/clients/").status_code == 403, who
        assert (
            api.patch(f"/api/v1/feeds/clients/{client.pk}/", {"default_tlp": "CLEAR"}, content_type="application/json").status_code == 403
        )
        assert api.delete(f"/api/v1/feeds/clients/{client.pk}/").status_code == 403
    # The feed client's own token (feeds:write, read) may not change its own settings.
    response = Client().patch(
        f"/api/v1/feeds/clients/{client.pk}/", {"default_tlp": "CLEAR"}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 403
    client.refresh_from_db()
    assert client.default_tlp == Tlp.AMBER
