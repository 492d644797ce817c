"""Council deliberation: positions (who may set which), history, the board
and its outcome, decisions, the implement guard, written and silence
procedures closed by the beat task, meetings and agendas."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

import cdt.workflow.errors as workflow_errors
from cases import services as case_services
from cases.models import CaseState
from cdt.directory.models import CouncilBody, MemberState
from cdt.security.models import AuditEntry
from cdt.workflow import transition_options, transition_run
from council import services, tasks
from council.models import (
    Decision,
    Position,
    PositionValue,
    Question,
    QuestionTransition,
    WrittenProcedure,
    WrittenProcedureTransition,
)

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(cast, open_case):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    return services.question_put(
        by=cast["chair"],
        case=case,
        text="Adopt the options in the options note",
        voting_rule="unanimity",
        body=CouncilBody.objects.get(code="PSC"),
    )


def state(code):
    return MemberState.objects.get(code=code)


def everyone(question, by, value=PositionValue.SUPPORT, **overrides):
    for member_state in MemberState.objects.current():
        services.position_set(by=by, question=question, member_state=member_state, value=overrides.get(member_state.code, value))


def test_a_question_starts_with_27_states_without_position(question):
    positions = list(question.positions.order_by("member_state__protocol_order").values_list("member_state__code", "value"))
    assert len(positions) == 27 and positions[0] == ("BE", "none") and positions[-1] == ("SE", "none")


def test_only_a_delegate_of_x_sets_xs_position_over_the_api(client, cast, question):
    url = f"/api/v1/questions/{question.pk}/positions/"
    client.force_login(cast["delegate"])  # Germany
    response = client.put(url + "DE/", {"value": "support"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == "support" and not response.json()["stated_orally"]
    assert client.put(url + "FR/", {"value": "objection"}, content_type="application/json").status_code == 403
    client.force_login(cast["eeas"])
    assert client.put(url + "DE/", {"value": "objection"}, content_type="application/json").status_code == 403
    client.force_login(cast["outsider"])  # cannot see the case
    assert client.put(url + "HU/", {"value": "objection"}, content_type="application/json").status_code == 404
    assert client.get(url).status_code == 404
    assert Position.objects.get(question=question, member_state__code="FR").value == "none"
    assert Position.objects.get(question=question, member_state__code="HU").value == "none"


def test_chair_records_a_position_stated_orally_and_history_is_kept(cast, question):
    services.position_set(
        by=cast["other_delegate"], question=question, member_state=state("FR"), value="scrutiny_reserve", reserve="parliamentary"
    )
    services.position_set(by=cast["chair"], question=question, member_state=state("FR"), value="support")
    position = Position.objects.get(question=question, member_state__code="FR")
    assert (position.value, position.stated_orally, position.recorded_by, position.reserve) == ("support", True, cast["chair"], "")
    history = list(position.history.order_by("history_id").values_list("value", "history_user__username"))
    assert history == [("none", "chair-ie"), ("scrutiny_reserve", "delegate-fr"), ("support", "chair-ie")]


def test_position_input_is_validated(cast, question):
    with pytest.raises(ValidationError, match="formal declaration"):
        services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="constructive_abstention")
    with pytest.raises(ValidationError, match="parliamentary or general"):
        services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="scrutiny_reserve")
    with pytest.raises(ValidationError):
        services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="maybe")
    assert Position.objects.get(question=question, member_state__code="DE").value == "none"


def test_board_in_protocol_order_with_outcome(client, cast, question):
    everyone(question, cast["chair"], HU="objection")
    client.force_login(cast["delegate"])
    board = client.get(f"/api/v1/questions/{question.pk}/positions/").json()
    assert [p["member_state"] for p in board["positions"]][:3] == ["BE", "BG", "CZ"]
    assert board["outcome"]["adopted"] is False and board["outcome"]["explanation"] == "not adopted: objection by HU"
    assert board["outcome"]["counts"]["support"] == 26


def test_decision_in_a_meeting_then_positions_are_frozen_and_implement_opens(cast, question):
    case = question.case
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        case_services.case_transition(case=case, by=cast["chair"], transition="implement")
    assert blocked.value.reasons == ["No adopted decision or HR discretionary act is recorded for this case."]
    everyone(question, cast["chair"], MT="abstention")
    with pytest.raises(PermissionDenied):
        services.decision_record(by=cast["delegate"], question=question)
    with translation.override("fr"):  # a French secretariat records it: the record's words stay English, the page is French
        decision = services.decision_record(by=cast["secretariat"], question=question, legal_act="Council Decision (CFSP) 2026/123")
        assert decision.display_explanation.startswith("adopté à l’unanimité")
    assert decision.adopted and decision.explanation == "adopted unanimously: 26 states in favour; 1 state abstaining"
    assert decision.display_explanation == decision.explanation
    assert decision.tally["positions"]["MT"] == "abstention" and decision.legal_act == "Council Decision (CFSP) 2026/123"
    question.refresh_from_db()
    assert question.status == Question.Status.DECIDED
    with pytest.raises(ValidationError, match="decided"):
        services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="objection")
    assert case_services.case_transition(case=case, by=cast["chair"], transition="implement").case.state == CaseState.IMPLEMENTATION


def test_a_rejected_decision_does_not_open_implementation(cast, question):
    everyone(question, cast["chair"], HU="objection")
    decision = services.decision_record(by=cast["chair"], question=question)
    assert not decision.adopted
    with pytest.raises(workflow_errors.TransitionGuardFailed):
        case_services.case_transition(case=question.case, by=cast["chair"], transition="implement")


def test_hr_discretionary_act_opens_implementation(client, cast, open_case):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    client.force_login(cast["delegate"])
    body = {"case": case.pk, "procedure": "hr_act", "explanation": "Démarche by the HR"}
    assert client.post("/api/v1/decisions/", body, content_type="application/json").status_code == 403
    client.force_login(cast["eeas"])
    response = client.post("/api/v1/decisions/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["procedure"] == "hr_act" and response.json()["adopted"]
    client.force_login(cast["chair"])
    assert client.post(f"/api/v1/cases/{case.pk}/transitions/implement/", {}, content_type="application/json").status_code == 200


# --- Written procedures -------------------------------------------------------------


def open_procedure(cast, question, kind="silence", hours=2):
    return services.written_procedure_open(
        by=cast["chair"],
        question=question,
        kind=kind,
        deadline=timezone.now() + datetime.timedelta(hours=hours),
        coreu_reference="CFSP/SEC/1/26",
    )


def test_silence_procedure_objection_before_the_deadline_means_not_adopted(cast, question):
    procedure = open_procedure(cast, question)
    services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="objection")
    assert services.written_procedures_close_due() == 0  # not due yet
    assert services.written_procedures_close_due(now=procedure.deadline + datetime.timedelta(seconds=1)) == 1
    procedure.refresh_from_db()
    assert procedure.status == "closed" and not procedure.decision.adopted
    assert procedure.decision.explanation == "not adopted: silence broken by DE" and procedure.decision.procedure == "silence"


def test_silence_procedure_adopted_at_the_deadline_by_the_beat_task_and_closing_twice_changes_nothing(cast, question):
    procedure = open_procedure(cast, question)
    services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="support")
    WrittenProcedure.objects.filter(pk=procedure.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert settings.CELERY_BEAT_SCHEDULE["close-due-written-procedures"]["task"] == "council.tasks.close_due_written_procedures"
    assert tasks.close_due_written_procedures.apply().get() == 1  # the task as beat runs it (in-process here)
    procedure.refresh_from_db()
    assert procedure.status == "closed" and procedure.decision.adopted
    assert procedure.decision.explanation == "adopted: silence not broken by the deadline"
    decisions = Decision.objects.count()
    assert services.written_procedures_close_due() == 0
    assert Decision.objects.count() == decisions


@pytest.mark.integration
def test_a_real_worker_runs_the_closer_through_redis(celery_worker_thread, cast, question):
    procedure = open_procedure(cast, question)
    WrittenProcedure.objects.filter(pk=procedure.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    result = tasks.close_due_written_procedures.delay()
    assert result.get(timeout=30) == 1
    procedure.refresh_from_db()
    assert procedure.status == "closed" and procedure.decision.adopted


def test_an_objection_after_the_deadline_is_refused_even_before_closing(client, cast, question):
    procedure = open_procedure(cast, question)
    WrittenProcedure.objects.filter(pk=procedure.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="deadline has passed"):
        services.position_set(by=cast["delegate"], question=question, member_state=state("DE"), value="objection")
    client.force_login(cast["delegate"])
    response = client.put(f"/api/v1/questions/{question.pk}/positions/DE/", {"value": "objection"}, content_type="application/json")
    assert response.status_code == 400 and "deadline" in str(response.json())
    services.written_procedures_close_due()
    procedure.refresh_from_db()
    assert procedure.decision.adopted


def test_ordinary_written_procedure_needs_every_reply(cast, question):
    procedure = open_procedure(cast, question, kind="ordinary")
    everyone(question, cast["chair"], LU="none")
    services.written_procedures_close_due(now=procedure.deadline)
    procedure.refresh_from_db()
    assert not procedure.decision.adopted and "1 state without a position (LU)" in procedure.decision.explanation
    assert procedure.decision.procedure == "written"


def test_written_procedure_rules(cast, question):
    with pytest.raises(ValidationError, match="future"):
        services.written_procedure_open(by=cast["chair"], question=question, kind="silence", deadline=timezone.now())
    with pytest.raises(PermissionDenied):
        services.written_procedure_open(
            by=cast["delegate"], question=question, kind="silence", deadline=timezone.now() + datetime.timedelta(days=1)
        )
    open_procedure(cast, question)
    with pytest.raises(ValidationError, match="already exists"):
        open_procedure(cast, question)
    with pytest.raises(workflow_errors.TransitionGuardFailed, match="written procedure is running"):
        services.decision_record(by=cast["chair"], question=question)


def test_written_procedure_page_has_a_countdown(client, cast, question):
    procedure = open_procedure(cast, question)
    client.force_login(cast["delegate"])
    html = client.get(reverse("written-procedure-page", args=[procedure.pk])).content.decode()
    shown = re.search(r'<time data-countdown [^>]*datetime="([^"]+)"', html).group(1)
    assert datetime.datetime.fromisoformat(shown) == procedure.deadline
    client.force_login(cast["outsider"])
    assert client.get(reverse("written-procedure-page", args=[procedure.pk])).status_code == 404


# --- The board on the case page (htmx) -------------------------------------------------


def test_delegate_edits_only_their_own_row_and_the_board_updates_with_htmx(client, cast, question):
    client.force_login(cast["delegate"])
    html = client.get(reverse("case-page", args=[question.case.pk])).content.decode()
    assert re.findall(r'data-testid="position-form-([A-Z]{2})"', html) == ["DE"]
    response = client.post(
        reverse("position-set-page", args=[question.pk, "DE"]),
        {"value": "constructive_abstention", "declaration": "Germany will not obstruct."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<div class="cdt-board"') and 'data-state="DE" data-position="constructive_abstention"' in fragment
    response = client.post(reverse("position-set-page", args=[question.pk, "FR"]), {"value": "support"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and "Only a delegate of France" in response.content.decode()
    client.force_login(cast["chair"])  # the chair may record every state's position
    html = client.get(reverse("case-page", args=[question.case.pk])).content.decode()
    assert len(re.findall(r'data-testid="position-form-([A-Z]{2})"', html)) == 27


# --- Meetings -------------------------------------------------------------------------


def test_meetings_agenda_items_follow_case_access(client, cast, open_case):
    case = open_case()
    hwpci = CouncilBody.objects.get(code="HWPCI")
    meeting = services.meeting_schedule(
        by=cast["secretariat"], body=hwpci, starts_at=timezone.make_aware(datetime.datetime(2026, 11, 26, 10))
    )
    assert meeting.chaired_by.code == "IE"
    services.agenda_item_add(by=cast["chair"], meeting=meeting, title="Adoption of the agenda")
    item = services.agenda_item_add(by=cast["chair"], meeting=meeting, title="Wiper attack: exchange of views", case=case)
    client.force_login(cast["chair"])
    response = client.patch(
        f"/api/v1/meetings/{meeting.pk}/agenda-items/{item.pk}/",
        {"conclusions": "SIAC to brief", "next_steps": "Options note"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["conclusions"] == "SIAC to brief"
    client.force_login(cast["outsider"])
    agenda = client.get(f"/api/v1/meetings/{meeting.pk}/").json()["agenda_items"]
    assert [a["title"] for a in agenda] == ["Adoption of the agenda"]
    html = client.get(reverse("meeting-page", args=[meeting.pk])).content.decode()
    assert "Adoption of the agenda" in html and "Wiper attack" not in html
    assert (
        client.patch(
            f"/api/v1/meetings/{meeting.pk}/agenda-items/{item.pk}/", {"conclusions": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(cast["delegate"])
    html = client.get(reverse("meeting-page", args=[meeting.pk])).content.decode()
    assert "Wiper attack" in html and "SIAC to brief" in html and "Chaired by the Ireland Presidency" in html
    assert (
        client.post("/api/v1/meetings/", {"body": "PSC", "starts_at": "2026-12-01T10:00:00Z"}, content_type="application/json").status_code
        == 403
    )


@pytest.mark.parametrize("extra", [0, 5])
def test_question_and_procedure_lists_have_constant_queries(client, cast, open_case, django_assert_num_queries, extra):
    for index in range(1 + extra):
        case = open_case(title=f"case {index}")
        q = services.question_put(
            by=cast["chair"], case=case, text=f"Q{index}", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
        )
        services.written_procedure_open(by=cast["chair"], question=q, kind="silence", deadline=timezone.now() + datetime.timedelta(days=1))
    client.force_login(cast["delegate"])
    # session, user, roles, count, page, session save (3), the list-read audit record (one insert into the queue of reads)
    with django_assert_num_queries(9):
        assert client.get("/api/v1/questions/").json()["count"] == 1 + extra
    # ... and which of the page's questions the reader may see (decision 0023: once per page);
    # the session was renewed by the first request, not again within the minute
    with django_assert_num_queries(7):
        assert client.get("/api/v1/written-procedures/").json()["count"] == 1 + extra


def test_each_open_question_has_its_own_form_ids(cast, question, signed_in):
    """Two open questions on a case: every label points at its own
    question's field (no duplicate ids, a WCAG failure)."""
    import re
    from collections import Counter

    second = services.question_put(
        by=cast["chair"],
        case=question.case,
        text="List the persons responsible",
        voting_rule="unanimity",
        body=CouncilBody.objects.get(code="PSC"),
    )
    html = signed_in["chair"].get(f"/cases/{question.case_id}/").content.decode()
    ids = Counter(re.findall(r'(?<![-\w])id="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    assert f'id="id_q{question.pk}_deadline"' in html and f'id="id_q{second.pk}_deadline"' in html
    assert f'for="id_q{second.pk}_deadline"' in html


# --- Questions and written procedures move only through the workflow engine -------------


def moves(model, obj, transition):
    """The log rows and audit entries of ``obj``'s ``transition``."""
    log = model.objects.filter(**{"question" if model is QuestionTransition else "procedure": obj}, transition=transition)
    audit = AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSITION, object_type=obj._meta.label_lower, object_id=str(obj.pk), details__transition=transition
    )
    return list(log), audit.count()


def test_status_is_never_assigned_directly(question):
    procedure = WrittenProcedure(question=question)  # a new object takes its default
    for loaded in (Question.objects.get(pk=question.pk), procedure):
        with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
            loaded.status = "decided" if isinstance(loaded, Question) else "closed"


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_recording_a_decision_decides_the_question_once_logged_and_audited(client, cast, question, who):
    decision = services.decision_record(by=cast[who], question=question)
    question.refresh_from_db()  # the protected field reloads (FSMModelMixin)
    assert question.status == Question.Status.DECIDED and decision.question.status == Question.Status.DECIDED
    log, audited = moves(QuestionTransition, question, "decide")
    assert [(row.source, row.target, row.by) for row in log] == [("open", "decided", cast[who])] and audited == 1
    with pytest.raises(workflow_errors.TransitionConflict, match="already decided"):  # the engine's 409
        services.decision_record(by=cast[who], question=question)
    with pytest.raises(workflow_errors.TransitionConflict):
        transition_run(obj=question, transition="decide", by=cast[who])
    assert moves(QuestionTransition, question, "decide")[1] == 1


@pytest.mark.parametrize("who", ["delegate", "eeas"])
def test_deciding_a_question_is_refused_to_other_roles(cast, question, who):
    with pytest.raises(PermissionDenied):
        transition_run(obj=question, transition="decide", by=cast[who])
    assert Question.objects.get(pk=question.pk).is_open and moves(QuestionTransition, question, "decide") == ([], 0)
    assert [option.available for option in transition_options(question, cast[who])] == [False]
    assert [option.available for option in transition_options(question, cast["chair"])] == [True]


def test_the_system_alone_closes_a_written_procedure_once_logged_and_audited(cast, question):
    procedure = open_procedure(cast, question)
    with pytest.raises(ValueError, match="unknown transition"):  # no user takes it, whatever the role
        transition_run(obj=procedure, transition="close", by=cast["chair"])
    assert transition_options(procedure, cast["chair"]) == []
    assert services.written_procedures_close_due(now=procedure.deadline) == 1
    procedure.refresh_from_db()
    assert procedure.status == WrittenProcedure.Status.CLOSED and procedure.closed_at == procedure.deadline
    log, audited = moves(WrittenProcedureTransition, procedure, "close")
    assert [(row.source, row.target, row.by) for row in log] == [("open", "closed", None)] and audited == 1
    log, audited = moves(QuestionTransition, question, "decide")  # the question, decided by the system with it
    assert [(row.source, row.target, row.by) for row in log] == [("open", "decided", None)] and audited == 1
    assert services.written_procedures_close_due(now=procedure.deadline) == 0
    assert moves(WrittenProcedureTransition, procedure, "close")[1] == 1


def test_a_refused_decision_on_the_page_goes_back_to_the_council_section(client, cast, question):
    client.force_login(cast["delegate"])
    response = client.post(reverse("decision-record-page", args=[question.pk]), {"legal_act": ""})
    assert response.status_code == 302 and response.url == reverse("case-page", args=[question.case_id]) + "?tab=council#council"
    assert Question.objects.get(pk=question.pk).is_open
