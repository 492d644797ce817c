"""The outcome the pages show does not contradict itself (issue 28): no
"adopted" before a silence deadline, no "not adopted" while the states
still to answer could turn it, no silence procedure opened on a broken
silence, no "Pending until the deadline" beside a broken silence; and the
deciding body defaults to the one the question goes to."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseState
from cdt.directory.models import CouncilBody, MemberState
from council import selectors, services
from council.models import PositionValue, WrittenProcedure

from .cases_support import case_at, walk_to

pytestmark = pytest.mark.django_db


def _put(cast, case, rule="unanimity", body="HWPCI"):
    return services.question_put(
        by=cast["chair"], case=case, text="Agree the declaration?", voting_rule=rule, body=CouncilBody.objects.get(code=body)
    )


def _set(cast, question, code, value):
    services.position_set(by=cast["chair"], question=question, member_state=MemberState.objects.get(code=code), value=value)


def _outcome_paragraph(html: str, testid: str = "outcome") -> tuple[str, str]:
    match = re.search(rf'<p [^>]*data-testid="{testid}" data-status="([a-z_]+)">(.*?)</p>', html, re.S)
    assert match, f"no {testid} on the page"
    return match.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(2))).strip()


@pytest.fixture
def deliberation(cast, open_case):
    return walk_to(open_case(), CaseState.DELIBERATION, cast)


def test_states_still_to_answer_make_it_pending_not_rejected(client, cast, deliberation):
    question = _put(cast, deliberation)
    for code in ("BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL"):
        _set(cast, question, code, PositionValue.SUPPORT)
    client.force_login(cast["delegate"])
    status, text = _outcome_paragraph(client.get(reverse("case-page", args=[deliberation.pk])).content.decode())
    assert status == "pending" and "not adopted" not in text
    assert "19 states have not stated their position yet" in text
    _set(cast, question, "HU", PositionValue.OBJECTION)  # one objection settles unanimity, whoever is still to answer
    status, text = _outcome_paragraph(client.get(reverse("case-page", args=[deliberation.pk])).content.decode())
    assert status == "not_adopted" and "not adopted: objection by HU" in text and "(whatever the 18 states still to answer say)" in text


def test_a_silence_procedure_is_pending_until_its_deadline_then_broken_is_shown_as_such(client, cast, deliberation):
    question = _put(cast, deliberation)
    procedure = services.written_procedure_open(
        by=cast["chair"], question=question, kind="silence", deadline=timezone.now() + datetime.timedelta(days=2)
    )
    client.force_login(cast["delegate"])
    page = client.get(reverse("written-procedure-page", args=[procedure.pk])).content.decode()
    status, text = _outcome_paragraph(page, "silence-outcome")
    assert status == "pending" and "adopted at the deadline unless" in text and "adopted:" not in text
    assert _outcome_paragraph(page)[0] == "silence"  # the tally under the rule does not decide
    assert re.search(r'data-testid="procedure-outcome">Pending until the deadline<', page)

    _set(cast, question, "DE", PositionValue.OBJECTION)
    page = client.get(reverse("written-procedure-page", args=[procedure.pk])).content.decode()
    status, text = _outcome_paragraph(page, "silence-outcome")
    assert status == "not_adopted" and "silence broken by DE" in text
    shown = re.search(r'data-testid="procedure-outcome">(.*?)</dd>', page, re.S).group(1)
    assert "silence broken by DE" in shown and "Pending" not in shown


def test_a_silence_procedure_cannot_be_opened_once_silence_is_broken(client, cast, deliberation):
    question = _put(cast, deliberation)
    _set(cast, question, "FR", PositionValue.OBJECTION)
    deadline = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        services.written_procedure_open(by=cast["chair"], question=question, kind="silence", deadline=deadline)
    assert "Silence is already broken: FR objected." in refused.value.message_dict["kind"][0]
    # The page says why, opens nothing, and offers the ordinary procedure.
    client.force_login(cast["chair"])
    local = timezone.localtime(deadline).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("written-procedure-open-page", args=[question.pk]), {"kind": "silence", "deadline": local}, follow=True)
    html = response.content.decode()
    assert "Silence is already broken: FR objected." in html and not WrittenProcedure.objects.filter(question=question).exists()
    assert re.search(rf'id="id_q{question.pk}_kind"[^>]*>.*?<option value="ordinary" selected>', html, re.S)
    # Over the API: 400 naming the field.
    api = client.post(
        "/api/v1/written-procedures/",
        {"question": question.pk, "kind": "silence", "deadline": deadline.isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 400 and "Silence is already broken" in str(api.json()["kind"])
    # An ordinary written procedure is still open to the chair.
    assert services.written_procedure_open(by=cast["chair"], question=question, kind="ordinary", deadline=deadline).pk


@pytest.mark.parametrize(
    ("state", "fields", "expected"),
    [
        (CaseState.DELIBERATION, {}, "HWPCI"),
        (CaseState.EXPLORATION, {}, "HWPCI"),
        (CaseState.DECISION, {}, "PSC"),
        (CaseState.DELIBERATION, {"kind": "horizontal_act"}, "COUNCIL"),
    ],
)
def test_the_deciding_body_defaults_to_the_body_the_question_goes_to(cast, state, fields, expected):
    case = case_at(state, cast, **fields)
    assert selectors.deciding_body_default(case) == expected


def test_a_restrictive_measure_sends_the_question_to_the_council(cast, deliberation, client):
    from measures.models import MeasureType
    from measures.services import measure_propose

    client.force_login(cast["chair"])
    html = client.get(reverse("case-page", args=[deliberation.pk])).content.decode()
    assert re.search(r'<option value="HWPCI" selected>', html)  # not PSC: HWPCI deliberates at step 4
    restrictive = MeasureType.objects.filter(restrictive=True).first()
    measure_propose(by=cast["eeas"], case=deliberation, measure_type=restrictive, description="Listing of two persons.")
    assert selectors.deciding_body_default(deliberation) == "COUNCIL"
