"""The TAXII 2.1 server, driven by the standard ``taxii2-client`` library
against a live server, and its protocol details through the test client."""

import time

import pytest
from django.test import Client
from taxii2client.common import TokenAuth
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Server, as_pages

from awareness.models import FeedIngestion, StixObject
from cdt.accounts.scopes import READ
from cdt.accounts.services import api_token_issue
from cdt.security.markings import Tlp

from . import stix_support as s

MEDIA = "application/taxii+json;version=2.1"


@pytest.mark.django_db(transaction=True)
def test_taxii2_client_discovers_adds_and_reads_back_with_pagination(live_server, cast, feed_token):
    token, key = feed_token
    server = Server(f"{live_server.url}/taxii2/", auth=TokenAuth(key))
    assert server.title.startswith("CDT") and len(server.api_roots) == 1
    api_root = server.api_roots[0]
    assert api_root.versions == [MEDIA]
    collections = {collection.alias: collection for collection in api_root.collections}
    assert set(collections) == {"siac-assessments", "threat-actors"}
    assessments = collections["siac-assessments"]
    assert assessments.can_read and assessments.can_write

    status = assessments.add_objects(s.report_bundle(), wait_for_completion=True, poll_interval=0.2, timeout=10)
    assert status.status == "complete" and status.success_count == 14 and status.failure_count == 0

    pages = list(as_pages(assessments.get_objects, per_request=5))
    assert [len(page["objects"]) for page in pages] == [5, 5, 4]
    assert [page["more"] for page in pages] == [True, True, False]
    ids = [stix_object["id"] for page in pages for stix_object in page["objects"]]
    assert len(ids) == 14 and set(ids) == {o["id"] for o in s.report_bundle()["objects"]}

    manifest = assessments.get_manifest()
    assert len(manifest["objects"]) == 14 and manifest["objects"][0]["media_type"] == "application/stix+json;version=2.1"
    first_added = StixObject.objects.order_by("added_at").first().added_at

    time.sleep(0.01)
    newer = s.replace(s.report_bundle(modified=s.T1), s.REPORT, name="GRIDLOCK, revised")
    status = assessments.add_objects(newer, wait_for_completion=True, poll_interval=0.2, timeout=10)
    assert status.success_count == 14  # 2 updated, 12 unchanged
    later = assessments.get_objects(added_after=first_added)
    assert {o["id"] for o in later["objects"]} == {s.REPORT, s.GRIDLOCK}
    assert assessments.get_object(s.REPORT)["objects"][0]["name"] == "GRIDLOCK, revised"
    versions = assessments.object_versions(s.REPORT)["versions"]
    assert versions == [s.T0, s.T1]
    only_reports = assessments.get_objects(type="report", version="all")
    assert [o["modified"] for o in only_reports["objects"]] == [s.T0, s.T1]

    # A token of a user without grants sees an empty collection, and 404 for an object.
    _token, eeas_key = api_token_issue(user=cast["eeas"], name="EEAS reader", scopes=[READ])
    eeas_root = Server(f"{live_server.url}/taxii2/", auth=TokenAuth(eeas_key)).api_roots[0]
    eeas_collection = next(c for c in eeas_root.collections if c.alias == "siac-assessments")
    assert not eeas_collection.can_write
    assert eeas_collection.get_objects()["objects"] == []
    with pytest.raises(Exception) as missing:
        eeas_collection.get_object(s.REPORT)
    assert "404" in str(missing.value)
    with pytest.raises(TAXIIServiceException):
        eeas_collection.add_objects(s.report_bundle())


pytestmark_db = pytest.mark.django_db


def taxii(client_key, path, method="get", **extra):
    return getattr(Client(), method)(f"/taxii2/{path}", HTTP_AUTHORIZATION=f"Token {client_key}", HTTP_ACCEPT=MEDIA, **extra)


