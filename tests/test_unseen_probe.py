"""Confirmed leaks after issue 25 (hostile probe). Each test FAILS on main
(81f856f) and pass since. World: tests/test_probe_x.py::build
(a case everyone in the cast sees, unclassified; RESTREINT UE children an
uncleared reader may not see; a TLP:RED case of DE's not shared)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case
from cdt.security.markings import Classification
from council.models import Decision

from .unseen_support import build

pytestmark = pytest.mark.django_db
U = Classification.UNCLASSIFIED


@pytest.fixture
def world(cast):
    return build(cast)


def _client(make_user, login_verified, username, org, **extra):
    from django.core.cache import cache

    cache.clear()
    client = Client(raise_request_exception=False)
    login_verified(client, make_user(username, org, clearance=U, **extra))
    return client


@pytest.fixture
def reader(make_user, login_verified):
    """An uncleared French delegate: sees the case and its unclassified children."""
    return _client(make_user, login_verified, "fr-uncleared", "FR")


@pytest.fixture
def console(make_user, login_verified):
    """An uncleared secretariat member in the console."""
    return _client(make_user, login_verified, "gsc-uncleared", "GSC", roles=("secretariat",), is_staff=True)


# --- 1. Pages / API ------------------------------------------------------------------------------------------


def test_evaluation_list_page_names_no_hidden_measure(world, reader):
    """/measures/evaluations/ shows, for a visible evaluation, its RESTREINT
    measure's type, description and link (measures/templates/measures/evaluation_list.html:11)."""
    assert reader.get(f"/measures/{world['hmeasure'].pk}/").status_code == 404
    body = reader.get("/measures/evaluations/").content.decode()
    assert "HMKmeasure" not in body
    assert f'href="/measures/{world["hmeasure"].pk}/"' not in body


@pytest.mark.parametrize(
    "path,hidden_text",
    [
        ("/api/v1/impact-evaluations/", "HMKmeasure"),  # search_fields measure__description
        ("/measures/evaluations/", "HMKmeasure"),  # EvaluationFilter.filter_text: measure__description, measure__measure_type__name
        ("/api/v1/written-procedures/", "HMKquestion"),  # search_fields question__text
    ],
)
def test_text_search_is_no_oracle_on_hidden_related_text(world, reader, path, hidden_text):
    """?q=<text only a hidden related row holds> finds a visible row: a
    character-by-character oracle on the hidden measure's description / question's text."""

    def shown(q):
        response = reader.get(path, {"q": q})
        if response["Content-Type"].startswith("application/json"):
            return response.json()["count"]
        return world["case"].reference in response.content.decode()

    assert shown(hidden_text) == shown("QQQnowhere")


# --- 2. Console ---------------------------------------------------------------------------------------------


def test_console_written_procedure_names_no_hidden_question(world, console):
    """WrittenProcedureAdmin.list_display = ("question", ...) and the read-only
    change form print str(question) = its text, for a RESTREINT question."""
    for url in ("/admin/council/writtenprocedure/", f"/admin/council/writtenprocedure/{world['vwp'].pk}/change/"):
        response = console.get(url)
        assert response.status_code == 200
        assert "HMKquestion" not in response.content.decode(), url


def test_console_deliberation_names_no_hidden_question_or_decision(world, console):
    body = console.get(f"/admin/attribution/attributiondeliberation/{world['delib'].pk}/change/").content.decode()
    assert "HMKquestion" not in body
    assert f"/admin/council/question/{world['hq'].pk}/change/" not in body
    assert f"/admin/council/decision/{world['hdec'].pk}/change/" not in body


def test_console_readonly_decision_links_name_no_hidden_decision(world, console):
    """ResponseMeasureAdmin and StatementAdmin show the read-only `decision`
    as a link with the hidden decision's id and its str ("Meeting: adopted")."""
    for url in (
        f"/admin/measures/responsemeasure/{world['vmeasure'].pk}/change/",
        f"/admin/attribution/statement/{world['vstatement'].pk}/change/",
    ):
        body = console.get(url).content.decode()
        assert f"/admin/council/decision/{world['hdec'].pk}/change/" not in body, url


def test_console_evaluation_names_no_hidden_measure(world, console):
    """ImpactEvaluationAdmin: list_display and read-only `measure` print the
    hidden measure as "Démarche — Implemented" (with a link on the change form)."""
    hidden = world["hmeasure"]
    label = str(hidden)
    change = console.get(f"/admin/measures/impactevaluation/{world['veval'].pk}/change/").content.decode()
    assert f"/admin/measures/responsemeasure/{hidden.pk}/change/" not in change
    assert label not in change
    changelist = console.get("/admin/measures/impactevaluation/").content.decode()
    assert label not in changelist


def test_console_view_only_assessment_names_no_hidden_case(world, console):
    """An assessment the console user may view but not change renders `cases`
    read-only: every related case's reference and title, the hidden one too."""
    body = console.get(f"/admin/awareness/assessment/{world['vassess'].pk}/change/").content.decode()
    assert world["hcase"].reference not in body
    assert "HMKcase title" not in body


def test_console_decision_names_no_hidden_question(world, console, cast):
    """DecisionAdmin is read-only: its `question` is printed (text, link)."""
    from cdt.directory.models import CouncilBody
    from council.services import question_put

    hidden_q = question_put(
        by=cast["chair"],
        case=world["case"],
        text="HMKsecond question?",
        voting_rule="unanimity",
        body=CouncilBody.objects.get(code="COUNCIL"),
        classification=Classification.RESTREINT_UE,
    )
    visible = Decision.objects.create(
        case=world["case"], question=hidden_q, procedure="meeting", adopted=True, explanation="v", decided_on="2026-11-25", classification=U
    )
    response = console.get(f"/admin/council/decision/{visible.pk}/change/")
    assert response.status_code == 200
    assert "HMKsecond question" not in response.content.decode()


def test_console_case_names_no_hidden_merge_target(world, console, cast):
    Case.objects.filter(pk=world["case"].pk).update(merged_into=world["hcase"])
    body = console.get(f"/admin/cases/case/{world['case'].pk}/change/").content.decode()
    assert world["hcase"].reference not in body and "HMKcase title" not in body


def test_a_statement_without_its_text_is_a_400_naming_it(signed_in, open_case):
    """Found by the probe: creating a statement without ``content`` answered 500."""
    case = open_case()
    response = signed_in["eeas"].post(
        "/api/v1/statements/", {"case": case.pk, "title": "Statement", "statement_type": "spokesperson"}, content_type="application/json"
    )
    assert response.status_code == 400 and "content" in response.json()


def test_the_creator_of_a_decision_sees_its_question(signed_in, cast, open_case):
    """Found by the probe: the answer to ``POST /api/v1/decisions/`` was
    rendered without the request, so the relation came back null."""
    from cdt.directory.models import CouncilBody
    from council.services import question_put

    case = open_case()
    question = question_put(
        by=cast["chair"], case=case, text="Adopt?", voting_rule="unanimity", body=CouncilBody.objects.get(code="COUNCIL")
    )
    response = signed_in["chair"].post(
        "/api/v1/decisions/",
        {
            "case": case.pk,
            "question": question.pk,
            "procedure": "meeting",
            "adopted": True,
            "explanation": "Adopted.",
            "decided_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["question"] == question.pk
