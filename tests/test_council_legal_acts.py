"""A decision's legal acts (issue 27): several acts per decision, each with
its number, CELEX identifier and Official Journal reference, written with
the decision or replaced as a whole over the API, all or nothing, with
every bad field named ``legal_acts[i].field``; shown on the case page; and
the old free-text reference read into a row by the data migration."""

import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import CaseState
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.directory.models import CouncilBody
from cdt.security.models import AuditEntry
from council import legal_acts, services
from council.choices import LegalActKind
from council.models import Decision, LegalAct

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

#: Cyber sanctions of 30 July 2020: the implementing decision and regulation (first listings).
LISTING = [
    {
        "kind": "council_implementing_decision_cfsp",
        "number": "2020/1127",
        "celex": "32020D1127",
        "oj_reference": "OJ L 246, 30.7.2020, p. 12",
        "adopted_on": "2020-07-30",
    },
    {
        "kind": "council_implementing_regulation",
        "number": "2020/1125",
        "oj_reference": "OJ L 246, 30.7.2020, p. 4",
        "adopted_on": "2020-07-30",
    },
]


def api(user):
    _token, key = api_token_issue(user=user, name="legal acts", scopes=(READ, WRITE))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def question(cast, open_case):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    return services.question_put(
        by=cast["chair"], case=case, text="List the persons responsible", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
    )


def test_celex_and_number_shapes():
    assert legal_acts.celex_for("council_implementing_regulation", "2019/796") == "32019R0796"
    assert legal_acts.celex_for("council_conclusions", "2019/796") == ""
    parsed = legal_acts.parse_reference("Council Implementing Regulation (EU) 2020/1125")
    assert parsed == legal_acts.ParsedAct(LegalActKind.COUNCIL_IMPLEMENTING_REGULATION, "2020/1125", "32020R1125")
    assert legal_acts.parse_reference("Council approval of options 1 and 2") is None
    for good in ("32020D1127", "32019R0796", "32020D1127(01)"):
        legal_acts.validate_celex(good)
    for bad in ("2020D1127", "32020D127", "3202OD1127", "x"):
        with pytest.raises(ValidationError):
            legal_acts.validate_celex(bad)


def test_a_decision_is_recorded_with_its_acts_over_the_api(cast, question):
    client = api(cast["chair"])
    response = client.post("/api/v1/decisions/", {"question": question.pk, "legal_acts": LISTING}, format="json")
    assert response.status_code == 201, response.json()
    acts = response.json()["legal_acts"]
    assert [(a["kind"], a["number"], a["celex"]) for a in acts] == [
        ("council_implementing_decision_cfsp", "2020/1127", "32020D1127"),
        ("council_implementing_regulation", "2020/1125", "32020R1125"),  # derived from the kind and number
    ]
    assert acts[0]["oj_reference"] == "OJ L 246, 30.7.2020, p. 12" and acts[1]["adopted_on"] == "2020-07-30"
    decision = Decision.objects.get(pk=response.json()["id"])
    audit = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(decision.pk)).latest("id")
    assert "council_implementing_regulation 2020/1125" in audit.details["legal_acts"]


def test_bad_acts_are_named_and_nothing_is_written(cast, question):
    client = api(cast["chair"])
    bad = [LISTING[0], {**LISTING[1], "celex": "R1125"}, {"kind": "treaty", "number": "2020-1"}, {**LISTING[0]}]
    response = client.post("/api/v1/decisions/", {"question": question.pk, "legal_acts": bad}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"legal_acts[1].celex", "legal_acts[2].kind", "legal_acts[2].number"} <= set(errors), errors
    assert not Decision.objects.filter(question=question).exists()
    question.refresh_from_db()
    assert question.is_open
    # The service names a duplicate act (the serializer cannot see across items).
    response = client.post("/api/v1/decisions/", {"question": question.pk, "legal_acts": [LISTING[0], LISTING[0]]}, format="json")
    assert response.status_code == 400 and "legal_acts[1].number" in response.json()
    assert not LegalAct.objects.exists()
    response = client.post(
        "/api/v1/decisions/", {"question": question.pk, "legal_acts": [{**LISTING[0], "adopted_on": "2999-01-01"}]}, format="json"
    )
    assert response.status_code == 400 and "legal_acts[0].adopted_on" in response.json()
    response = client.post("/api/v1/decisions/", {"question": question.pk, "legal_acts": ["2020/1127"]}, format="json")
    assert response.status_code == 400 and "legal_acts[0]" in response.json()


def test_acts_are_replaced_as_a_whole(cast, question):
    decision = services.decision_record(by=cast["chair"], question=question, legal_acts=[LISTING[0]])
    client = api(cast["secretariat"])
    url = f"/api/v1/decisions/{decision.pk}/"
    response = client.patch(url, {"legal_acts": [LISTING[1], {**LISTING[1], "number": "bad"}]}, format="json")
    assert response.status_code == 400 and "legal_acts[1].number" in response.json()
    assert list(decision.legal_acts.values_list("number", flat=True)) == ["2020/1127"]  # unchanged
    response = client.patch(url, {"legal_acts": LISTING[::-1]}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(a["number"] for a in response.json()["legal_acts"]) == ["2020/1125", "2020/1127"]
    # A delegate does not edit the Council's record; an outsider does not see it.
    assert api(cast["delegate"]).patch(url, {"legal_acts": []}, format="json").status_code == 403
    assert api(cast["outsider"]).patch(url, {"legal_acts": []}, format="json").status_code == 404
    assert decision.legal_acts.count() == 2
    assert client.patch(url, {"legal_acts": []}, format="json").status_code == 200
    assert not decision.legal_acts.exists()


def test_the_case_page_shows_the_acts(cast, question, signed_in):
    services.decision_record(by=cast["chair"], question=question, legal_acts=LISTING)
    hr_act = services.hr_act_record(
        by=cast["eeas"],
        case=question.case,
        explanation="Démarche",
        legal_acts=[{"kind": "other", "number": "2026/7", "title": "HR declaration on behalf of the EU"}],
    )
    page = signed_in["delegate"].get(reverse("case-page", args=[question.case_id])).content.decode()
    assert "Council Implementing Decision (CFSP) 2020/1127" in page and "OJ L 246, 30.7.2020, p. 12" in page
    assert "CELEX:32020R1125" in page
    assert "HR declaration on behalf of the EU" in page and hr_act.legal_acts.get().celex == ""


def test_the_migration_reads_the_old_text_into_acts(cast, question):
    decision = services.decision_record(by=cast["chair"], question=question, legal_act="Council Decision (CFSP) 2019/797")
    other = services.hr_act_record(by=cast["eeas"], case=question.case, explanation="Démarche", legal_act="HR/2026/7")
    migration = importlib.import_module("council.migrations.0004_decision_legal_acts")
    migration.legal_act_text_to_rows(global_apps, None)
    act = decision.legal_acts.get()
    assert (act.kind, act.number, act.celex, act.adopted_on) == ("council_decision_cfsp", "2019/797", "32019D0797", decision.decided_on)
    assert not other.legal_acts.exists() and Decision.objects.get(pk=other.pk).legal_act == "HR/2026/7"
    migration.legal_act_text_to_rows(global_apps, None)  # twice: still one row
    assert decision.legal_acts.count() == 1
    assert isinstance(act.adopted_on, datetime.date)
