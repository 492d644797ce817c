"""The record of past years: a step entered afterwards says the day it
happened (``on``), kept apart from when it was recorded (``at``); dates of
the record known only to the month; horizontal acts, whose steps need no
incident-specific awareness or options note."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseKind, CaseState, CaseTransition

from .cases_support import cast  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PAST_CASE = {
    "kind": "malicious_activity",
    "title": "WannaCry",
    "summary": "Ransomware outbreak of May 2017.",
    "brought_by": "EEAS",
    "brought_on": "2017-06-19",
    "releasable_to_all": True,
    "classification": "UNCLASSIFIED",
    "tlp": "CLEAR",
    "limite": False,
}


def _open(client, cast, **overrides) -> dict:
    client.force_login(cast["eeas"])
    response = client.post("/api/v1/cases/", {**PAST_CASE, **overrides}, content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def _step(client, user, case_id: int, transition: str, **body):
    client.force_login(user)
    return client.post(f"/api/v1/cases/{case_id}/transitions/{transition}/", body, content_type="application/json")


def test_a_step_of_the_past_keeps_its_day_and_when_it_was_recorded(client, cast):
    case = _open(client, cast)
    response = _step(client, cast["chair"], case["id"], "share_awareness", on="2017-07-03")
    assert response.status_code == 200, response.json()
    log = CaseTransition.objects.get(case_id=case["id"])
    assert log.on == datetime.date(2017, 7, 3)
    assert timezone.localtime(log.at).date() == timezone.localdate()  # recorded today, for the audit
    history = client.get(f"/api/v1/cases/{case['id']}/history/").json()
    rows = history["results"] if isinstance(history, dict) else history
    assert rows[-1]["on"] == "2017-07-03"
    page = client.get(f"/cases/{case['id']}/").content.decode()
    assert 'datetime="2017-07-03"' in page


@pytest.mark.parametrize(
    ("on", "says"),
    [
        ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "future"),
        ("2017-06-18", "brought"),
        ("2017-13-01", "YYYY"),
    ],
)
def test_a_day_in_the_future_or_before_the_case_is_refused_and_changes_nothing(client, cast, on, says):
    case = _open(client, cast)
    response = _step(client, cast["chair"], case["id"], "share_awareness", on=on)
    assert response.status_code == 400 and "on" in response.json(), response.json()
    assert says in str(response.json()["on"])
    assert Case.objects.get(pk=case["id"]).state == CaseState.STARTED
    assert not CaseTransition.objects.exists()


def test_steps_are_entered_in_order(client, cast):
    case = _open(client, cast, kind="horizontal_act")
    assert _step(client, cast["chair"], case["id"], "share_awareness", on="2017-09-01").status_code == 200
    response = _step(client, cast["chair"], case["id"], "explore_response", on="2017-08-01")
    assert response.status_code == 400 and "previous step" in str(response.json()["on"])
    assert Case.objects.get(pk=case["id"]).state == CaseState.AWARENESS
    assert _step(client, cast["chair"], case["id"], "explore_response", on="2017-09-01").status_code == 200


def test_without_a_day_a_step_happens_today(client, cast):
    case = _open(client, cast)
    assert _step(client, cast["chair"], case["id"], "share_awareness").status_code == 200
    assert CaseTransition.objects.get(case_id=case["id"]).on == timezone.localdate()


def test_a_horizontal_act_needs_no_incident_awareness_nor_options_note(client, cast):
    """The framework's prolongation responds to no single activity: exploring
    and deliberating need no assessment or options note. A malicious
    activity case still does (the guards stand)."""
    horizontal = _open(client, cast, kind="horizontal_act", title="Prolongation of the cyber sanctions framework")
    activity = _open(client, cast)
    for case in (horizontal, activity):
        assert _step(client, cast["chair"], case["id"], "share_awareness", on="2017-07-01").status_code == 200
    assert _step(client, cast["chair"], horizontal["id"], "explore_response", on="2017-07-02").status_code == 200
    refused = _step(client, cast["chair"], activity["id"], "explore_response", on="2017-07-02")
    assert refused.status_code == 400 and refused.json()["guards"], refused.json()
    assert _step(client, cast["chair"], horizontal["id"], "open_deliberation", on="2017-07-03").status_code == 200
    assert Case.objects.get(pk=horizontal["id"]).state == CaseState.DELIBERATION
    assert Case.objects.get(pk=horizontal["id"]).kind == CaseKind.HORIZONTAL_ACT


def test_a_date_known_only_to_the_month(client, cast):
    case = _open(client, cast, first_seen="2017-05", last_seen="2017-05-15")
    assert case["first_seen"] == "2017-05" and case["last_seen"] == "2017-05-15"
    stored = Case.objects.get(pk=case["id"])
    assert stored.first_seen == datetime.date(2017, 5, 1) and stored.first_seen_precision == "month"
    assert stored.first_seen_text == "May 2017"
    page = client.get(f"/cases/{case['id']}/").content.decode()
    assert "first seen May 2017" in page and "1 May 2017" not in page
    for bad in ("2017-00", "May 2017", "2017-5-1", "0000-01", "20170305", "2017-W10-1", "２０１７-０３"):
        client.force_login(cast["eeas"])
        response = client.patch(f"/api/v1/cases/{case['id']}/", {"first_seen": bad}, content_type="application/json")
        assert response.status_code == 400 and "first_seen" in response.json(), (bad, response.json())
    assert Case.objects.get(pk=case["id"]).first_seen_precision == "month"
    response = client.patch(f"/api/v1/cases/{case['id']}/", {"first_seen": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["first_seen"] is None
