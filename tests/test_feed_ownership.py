"""Feed producers own their objects (issue 25, point 3).

A STIX id belongs to the producer (the organisation whose feed client first
sent it). Another producer's object with the same id is refused, 409, with a
reason that names only what the sender sent; its version never decides the
answer, so nothing about the stored object (version, title, marking, owner)
comes back. The console's history shows only the versions the viewer may
see. See docs/decisions/0024-feed-producers-own-their-ids.md."""

from __future__ import annotations

import pytest
from django.test import Client

from awareness import services
from awareness.models import Assessment, FeedIngestion, StixObject, ThreatActor
from cdt.accounts.roles import Role
from cdt.accounts.scopes import FEEDS_WRITE, READ
from cdt.accounts.services import api_token_issue
from cdt.security.markings import Classification, Tlp

from . import stix_support as s

pytestmark = pytest.mark.django_db
FEED = "/api/v1/feeds/stix/"
TAXII_OBJECTS = "/taxii2/api/collections/siac-assessments/objects/"
TAXII_MEDIA = "application/taxii+json;version=2.1"
TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
CONFLICT = "This id is already used by another producer; mint a new id."
RED_TITLE = "GRIDLOCK: the named source inside the operator"
RED_BODY = "Only the named recipients may read this: the source is an insider."
EARLIER = "2026-10-01T00:00:00.000Z"


