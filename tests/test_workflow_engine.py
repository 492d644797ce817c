"""The one workflow engine (decision 0027): the order of its answers, what
one transition writes (one log row, one audit entry, one event, or none of
them), the options it lists, and that every state machine of CDT runs on it."""

import ast
import pathlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_fsm import FSMField

from cases.models import CaseState, CaseTransition, ClosureReason
from cases.workflow import CaseWorkflow
from cdt.security.models import AuditEntry
from cdt.workflow import TransitionConflict, TransitionGuardFailed, transition_options, transition_run, workflow_for
from cdt.workflow.http import page_attempt
from cdt.workflow.registry import _GUARDS
from notifications.models import Event

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parent.parent


def written(case):
    return (
        CaseTransition.objects.filter(case=case).count(),
        AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION, object_id=str(case.pk)).count(),
        Event.objects.filter(case=case).count(),
    )


def test_every_state_machine_runs_on_the_engine():
    """A model with an FSM field has a registered workflow: there is no
    second runner to forget."""
    machines = [
        model
        for model in apps.get_models()
        if any(isinstance(field, FSMField) for field in model._meta.fields)
        and not any(field.name == "history_id" for field in model._meta.fields)  # django-simple-history's copies
    ]
    assert len(machines) >= 2
    missing = []
    for model in machines:
        try:
            workflow_for(model)
        except LookupError:
            missing.append(model._meta.label)
    assert not missing, f"state machines without a workflow: {missing}"


def test_no_transition_runner_outside_the_engine():
    """django-fsm's checks and its conflict error are the engine's alone: a
    module that calls them is running a transition by hand."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "node_modules/", "cdt/workflow/", "tests/")) or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django_fsm":
                used = {alias.name for alias in node.names} & {"can_proceed", "has_transition_perm", "ConcurrentTransition"}
                if used:
                    offenders.append(f"{relative}: {sorted(used)}")
    assert not offenders, offenders


def test_the_order_of_answers(cast, open_case):
    """404 before 409 before 403 before the guards before the input."""
    case = open_case()
    with pytest.raises(ValueError):
        transition_run(obj=case, transition="no_such_step", by=cast["chair"])
    with pytest.raises(Http404):  # the outsider's delegation does not see the case, even for a step that is wrong
        transition_run(obj=case, transition="close", by=cast["outsider"])
    with pytest.raises(TransitionConflict) as conflict:  # the wrong state, even for the wrong role
        transition_run(obj=case, transition="reopen", by=cast["delegate"], reason="x")
    assert conflict.value.state == CaseState.STARTED
    with pytest.raises(PermissionDenied):
        transition_run(obj=case, transition="share_awareness", by=cast["delegate"])
    assert written(case)[:2] == (0, 0)  # nothing logged or audited by a refused step


def test_guards_then_input(cast, open_case, monkeypatch):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    monkeypatch.setitem(_GUARDS, ("cases.case", "close"), [("blocker", lambda c, u: "A guard stands in the way.")])
    with pytest.raises(TransitionGuardFailed) as blocked:  # a guard is answered before missing input
        transition_run(obj=case, transition="close", by=cast["chair"])
    assert blocked.value.reasons == ["A guard stands in the way."]
    monkeypatch.setitem(_GUARDS, ("cases.case", "close"), [])
    with pytest.raises(ValidationError) as invalid:
        transition_run(obj=case, transition="close", by=cast["chair"], reason="not-a-reason")
    assert "reason" in invalid.value.message_dict


def test_one_transition_writes_one_log_row_one_audit_entry_one_event(cast, open_case):
    case = open_case()
    before = written(case)
    outcome = transition_run(obj=case, transition="share_awareness", by=cast["chair"], comment="Shared")
    after = written(case)
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    audit = AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION, object_id=str(case.pk)).latest("id")
    assert audit.details == {"transition": "share_awareness", "from": CaseState.STARTED, "to": CaseState.AWARENESS, "log": outcome.log.pk}
    assert (outcome.log.source, outcome.log.target, outcome.log.by, outcome.log.comment) == (
        CaseState.STARTED,
        CaseState.AWARENESS,
        cast["chair"],
        "Shared",
    )


def test_a_failure_after_the_body_leaves_nothing_behind(cast, open_case, monkeypatch):
    """The change, its log, its audit entry and its event commit together or
    not at all."""
    case = open_case()
    before = written(case)

    def broken_event(self, *args, **kwargs):
        raise RuntimeError("the outbox is gone")

    monkeypatch.setattr(CaseWorkflow, "event", broken_event)
    with pytest.raises(RuntimeError):
        transition_run(obj=case, transition="share_awareness", by=cast["chair"])
    case.refresh_from_db()
    assert case.state == CaseState.STARTED
    assert written(case) == before


def test_options_agree_with_the_runner(cast, open_case):
    """What transition_options calls available, transition_run takes; what it
    calls blocked, it refuses for the reasons given."""
    for role in ("chair", "delegate", "eeas", "secretariat", "siac"):
        case = walk_to(open_case(), CaseState.DELIBERATION, cast)
        for option in transition_options(case, cast[role]):
            given = {"reason": ClosureReason.NO_RESPONSE_AGREED} if option.spec.reasons else {}
            if option.available:
                continue
            with pytest.raises((PermissionDenied, TransitionGuardFailed)):
                transition_run(obj=case, transition=option.spec.name, by=cast[role], **given)
        available = [option for option in transition_options(case, cast[role]) if option.available and option.spec.name == "close"]
        if available:
            outcome = transition_run(obj=case, transition="close", by=cast[role], reason=ClosureReason.NO_RESPONSE_AGREED)
            assert outcome.obj.state == CaseState.CLOSED


def test_page_attempt_maps_each_domain_error():
    def raising(error):
        def run():
            raise error

        return run

    assert page_attempt(lambda: 42).result == 42 and not page_attempt(lambda: 42).failed
    assert page_attempt(raising(PermissionDenied("Not yours."))).status == 403
    conflict = page_attempt(raising(TransitionConflict("Moved.", state="closed")))
    assert (conflict.status, conflict.errors) == (409, ["Moved."])
    guards = page_attempt(raising(TransitionGuardFailed(["First.", "Second."])))
    assert (guards.status, guards.errors) == (400, ["First.", "Second."])
    invalid = page_attempt(raising(ValidationError({"reason": "Give a reason."})))
    assert (invalid.status, invalid.field_errors) == (400, {"reason": ["Give a reason."]})


def test_a_refused_choice_is_named_by_its_label(cast, open_case):
    """Choices in an answer are the words on the screen, not stored keys."""
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    with pytest.raises(ValidationError) as invalid:
        transition_run(obj=case, transition="close", by=cast["chair"], reason="not-a-reason")
    message = " ".join(invalid.value.message_dict["reason"])
    assert "“No response agreed”" in message and "no_response_agreed" not in message
