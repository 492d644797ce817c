"""Each defect the fuzzing of the HTML forms found, pinned by a plain test
(the fuzzing: tests/test_hostile_forms_*.py).
"""

from __future__ import annotations

import pytest
from django.test import Client

from .hostile import hostile
from .hostile_forms_routes import ROUTE
from .hostile_forms_support import HIDDEN, options_payload, plan_payload
from .hostile_forms_world import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, hostile]


def test_regression_case_transition_with_an_invalid_comment_is_refused(world):
    """The transition view ignored its form's verdict: a comment with a NUL
    character was dropped and the case closed without it."""
    from cases.models import Case, CaseState

    response = world.clients["chair"].post(f"/cases/{world.case.pk}/transitions/close/", {"reason": "concluded", "comment": "Closed\x00"})
    assert response.status_code == 400 and "Null characters are not allowed." in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).state == CaseState.DELIBERATION


def test_regression_decision_legal_act_longer_than_its_column_is_refused(world):
    """The decision form took a legal act of any length for a varchar(300)
    column: PostgreSQL refused the insert (a 500), SQLite stored it."""
    from council.models import Decision

    response = world.clients["chair"].post(f"/council/questions/{world.question.pk}/decision/", {"legal_act": "x" * 301}, follow=True)
    assert "Ensure this value has at most 300 characters" in response.content.decode()
    assert not Decision.objects.filter(question=world.question).exists()


def test_regression_coreu_reference_longer_than_its_column_is_refused(world):
    """The written-procedure form took a COREU reference of any length for a
    varchar(100) column: PostgreSQL refused the insert (a 500)."""
    from council.models import WrittenProcedure

    response = world.clients["chair"].post(
        f"/council/questions/{world.question.pk}/written-procedure/",
        {"kind": "silence", "deadline": "2026-12-01T10:00", "coreu_reference": "x" * 101},
        follow=True,
    )
    assert response.status_code == 200 and "ecl-notification--error" in response.content.decode()
    assert not WrittenProcedure.objects.filter(question=world.question).exists()


def test_regression_a_malformed_decision_id_on_a_draft_step_is_a_form_error(world):
    """A decision id that is not a number made the draft step answer 404
    (the ValueError of the lookup was taken for an unknown step)."""
    from attribution.models import Statement

    for value in ("1;1", "abc", "²"):
        response = world.clients["eeas"].post(
            f"/attribution/statements/{world.statement_submitted.pk}/publish/", {"decision": value, "on": "2026-11-20"}
        )
        assert response.status_code == 400 and "No such decision." in response.content.decode()
    assert Statement.objects.get(pk=world.statement_submitted.pk).status == "submitted"


def test_regression_numbers_too_long_for_a_column_are_answered_not_a_500(world):
    """Digits-only checks let 5,000 digits through: ``int()`` refuses more
    than 4,300 (ValueError, a 500 on the note editor, a 404 on the approval
    step whose comment promised a form error), and 20 digits overflow
    SQLite's integers in ``IN (…)`` (notification ids)."""
    from measures.models import OptionsNote, StrategicResponseNote

    huge = "9" * 5000
    response = world.clients["eeas"].post(
        f"/measures/options-notes/{world.options_draft.pk}/edit/", options_payload(world, base_version=huge)
    )
    assert response.status_code == 400 and "The version you edited is missing" in response.content.decode()
    assert OptionsNote.objects.get(pk=world.options_draft.pk).version == world.options_draft.version
    response = world.clients["chair"].post(
        f"/measures/strategic-notes/{world.strategic_submitted.pk}/approve/", {"decision": huge, "on": ""}
    )
    assert response.status_code == 400 and "No such decision." in response.content.decode()
    assert StrategicResponseNote.objects.get(pk=world.strategic_submitted.pk).status == "submitted"
    response = world.clients["delegate"].get("/attribution/claims/", {"case": huge})
    assert response.status_code == 200
    response = world.clients["delegate"].post("/notifications/read/", {"id": str(2**64)})
    assert response.status_code == 400 and response.content.decode() == "Notification ids are numbers."


def test_regression_merging_into_an_invisible_case_answers_as_for_no_case(world):
    """The merge target was looked up among all cases: a reference the user
    may not see got "No such case." where an unknown one got "No such case:
    <reference>.", telling the user which references exist."""
    client = world.clients["chair"]
    url = f"/cases/{world.case.pk}/transitions/close/"
    for reference in (world.hidden_case.reference, "CDT-2026-9999"):
        response = client.post(url, {"reason": "merged", "merged_into": reference})
        assert response.status_code == 400 and f"No such case: {reference}." in response.content.decode()
        assert HIDDEN not in response.content.decode()


