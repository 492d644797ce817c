"""The deliberation and the communication plan on the workflow engine:
each transition writes one log row, one TRANSITION audit entry naming the
object and one event; the engine answers in its order (404, 409, 403, 400
for guards, 400 for input) and a refused step changes nothing; and
simultaneous plan transitions queue on the row lock, so exactly one wins
and the others answer 409 (both database lanes)."""

import asyncio

import httpx
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from attribution import services
from attribution.choices import DeliberationStatus, PlanStatus
from attribution.models import (
    AttributionDeliberation,
    CommunicationPlan,
    DeliberationTransition,
    PlanTransition,
)
from awareness.models import ThreatActor
from bench.load import run_in_own_loop
from cases.models import CaseState
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.security.models import AuditEntry
from cdt.workflow import TransitionConflict, TransitionGuardFailed
from council.models import Question
from notifications.models import Event, EventKind

from .attribution_support import assess_all, claim, decide, referred
from .cases_support import case_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast)


@pytest.fixture
def actor():
    return ThreatActor.objects.create(name="Silent Quill")


def _ready(cast, case, actor):
    claim(cast, case, actor)
    deliberation = services.deliberation_open(by=cast["eeas"], case=case)
    assess_all(cast, deliberation)
    return deliberation


def _decided(cast, case, actor):
    deliberation = referred(cast, case, [actor])
    decide(cast, deliberation)
    return deliberation


def _plan(cast, case, path=()):
    plan = services.plan_create(by=cast["eeas"], case=case, title="Communication plan", objectives="Deter.")
    for transition, who in path:
        plan = services.plan_transition(by=cast[who], plan=plan, transition=transition)
    return plan


# (transition, who, the object before it, its log, the state after)
STEPS = [
    ("refer", "chair", _ready, DeliberationTransition, DeliberationStatus.REFERRED),
    ("conclude", "secretariat", _decided, DeliberationTransition, DeliberationStatus.CONCLUDED),
    ("agree", "secretariat", lambda cast, case, actor: _plan(cast, case), PlanTransition, PlanStatus.AGREED),
    ("execute", "eeas", lambda cast, case, actor: _plan(cast, case, [("agree", "chair")]), PlanTransition, PlanStatus.IN_EXECUTION),
    (
        "complete",
        "eeas",
        lambda cast, case, actor: _plan(cast, case, [("agree", "chair"), ("execute", "eeas")]),
        PlanTransition,
        PlanStatus.COMPLETED,
    ),
]


def _take(cast, obj, transition, who, actor):
    if transition == "refer":
        return services.deliberation_refer(by=cast[who], deliberation=obj)
    if transition == "conclude":
        return services.deliberation_conclude(by=cast[who], deliberation=obj, outcome="public_declaration", actors=[actor])
    return services.plan_transition(by=cast[who], plan=obj, transition=transition)


@pytest.mark.parametrize(("transition", "who", "before", "log_model", "after"), STEPS, ids=[step[0] for step in STEPS])
def test_each_transition_is_logged_audited_and_announced_once(cast, case, actor, transition, who, before, log_model, after):
    obj = before(cast, case, actor)
    source = obj.status
    obj = _take(cast, obj, transition, who, actor)
    assert obj.status == after
    subject = "deliberation" if log_model is DeliberationTransition else "plan"
    [log] = log_model.objects.filter(**{subject: obj}, transition=transition)
    assert (log.source, log.target, log.by) == (source, after, cast[who])
    [entry] = AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSITION, object_type=obj._meta.label_lower, object_id=str(obj.pk), details__transition=transition
    )
    assert (entry.actor, entry.details["from"], entry.details["to"], entry.details["log"]) == (cast[who], source, after, log.pk)
    assert (
        Event.objects.filter(
            kind=EventKind.WORKFLOW_STEP,
            subject_type=ContentType.objects.get_for_model(obj),
            subject_id=obj.pk,
            payload__transition=transition,
        ).count()
        == 1
    )
    if transition == "conclude":  # the actors it covers are set with the step
        assert list(obj.attributed_actors.all()) == [actor] and obj.attributes


