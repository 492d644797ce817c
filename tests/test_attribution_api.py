"""The attribution API: claims per case and per actor, the deliberation
(considerations, referral with its checks, outcome, positions board),
statements with alignments, communication plans; bad input is a 400 naming
the field; list endpoints' query counts do not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attribution.models import AttributionDeliberation, Statement
from awareness.models import ThreatActor
from cases.models import CaseState
from cdt.directory.models import MemberState
from cdt.security.markings import Classification
from council.services import hr_act_record

from .attribution_support import assess_all, attribute, claim, decide
from .cases_support import case_at, walk_to

#: Steps are entered in order, and the earlier steps of these tests are taken today.
TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast)


@pytest.fixture
def actor():
    return ThreatActor.objects.create(name="Silent Quill")


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def count_queries(client, url) -> int:
    """Queries of one request, the session already renewed (it is renewed at most once a minute)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_claims_per_case_and_per_actor(cast, signed_in, case, actor, open_case):
    other = ThreatActor.objects.create(name="Amber Heron")
    response = post(
        signed_in["delegate"],
        "/api/v1/attribution-claims/",
        {
            "case": case.pk,
            "actor": actor.pk,
            "basis": "national",
            "claim_type": "political",
            "confidence": "high",
            "member_state": "DE",
            "public": True,
            "made_on": "2026-11-10",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["party"] == "member_state" and response.json()["attributing_party"] == "Germany"
    bad = post(
        signed_in["eeas"],
        "/api/v1/attribution-claims/",
        {"case": case.pk, "actor": actor.pk, "basis": "technical", "claim_type": "technical", "confidence": "high"},
    )
    assert bad.status_code == 400 and "assessments" in bad.json()
    bad = post(
        signed_in["eeas"],
        "/api/v1/attribution-claims/",
        {"case": case.pk, "actor": other.pk, "basis": "partner", "claim_type": "political", "confidence": "high", "partner": "EEAS"},
    )
    assert bad.status_code == 400 and "partner" in bad.json()  # an EU body is no partner (a candidate such as Albania may be)
    assert (
        post(
            signed_in["outsider"],
            "/api/v1/attribution-claims/",
            {
                "case": case.pk,
                "actor": actor.pk,
                "basis": "national",
                "claim_type": "political",
                "confidence": "high",
                "member_state": "HU",
            },
        ).status_code
        == 400
    )  # the case does not exist for Hungary's delegate
    assert (
        post(
            signed_in["eeas"],
            "/api/v1/attribution-claims/",
            {
                "case": case.pk,
                "actor": other.pk,
                "basis": "industry",
                "claim_type": "technical",
                "confidence": "moderate",
                "industry_source": "Fictional Labs",
            },
        ).status_code
        == 201
    )
    assert signed_in["delegate"].get("/api/v1/attribution-claims/", {"case": case.pk}).json()["count"] == 2
    assert [row["actor"] for row in signed_in["delegate"].get("/api/v1/attribution-claims/", {"actor": other.pk}).json()["results"]] == [
        other.pk
    ]
    assert signed_in["outsider"].get("/api/v1/attribution-claims/").json()["count"] == 0


def test_a_technical_claim_answers_with_the_assessments_it_rests_on(cast, signed_in, case, actor):
    """The create answer lists the claim's assessments as a later GET does:
    the set of assessments the reader may see was computed before the claim
    existed, so the 201 said ``"assessments": []``."""
    from awareness.services import assessment_record
    from cdt.security.markings import Tlp

    assessment = assessment_record(
        by=cast["siac"],
        kind="written",
        title="SIAC assessment",
        body="Tooling overlap.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        distribution="restricted",  # SIAC's own: it does not follow the case
    )
    response = post(
        signed_in["siac"],
        "/api/v1/attribution-claims/",
        {
            "case": case.pk,
            "actor": actor.pk,
            "basis": "technical",
            "claim_type": "technical",
            "confidence": "moderate",
            "assessments": [assessment.pk],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["assessments"] == [assessment.pk]
    assert signed_in["siac"].get(f"/api/v1/attribution-claims/{response.json()['id']}/").json()["assessments"] == [assessment.pk]
    # Still only what the reader may see: Germany's delegate sees the claim, not SIAC's assessment.
    assert signed_in["delegate"].get(f"/api/v1/attribution-claims/{response.json()['id']}/").json()["assessments"] == []


def test_claim_list_query_count(cast, signed_in, case, actor, open_case):
    claim(cast, case, actor)
    small = count_queries(signed_in["delegate"], "/api/v1/attribution-claims/")
    for index in range(4):
        claim(cast, walk_to(open_case(), CaseState.DELIBERATION, cast), ThreatActor.objects.create(name=f"Actor {index}"))
    assert signed_in["delegate"].get("/api/v1/attribution-claims/").json()["count"] == 5
    assert count_queries(signed_in["delegate"], "/api/v1/attribution-claims/") == small


def test_the_deliberation_through_the_api(cast, signed_in, case, actor):
    response = post(
        signed_in["eeas"], "/api/v1/attribution-deliberations/", {"case": case.pk, "options_considered": ["no_attribution", "nope"]}
    )
    assert response.status_code == 400 and "options_considered" in response.json()
    response = post(
        signed_in["eeas"],
        "/api/v1/attribution-deliberations/",
        {"case": case.pk, "options_considered": ["no_attribution", "public_declaration"]},
    )
    assert response.status_code == 201, response.content
    base = f"/api/v1/attribution-deliberations/{response.json()['id']}"
    assert len(response.json()["considerations"]) == 10
    put = signed_in["eeas"].put(
        f"{base}/considerations/1/", {"assessment": "Deterrence.", "rating": "supports"}, content_type="application/json"
    )
    assert put.status_code == 200 and put.json()["rating"] == "supports"
    assert (
        signed_in["eeas"]
        .put(f"{base}/considerations/1/", {"assessment": "x", "rating": "perhaps"}, content_type="application/json")
        .status_code
        == 400
    )
    assert (
        signed_in["eeas"]
        .put(f"{base}/considerations/11/", {"assessment": "x", "rating": "neutral"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        signed_in["delegate"]
        .put(f"{base}/considerations/2/", {"assessment": "x", "rating": "neutral"}, content_type="application/json")
        .status_code
        == 403
    )
    assert post(signed_in["other_delegate"], f"{base}/considerations/3/comments/", {"text": "Unity first."}).status_code == 201
    blocked = post(signed_in["chair"], f"{base}/transitions/refer/")
    assert blocked.status_code == 400 and len(blocked.json()["guards"]) == 10  # 9 considerations and no claim
    assert post(signed_in["delegate"], f"{base}/transitions/refer/").status_code == 403
    deliberation = AttributionDeliberation.objects.get(case=case)
    assess_all(cast, deliberation)
    claim(cast, case, actor)
    referred = post(signed_in["chair"], f"{base}/transitions/refer/", {"voting_rule": "unanimity"})
    assert referred.status_code == 200 and referred.json()["status"] == "referred" and referred.json()["question"]
    assert post(signed_in["chair"], f"{base}/transitions/refer/").status_code == 409
    claim(cast, case, actor, basis="national", by="other_delegate", member_state=MemberState.objects.get(code="FR"), claim_type="political")
    board = {row["member_state"]: row for row in signed_in["delegate"].get(f"{base}/positions/").json()}
    assert len(board) == 27 and board["FR"]["national_attribution"] and not board["DE"]["national_attribution"]
    assert board["DE"]["position"] == "none"
    decide(cast, AttributionDeliberation.objects.get(case=case))
    bad = post(signed_in["chair"], f"{base}/transitions/conclude/", {"outcome": "public_declaration"})
    assert bad.status_code == 400 and "actors" in bad.json()
    done = post(
        signed_in["chair"],
        f"{base}/transitions/conclude/",
        {"outcome": "public_declaration", "actors": [actor.pk], "on": TODAY.isoformat(), "summary": "Public attribution."},
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "public_declaration" and done.json()["attributed_actors"] == [actor.pk] and done.json()["decision"]
    assert signed_in["outsider"].get(base + "/").status_code == 404


def test_deliberation_list_query_count(cast, signed_in, open_case, actor):
    from attribution.services import consideration_comment, deliberation_open

    def make():
        deliberation = deliberation_open(by=cast["chair"], case=walk_to(open_case(), CaseState.DELIBERATION, cast))
        consideration_comment(by=cast["delegate"], deliberation=deliberation, number=1, text="Noted.")

    make()
    small = count_queries(signed_in["delegate"], "/api/v1/attribution-deliberations/")
    for _ in range(3):
        make()
    assert count_queries(signed_in["delegate"], "/api/v1/attribution-deliberations/") == small


def test_statements_and_alignments_through_the_api(cast, signed_in, case):
    text = "The EU strongly condemns.\n\nThe EU calls upon."
    bad = post(
        signed_in["eeas"],
        "/api/v1/statements/",
        {"case": case.pk, "title": "Declaration", "statement_type": "hr_declaration", "content": {"text": ""}},
    )
    assert bad.status_code == 400 and "content" in bad.json()
    response = post(
        signed_in["eeas"],
        "/api/v1/statements/",
        {"case": case.pk, "title": "Declaration by the High Representative", "statement_type": "hr_declaration", "content": {"text": text}},
    )
    assert response.status_code == 201, response.content
    base = f"/api/v1/statements/{response.json()['id']}"
    assert (
        post(signed_in["eeas"], f"{base}/save/", {"title": "Declaration", "content": {"text": text.replace("strongly", "firmly")}}).json()[
            "version"
        ]
        == 2
    )
    rows = signed_in["delegate"].get(f"{base}/compare/").json()
    assert [row["anchor"] for row in rows if row["changed"]] == ["para-1"]
    assert post(signed_in["eeas"], f"{base}/transitions/submit/").status_code == 200
    assert post(signed_in["eeas"], f"{base}/transitions/publish/", {"on": TODAY.isoformat()}).status_code == 400  # no decision
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Text agreed.")
    published = post(signed_in["eeas"], f"{base}/transitions/publish/", {"on": TODAY.isoformat(), "decision": decision.pk})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert post(signed_in["eeas"], f"{base}/alignments/", {"country": "GB"}).status_code == 400
    assert post(signed_in["eeas"], f"{base}/alignments/", {"country": "MD", "aligned_on": TODAY.isoformat()}).status_code == 201
    assert [row["country"] for row in signed_in["delegate"].get(f"{base}/alignments/").json()] == ["MD"]
    assert signed_in["delegate"].get(f"{base}/").json()["alignments"][0]["country"] == "MD"
    pdf = signed_in["delegate"].get(f"{base}/pdf/")
    assert pdf.status_code in (200, 503)


def test_statement_list_query_count(cast, signed_in, open_case):
    from attribution.services import statement_create

    def make():
        statement_create(
            by=cast["eeas"],
            case=walk_to(open_case(), CaseState.EXPLORATION, cast),
            title="Statement",
            statement_type="spokesperson",
            content={"text": "Text."},
        )

    make()
    small = count_queries(signed_in["delegate"], "/api/v1/statements/")
    for _ in range(3):
        make()
    assert count_queries(signed_in["delegate"], "/api/v1/statements/") == small and Statement.objects.count() == 4


def test_communication_plans_through_the_api(cast, signed_in, case, open_case):
    body = {
        "case": case.pk,
        "title": "Communication plan",
        "objectives": "Deter.",
        "channels": ["statement", "video"],
        "audiences": ["General public"],
        "partners": ["GB"],
        "eu_delegations": ["EU Delegation to Japan"],
    }
    assert post(signed_in["eeas"], "/api/v1/communication-plans/", {**body, "channels": ["fax"]}).status_code == 400
    assert post(signed_in["delegate"], "/api/v1/communication-plans/", body).status_code == 403
    response = post(signed_in["eeas"], "/api/v1/communication-plans/", body)
    assert response.status_code == 201, response.content
    base = f"/api/v1/communication-plans/{response.json()['id']}"
    patched = signed_in["eeas"].patch(f"{base}/", {"lines_to_take": "The EU stands united."}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["lines_to_take"] == "The EU stands united."
    assert patched.json()["channels"] == ["statement", "video"]
    assert post(signed_in["delegate"], f"{base}/amplify/").json()["amplifying_states"] == ["DE"]
    assert post(signed_in["delegate"], f"{base}/amplify/", {"member_state": "FR"}).status_code == 403
    assert post(signed_in["eeas"], f"{base}/transitions/agree/").status_code == 403
    assert post(signed_in["chair"], f"{base}/transitions/agree/").json()["status"] == "agreed"
    assert post(signed_in["chair"], f"{base}/transitions/agree/").status_code == 409
    assert post(signed_in["eeas"], f"{base}/transitions/fly/").status_code == 404
    assert signed_in["outsider"].get(f"{base}/").status_code == 404
    from attribution.services import plan_create

    for _ in range(3):
        plan_create(by=cast["eeas"], case=walk_to(open_case(), CaseState.EXPLORATION, cast), title="Plan", objectives="Inform.")
    small = count_queries(signed_in["delegate"], "/api/v1/communication-plans/?status=draft")
    plan_create(by=cast["eeas"], case=case, title="Plan", objectives="Inform.")
    assert count_queries(signed_in["delegate"], "/api/v1/communication-plans/?status=draft") == small


def test_statements_and_plans_name_the_deliberation_measures_and_statement_they_carry(cast, signed_in, case, actor, open_case):
    """A statement naming its attribution deliberation and a plan naming its
    measures and statement: each reference is checked against what the
    caller may see (these are children of the case, read by the case's
    rule; the check asked the protected-object rule and answered 500)."""
    from attribution.services import deliberation_open, statement_create
    from cdt.directory.models import Organisation
    from cdt.security.grants import access_revoke, organisation_group
    from measures.models import MeasureType
    from measures.services import measure_propose

    deliberation = deliberation_open(by=cast["eeas"], case=case, options_considered=["public_declaration"])
    response = post(
        signed_in["eeas"],
        "/api/v1/statements/",
        {
            "case": case.pk,
            "deliberation": deliberation.pk,
            "title": "Declaration by the High Representative",
            "statement_type": "hr_declaration",
            "content": {"text": "The EU condemns."},
        },
    )
    assert response.status_code == 201, response.content
    assert signed_in["delegate"].get(f"/api/v1/statements/{response.json()['id']}/").json()["deliberation"] == deliberation.pk
    statement = response.json()["id"]
    measure = measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(slug="hr-statement"), description="Declaration."
    )
    body = {"case": case.pk, "title": "Plan", "objectives": "Deter.", "measures": [measure.pk], "statement": statement}
    response = post(signed_in["eeas"], "/api/v1/communication-plans/", body)
    assert response.status_code == 201, response.content
    assert (response.json()["measures"], response.json()["statement"]) == ([measure.pk], statement)
    # What the EEAS may not see reads as no such object, and nothing is written.
    hidden = walk_to(open_case(), CaseState.EXPLORATION, cast)
    hidden_deliberation = deliberation_open(by=cast["chair"], case=hidden)
    hidden_statement = statement_create(
        by=cast["eeas"], case=hidden, title="Statement", statement_type="spokesperson", content={"text": "Text."}
    )
    hidden_measure = measure_propose(by=cast["chair"], case=hidden, measure_type=MeasureType.objects.get(slug="demarche"), description="D.")
    access_revoke(target=hidden, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="EEAS")))
    for field, value, url, extra in (
        ("deliberation", hidden_deliberation.pk, "/api/v1/statements/", {"statement_type": "spokesperson", "content": {"text": "T."}}),
        ("measures", [hidden_measure.pk], "/api/v1/communication-plans/", {"objectives": "Deter."}),
        ("statement", hidden_statement.pk, "/api/v1/communication-plans/", {"objectives": "Deter."}),
    ):
        response = post(signed_in["eeas"], url, {"case": case.pk, "title": "T", field: value, **extra})
        assert response.status_code == 400 and "No such" in str(response.json()[field]), (field, response.content)
    assert Statement.objects.filter(case=case).count() == 1


def test_the_attribution_unlocks_measures_over_the_api(cast, signed_in, case, actor):
    response = post(
        signed_in["eeas"],
        "/api/v1/measures/",
        {"case": case.pk, "measure_type": "cyber-sanctions-listing", "actors": [actor.pk], "description": "Listing."},
    )
    measure = response.json()["id"]
    post(signed_in["chair"], f"/api/v1/measures/{measure}/override-escalation/", {"justification": "Third campaign."})
    post(signed_in["chair"], f"/api/v1/measures/{measure}/transitions/select/")
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Listing.")
    blocked = post(signed_in["chair"], f"/api/v1/measures/{measure}/transitions/agree/", {"decision": decision.pk})
    assert blocked.status_code == 400 and "coordinated political attribution" in blocked.json()["guards"][0]
    attribute(cast, case, [actor])
    assert post(signed_in["chair"], f"/api/v1/measures/{measure}/transitions/agree/", {"decision": decision.pk}).json()["state"] == "agreed"


def test_the_published_attribution_goes_into_the_actors_stix_export(cast, signed_in, case, actor):

    from attribution.services import statement_create
    from drafting import services as drafts

    deliberation = attribute(cast, case, [actor])
    statement = statement_create(
        by=cast["eeas"],
        case=case,
        deliberation=deliberation,
        title="Declaration by the High Representative",
        statement_type="hr_declaration",
        content={"text": "The EU attributes the attack to Silent Quill."},
    )

    def reports(who):
        bundle = signed_in[who].get(f"/api/v1/threat-actors/{actor.pk}/stix/").json()
        return [o for o in bundle["objects"] if o["type"] == "report" and "eu-attribution" in o.get("labels", [])]

    assert reports("delegate") == []  # not published yet: nothing leaves CDT
    drafts.note_transition(by=cast["eeas"], note=statement, transition="submit")
    drafts.note_transition(by=cast["eeas"], note=statement, transition="publish", on=TODAY, decision=deliberation.decision)
    [report] = reports("delegate")
    assert report["published"] == f"{TODAY.isoformat()}T00:00:00Z" and "Silent Quill" in report["description"]
    assert report["object_marking_refs"] == ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]  # TLP:CLEAR
    assert reports("outsider") == []  # who cannot see the statement exports nothing of it
    # The deliberation re-marked above the reader's clearance: its outcome, partners and States
    # no longer go out with the statement the reader still sees.
    AttributionDeliberation.objects.filter(pk=deliberation.pk).update(classification=Classification.CONFIDENTIEL_UE)
    assert signed_in["delegate"].get(f"/api/v1/statements/{statement.pk}/").status_code == 200
    assert reports("delegate") == []
