"""STIX 2.1 ingestion: ``POST /api/v1/feeds/stix/`` with real bundles
written for the tests (see ``tests/stix_support.py``)."""

import uuid

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from awareness import stix
from awareness.models import Assessment, FeedClient, FeedIngestion, StixObject, ThreatActor
from cdt.core.generation import is_generation_callback
from cdt.security.access import can_view
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry
from notifications.models import Event, EventKind

from . import stix_support as s

pytestmark = pytest.mark.django_db
URL = "/api/v1/feeds/stix/"


def post(key, bundle, **extra):
    return Client().post(URL, bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}", **extra)


def rows() -> dict[str, int]:
    return {"stix": StixObject.objects.count(), "assessments": Assessment.objects.count(), "actors": ThreatActor.objects.count()}


def test_a_report_on_an_intrusion_set_is_mapped_with_its_markings(cast, feed_token):
    token, key = feed_token
    response = post(key, s.report_bundle())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "complete"
    assert body["counts"] == {"created": 14, "updated": 0, "unchanged": 0, "ignored": 0, "stored_raw": 1}
    assert body["stored_raw"] == [{"id": s.INDICATOR, "type": "indicator"}]
    # The registry: the intrusion set and the state actor (both TLP:GREEN, unclassified, releasable to all).
    gridlock = ThreatActor.objects.get(stix_id=s.GRIDLOCK)
    assert gridlock.name == "GRIDLOCK" and gridlock.aliases == ["Static Tundra", "Unit 00000"]
    assert gridlock.external_references == [{"source_name": "mitre-attack", "external_id": "G9999"}]
    assert ThreatActor.objects.get(stix_id=s.STATE_ACTOR).kind == ThreatActor.Kind.STATE
    # The report became an assessment, TLP:AMBER from its marking, linked to both actors.
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    assert (assessment.tlp, assessment.classification, assessment.confidence) == (Tlp.AMBER, Classification.UNCLASSIFIED, "moderate")
    assert assessment.source.code == "SIAC" and str(assessment.assessed_on) == "2026-11-02"
    assert set(assessment.actors.values_list("stix_id", flat=True)) == {s.GRIDLOCK, s.STATE_ACTOR}
    # Every object is kept, with its own markings; the indicator as raw STIX.
    indicator = StixObject.objects.get(stix_id=s.INDICATOR)
    assert not indicator.supported and indicator.raw["pattern_type"] == "stix" and indicator.tlp == Tlp.AMBER
    assert StixObject.objects.get(stix_id=s.GRIDLOCK).tlp == Tlp.GREEN
    # Need-to-know: SIAC, the secretariat and, per the client's settings, every delegation.
    assert can_view(cast["delegate"], assessment) and can_view(cast["secretariat"], indicator)
    assert not can_view(cast["eeas"], assessment)
    ingestion = FeedIngestion.objects.get()
    assert ingestion.posted_by == cast["siac"] and ingestion.created_count == 14
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(ingestion.pk)).exists()


def test_same_bundle_twice_changes_nothing(feed_token):
    token, key = feed_token
    bundle = s.report_bundle()
    assert post(key, bundle).status_code == 200
    before = rows()
    body = post(key, bundle).json()
    assert body["counts"] == {"created": 0, "updated": 0, "unchanged": 14, "ignored": 0, "stored_raw": 0}
    assert rows() == before


def test_a_newer_modified_updates_with_history_and_an_older_one_is_ignored(feed_token):
    token, key = feed_token
    post(key, s.report_bundle())
    newer = s.replace(s.report_bundle(modified=s.T1), s.REPORT, name="GRIDLOCK: wiper deployment, revised", confidence=85)
    body = post(key, newer).json()
    assert body["counts"]["updated"] == 2 and body["counts"]["unchanged"] == 12  # the report and the intrusion set
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    assert assessment.title == "GRIDLOCK: wiper deployment, revised" and assessment.confidence == "high"
    assert assessment.history.count() == 2
    assert StixObject.objects.filter(stix_id=s.REPORT).count() == 2
    assert StixObject.objects.get(stix_id=s.REPORT, current=True).version == s.T1
    body = post(key, s.report_bundle()).json()
    assert body["counts"]["ignored"] == 2 and {entry["id"] for entry in body["ignored"]} == {s.REPORT, s.GRIDLOCK}
    assert Assessment.objects.get(stix_id=s.REPORT).title == "GRIDLOCK: wiper deployment, revised"


