"""Authenticity of who says what (issue 25, points 6 and 7): an
assessment's ``source`` and a case's ``brought_by`` are what the caller's
organisation may claim (decision 0026); a case's ``exercise`` flag changes
after opening only by the Council secretariat, with a reason, audited; the
iCal feed is never cached and links to ``CDT_SITE_URL``."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from icalendar import Calendar

from awareness.models import Assessment
from cases.models import Case, CaseState
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.claims import claimable_organisations, may_claim
from cdt.security.models import AuditEntry
from council import services as council_services
from notifications import services as notification_services

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "kind": "written",
    "title": "GRIDLOCK: technical assessment",
    "body": "All-source assessment.",
    "classification": "RESTREINT_UE",
    "limite": True,
    "tlp": "AMBER",
    "releasable_to_all": True,
}
CASE = {
    "kind": "malicious_activity",
    "title": "Wiper campaign against transmission operators",
    "summary": "Destructive malware against two operators.",
    "brought_on": "2026-11-10",
    "classification": "RESTREINT_UE",
    "limite": True,
    "tlp": "AMBER",
    "releasable_to_all": True,
}


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


# --- source and brought_by: what the caller's organisation may claim ---------------------------------------


def test_a_delegate_cannot_post_an_assessment_as_siacs(client, cast):
    """The finding: a delegate posted ``"source": "SIAC"`` and every reader
    saw SIAC's assessment. Now 400 naming ``source``, nothing stored."""
    client.force_login(cast["delegate"])
    response = client.post("/api/v1/assessments/", {**ASSESSMENT, "source": "SIAC"}, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert "source" in response.json() and "SIAC" in str(response.json()["source"])
    assert not Assessment.objects.exists()
    response = client.post("/api/v1/assessments/", {**ASSESSMENT, "source": "DE"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "DE"


def test_siac_posts_as_itself_and_the_eeas_records_on_siacs_behalf(client, cast):
    client.force_login(cast["siac"])
    response = client.post("/api/v1/assessments/", ASSESSMENT, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "SIAC"
    client.force_login(cast["eeas"])  # e.g. the EEAS noting what SIAC briefed: it says so
    response = client.post("/api/v1/assessments/", {**ASSESSMENT, "source": "SIAC"}, content_type="application/json")
    assert response.status_code == 201 and (response.json()["source"], response.json()["originator"]) == ("SIAC", "EEAS")


def test_the_chair_names_who_gave_an_oral_briefing(client, cast):
    client.force_login(cast["chair"])
    body = {**ASSESSMENT, "kind": "oral_briefing", "source": "SIAC"}
    response = client.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "SIAC"
    response = client.post("/api/v1/assessments/", {**body, "kind": "written"}, content_type="application/json")
    assert response.status_code == 400 and "source" in response.json()


def test_a_delegate_cannot_bring_a_case_for_another_state(client, cast):
    """The finding: a delegate opened a case ``brought_by`` another Member
    State. Now 400 naming ``brought_by``, no case."""
    client.force_login(cast["delegate"])
    response = client.post("/api/v1/cases/", {**CASE, "brought_by": "FR"}, content_type="application/json")
    assert response.status_code == 400 and "brought_by" in response.json(), response.json()
    assert not Case.objects.exists()
    response = client.post("/api/v1/cases/", {**CASE, "brought_by": "DE"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["brought_by"] == "DE"
    case_id = response.json()["id"]
    response = client.patch(f"/api/v1/cases/{case_id}/", {"brought_by": "FR"}, content_type="application/json")
    assert response.status_code == 400 and "brought_by" in response.json()
    assert Case.objects.get(pk=case_id).brought_by.code == "DE"
    # The EEAS brings a partner's request; so does the secretariat correct the record.
    client.force_login(cast["eeas"])
    response = client.post("/api/v1/cases/", {**CASE, "brought_by": "NATO"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["brought_by"] == "NATO"


def test_the_case_form_offers_only_what_the_user_may_claim(cast, signed_in):
    page = signed_in["delegate"].get("/cases/new/").content.decode()
    select = re.search(r'<select name="brought_by".*?</select>', page, re.S)
    assert select is not None
    offered = set(re.findall(r'<option value="(\d+)"', select.group(0)))
    assert offered == {str(org("DE").pk)}
    form = {
        **CASE,
        "kind": "malicious_activity",
        "brought_by": org("FR").pk,
        "context": "peacetime",
        "classification": 1,
        "tlp": 2,
        "distribution": "hwpci",
    }
    response = signed_in["delegate"].post("/cases/new/", form)
    assert response.status_code == 400 and not Case.objects.exists()
    assert 'name="brought_by"' in response.content.decode()


def test_claimable_organisations_by_role(cast, make_user):
    assert list(claimable_organisations(cast["delegate"])) == [org("DE")]
    assert not may_claim(cast["delegate"], org("SIAC"))
    assert may_claim(cast["siac"], org("SIAC")) and not may_claim(cast["siac"], org("DE"))
    assert may_claim(cast["eeas"], org("SIAC")) and may_claim(cast["secretariat"], org("FR"))
    assert may_claim(cast["chair"], org("SIAC"), oral_briefing=True) and not may_claim(cast["chair"], org("SIAC"))
    from cdt.accounts.roles import Role

    liaison = make_user("liaison", "DE", roles=(Role.PARTNER_LIAISON,))
    assert may_claim(liaison, org("NATO")) and not may_claim(liaison, org("FR"))
    assert not claimable_organisations(None).exists()


# --- exercise: fixed at opening, changed only by the secretariat with a reason ------------------------------


def _real_case_at_step_four(client, cast):
    client.force_login(cast["delegate"])
    response = client.post("/api/v1/cases/", {**CASE, "brought_by": "DE", "distribution": "hwpci"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    return walk_to(Case.objects.get(pk=response.json()["id"]), CaseState.DELIBERATION, cast)


def test_a_delegate_cannot_turn_a_real_case_into_an_exercise(client, cast):
    """The finding: the originator's delegate PATCHed ``exercise: true`` on a
    case at step 4 and it left every user's real register. Now 400 naming
    ``exercise``, the case unchanged."""
    case = _real_case_at_step_four(client, cast)
    client.force_login(cast["delegate"])
    response = client.patch(f"/api/v1/cases/{case.pk}/", {"exercise": True}, content_type="application/json")
    assert response.status_code == 400 and "exercise" in response.json(), response.json()
    assert Case.objects.get(pk=case.pk).exercise is False
    assert case.pk in [row["id"] for row in client.get("/api/v1/cases/").json()["results"]]
    # Sending the flag unchanged (a full PUT) is no change.
    response = client.patch(f"/api/v1/cases/{case.pk}/", {"exercise": False, "title": "Renamed"}, content_type="application/json")
    assert response.status_code == 200
    # The secretariat's action is the secretariat's alone.
    response = client.post(f"/api/v1/cases/{case.pk}/exercise/", {"exercise": True, "reason": "Mine."}, content_type="application/json")
    assert response.status_code == 403 and Case.objects.get(pk=case.pk).exercise is False


def test_the_secretariat_changes_exercise_with_a_reason_audited(client, cast, signed_in, open_case):
    case = _real_case_at_step_four(client, cast)
    secretariat = signed_in["secretariat"]  # staff: signed in with the second factor
    # Not through a PATCH: that carries no reason.
    response = secretariat.patch(f"/api/v1/cases/{case.pk}/", {"exercise": True}, content_type="application/json")
    assert response.status_code == 400 and "exercise" in response.json()
    changes = AuditEntry.objects.filter(object_type="cases.case", details__has_key="exercise")
    for body, field in [({"exercise": True}, "reason"), ({"exercise": True, "reason": "  "}, "reason"), ({"reason": "x"}, "exercise")]:
        response = secretariat.post(f"/api/v1/cases/{case.pk}/exercise/", body, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    response = secretariat.post(
        f"/api/v1/cases/{case.pk}/exercise/", {"exercise": False, "reason": "Same."}, content_type="application/json"
    )
    assert response.status_code == 400 and "exercise" in response.json()
    assert Case.objects.get(pk=case.pk).exercise is False and not changes.exists()
    reason = "Opened in the real register by mistake during EU CyCLES 2026."
    response = secretariat.post(f"/api/v1/cases/{case.pk}/exercise/", {"exercise": True, "reason": reason}, content_type="application/json")
    assert response.status_code == 200 and response.json()["exercise"] is True
    assert Case.objects.get(pk=case.pk).exercise is True
    entry = changes.get()
    assert entry.object_id == str(case.pk)
    assert entry.actor == cast["secretariat"] and entry.details == {"exercise": True, "from": False, "reason": reason}
    # Seen but not the secretariat: 403; unseen (a case restricted to the cast, not Hungary): 404, as for any action.
    client.force_login(cast["outsider"])
    response = client.post(f"/api/v1/cases/{case.pk}/exercise/", {"exercise": False, "reason": "x"}, content_type="application/json")
    assert response.status_code == 403
    hidden = open_case()
    response = client.post(f"/api/v1/cases/{hidden.pk}/exercise/", {"exercise": True, "reason": "x"}, content_type="application/json")
    assert response.status_code == 404 and Case.objects.get(pk=hidden.pk).exercise is False


# --- the iCal feed ---------------------------------------------------------------------------------------


@override_settings(CDT_SITE_URL="https://cdt.example.eu")
def test_the_calendar_feed_is_not_cached_and_links_to_the_site(cast, open_case, signed_in):
    case = open_case(title="Operation NIGHTJAR")
    question = council_services.question_put(
        by=cast["chair"], case=case, text="Adopt", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
    )
    council_services.written_procedure_open(
        by=cast["chair"], question=question, kind="silence", deadline=timezone.now() + datetime.timedelta(hours=30)
    )
    token = notification_services.calendar_feed_issue(user=cast["other_delegate"])
    response = Client(HTTP_HOST="127.0.0.1:8000").get(f"/notifications/calendar/{token}.ics")
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    urls = [str(event["url"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]
    assert urls and all(url.startswith("https://cdt.example.eu/") for url in urls)
    # The address to subscribe to is the site's, not the host the page was asked on.
    page = signed_in["other_delegate"].post("/notifications/calendar/", {"action": "issue"}).content.decode()
    addresses = re.findall(r"[a-z]+://[^\s\"'<]+\.ics", page)
    assert addresses and all(address.startswith("https://cdt.example.eu/notifications/calendar/") for address in addresses)


def test_a_feed_cannot_post_a_report_as_another_organisations(client, cast, make_user):
    """The same claim through the STIX feed: a CERT-EU client's report whose
    ``created_by_ref`` names SIAC is CERT-EU's, not SIAC's."""
    from awareness.services import feed_client_configure
    from cdt.accounts.roles import Role
    from cdt.accounts.scopes import FEEDS_WRITE, READ
    from cdt.accounts.services import api_token_issue
    from cdt.security.markings import Classification, Tlp

    from . import stix_support as s

    cert = make_user("cert-eu-platform", "CERT-EU", roles=(Role.EUIBA_CONTRIBUTOR,))
    token, key = api_token_issue(user=cert, name="CERT-EU platform", scopes=[READ, FEEDS_WRITE])
    feed_client_configure(by=cast["secretariat"], token=token, default_classification=Classification.UNCLASSIFIED, default_tlp=Tlp.AMBER)
    response = Client().post("/api/v1/feeds/stix/", s.report_bundle(), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    assessment = Assessment.objects.get(stix_id=s.REPORT)
    assert (assessment.source.code, assessment.originator.code) == ("CERT-EU", "CERT-EU")
