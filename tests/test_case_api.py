"""The case API: list (filters, exercise separation, constant queries),
open, read, edit; transitions (options, taking them, every error code);
history; assessments."""

import pytest

from awareness.models import ThreatActor
from cases.models import Case, CaseState, ProportionalityAssessment
from cdt.directory.models import MemberState
from cdt.workflow.registry import _GUARDS

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

NEW_CASE = {
    "kind": "persistent_threat_actor",
    "title": "APT campaign against foreign ministries",
    "summary": "Sustained espionage against MFA networks.",
    "brought_by": "EEAS",
    "brought_on": "2026-11-10",
    "context": "peacetime",
    "legal_qualification": "internationally_wrongful_act",
    "sectors": ["government"],
    "member_states_affected": ["DE", "FR"],
    "classification": "RESTREINT_UE",
    "limite": True,
    "tlp": "AMBER",
    "releasable_to_all": True,
}


def test_open_read_and_edit_a_case(client, cast):
    client.force_login(cast["eeas"])
    response = client.post("/api/v1/cases/", NEW_CASE, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("CDT-2026-") and body["state"] == "started" and body["originator"] == "EEAS"
    assert body["marking"] == "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER"
    case_id = body["id"]
    assert client.get(f"/api/v1/cases/{case_id}/").json()["member_states_affected"] == ["DE", "FR"]
    # Edit: the step is read-only here.
    response = client.patch(f"/api/v1/cases/{case_id}/", {"title": "APT-X campaign", "state": "decision"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "APT-X campaign" and response.json()["state"] == "started"
    assert client.patch(f"/api/v1/cases/{case_id}/", {"distribution": "restricted"}, content_type="application/json").status_code == 400
    # Distributed to HWPCI by default: another delegation sees it.
    assert body["distribution"] == "hwpci"
    client.force_login(cast["other_delegate"])
    assert client.get(f"/api/v1/cases/{case_id}/").status_code == 200
    # Restricted by its originator: another delegation does not see it (the originator does).
    client.force_login(cast["eeas"])
    response = client.post("/api/v1/cases/", {**NEW_CASE, "distribution": "restricted"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["distribution"] == "restricted"
    client.force_login(cast["other_delegate"])
    assert client.get(f"/api/v1/cases/{response.json()['id']}/").status_code == 404
    client.force_login(cast["eeas"])
    assert client.get(f"/api/v1/cases/{response.json()['id']}/").status_code == 200


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(client, cast):
    client.force_login(cast["delegate"])
    own = {**NEW_CASE, "brought_by": "DE"}  # a delegate brings cases for its own Member State only (decision 0026)
    for broken, field in [
        ({**own, "classification": "CONFIDENTIEL_UE"}, "classification"),
        ({**own, "kind": "rumour"}, "kind"),
        ({**own, "sectors": ["gardening"]}, "sectors"),
        ({**own, "member_states_affected": ["XX"]}, "member_states_affected"),
        ({**own, "releasable_to_all": False}, "releasable_to"),
        ({**own, "first_seen": "2026-10-01", "last_seen": "2026-09-01"}, "last_seen"),
        ({k: v for k, v in own.items() if k != "title"}, "title"),
    ]:
        response = client.post("/api/v1/cases/", broken, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), (field, response.json())
    assert not Case.objects.exists()


def test_who_may_open_a_case(client, cast):
    client.force_login(cast["siac"])
    assert client.post("/api/v1/cases/", NEW_CASE, content_type="application/json").status_code == 403
    assert not Case.objects.exists()


def test_edit_needs_the_change_right(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])  # sees the case, may not edit its description
    response = client.patch(f"/api/v1/cases/{case.pk}/", {"title": "Renamed"}, content_type="application/json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.title != "Renamed"


def test_transition_options_say_what_is_possible_and_why_not(client, cast, open_case, monkeypatch):
    case = open_case()
    client.force_login(cast["delegate"])
    options = {o["name"]: o for o in client.get(f"/api/v1/cases/{case.pk}/transitions/").json()}
    assert set(options) == {"share_awareness", "close"}  # from "started"
    assert not options["share_awareness"]["available"] and options["share_awareness"]["blocked_by"] == ["Your role may not do this."]
    client.force_login(cast["chair"])
    monkeypatch.setitem(_GUARDS, ("cases.case", "close"), [("test", lambda c, u: "A guard stands in the way.")])
    options = {o["name"]: o for o in client.get(f"/api/v1/cases/{case.pk}/transitions/").json()}
    assert options["share_awareness"]["available"] and options["share_awareness"]["blocked_by"] == []
    assert not options["close"]["available"] and options["close"]["blocked_by"] == ["A guard stands in the way."]
    assert options["close"]["needs"] == ["reason"] and "merged" in options["close"]["reasons"]


def test_taking_transitions_and_every_error_code(client, cast, open_case, monkeypatch):
    case = open_case()
    url = f"/api/v1/cases/{case.pk}/transitions/"
    client.force_login(cast["chair"])
    response = client.post(url + "share_awareness/", {"comment": "SIAC briefing on Thursday"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "awareness"
    # 409: the step does not allow it (again).
    response = client.post(url + "share_awareness/", {}, content_type="application/json")
    assert response.status_code == 409 and response.json()["state"] == "awareness" and "not possible" in response.json()["detail"]
    # 400: a failed guard, named.
    monkeypatch.setitem(_GUARDS, ("cases.case", "explore_response"), [("awareness", lambda c, u: "No situational awareness recorded yet.")])
    response = client.post(url + "explore_response/", {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["guards"] == ["No situational awareness recorded yet."]
    monkeypatch.setitem(_GUARDS, ("cases.case", "explore_response"), [])
    # 400: missing input, named by field.
    response = client.post(url + "close/", {"reason": ""}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    # 403: sees the case, role may not.
    client.force_login(cast["siac"])
    assert client.post(url + "explore_response/", {}, content_type="application/json").status_code == 403
    # 404: cannot see the case; unknown transition.
    client.force_login(cast["outsider"])
    for path in ("explore_response/", ""):
        assert client.post(url + path, {}, content_type="application/json").status_code in (404, 405)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/history/").status_code == 404
    client.force_login(cast["chair"])
    assert client.post(url + "fly_to_the_moon/", {}, content_type="application/json").status_code == 404
    case.refresh_from_db()
    assert case.state == "awareness"
    history = client.get(f"/api/v1/cases/{case.pk}/history/").json()
    assert [(h["transition"], h["source"], h["target"], h["by"], h["comment"]) for h in history] == [
        ("share_awareness", "started", "awareness", "chair-ie", "SIAC briefing on Thursday")
    ]


def test_token_scopes_apply_to_transitions(client, cast, open_case):
    from io import StringIO

    from django.core.management import call_command

    case = open_case()
    out = StringIO()
    call_command("issue_token", cast["chair"].username, stdout=out)  # read scope only
    auth = {"HTTP_AUTHORIZATION": f"Token {out.getvalue().strip()}"}
    assert client.get(f"/api/v1/cases/{case.pk}/", **auth).status_code == 200
    assert (
        client.post(f"/api/v1/cases/{case.pk}/transitions/share_awareness/", {}, content_type="application/json", **auth).status_code == 403
    )
    out = StringIO()
    call_command("issue_token", cast["chair"].username, "--scope", "write", stdout=out)
    auth = {"HTTP_AUTHORIZATION": f"Token {out.getvalue().strip()}"}
    assert (
        client.post(f"/api/v1/cases/{case.pk}/transitions/share_awareness/", {}, content_type="application/json", **auth).status_code == 200
    )


def test_list_filters(client, cast, open_case):
    actor = ThreatActor.objects.create(name="APT-X", kind=ThreatActor.Kind.STATE_SPONSORED, persistent=True)
    first = open_case(title="Ransomware on hospitals", kind="malicious_activity")
    first.member_states_affected.set(MemberState.objects.filter(code__in=["DE", "FR"]))
    first.suspected_actors.add(actor)
    second = walk_to(open_case(title="Wiper against grid", kind="persistent_threat_actor"), CaseState.AWARENESS, cast)
    client.force_login(cast["delegate"])

    def ids(**params):
        return {row["id"] for row in client.get("/api/v1/cases/", params).json()["results"]}

    assert ids() == {first.pk, second.pk}
    assert ids(state="awareness") == {second.pk}
    assert ids(kind="malicious_activity") == {first.pk}
    assert ids(actor=actor.pk) == {first.pk}
    assert ids(member_state="FR") == {first.pk}
    assert ids(q="wiper") == {second.pk}
    assert client.get("/api/v1/cases/", {"state": "nonsense"}).status_code == 400
    rows = client.get("/api/v1/cases/", {"sort": "title"}).json()["results"]
    assert [r["title"] for r in rows] == ["Ransomware on hospitals", "Wiper against grid"]


def test_exercise_cases_never_mix_with_real_ones(client, cast, open_case):
    real = open_case()
    drill = open_case(exercise=True, title="EU CyCLES 2026 scenario")
    client.force_login(cast["delegate"])
    body = client.get("/api/v1/cases/").json()
    assert body["count"] == 1 and [r["id"] for r in body["results"]] == [real.pk]
    body = client.get("/api/v1/cases/", {"exercise": "true"}).json()
    assert body["count"] == 1 and [r["id"] for r in body["results"]] == [drill.pk]
    assert client.get("/api/v1/cases/", {"q": "CyCLES"}).json()["count"] == 0


@pytest.mark.parametrize("extra", [0, 8])
def test_list_query_count_does_not_grow_with_cases(client, cast, open_case, django_assert_num_queries, extra):
    for index in range(2 + extra):
        case = open_case(title=f"Case {index}")
        case.member_states_affected.set(MemberState.objects.filter(code__in=["DE", "FR"]))
        case.suspected_actors.add(ThreatActor.objects.get_or_create(name=f"Actor {index}")[0])
    client.force_login(cast["delegate"])
    # session, user, roles (second-factor rule), count, page (with its organisations joined),
    # the releasability prefetch (a list shows no Member States or actors: CaseListSerializer),
    # session save (savepoint, update, release),
    # the list-read audit record (one insert into the queue of reads, no lock: decision 0032)
    with django_assert_num_queries(10):
        response = client.get("/api/v1/cases/")
    assert response.json()["count"] == 2 + extra


def test_assessments_over_the_api(client, cast, open_case):
    case = open_case()
    client.force_login(cast["siac"])
    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 3)
    rationales = {f"{d}_rationale": "as briefed" for d in scores}
    url = f"/api/v1/cases/{case.pk}/proportionality/"
    response = client.post(url, {**scores, **rationales, "impact": 6}, content_type="application/json")
    assert response.status_code == 400 and "impact" in response.json()
    response = client.post(url, {**scores, **rationales, "classification": "UNCLASSIFIED"}, content_type="application/json")
    assert response.status_code == 400 and "classification" in response.json()  # below the case's level
    response = client.post(url, {**scores, **rationales}, content_type="application/json")
    assert response.status_code == 201 and response.json()["classification"] == "RESTREINT_UE"
    response = client.post(url, {**scores, **rationales, "impact": 5}, content_type="application/json")
    assert [row["impact"] for row in client.get(url).json()] == [5, 3]  # newest first: reassessments kept
    assert ProportionalityAssessment.objects.filter(case=case).count() == 2
    response = client.post(
        f"/api/v1/cases/{case.pk}/significance/",
        {"factor_c": "Two Member States", "conclusion": "significant"},
        content_type="application/json",
    )
    assert response.status_code == 201
    client.force_login(cast["outsider"])
    assert client.get(url).status_code == 404