def test_an_invalid_object_in_the_middle_rejects_the_whole_bundle(feed_token):
    token, key = feed_token
    bundle = s.replace(s.report_bundle(), s.CAMPAIGN, first_seen="yesterday-ish")
    response = post(key, bundle)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["object"] == s.CAMPAIGN and errors[0]["property"] == "first_seen" and errors[0]["reason"]
    assert rows() == {"stix": 0, "assessments": 0, "actors": 0}
    assert FeedIngestion.objects.get().status == FeedIngestion.Status.FAILED


def test_a_missing_required_property_is_named(feed_token):
    token, key = feed_token
    response = post(key, s.replace(s.report_bundle(), s.REPORT, object_refs=None))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"object": s.REPORT, "property": "object_refs", "reason": response.json()["errors"][0]["reason"]}]
    assert rows()["stix"] == 0


def test_a_bundle_above_the_ceiling_is_rejected(feed_token, settings):
    settings.CDT_MAX_CLASSIFICATION = "RESTREINT_UE"
    token, key = feed_token
    bundle = s.report_bundle(report_markings=(s.TLP_AMBER, s.CONFIDENTIEL))
    bundle["objects"].append(
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": s.CONFIDENTIEL,
            "created": s.T0,
            "definition_type": "statement",
            "definition": {"statement": "CONFIDENTIEL UE/EU CONFIDENTIAL"},
        }
    )
    response = post(key, bundle)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["object"], error["property"]) == (s.REPORT, "object_marking_refs") and "CONFIDENTIEL" in error["reason"]
    assert rows()["stix"] == 0
    settings.CDT_MAX_CLASSIFICATION = "CONFIDENTIEL_UE"
    assert post(key, bundle).status_code == 200
    assert Assessment.objects.get(stix_id=s.REPORT).classification == Classification.CONFIDENTIEL_UE


def test_an_unknown_marking_reference_is_refused(feed_token):
    token, key = feed_token
    response = post(key, s.report_bundle(report_markings=(s.COPYRIGHT,)))
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == f"Unknown marking definition {s.COPYRIGHT}."


def test_restricted_actors_do_not_enter_the_public_registry(feed_token):
    token, key = feed_token
    body = post(key, s.report_bundle(actor_markings=(s.TLP_AMBER,))).json()
    assert body["status"] == "complete"
    assert not ThreatActor.objects.filter(stix_id__in=[s.GRIDLOCK, s.STATE_ACTOR]).exists()
    assert StixObject.objects.get(stix_id=s.GRIDLOCK).tlp == Tlp.AMBER


def test_a_report_naming_a_case_is_linked_and_the_case_hears_of_it(cast, open_case, feed_token):
    token, key = feed_token
    case = open_case()
    assert post(key, s.report_bundle(case_reference=case.reference)).status_code == 200
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    assert list(assessment.cases.all()) == [case]
    assert Event.objects.filter(case=case, kind=EventKind.ASSESSMENT_ADDED, subject_id=assessment.pk).exists()
    response = post(key, s.report_bundle(case_reference="CDT-2099-0001", modified=s.T1))
    assert response.status_code == 400 and response.json()["errors"][0]["property"] == "external_references"


def test_only_feed_tokens_with_settings_may_post(cast, feed_token, login_verified):
    from cdt.accounts.scopes import READ, WRITE
    from cdt.accounts.services import api_token_issue

    _token, read_key = api_token_issue(user=cast["siac"], name="read only", scopes=[READ, WRITE])
    assert post(read_key, s.report_bundle()).status_code == 403
    from cdt.accounts.scopes import FEEDS_WRITE

    _token, bare_key = api_token_issue(user=cast["siac"], name="no settings", scopes=[FEEDS_WRITE])
    response = post(bare_key, s.report_bundle())
    assert response.status_code == 403 and "feed settings" in response.json()["detail"]
    session = Client()
    login_verified(session, cast["siac"])
    assert session.post(URL, s.report_bundle(), content_type="application/json").status_code == 403
    assert rows()["stix"] == 0


