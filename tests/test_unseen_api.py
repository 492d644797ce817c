"""Issue 25: the findings about related objects, choices and oracles, each
reproduced as the review found it (they pass only with the restricted
relation fields, filter sets and console forms of decision 0023).

The cast's delegate (DE) sees the usual case; a second case, opened by the
EEAS at TLP:RED and shared with nobody, is hidden from everyone but its
opener. Its reference and title must appear nowhere the delegate looks.
"""

from __future__ import annotations

import datetime
import re

import pytest

from cases.models import Case
from cdt.security.markings import Classification, Distribution, Tlp
from council.models import Decision, Procedure
from measures.models import ImpactEvaluation, MeasureType, ResponseMeasure
from tests.cases_support import case_fields

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "Espionage against foreign ministries QUILLSHADOW"
HTML = "text/html"
#: Every API list that a case filters, as the review walked them.
CASE_SCOPED_LISTS = (
    "/api/v1/measures/",
    "/api/v1/impact-evaluations/",
    "/api/v1/attribution-claims/",
    "/api/v1/attribution-deliberations/",
    "/api/v1/statements/",
    "/api/v1/communication-plans/",
    "/api/v1/options-notes/",
    "/api/v1/questions/",
    "/api/v1/decisions/",
    "/api/v1/written-procedures/",
    "/api/v1/requests-for-information/",
    "/api/v1/assessments/",
)


@pytest.fixture
def hidden(cast):
    from cases.services import case_open

    return case_open(
        by=cast["eeas"],
        **case_fields(title=HIDDEN_TITLE, brought_by=cast["eeas"].organisation, tlp=Tlp.RED, distribution=Distribution.RESTRICTED),
    )


@pytest.fixture
def seen(open_case):
    return open_case()


def _measure(case: Case, by, **fields) -> ResponseMeasure:
    fields.setdefault("classification", Classification.UNCLASSIFIED)
    return ResponseMeasure.objects.create(
        case=case, measure_type=MeasureType.objects.get(slug="demarche"), description="Demarche.", proposed_by=by, **fields
    )


def _decision(case: Case, **fields) -> Decision:
    fields.setdefault("classification", Classification.UNCLASSIFIED)
    return Decision.objects.create(
        case=case, procedure=Procedure.HR_ACT, adopted=True, explanation="Decided.", decided_on=datetime.date(2026, 11, 3), **fields
    )


def _assessment(cast, cases):
    """An unclassified SIAC assessment for all of HWPCI, about ``cases``."""
    from awareness.models import Assessment

    assessment = Assessment.objects.create(
        kind="written",
        source=cast["siac"].organisation,
        originator=cast["siac"].organisation,
        title="Assessment",
        body="",
        recorded_by=cast["siac"],
        classification=Classification.UNCLASSIFIED,
        limite=False,
        tlp=Tlp.GREEN,
        releasable_to_all=True,
        distribution=Distribution.HWPCI,
    )
    assessment.cases.set(cases)
    return assessment


def _without_ids(body: str, *ids: int) -> str:
    for pk in ids:
        body = re.sub(rf"\b{pk}\b", "<id>", body)
    return body


def test_the_hidden_case_is_hidden(signed_in, seen, hidden):
    assert signed_in["delegate"].get(f"/api/v1/cases/{hidden.pk}/").status_code == 404
    assert signed_in["delegate"].get(f"/api/v1/cases/{seen.pk}/").status_code == 200


def test_the_browsable_api_offers_only_visible_cases(signed_in, cast, seen, hidden):
    """High: the filter drop-downs listed every case's reference and title."""
    _measure(hidden, cast["eeas"])
    for path in CASE_SCOPED_LISTS:
        response = signed_in["delegate"].get(path, HTTP_ACCEPT=HTML)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert HIDDEN_TITLE not in body and hidden.reference not in body, path
        assert seen.reference in body, path  # the drop-down is there, with what the delegate may see