def post(key, bundle):
    return Client().post(FEED, bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def certeu_key(cast, make_user):
    """A second producer: CERT-EU's feed client, with its own organisation."""
    analyst = make_user("certeu-analyst", "CERT-EU", roles=(Role.EUIBA_CONTRIBUTOR,))
    token, key = api_token_issue(user=analyst, name="CERT-EU platform", scopes=[READ, FEEDS_WRITE])
    services.feed_client_configure(
        by=cast["secretariat"], token=token, default_classification=Classification.UNCLASSIFIED, default_tlp=Tlp.AMBER
    )
    return key


def siac_red_report(key) -> Assessment:
    """SIAC's report, TLP:RED (named recipients only), on a TLP:GREEN intrusion set."""
    bundle = s.replace(s.report_bundle(report_markings=(s.TLP_RED,)), s.REPORT, name=RED_TITLE, description=RED_BODY)
    assert post(key, bundle).status_code == 200
    return Assessment.objects.get(stix_id=s.REPORT)


def foreign_report(modified: str, **changes) -> dict:
    """CERT-EU's bundle reusing SIAC's report id: TLP:CLEAR, new text;
    created no later than any version it is given (``modified`` may not be earlier)."""
    changes = {"created": EARLIER, **changes}
    report = s.sdo(
        "report",
        s.REPORT,
        modified,
        name="Nothing to see",
        description="Overwritten by another producer.",
        published="2026-11-10T00:00:00Z",
        report_types=["threat-actor"],
        object_refs=[s.GRIDLOCK],
        object_marking_refs=[TLP_CLEAR],
        **changes,
    )
    report.pop("created_by_ref")
    return {"type": "bundle", "id": "bundle--0c0c0c0c-0000-4000-8000-000000000001", "objects": [report]}


def foreign_intrusion_set(stix_id: str, modified: str = s.T1) -> dict:
    intrusion_set = s.sdo(
        "intrusion-set",
        stix_id,
        modified,
        name="GRIDLOCK",
        description="Rewritten by another producer.",
        aliases=["Harmless Group"],
        object_marking_refs=[s.TLP_GREEN],
    )
    intrusion_set.pop("created_by_ref")
    return {"type": "bundle", "id": "bundle--0c0c0c0c-0000-4000-8000-000000000002", "objects": [intrusion_set]}


def assert_refused_naming_only_what_was_sent(response, stix_id: str) -> None:
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["status"] == "failed"
    assert body["errors"] == [{"object": stix_id, "property": "id", "reason": CONFLICT}]
    assert body["counts"] == {"created": 0, "updated": 0, "unchanged": 0, "ignored": 0, "stored_raw": 0} and body["ignored"] == []
    text = response.content.decode()
    for stored in (s.T0, RED_TITLE, RED_BODY, "SIAC", "siac-analyst", "RED", "Intrusion set targeting"):
        assert stored not in text


def test_another_producer_cannot_overwrite_a_report(cast, feed_token, certeu_key):
    _token, siac_key = feed_token
    assessment = siac_red_report(siac_key)
    response = post(certeu_key, foreign_report(s.T1))
    assert_refused_naming_only_what_was_sent(response, s.REPORT)
    assessment.refresh_from_db()
    assert (assessment.title, assessment.body, assessment.tlp) == (RED_TITLE, RED_BODY, Tlp.RED)
    assert assessment.originator.code == "SIAC" and assessment.history.count() == 1
    assert list(StixObject.objects.filter(stix_id=s.REPORT).values_list("version", "tlp")) == [(s.T0, Tlp.RED)]
    assert FeedIngestion.objects.order_by("-received_at").first().status == FeedIngestion.Status.FAILED


def test_another_producer_cannot_overwrite_a_threat_actor(cast, feed_token, certeu_key):
    _token, siac_key = feed_token
    post(siac_key, s.report_bundle())
    gridlock = ThreatActor.objects.get(stix_id=s.GRIDLOCK)
    before = (gridlock.description, gridlock.aliases, gridlock.stix_modified, gridlock.history.count())
    assert_refused_naming_only_what_was_sent(post(certeu_key, foreign_intrusion_set(s.GRIDLOCK)), s.GRIDLOCK)
    gridlock.refresh_from_db()
    assert (gridlock.description, gridlock.aliases, gridlock.stix_modified, gridlock.history.count()) == before
    assert StixObject.objects.filter(stix_id=s.GRIDLOCK).count() == 1


def test_another_producer_s_own_object_of_the_same_name_links_to_the_entry_but_does_not_rewrite_it(cast, feed_token, certeu_key):
    """CERT-EU mints its own id for GRIDLOCK: accepted as CERT-EU's object; the
    registry entry SIAC's object made is found by name (its reports link to
    it) but keeps SIAC's description."""
    _token, siac_key = feed_token
    post(siac_key, s.report_bundle())
    own_id = "intrusion-set--0c0c0c0c-0000-4000-8000-000000000003"
    bundle = foreign_intrusion_set(own_id)
    report = foreign_report(s.T1)["objects"][0]
    report.update(id="report--0c0c0c0c-0000-4000-8000-000000000004", object_refs=[own_id])
    bundle["objects"].append(report)
    response = post(certeu_key, bundle)
    assert response.status_code == 200, response.content
    gridlock = ThreatActor.objects.get(name="GRIDLOCK")
    assert gridlock.stix_id == s.GRIDLOCK and gridlock.description.startswith("Intrusion set targeting")
    assert "Harmless Group" not in gridlock.aliases and gridlock.history.count() == 1
    assert list(Assessment.objects.get(stix_id=report["id"]).actors.all()) == [gridlock]


def test_a_hand_made_registry_entry_is_still_enriched_by_the_first_feed_naming_it(cast, feed_token, certeu_key):
    """Entries created by hand carry no STIX id and belong to no producer."""
    ThreatActor.objects.create(name="GRIDLOCK", description="")
    response = post(certeu_key, foreign_intrusion_set("intrusion-set--0c0c0c0c-0000-4000-8000-000000000005"))
    assert response.status_code == 200, response.content
    entry = ThreatActor.objects.get(name="GRIDLOCK")
    assert entry.description == "Rewritten by another producer." and entry.stix_id == "intrusion-set--0c0c0c0c-0000-4000-8000-000000000005"


@pytest.mark.parametrize("modified", [EARLIER, s.T0, s.T1], ids=["older", "same", "newer"])
def test_a_foreign_version_of_any_age_gets_the_same_answer_revealing_nothing(cast, feed_token, certeu_key, modified):
    """Older, equal or newer than the stored version: one answer, which holds
    no stored version, title, marking or owner (before, an older version said
    "older than the stored version …" and the same one said "unchanged")."""
    _token, siac_key = feed_token
    siac_red_report(siac_key)
    response = post(certeu_key, foreign_report(modified))
    assert_refused_naming_only_what_was_sent(response, s.REPORT)
    progress = Client().get(response.json()["status_url"], HTTP_AUTHORIZATION=f"Token {certeu_key}")
    assert progress.status_code == 200 and s.T0 not in progress.content.decode() and RED_TITLE not in progress.content.decode()
    assert Assessment.objects.get(stix_id=s.REPORT).title == RED_TITLE


def test_a_foreign_id_in_a_taxii_envelope_is_refused_the_same_way(cast, feed_token, certeu_key):
    _token, siac_key = feed_token
    siac_red_report(siac_key)
    envelope = {"objects": foreign_report(EARLIER)["objects"]}
    response = Client().post(
        TAXII_OBJECTS, envelope, content_type=TAXII_MEDIA, HTTP_ACCEPT=TAXII_MEDIA, HTTP_AUTHORIZATION=f"Token {certeu_key}"
    )
    assert response.status_code == 409 and response.json()["http_status"] == "409"
    assert response.json()["details"]["errors"] == [{"object": s.REPORT, "property": "id", "reason": CONFLICT}]
    assert s.T0 not in response.content.decode() and RED_TITLE not in response.content.decode()
    assert Assessment.objects.get(stix_id=s.REPORT).title == RED_TITLE


def test_the_same_producer_still_updates_and_hears_of_its_own_older_versions(cast, feed_token):
    """Ownership is the organisation's: SIAC's second (e.g. rotated) token
    updates SIAC's objects, and SIAC is still told its own stored version."""
    _token, siac_key = feed_token
    siac_red_report(siac_key)
    second, second_key = api_token_issue(user=cast["siac"], name="SIAC platform, new key", scopes=[READ, FEEDS_WRITE])
    services.feed_client_configure(by=cast["secretariat"], token=second, default_classification=0, default_tlp=Tlp.AMBER)
    lowered = s.replace(s.report_bundle(modified=s.T1, report_markings=(TLP_CLEAR,)), s.REPORT, name="GRIDLOCK, for everyone")
    response = post(second_key, lowered)
    assert response.status_code == 200 and response.json()["counts"]["updated"] == 2
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    assert (assessment.title, assessment.tlp) == ("GRIDLOCK, for everyone", Tlp.CLEAR) and assessment.history.count() == 2
    assert ThreatActor.objects.get(stix_id=s.GRIDLOCK).stix_modified is not None
    body = post(siac_key, s.report_bundle()).json()
    assert body["status"] == "complete" and {entry["id"] for entry in body["ignored"]} == {s.REPORT, s.GRIDLOCK}
    assert all(s.T1 in entry["reason"] for entry in body["ignored"])


def test_the_shared_tlp_definitions_belong_to_nobody(cast, feed_token, certeu_key):
    """TLP marking definitions are the standard's, not a producer's: every
    producer may carry them in its bundles."""
    _token, siac_key = feed_token
    post(siac_key, s.report_bundle())
    bundle = foreign_intrusion_set("intrusion-set--0c0c0c0c-0000-4000-8000-000000000006")
    bundle["objects"].append(s.tlp2(s.TLP_GREEN, "green"))
    response = post(certeu_key, bundle)
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["unchanged"] == 1


# --- The console's history shows only the versions the viewer may see ---------------------------


def console(user, login_verified) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def history_url(model, pk, version=None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/history/"
    return base if version is None else f"{base}{version}/"


def test_the_history_page_hides_a_tlp_red_version_from_the_secretariat(cast, feed_token, login_verified):
    """SIAC lowers its own TLP:RED report to TLP:CLEAR: the secretariat now
    sees the report, but never held the personal grant the RED version needed."""
    _token, siac_key = feed_token
    assessment = siac_red_report(siac_key)
    lowered = s.replace(s.report_bundle(modified=s.T1, report_markings=(TLP_CLEAR,)), s.REPORT, name="GRIDLOCK, for everyone")
    assert post(siac_key, lowered).status_code == 200
    red, clear = assessment.history.order_by("history_id")
    assert red.tlp == Tlp.RED and clear.tlp == Tlp.CLEAR
    secretariat = console(cast["secretariat"], login_verified)
    page = secretariat.get(history_url(Assessment, assessment.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "GRIDLOCK, for everyone" in text and history_url(Assessment, assessment.pk, clear.history_id) in text
    assert RED_TITLE not in text and RED_BODY not in text and history_url(Assessment, assessment.pk, red.history_id) not in text
    version = secretariat.get(history_url(Assessment, assessment.pk, clear.history_id))
    assert version.status_code == 200 and "GRIDLOCK, for everyone" in version.content.decode()
    hidden = secretariat.get(history_url(Assessment, assessment.pk, red.history_id))
    missing = secretariat.get(history_url(Assessment, assessment.pk, clear.history_id + 999))
    assert hidden.status_code == missing.status_code == 404
    assert RED_BODY not in hidden.content.decode()


def test_the_history_of_an_object_the_viewer_cannot_see_is_404(cast, feed_token, login_verified):
    _token, siac_key = feed_token
    assessment = siac_red_report(siac_key)
    (red,) = assessment.history.all()
    secretariat = console(cast["secretariat"], login_verified)
    for url in (history_url(Assessment, assessment.pk), history_url(Assessment, assessment.pk, red.history_id)):
        response = secretariat.get(url)
        assert response.status_code == 404 and RED_TITLE not in response.content.decode()


def test_the_history_page_hides_a_version_above_the_viewer_s_clearance(cast, open_case, make_user, login_verified):
    """The same rule for a case: a version classified above the viewer's
    clearance is not listed, nor shown, though the case now is."""
    case = open_case(title="Espionage against a ministry (classified wording)")
    case.classification, case.title = Classification.UNCLASSIFIED, "A cyber incident"
    case.save()
    classified, declassified = case.history.order_by("history_id")
    junior = make_user("gsc-junior", "GSC", roles=(Role.SECRETARIAT,), is_staff=True, clearance=Classification.UNCLASSIFIED)
    client = console(junior, login_verified)
    text = client.get(history_url(type(case), case.pk)).content.decode()
    assert "A cyber incident" in text and "classified wording" not in text
    assert client.get(history_url(type(case), case.pk, classified.history_id)).status_code == 404
    assert client.get(history_url(type(case), case.pk, declassified.history_id)).status_code == 200
    cleared = console(cast["secretariat"], login_verified)
    assert "classified wording" in cleared.get(history_url(type(case), case.pk)).content.decode()
    assert cleared.get(history_url(type(case), case.pk, classified.history_id)).status_code == 200


def test_every_console_history_of_a_protected_model_goes_through_the_rule():
    """Found by introspection: a new admin with history cannot forget it."""
    from django.contrib import admin

    from cdt.security.admin import ProtectedModelAdmin
    from cdt.security.models import Marked, MarkedChild

    with_history = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if issubclass(model, Marked | MarkedChild) and hasattr(model_admin, "history_form_view")
    ]
    assert {model._meta.label for model, _admin in with_history} >= {"awareness.Assessment", "cases.Case"}
    for model, model_admin in with_history:
        assert isinstance(model_admin, ProtectedModelAdmin), model


def test_each_version_is_judged_on_its_own_markings_by_the_one_rule(make_user):
    """``visible_versions`` on the test app's protected model and its child:
    TLP:AMBER+STRICT outside the originator, not releasable to the reader,
    above the reader's clearance: hidden; the same object marked otherwise: shown."""
    from cdt.directory.models import Organisation
    from cdt.security.grants import access_grant, organisation_group
    from cdt.security.history import visible_versions
    from tests.testapp.models import Dossier, DossierNote

    de, fr = Organisation.objects.get(code="DE"), Organisation.objects.get(code="FR")
    reader = make_user("reader-fr", "FR", clearance=Classification.UNCLASSIFIED)
    dossier = Dossier.objects.create(
        title="strict", classification=0, limite=False, tlp=Tlp.AMBER_STRICT, originator=de, releasable_to_all=True
    )
    access_grant(target=dossier, by=reader, group=organisation_group(fr))
    for title, changes in (("not releasable", {"tlp": Tlp.AMBER, "releasable_to_all": False}), ("open", {"releasable_to_all": True})):
        dossier.title = title
        for name, value in changes.items():
            setattr(dossier, name, value)
        dossier.save()
    shown = visible_versions(dossier.history.all(), dossier, reader)
    assert list(shown.values_list("title", flat=True)) == ["open"]
    dossier.releasable_to.add(fr)  # releasability lists have no history: read as they are now
    assert set(visible_versions(dossier.history.all(), dossier, reader).values_list("title", flat=True)) == {"open", "not releasable"}

    note = DossierNote.objects.create(dossier=dossier, text="classified", classification=Classification.RESTREINT_UE)
    note.text, note.classification = "declassified", Classification.UNCLASSIFIED
    note.save()
    assert list(visible_versions(note.history.all(), note, reader).values_list("text", flat=True)) == ["declassified"]