@pytest.mark.django_db
def test_media_type_and_errors(feed_token):
    token, key = feed_token
    response = taxii(key, "")
    assert response.status_code == 200 and response["Content-Type"] == MEDIA
    response = Client().get("/taxii2/", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406 and response.json()["http_status"] == "406"
    response = Client().get("/taxii2/", HTTP_ACCEPT=MEDIA)
    assert response.status_code in (401, 403) and "title" in response.json()
    assert taxii(key, "api/collections/no-such-collection/objects/").status_code == 404
    assert taxii(key, "api/collections/siac-assessments/objects/", data={"limit": "zero"}).status_code == 400
    assert taxii(key, "api/collections/siac-assessments/objects/", data={"next": "garbage"}).status_code == 400


@pytest.mark.django_db
def test_an_invalid_envelope_is_rejected_whole_over_taxii(feed_token):
    token, key = feed_token
    envelope = {"objects": s.replace(s.report_bundle(), s.CAMPAIGN, first_seen="soon")["objects"]}
    response = taxii(key, "api/collections/siac-assessments/objects/", method="post", data=envelope, content_type=MEDIA)
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["object"] == s.CAMPAIGN
    assert StixObject.objects.count() == 0
    status_id = response.json()["details"]["status"]
    status = taxii(key, f"api/status/{status_id}/").json()
    assert status["status"] == "complete" and status["failure_count"] == 14 and status["success_count"] == 0


@pytest.mark.django_db
def test_objects_posted_to_a_collection_stay_in_it_and_feed_posts_are_routed_by_type(feed_token):
    token, key = feed_token
    Client().post("/api/v1/feeds/stix/", s.report_bundle(), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    actors = taxii(key, "api/collections/threat-actors/objects/").json()["objects"]
    assert {o["type"] for o in actors} == {"intrusion-set", "threat-actor", "campaign", "relationship"}
    assessments = taxii(key, "api/collections/siac-assessments/manifest/").json()["objects"]
    assert {o["id"] for o in assessments} >= {s.REPORT, s.NOTE, s.INDICATOR}
    assert FeedIngestion.objects.get().channel == FeedIngestion.Channel.FEED_API


@pytest.mark.django_db
def test_status_is_visible_to_its_poster_and_the_secretariat_only(cast, feed_token):
    token, key = feed_token
    response = taxii(
        key, "api/collections/siac-assessments/objects/", method="post", data={"objects": s.report_bundle()["objects"]}, content_type=MEDIA
    )
    assert response.status_code == 202
    status_id = response.json()["id"]
    assert taxii(key, f"api/status/{status_id}/").json()["success_count"] == 14
    _token, other_key = api_token_issue(user=cast["delegate"], name="DE", scopes=[READ])
    assert taxii(other_key, f"api/status/{status_id}/").status_code == 404
    # The delegate (all delegations have need-to-know by the client's settings) reads the TLP:AMBER report.
    assert taxii(other_key, f"api/collections/siac-assessments/objects/{s.REPORT}/").status_code == 200
    assert StixObject.objects.get(stix_id=s.REPORT).tlp == Tlp.AMBER


@pytest.mark.django_db
def test_status_successes_name_each_version(feed_token):
    """TAXII 2.1 section 4.3.1: each status detail has id, version and
    message; the version is the object's ``modified`` (or ``created``) as
    posted, for created, updated and unchanged objects alike (issue 27)."""
    token, key = feed_token

    def add(bundle) -> dict:
        response = taxii(
            key, "api/collections/siac-assessments/objects/", method="post", data={"objects": bundle["objects"]}, content_type=MEDIA
        )
        assert response.status_code == 202
        return taxii(key, f"api/status/{response.json()['id']}/").json()

    first = add(s.report_bundle())
    assert len(first["successes"]) == 14 and all(set(entry) == {"id", "version", "message"} for entry in first["successes"])
    versions = {entry["id"]: (entry["version"], entry["message"]) for entry in first["successes"]}
    assert versions[s.REPORT] == (s.T0, "created")
    assert versions[s.TLP_GREEN] == ("2022-10-01T00:00:00.000Z", "created")  # no modified: the created stamp
    second = {entry["id"]: (entry["version"], entry["message"]) for entry in add(s.report_bundle(modified=s.T1))["successes"]}
    assert second[s.REPORT] == (s.T1, "updated") and second[s.GRIDLOCK] == (s.T1, "updated")
    assert second[s.CAMPAIGN] == (s.T0, "unchanged")
    # An ingestion recorded before the outcome kept versions: read from the stored rows.
    ingestion = FeedIngestion.objects.order_by("received_at").last()
    ingestion.outcome.pop("versions")
    ingestion.save(update_fields=["outcome"])
    legacy = {entry["id"]: entry["version"] for entry in taxii(key, f"api/status/{ingestion.pk}/").json()["successes"]}
    assert legacy[s.REPORT] == s.T1 and legacy[s.CAMPAIGN] == s.T0


@pytest.mark.django_db
def test_list_query_counts_do_not_grow_with_the_objects(feed_token):
    """TAXII objects and manifest, and the ingestion log (API and page), cost
    the same number of queries for 14 objects as for 28."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, key = feed_token

    def counts() -> list[int]:
        # Warm-up: the token's last-used stamp (written once a minute) and the content-type cache are not the list's cost.
        taxii(key, "api/collections/siac-assessments/objects/")
        found = []
        for path in ("api/collections/siac-assessments/objects/", "api/collections/siac-assessments/manifest/"):
            with CaptureQueriesContext(connection) as queries:
                assert taxii(key, path).status_code == 200
            found.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/api/v1/feeds/stix/ingestions/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
        found.append(len(queries))
        return found

    Client().post("/api/v1/feeds/stix/", s.report_bundle(), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    small = counts()
    other = s.report_bundle()
    for stix_object in other["objects"]:
        if stix_object["type"] not in ("marking-definition",) and stix_object["id"] != s.SIAC:
            stix_object["id"] = stix_object["type"] + "--" + str(__import__("uuid").uuid4())
    Client().post("/api/v1/feeds/stix/", other, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert StixObject.objects.count() == 25
    assert counts() == small
    assert small == [3, 3, 4]  # token, collection, objects (+ the count, for the paginated log)