def test_impact_evaluations_offer_only_visible_measures(signed_in, cast, seen, hidden):
    """High: ``/api/v1/impact-evaluations/`` listed every measure as "type — state"."""
    visible_measure, hidden_measure = _measure(seen, cast["eeas"]), _measure(hidden, cast["eeas"])
    body = signed_in["delegate"].get("/api/v1/impact-evaluations/", HTTP_ACCEPT=HTML).content.decode()
    select = re.search(r'<select[^>]*name="measure".*?</select>', body, re.S)
    assert select is not None
    offered = set(re.findall(r'value="(\d+)"', select.group(0)))
    assert str(visible_measure.pk) in offered and str(hidden_measure.pk) not in offered


def test_a_hidden_case_filter_answers_as_an_unknown_one(signed_in, seen, hidden):
    """Low: ``?case=<hidden id>`` answered 200 with an empty list where an
    unknown id answered 400."""
    unknown = Case.objects.order_by("-pk").first().pk + 1000
    client = signed_in["delegate"]
    for path in CASE_SCOPED_LISTS:
        as_hidden, as_unknown = client.get(path, {"case": hidden.pk}), client.get(path, {"case": unknown})
        assert as_hidden.status_code == as_unknown.status_code == 400, path
        assert _without_ids(as_hidden.content.decode(), hidden.pk) == _without_ids(as_unknown.content.decode(), unknown), path
        assert client.get(path, {"case": seen.pk}).status_code == 200, path


def test_ids_in_a_body_answer_the_same_for_hidden_and_unknown(signed_in, seen, hidden):
    """Low: ``POST /api/v1/measures/`` said "No such case." for one and
    "Invalid pk … does not exist." for the other."""
    unknown = Case.objects.order_by("-pk").first().pk + 1000
    client = signed_in["eeas"]
    # The EEAS sees its hidden case; the delegate must not tell it from an unknown one.
    client = signed_in["delegate"]
    body = {"measure_type": "demarche", "description": "Demarche."}
    as_hidden = client.post("/api/v1/measures/", {**body, "case": hidden.pk}, content_type="application/json")
    as_unknown = client.post("/api/v1/measures/", {**body, "case": unknown}, content_type="application/json")
    assert as_hidden.status_code == as_unknown.status_code == 400
    assert as_hidden.json() == as_unknown.json() == {"case": ["No such case."]}
    assert not ResponseMeasure.objects.exists()


def test_a_hidden_decision_id_in_a_body_answers_as_an_unknown_one(signed_in, cast, seen, hidden):
    measure = _measure(seen, cast["eeas"], state="selected")
    hidden_decision = _decision(hidden)
    unknown = hidden_decision.pk + 1000
    client = signed_in["chair"]
    answers = [
        client.post(f"/api/v1/measures/{measure.pk}/transitions/agree/", {"decision": pk}, content_type="application/json")
        for pk in (hidden_decision.pk, unknown)
    ]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {"decision": ["No such decision."]}


def test_an_assessment_names_only_the_cases_the_reader_sees(signed_in, cast, seen, hidden):
    """Low: a visible assessment showed ``cases: [id]`` of an invisible case."""
    assessment = _assessment(cast, [seen, hidden])
    for path in (f"/api/v1/assessments/{assessment.pk}/", "/api/v1/assessments/"):
        body = signed_in["delegate"].get(path).json()
        row = body if "id" in body else next(row for row in body["results"] if row["id"] == assessment.pk)
        assert row["cases"] == [seen.pk], path
    assert sorted(signed_in["eeas"].get(f"/api/v1/assessments/{assessment.pk}/").json()["cases"]) == sorted([seen.pk, hidden.pk])


def test_a_merged_case_does_not_name_a_hidden_target(signed_in, seen, hidden):
    """Low: a merged case showed ``merged_into`` of a case the reader may not see."""
    Case.objects.filter(pk=seen.pk).update(merged_into=hidden)
    assert signed_in["delegate"].get(f"/api/v1/cases/{seen.pk}/").json()["merged_into"] is None
    listed = next(row for row in signed_in["delegate"].get("/api/v1/cases/").json()["results"] if row["id"] == seen.pk)
    assert "merged_into" not in listed  # a list shows no merged case at all (CaseListSerializer)
    assert signed_in["eeas"].get(f"/api/v1/cases/{seen.pk}/").json()["merged_into"] == hidden.reference


