"""The one service that takes a transition, and the one reader of what can
be taken now.

Order of checks, each with its own answer, in one transaction:

1. the transition exists (``ValueError``: the caller's 404 or 400);
2. the object is visible to the user through the access rule (404);
3. the row is locked; its state allows the transition (409, with the state
   found, so of simultaneous attempts exactly one wins);
4. the user's role may take it (403);
5. its guards hold (400 naming each unmet one);
6. the input it needs is there and valid (400 naming the field), and the
   day it happened (``on``: today unless given) is neither in the future,
   nor before the case began, nor before the object's previous step;

then the body runs (it only sets fields), and one log row, one audit entry
and one event are written with the change, or none of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry
from cdt.security.types import AnyUser, is_signed_in

from .errors import TransitionConflict, TransitionGuardFailed
from .records import TransitionRecord
from .registry import Option, Step, Workflow, workflow_for


@dataclass(frozen=True)
class Outcome:
    obj: Any
    log: TransitionRecord
    source: str
    step: Step


def step_of(workflow: Workflow, transition: str, *, system: bool = False) -> Step:
    step = workflow.steps().get(transition)
    if step is None or (step.system and not system):
        raise ValueError(f"unknown transition {transition!r}")
    return step


def transition_run(*, obj: Model, transition: str, by: AnyUser, system: bool = False, **given: Any) -> Outcome:
    """Take ``transition`` on ``obj`` for ``by`` (see the module docstring
    for the order of checks). ``system=True`` is the beat's deadline closer:
    no user, no role check, only the steps declared ``system``."""
    workflow = workflow_for(obj)
    step = step_of(workflow, transition, system=system)
    with transaction.atomic():
        if not system and not workflow.visible(workflow.model._default_manager.filter(pk=obj.pk), by).exists():
            raise Http404(_("No such object."))
        obj = workflow.lock(obj)
        source = workflow.state_of(obj)
        if not step.allowed_from(source):
            raise TransitionConflict(workflow.conflict_message(obj, step), state=source)
        if not system and not step.may(obj, by):
            raise PermissionDenied(workflow.forbidden_message(obj, step))
        unmet = workflow.unmet(obj, step, by)
        if unmet:
            raise TransitionGuardFailed(unmet)
        body = workflow.clean_input(obj, step, by, given)
        on = workflow.occurred_on(obj, step, given, body)
        getattr(obj, step.name)(**body)
        actor = by if is_signed_in(by) else None
        obj._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's author of the change
        try:
            obj.save()
        except ConcurrentTransition as error:
            raise TransitionConflict(_("Someone else moved it first."), state=source) from error
        target = workflow.state_of(obj)
        log = workflow.log_model._default_manager.create(
            **{workflow.log_subject: obj},
            transition=step.name,
            source=source,
            target=target,
            by=actor,
            on=on,
            **workflow.log_fields(obj, step, given, body),
        )
        audit_record(
            action=AuditEntry.Action.TRANSITION,
            actor=actor,
            target=obj,
            details={"transition": step.name, "from": source, "to": target, "log": log.pk},
        )
        workflow.after(obj, step, source, by, body, log)
        workflow.event(obj, step, source, by, log)
    return Outcome(obj=obj, log=log, source=source, step=step)


def transition_options(obj: Model, user: AnyUser) -> list[Option]:
    """Every transition from the object's current state that a user could
    take, with whether ``user`` may take it now and, if not, why (role or
    unmet guard). Read-only; the same checks :func:`transition_run` makes."""
    workflow = workflow_for(obj)
    state = workflow.state_of(obj)
    options = []
    for step in workflow.steps().values():
        if step.system or not step.allowed_from(state):
            continue
        blocked = []
        if not step.may(obj, user):
            blocked.append(_("Your role may not do this."))
        blocked.extend(workflow.unmet(obj, step, user))
        options.append(Option(spec=step, available=not blocked, blocked_by=tuple(blocked)))
    return options