@pytest.mark.parametrize(
    "url, field, value",
    [
        ("/attribution/communication-plans/new/{case}/", "embargo_until", "0001-01-01T00:00"),
        ("/attribution/communication-plans/new/{case}/", "embargo_until", "9999-12-31T23:59-05:00"),
        ("/council/questions/{question}/written-procedure/", "deadline", "9999-12-31T23:59-05:00"),
    ],
)
def test_regression_a_date_and_time_outside_the_utc_calendar_is_a_form_error(world, url, field, value):
    """Midnight on 1 January of year 1 in Brussels is in year 0 in UTC (and
    the last minute of 9999 five hours west is in year 10,000): the forms
    took them and the save raised OverflowError (a 500); PostgreSQL would
    have stored a date no page could read back."""
    from attribution.models import CommunicationPlan
    from council.models import WrittenProcedure

    route = ROUTE["plan-new-page" if field == "embargo_until" else "written-procedure-open-page"]
    client = world.clients[route.role]
    response = client.post(url.format(case=world.case.pk, question=world.question.pk), {**route.payload(world), field: value}, follow=True)
    error = "Enter a valid date/time." if field == "embargo_until" else "Give the procedure and a deadline."  # the council panel's message
    assert response.status_code in (200, 400) and error in response.content.decode()
    assert not CommunicationPlan.objects.exclude(pk=world.plan.pk).exists() and not WrittenProcedure.objects.exists()


def test_regression_a_base_version_in_other_digits_is_refused(world):
    """``str.isdigit`` is true of "²" and "①", which ``int`` refuses: the
    draft editor answered 500 instead of asking for the version edited."""
    from attribution.models import Statement

    for value in ("²", "①"):
        response = world.clients["eeas"].post(
            f"/attribution/statements/{world.statement_draft.pk}/edit/", {"title": "Statement", "text": "Changed.", "base_version": value}
        )
        assert response.status_code == 400 and "The version you edited is missing" in response.content.decode()
    assert Statement.objects.get(pk=world.statement_draft.pk).version == 1


def test_regression_the_claim_list_filter_in_other_digits_is_ignored(world):
    """The same ``isdigit`` trap in the claims list's ``?case=`` and ``?actor=``: a 500."""
    for name in ("case", "actor"):
        assert world.clients["delegate"].get("/attribution/claims/", {name: "²"}).status_code == 200


def test_regression_a_decimal_spelling_of_a_decision_id_is_not_a_500(world):
    """The measure step validated ``decision`` as an integer ("1.0" is 1) but
    looked it up with the raw text: ValueError, a 500."""
    from measures.models import ResponseMeasure

    response = world.clients["chair"].post(
        f"/measures/{world.measure_selected.pk}/transitions/agree/", {"decision": f"{world.decision.pk}.0"}
    )
    assert response.status_code == 302
    assert ResponseMeasure.objects.get(pk=world.measure_selected.pk).state == "agreed"


def test_regression_an_id_beyond_64_bits_in_a_multiple_choice_is_a_form_error(world):
    """Single ids beyond 64 bits find nothing, but a list of them reached
    SQLite's ``IN (…)`` and raised OverflowError (a 500)."""
    from cases.models import Case

    route = ROUTE["case-new"]
    cases = Case.objects.count()
    response = world.clients["delegate"].post(route.url(world), {**route.payload(world), "member_states_affected": ["9" * 40]})
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    response = world.clients["eeas"].post(
        f"/attribution/communication-plans/new/{world.case.pk}/", {**plan_payload(world), "measures": [str(2**64)]}
    )
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    assert Case.objects.count() == cases


def test_regression_a_username_longer_than_its_column_is_a_form_error(world):
    """The sign-in form shows a 150-character limit but never checked it: a
    longer name went to django-axes, whose varchar(255) record of the failed
    sign-in PostgreSQL refused (a 500)."""
    from axes.models import AccessAttempt

    response = Client().post("/accounts/login/", {"username": "x" * 300, "password": "a-password"})
    assert response.status_code == 200 and "Ensure this value has at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_regression_a_date_and_time_with_a_nul_is_a_form_error(world):
    """Python's ``datetime.fromisoformat`` (which Django's parser tries
    first) stops at a NUL: "2026-11-20T10:00\\x00" was taken as a valid date
    and time, where the date fields refuse "2026-11-20\\x00"."""
    from attribution.models import CommunicationPlan

    response = world.clients["eeas"].post(
        f"/attribution/communication-plans/new/{world.case.pk}/", {**plan_payload(world), "embargo_until": "2026-11-20T10:00\x00"}
    )
    assert response.status_code == 400 and "Enter a valid date/time." in response.content.decode()
    assert not CommunicationPlan.objects.exclude(pk=world.plan.pk).exists()