def test_a_measure_does_not_name_a_decision_the_reader_may_not_see(cast, make_user, login_verified, open_case):
    """Medium: a visible measure showed its RESTREINT UE decision's id while
    the decision itself was 404 for the reader."""
    from django.test import Client

    case = open_case(classification=Classification.UNCLASSIFIED)
    decision = _decision(case, classification=Classification.RESTREINT_UE)
    measure = _measure(case, cast["eeas"], decision=decision)
    uncleared = make_user("delegate-de-uncleared", "DE", clearance=Classification.UNCLASSIFIED)
    client = Client()
    login_verified(client, uncleared)
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert client.get(f"/api/v1/measures/{measure.pk}/").json()["decision"] is None
    assert client.get("/api/v1/measures/").json()["results"][0]["decision"] is None
    cleared = Client()
    login_verified(cleared, cast["delegate"])
    assert cleared.get(f"/api/v1/measures/{measure.pk}/").json()["decision"] == decision.pk


def test_a_plan_lists_only_the_measures_the_reader_sees(cast, make_user, login_verified, open_case):
    """Medium: a visible communication plan listed a measure that is 404 for the reader."""
    from django.test import Client

    from attribution.models import CommunicationPlan

    case = open_case(classification=Classification.UNCLASSIFIED)
    shown, kept_back = _measure(case, cast["eeas"]), _measure(case, cast["eeas"], classification=Classification.RESTREINT_UE)
    plan = CommunicationPlan.objects.create(case=case, title="Plan", objectives="Deter.", drafted_by=cast["eeas"], classification=0)
    plan.measures.set([shown, kept_back])
    uncleared = make_user("delegate-de-uncleared", "DE", clearance=Classification.UNCLASSIFIED)
    client = Client()
    login_verified(client, uncleared)
    assert client.get(f"/api/v1/measures/{kept_back.pk}/").status_code == 404
    assert client.get(f"/api/v1/communication-plans/{plan.pk}/").json()["measures"] == [shown.pk]
    assert client.get("/api/v1/communication-plans/").json()["results"][0]["measures"] == [shown.pk]


def test_lists_ask_once_per_related_model(signed_in, cast, seen):
    """A page of measures with decisions costs the same as one measure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert signed_in["delegate"].get("/api/v1/measures/").status_code == 200
        return len(queries)

    decision = _decision(seen)
    _measure(seen, cast["eeas"], decision=decision)
    count()  # the first request of a session sets it up
    one = count()
    for _ in range(5):
        other = _decision(seen)
        _measure(seen, cast["eeas"], decision=other)
    assert count() == one


def test_console_search_finds_no_hidden_title(client, cast, login_verified, seen, hidden):
    """Medium: the audit-entry list search found a hidden case's title."""
    login_verified(client, cast["secretariat"])
    found = client.get("/admin/security/audittrailline/", {"q": "QUILLSHADOW"})
    assert found.status_code == 200
    assert HIDDEN_TITLE not in found.content.decode() and hidden.reference not in found.content.decode()
    listing = client.get("/admin/security/audittrailline/").content.decode()
    assert hidden.reference not in listing and seen.reference in listing


def test_console_forms_offer_only_what_the_secretariat_sees(client, cast, login_verified, seen, hidden):
    """Medium: a hidden case in an assessment's change form, every measure in a plan form."""
    from attribution.models import CommunicationPlan

    assessment = _assessment(cast, [seen])
    hidden_measure = _measure(hidden, cast["eeas"])
    plan = CommunicationPlan.objects.create(case=seen, title="Plan", objectives="Deter.", drafted_by=cast["eeas"], classification=0)
    login_verified(client, cast["secretariat"])
    for path in (f"/admin/awareness/assessment/{assessment.pk}/change/", f"/admin/attribution/communicationplan/{plan.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert HIDDEN_TITLE not in body and hidden.reference not in body, path
    plan_form = client.get(f"/admin/attribution/communicationplan/{plan.pk}/change/").context["adminform"].form
    assert hidden_measure not in plan_form.fields["measures"].queryset
    assert ImpactEvaluation.objects.count() == 0