def _unchanged(obj, status):
    assert type(obj).objects.get(pk=obj.pk).status == status  # re-read: the status field is protected
    log_model = DeliberationTransition if isinstance(obj, AttributionDeliberation) else PlanTransition
    subject = "deliberation" if isinstance(obj, AttributionDeliberation) else "plan"
    assert not log_model.objects.filter(**{subject: obj}).exclude(transition__in=("open", "create")).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION, object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_the_engines_order_of_answers_for_the_deliberation(cast, case, actor):
    """State (409) before role (403) before guards before input (400)."""
    deliberation = services.deliberation_open(by=cast["eeas"], case=case)
    with pytest.raises(TransitionConflict):  # not referred: the wrong state, whatever the role or the input
        services.deliberation_conclude(by=cast["delegate"], deliberation=deliberation, outcome="nope")
    with pytest.raises(PermissionDenied):  # the role before the unmet guards
        services.deliberation_refer(by=cast["delegate"], deliberation=deliberation)
    with pytest.raises(TransitionGuardFailed):  # the guards before the input
        services.deliberation_refer(by=cast["chair"], deliberation=deliberation, voting_rule="coin toss")
    _unchanged(deliberation, DeliberationStatus.OPEN)
    assess_all(cast, deliberation)
    claim(cast, case, actor)
    with pytest.raises(ValidationError) as error:  # the question is input too: nothing is put when it is wrong
        services.deliberation_refer(by=cast["chair"], deliberation=deliberation, voting_rule="coin toss")
    assert "voting_rule" in error.value.message_dict
    _unchanged(deliberation, DeliberationStatus.OPEN)
    assert not Question.objects.filter(case=case).exists()
    deliberation = services.deliberation_refer(by=cast["chair"], deliberation=deliberation)
    with pytest.raises(PermissionDenied):  # the role before the input
        services.deliberation_conclude(by=cast["eeas"], deliberation=deliberation, outcome="nope")
    with pytest.raises(ValidationError) as error:
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="nope")
    assert "outcome" in error.value.message_dict
    deliberation = AttributionDeliberation.objects.get(pk=deliberation.pk)
    assert deliberation.status == DeliberationStatus.REFERRED and not deliberation.outcome
    assert not DeliberationTransition.objects.filter(deliberation=deliberation, transition="conclude").exists()


def test_who_does_not_see_the_case_gets_no_such_object(cast, case, actor):
    deliberation = _ready(cast, case, actor)
    plan = _plan(cast, case)
    with pytest.raises(Http404):
        services.deliberation_refer(by=cast["outsider"], deliberation=deliberation)
    with pytest.raises(Http404):
        services.plan_transition(by=cast["outsider"], plan=plan, transition="agree")
    with pytest.raises(ValueError):
        services.plan_transition(by=cast["chair"], plan=plan, transition="fly")
    _unchanged(deliberation, DeliberationStatus.OPEN)
    _unchanged(plan, PlanStatus.DRAFT)


def test_the_plan_page_offers_the_steps_the_reader_may_take(cast, signed_in, case):
    plan = _plan(cast, case)
    page = f"/attribution/communication-plans/{plan.pk}/"
    assert 'data-transition="agree"' in signed_in["chair"].get(page).content.decode()
    assert "data-transition=" not in signed_in["eeas"].get(page).content.decode()  # the EEAS does not agree its own plan
    refused = signed_in["eeas"].post(f"{page}agree/")
    assert refused.status_code == 403 and "This step is not yours to take." in refused.content.decode()
    assert signed_in["chair"].post(f"{page}fly/").status_code == 404
    assert signed_in["chair"].post(f"{page}agree/").status_code == 302
    conflict = signed_in["secretariat"].post(f"{page}agree/")
    assert conflict.status_code == 409 and "this step is not possible now" in conflict.content.decode()
    assert 'data-transition="execute"' in signed_in["eeas"].get(page).content.decode()


# --- Simultaneous plan transitions --------------------------------------------------------------

ATTEMPTS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("transition", "path", "takers"), [("agree", [], ("chair", "secretariat")), ("execute", [("agree", "chair")], ("eeas",))]
)
def test_simultaneous_plan_transitions_exactly_one_wins(live_server, cast, transition, path, takers):
    """Requests at once against a threaded live server, each on its own
    connection: the engine re-reads the plan under a row lock (SQLite: the
    write lock an IMMEDIATE transaction takes), so exactly one moves it, the
    others find it moved (409) and one log row is written. Before the
    engine, each request checked the status it had read before its
    transaction and all of them succeeded."""
    case = case_at(CaseState.DELIBERATION, cast)
    plan = _plan(cast, case, path)
    tokens = [api_token_issue(user=cast[name], name="plan", scopes=[READ, WRITE])[1] for name in takers]
    url = f"/api/v1/communication-plans/{plan.pk}/transitions/{transition}/"

    async def attempt_all():
        async with httpx.AsyncClient(base_url=live_server.url, timeout=60, limits=httpx.Limits(max_connections=ATTEMPTS)) as client:
            return await asyncio.gather(
                *(
                    client.post(url, headers={"Authorization": f"Token {tokens[n % len(tokens)]}", "X-Forwarded-Proto": "https"})
                    for n in range(ATTEMPTS)
                )
            )

    answers = run_in_own_loop(attempt_all)
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * (ATTEMPTS - 1), [answer.text[:200] for answer in answers]
    moved = {"agree": PlanStatus.AGREED, "execute": PlanStatus.IN_EXECUTION}[transition]
    assert {answer.json()["state"] for answer in answers if answer.status_code == 409} == {moved}  # the losers are told where it is
    assert PlanTransition.objects.filter(plan=plan, transition=transition).count() == 1
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.TRANSITION,
            object_type="attribution.communicationplan",
            object_id=str(plan.pk),
            details__transition=transition,
        ).count()
        == 1
    )
    assert CommunicationPlan.objects.get(pk=plan.pk).status == moved
