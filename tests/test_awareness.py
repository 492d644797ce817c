"""Situational awareness, first part: assessments are protected objects
with their own markings and grants; linking one to a case satisfies the
explore_response guard; requests for information are answered by linking
an assessment."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import cdt.workflow.errors as workflow_errors
from awareness import services
from awareness.models import Assessment, ThreatActor
from cases import services as case_services
from cases.models import CaseState
from cdt.directory.models import Organisation
from cdt.security.access import can_view
from cdt.security.markings import Classification, Tlp

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


def record(cast, case=None, **overrides):
    fields = dict(
        kind="written",
        title="SIAC assessment of GRIDLOCK",
        body="…",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case] if case else [],
    )
    fields.update(overrides)
    return services.assessment_record(by=fields.pop("by", cast["siac"]), **fields)


def test_explore_response_needs_situational_awareness(cast, open_case):
    case = walk_to(open_case(), CaseState.AWARENESS, cast)
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        case_services.case_transition(case=case, by=cast["chair"], transition="explore_response")
    assert "No assessment or briefing" in blocked.value.reasons[0]
    record(cast, case)
    assert case_services.case_transition(case=case, by=cast["chair"], transition="explore_response").case.state == CaseState.EXPLORATION


def test_assessment_access_follows_its_own_grants_and_markings(cast, open_case):
    assessment = record(cast, shared_with=[Organisation.objects.get(code="FR")])
    assert assessment.originator.code == "SIAC" and assessment.source.code == "SIAC"
    assert can_view(cast["siac"], assessment) and can_view(cast["secretariat"], assessment)
    assert can_view(cast["other_delegate"], assessment)  # France, shared with
    assert not can_view(cast["delegate"], assessment)  # Germany: not shared
    everyone = record(cast, title="Shared", shared_with_all_delegations=True)
    assert can_view(cast["delegate"], everyone) and can_view(cast["outsider"], everyone)
    strict = record(cast, title="Strict", tlp=Tlp.AMBER_STRICT, shared_with_all_delegations=True)
    assert not can_view(cast["delegate"], strict) and can_view(cast["siac"], strict)  # AMBER+STRICT: originator's people


def test_who_records_what(cast, open_case):
    with pytest.raises(PermissionDenied):
        record(cast, by=cast["secretariat"])  # a written assessment: SIAC, EUIBAs, EEAS, Member States
    with pytest.raises(PermissionDenied):
        record(cast, by=cast["siac"], kind="oral_briefing")  # oral briefings: secretariat or chair
    assert record(cast, by=cast["secretariat"], kind="oral_briefing", title="Oral briefing by SIAC at HWPCI").kind == "oral_briefing"
    with pytest.raises(ValidationError):
        record(cast, classification=Classification.CONFIDENTIEL_UE)  # above the ceiling
    hidden = open_case(releasable_to=["DE"])
    with pytest.raises(ValidationError, match="No such case"):
        record(cast, hidden)  # SIAC cannot see a case released to Germany only
    assert Assessment.objects.count() == 1


def test_request_for_information_answered_by_an_assessment(cast, open_case):
    case = open_case()
    rfi = services.rfi_ask(
        by=cast["chair"],
        case=case,
        addressed_to=Organisation.objects.get(code="SIAC"),
        question="Who is behind the wiper?",
        due_on=datetime.date(2026, 11, 1),
    )
    assert rfi.overdue
    with pytest.raises(PermissionDenied):
        services.rfi_ask(
            by=cast["siac"], case=case, addressed_to=Organisation.objects.get(code="SIAC"), question="?", due_on=datetime.date(2027, 1, 1)
        )
    assessment = record(cast)
    with pytest.raises(PermissionDenied):
        services.rfi_answer(by=cast["delegate"], rfi=rfi, assessment=assessment)
    rfi = services.rfi_answer(by=cast["siac"], rfi=rfi, assessment=assessment)
    assert not rfi.overdue and list(assessment.cases.all()) == [case]
    with pytest.raises(ValidationError, match="already answered"):
        services.rfi_answer(by=cast["siac"], rfi=rfi, assessment=assessment)


def test_actor_lookup_by_name_or_alias():
    actor = ThreatActor.objects.create(name="APT28", aliases=["Fancy Bear", "GRU unit 26165"], kind=ThreatActor.Kind.STATE_SPONSORED)
    assert services.actor_for_name("apt28") == actor
    assert services.actor_for_name("fancy bear") == actor
    assert services.actor_for_name("Cozy Bear") is None


def test_assessment_api_create_filter_and_access(client, cast, open_case):
    case = open_case()
    actor = ThreatActor.objects.create(name="Grey Tempest")
    client.force_login(cast["siac"])
    body = {
        "kind": "written",
        "title": "GRIDLOCK: technical assessment",
        "body": "…",
        "classification": "RESTREINT_UE",
        "limite": True,
        "tlp": "AMBER",
        "releasable_to_all": True,
        "cases": [case.pk],
        "actors": [actor.pk],
        "shared_with": ["FR"],
        "confidence": "high",
        "distribution": "restricted",  # SIAC's named recipients only, not the case's readers
    }
    response = client.post("/api/v1/assessments/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["distribution"] == "restricted"
    assessment_id = response.json()["id"]
    response = client.post("/api/v1/assessments/", {**body, "classification": "SECRET_UE"}, content_type="application/json")
    assert response.status_code == 400 and "classification" in response.json()
    response = client.post("/api/v1/assessments/", {**body, "cases": [open_case(releasable_to=["DE"]).pk]}, content_type="application/json")
    assert response.status_code == 400 and "cases" in response.json()
    assert Assessment.objects.count() == 1
    client.force_login(cast["other_delegate"])  # France: shared with
    for params in (
        {"source": "SIAC"},
        {"kind": "written"},
        {"actor": actor.pk},
        {"case": case.pk},
        {"date_from": "2020-01-01"},
        {"q": "gridlock"},
    ):
        assert [row["id"] for row in client.get("/api/v1/assessments/", params).json()["results"]] == [assessment_id], params
    assert client.get("/api/v1/assessments/", {"kind": "severity"}).json()["count"] == 0
    client.force_login(cast["delegate"])  # Germany: not shared
    assert client.get("/api/v1/assessments/").json()["count"] == 0
    assert client.get(f"/api/v1/assessments/{assessment_id}/").status_code == 404


def test_an_assessment_follows_its_case_unless_its_markings_restrict_it(client, cast, open_case):
    """By default an assessment naming a case reaches whoever sees the case
    (Germany, the opener, here), never the outsider (HU); at
    TLP:AMBER+STRICT it stays inside SIAC whatever the case's readers."""
    case = open_case()
    client.force_login(cast["siac"])
    body = {
        "kind": "written",
        "title": "GRIDLOCK: attribution indicators",
        "body": "…",
        "classification": "RESTREINT_UE",
        "limite": True,
        "tlp": "AMBER",
        "releasable_to_all": True,
        "cases": [case.pk],
    }
    follows = client.post("/api/v1/assessments/", body, content_type="application/json").json()
    assert follows["distribution"] == "with_cases"
    strict = client.post("/api/v1/assessments/", {**body, "tlp": "AMBER_STRICT"}, content_type="application/json").json()
    response = client.post("/api/v1/assessments/", {**body, "distribution": "sideways"}, content_type="application/json")
    assert response.status_code == 400 and "distribution" in response.json()
    client.force_login(cast["delegate"])
    assert client.get(f"/api/v1/assessments/{follows['id']}/").status_code == 200
    assert client.get(f"/api/v1/assessments/{strict['id']}/").status_code == 404
    client.force_login(cast["outsider"])
    assert client.get(f"/api/v1/assessments/{follows['id']}/").status_code == 404


def test_actor_page_and_rfi_answers_show_only_what_the_user_may_see(client, cast, open_case):
    case = open_case()
    actor = ThreatActor.objects.create(name="Grey Tempest", aliases=["GT-1"])
    case.suspected_actors.add(actor)
    secret = record(cast, title="Only for France", actors=[actor], shared_with=[Organisation.objects.get(code="FR")])
    rfi = services.rfi_ask(
        by=cast["chair"], case=case, addressed_to=Organisation.objects.get(code="SIAC"), question="Who?", due_on=datetime.date(2027, 1, 1)
    )
    services.rfi_answer(by=cast["siac"], rfi=rfi, assessment=secret)
    client.force_login(cast["delegate"])  # Germany sees the case, not the assessment
    html = client.get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert case.reference in html and "Only for France" not in html
    assert "Only for France" not in client.get("/awareness/requests/").content.decode()
    assert "Only for France" not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/api/v1/requests-for-information/{rfi.pk}/").json()["answer"] is None
    client.force_login(cast["other_delegate"])
    assert "Only for France" in client.get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert client.get(f"/api/v1/requests-for-information/{rfi.pk}/").json()["answer"] == secret.pk