def test_not_a_bundle(feed_token):
    token, key = feed_token
    response = post(key, {"type": "report", "id": "report--1"})
    assert response.status_code == 400 and response.json()["errors"][0]["property"] == "type"
    response = Client().post(URL, "[1,2", content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400


def test_large_bundles_are_accepted_and_processed_by_a_task(feed_token, settings, django_capture_on_commit_callbacks):
    settings.CDT_FEED_SYNC_MAX_OBJECTS = 5
    token, key = feed_token
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(key, s.report_bundle())
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    assert response["Location"] == status_url and response.json()["status"] == "pending"
    assert rows()["stix"] == 0
    from awareness.tasks import process_feed_ingestion

    process_feed_ingestion.apply(args=[response.json()["id"]])
    assert len([callback for callback in callbacks if not is_generation_callback(callback)]) == 1  # the task's hand-off
    progress = Client().get(status_url, HTTP_AUTHORIZATION=f"Token {key}").json()
    assert progress["status"] == "complete" and progress["processed_count"] == 14 and progress["counts"]["created"] == 14
    assert FeedIngestion.objects.get().payload is None


def test_the_ingestion_log_shows_a_client_its_own_and_the_secretariat_everything(cast, feed_token, login_verified):
    token, key = feed_token
    ingestion_id = post(key, s.report_bundle()).json()["id"]
    for user, visible in ((cast["secretariat"], True), (cast["delegate"], False)):
        client = Client()
        login_verified(client, user)
        assert client.get(f"/api/v1/feeds/stix/ingestions/{ingestion_id}/").status_code == (200 if visible else 404)
        assert client.get("/api/v1/feeds/stix/ingestions/").json()["count"] == (1 if visible else 0)


def export(user_client, actor):
    return user_client.get(f"/api/v1/threat-actors/{actor.pk}/stix/")


def test_export_holds_only_what_the_user_may_share(cast, feed_token, login_verified):
    from awareness import services
    from awareness.export import shareable

    token, key = feed_token
    token.feed_client.default_limite = False
    token.feed_client.save()
    post(key, s.report_bundle())  # actors GREEN, the rest AMBER, originated by SIAC
    gridlock = ThreatActor.objects.get(stix_id=s.GRIDLOCK)
    services.assessment_record(
        by=cast["eeas"],
        kind="written",
        title="EEAS note on GRIDLOCK",
        body="Open-source summary.",
        classification=Classification.UNCLASSIFIED,
        limite=False,
        tlp=Tlp.CLEAR,
        releasable_to_all=True,
        actors=[gridlock],
        shared_with=[cast["delegate"].organisation],  # restricted: the EEAS, the secretariat and Germany
    )
    services.assessment_record(
        by=cast["eeas"],
        kind="written",
        title="Restricted",
        body="…",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.GREEN,
        releasable_to_all=True,
        actors=[gridlock],
        shared_with_all_delegations=True,
    )
    delegate, siac = Client(), Client()
    login_verified(delegate, cast["delegate"])
    siac.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"

    response = export(delegate, gridlock)
    assert response.status_code == 200 and response["Content-Type"] == "application/stix+json;version=2.1"
    ids = {o["id"] for o in response.json()["objects"]}
    # The delegate sees the AMBER report and relationships but may not pass them on; GREEN and CLEAR they may.
    assert s.GRIDLOCK in ids and s.STATE_ACTOR not in ids and s.REPORT not in ids
    assert not any(o["type"] == "relationship" for o in response.json()["objects"])
    names = {o.get("name") for o in response.json()["objects"]}
    assert "EEAS note on GRIDLOCK" in names and "Restricted" not in names
    # SIAC originated the AMBER material: it may share it, with the relationships whose both ends it shares.
    objects = export(siac, gridlock).json()["objects"]
    siac_ids = {o["id"] for o in objects}
    assert {s.REPORT, s.STATE_ACTOR, s.CAMPAIGN, "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101"} <= siac_ids
    assert s.TLP_AMBER in siac_ids  # its marking definition travels with it
    assert "EEAS note on GRIDLOCK" not in {o.get("name") for o in objects}  # restricted, and SIAC not named
    # Everything exported is within the rule, and every export is audited.
    for user in (cast["delegate"], cast["siac"]):
        assert set(shareable(StixObject.objects.all(), user).values_list("classification", flat=True)) <= {0}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(gridlock.pk)).count() == 2


