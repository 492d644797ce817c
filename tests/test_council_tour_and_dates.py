"""A tour de table in one call (issue 27): all positions at once, atomic,
one history row and one audit entry per state, every bad field named
``positions[i].field``; and the days questions and decisions happened,
entered later: not in the future, not before the case, in order."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseState
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.security.models import AuditEntry
from council.models import Position, Question

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


def api(user):
    _token, key = api_token_issue(user=user, name="tour de table", scopes=(READ, WRITE))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def case(cast, open_case):
    return walk_to(open_case(brought_on=datetime.date(2019, 2, 1)), CaseState.DECISION, cast)


def question_body(case, **extra):
    return {"case": case.pk, "text": "Adopt the options", "voting_rule": "unanimity", "body": "PSC", **extra}


def test_a_question_and_its_decision_carry_past_days_in_order(cast, case):
    chair = api(cast["chair"])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    for put_on, reason in ((tomorrow, "future"), ("2019-01-31", "before the case")):
        response = chair.post("/api/v1/questions/", question_body(case, put_on=put_on), format="json")
        assert response.status_code == 400 and reason in response.json()["put_on"][0], response.json()
    assert not Question.objects.filter(case=case).exists()
    response = chair.post("/api/v1/questions/", question_body(case, put_on="2019-05-10"), format="json")
    assert response.status_code == 201 and response.json()["put_on"] == "2019-05-10"
    question = Question.objects.get(pk=response.json()["id"])
    assert timezone.localtime(question.put_at).date() == timezone.localdate()  # the recording time, kept apart
    assert question.positions.filter(member_state__code="UK").exists()  # the EU-28 in May 2019
    chair.post(
        f"/api/v1/questions/{question.pk}/positions/",
        {
            "positions": [
                {"member_state": p.member_state.code, "value": "support"} for p in question.positions.select_related("member_state")
            ]
        },
        format="json",
    )
    for decided_on, reason in ((tomorrow, "future"), ("2019-05-09", "question was put")):
        response = chair.post("/api/v1/decisions/", {"question": question.pk, "decided_on": decided_on}, format="json")
        assert response.status_code == 400 and reason in response.json()["decided_on"][0], response.json()
    response = chair.post("/api/v1/decisions/", {"question": question.pk, "decided_on": "2019-05-14"}, format="json")
    assert response.status_code == 201 and response.json()["decided_on"] == "2019-05-14" and response.json()["adopted"]
    response = api(cast["eeas"]).post(
        "/api/v1/decisions/", {"procedure": "hr_act", "case": case.pk, "explanation": "Démarche", "decided_on": "2018-12-31"}, format="json"
    )
    assert response.status_code == 400 and "before the case" in response.json()["decided_on"][0]


def test_the_tour_de_table_records_every_state_at_once(cast, open_case):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    chair = api(cast["chair"])
    question_id = chair.post("/api/v1/questions/", question_body(case), format="json").json()["id"]
    url = f"/api/v1/questions/{question_id}/positions/"
    codes = list(Position.objects.filter(question=question_id).values_list("member_state__code", flat=True))
    assert len(codes) == 27
    entries = [{"member_state": code, "value": "support"} for code in codes]
    entries[3] = {"member_state": codes[3], "value": "constructive_abstention", "declaration": "Will not apply it."}
    entries[5] = {"member_state": codes[5], "value": "scrutiny_reserve", "reserve": "parliamentary"}

    bad = [dict(entry) for entry in entries]
    bad[1]["value"] = "maybe"
    bad[2] = {"member_state": "UK", "value": "support"}  # not a member in 2026
    bad[4] = {"member_state": codes[0], "value": "support"}  # twice
    bad[6] = {"member_state": codes[6], "value": "constructive_abstention"}  # without its declaration
    response = chair.post(url, {"positions": bad}, format="json")
    assert response.status_code == 400
    assert {"positions[1].value"} <= set(response.json()), response.json()
    bad[1]["value"] = "support"
    response = chair.post(url, {"positions": bad}, format="json")
    assert response.status_code == 400
    assert {"positions[2].member_state", "positions[4].member_state", "positions[6].declaration"} == set(response.json()), response.json()
    assert not Position.objects.filter(question=question_id).exclude(value="none").exists()  # nothing written

    assert api(cast["delegate"]).post(url, {"positions": entries}, format="json").status_code == 403
    assert api(cast["outsider"]).post(url, {"positions": entries}, format="json").status_code == 404
    before = AuditEntry.objects.count()
    response = chair.post(url, {"positions": entries}, format="json")
    assert response.status_code == 200, response.json()
    board = response.json()
    assert board["outcome"]["counts"]["support"] == 25 and board["outcome"]["pending"]  # the scrutiny reserve
    rows = {row["member_state"]: row for row in board["positions"]}
    assert rows[codes[3]]["value"] == "constructive_abstention" and rows[codes[3]]["declaration"] == "Will not apply it."
    assert rows[codes[0]]["stated_orally"] and rows["IE"]["stated_orally"] is False  # the chair's own state
    audits = AuditEntry.objects.filter(pk__gt=0).order_by("-id")[: AuditEntry.objects.count() - before]
    assert len([entry for entry in audits if entry.object_type.endswith("position")]) == 27
    assert Position.history.filter(question_id=question_id, history_type="~").count() == 27