def test_pages_show_the_feed_within_the_rule(cast, feed_token, login_verified):
    token, key = feed_token
    post(key, s.report_bundle())
    rejected = post(key, s.replace(s.report_bundle(), s.CAMPAIGN, first_seen="soon")).json()["id"]
    gridlock = ThreatActor.objects.get(stix_id=s.GRIDLOCK)
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    delegate, eeas, secretariat = Client(), Client(), Client()
    login_verified(delegate, cast["delegate"])
    login_verified(eeas, cast["eeas"])
    login_verified(secretariat, cast["secretariat"])
    # The actor page: the delegate (need-to-know by the client's settings) reads the AMBER attribution; the EEAS does not.
    page = delegate.get(f"/awareness/actors/{gridlock.pk}/").content.decode()
    assert "attributed-to" in page and "Fictional State Directorate 9" in page and "Operation Cold Grid" in page
    assert "attributed-to" not in eeas.get(f"/awareness/actors/{gridlock.pk}/").content.decode()
    page = delegate.get(f"/awareness/assessments/{assessment.pk}/").content.decode()
    assert "Consistent with the 2025 pattern of activity." in page and "agree" in page
    # The log: everything for the secretariat, with the refusal and its reason; nothing for a delegate.
    log = secretariat.get("/awareness/feed/").content.decode()
    assert 'data-testid="result-count">2<' in log
    detail = secretariat.get(f"/awareness/feed/{rejected}/").content.decode()
    assert s.CAMPAIGN in detail and "first_seen" in detail
    assert 'data-testid="result-count">0<' in delegate.get("/awareness/feed/").content.decode()
    assert delegate.get(f"/awareness/feed/{rejected}/").status_code == 404


def test_large_bundles_are_validated_in_worker_processes_and_an_error_still_rolls_back(feed_token, settings):
    """Above CDT_FEED_PARALLEL_MIN_OBJECTS, stix2 runs in worker processes while
    the bundle is written; an invalid object found there undoes the writes."""
    from awareness.ingestion import Validation

    settings.CDT_FEED_PARALLEL_MIN_OBJECTS = 5
    token, key = feed_token
    assert Validation.start(s.report_bundle()["objects"]) is not None  # the parallel path is taken
    response = post(key, s.replace(s.report_bundle(), s.INDICATOR, pattern="[file:hashes.'SHA-256' = "))
    assert response.status_code == 400
    assert response.json()["errors"][0]["object"] == s.INDICATOR and response.json()["errors"][0]["property"] == "pattern"
    assert rows() == {"stix": 0, "assessments": 0, "actors": 0}
    assert post(key, s.report_bundle()).json()["counts"]["created"] == 14


def test_the_benchmark_command_reports_its_figures(feed_token, tmp_path):
    """``make bench`` on a small bundle: the figures are computed, not printed from constants."""
    import json

    from django.core.management import call_command

    from bench.feed import Command as FeedBench

    out = tmp_path / "bench.json"
    with pytest.raises(Exception, match="scratch database"):
        call_command(FeedBench(), objects=300, rounds=1)
    call_command(FeedBench(), objects=300, rounds=1, json=str(out), scratch_database=True, stdout=open(tmp_path / "log", "w"))
    figures = json.loads(out.read_text())
    assert figures["objects"] == 300 and figures["rows_written"] > 300
    assert figures["objects_per_second"] > 0 and figures["ratio_raw_over_ingestion"] > 0 and figures["ratio_copy_over_ingestion"] > 0
    assert StixObject.objects.count() == 0  # it cleans up after itself


def test_the_secretariat_configures_feed_clients_in_the_console(cast, feed_token, login_verified):
    from cdt.accounts.scopes import READ
    from cdt.accounts.services import api_token_issue

    token, key = feed_token
    post(key, s.report_bundle())
    console = Client()
    login_verified(console, cast["secretariat"])
    assert console.get("/admin/awareness/feedingestion/").status_code == 200
    ingestion = FeedIngestion.objects.get()
    assert console.get(f"/admin/awareness/feedingestion/{ingestion.pk}/change/").status_code == 200
    assert console.get("/admin/awareness/feedingestion/add/").status_code == 403
    reader, _key = api_token_issue(user=cast["siac"], name="reader", scopes=[READ])
    response = console.post(
        "/admin/awareness/feedclient/add/",
        {
            "token": reader.pk,
            "default_classification": 0,
            "default_tlp": 2,
            "default_limite": "on",
            "releasable_to_all": "on",
        },
    )
    assert response.status_code == 200 and "does not carry the feeds:write scope" in response.content.decode()
    assert not hasattr(reader, "feed_client") or not FeedClient.objects.filter(token=reader).exists()
    # The STIX objects themselves follow the access rule in the console too: the secretariat has need-to-know here.
    assert console.get("/admin/awareness/stixobject/").status_code == 200


@pytest.mark.integration
def test_a_real_worker_ingests_a_large_bundle_through_redis(celery_worker_thread, cast, feed_token, settings):
    """202, then the status URL shows the worker's progress to completion."""
    import time

    settings.CDT_FEED_SYNC_MAX_OBJECTS = 5
    token, key = feed_token
    response = post(key, s.report_bundle())
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    deadline = time.monotonic() + 30
    while True:
        progress = Client().get(status_url, HTTP_AUTHORIZATION=f"Token {key}").json()
        if progress["status"] in ("complete", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert progress["status"] == "complete" and progress["counts"]["created"] == 14
    assert Assessment.objects.filter(stix_id=s.REPORT).exists()


def test_a_large_bundle_accepted_while_the_broker_is_down_is_queued_again_by_beat(feed_token, settings, django_capture_on_commit_callbacks):
    import datetime
    from unittest import mock

    from django.utils import timezone

    from awareness.ingestion import feed_ingestions_requeue
    from awareness.tasks import process_feed_ingestion

    settings.CDT_FEED_SYNC_MAX_OBJECTS = 5
    token, key = feed_token
    with (
        mock.patch.object(process_feed_ingestion, "apply_async", side_effect=ConnectionRefusedError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(key, s.report_bundle())
    assert response.status_code == 202 and FeedIngestion.objects.get().status == "pending"
    assert feed_ingestions_requeue() == 0  # within the grace period
    with mock.patch.object(process_feed_ingestion, "apply_async") as queued:
        assert feed_ingestions_requeue(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert queued.call_args.kwargs["args"] == (response.json()["id"],)


# --- The OASIS validator as oracle (issue 27) -------------------------------------------------------

#: Bounded: the direct comparison is cheap (~10 ms an example), a post is not.
ORACLE_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@hypothesis_settings(max_examples=150, **ORACLE_SETTINGS)
@given(stix_object=s.oracle_objects())
def test_the_feed_checks_agree_with_the_oasis_validator(stix_object):
    """For the types the feed maps: what ``stix2-validator`` rejects the
    feed refuses, and what it accepts the feed does not refuse."""
    valid, reasons = s.oracle_accepts(stix_object)
    try:
        stix.validate(stix_object)
    except stix.StixInvalid as invalid:
        assert not valid, f"refused ({invalid.property_name}: {invalid.reason}) what the validator accepts: {stix_object}"
    else:
        assert valid, f"accepted what the validator rejects ({reasons}): {stix_object}"


@hypothesis_settings(max_examples=12, **ORACLE_SETTINGS)
@given(stix_object=s.oracle_objects())
def test_the_feed_refuses_what_the_oasis_validator_rejects(feed_token, stix_object):
    """The same verdict through ``POST /api/v1/feeds/stix/``: 400 naming
    the object, or accepted (created, updated, unchanged or ignored as older)."""
    _token, key = feed_token
    valid, reasons = s.oracle_accepts(stix_object)
    siac, green, amber = s.report_bundle()["objects"][:3]
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [siac, green, amber, stix_object]}
    response = post(key, bundle)
    if valid:
        assert response.status_code == 200, (stix_object, response.content)
    else:
        assert response.status_code == 400, (stix_object, reasons)
        assert [error["object"] for error in response.json()["errors"]] == [stix_object["id"]], response.content


def test_the_two_forbidden_objects_of_issue_27_are_refused_by_name(feed_token):
    """A ``modified`` earlier than ``created``, and a relationship type that
    is not lowercase ASCII with hyphens: refused (400, nothing written), as
    the OASIS validator rejects them."""
    _token, key = feed_token
    earlier = s.replace(s.report_bundle(), s.GRIDLOCK, modified="2026-11-01T09:00:00.000Z")
    response = post(key, earlier)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"object": s.GRIDLOCK, "property": "modified", "reason": "must not be earlier than created"}]
    friends = s.replace(s.report_bundle(), "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101", relationship_type="Is Friends With")
    response = post(key, friends)
    assert response.status_code == 400
    assert [(e["object"], e["property"]) for e in response.json()["errors"]] == [
        ("relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101", "relationship_type")
    ]
    assert rows() == {"stix": 0, "assessments": 0, "actors": 0}
    for bundle in (earlier, friends):
        assert not all(s.oracle_accepts(stix_object)[0] for stix_object in bundle["objects"])
