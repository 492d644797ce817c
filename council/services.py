"""Writes in Council deliberation: meetings and agendas, questions and
positions, decisions, written procedures and their closing."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cases.models import Case
from cdt.directory.models import CouncilBody, MemberState
from cdt.directory.selectors import Population, population_on, presidency_on
from cdt.security.access import visible_to
from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry
from cdt.workflow import transition_run
from notifications.deadlines import deadline_set
from notifications.models import DeadlineKind, EventKind
from notifications.services import event_record

from . import dates, outcomes, permissions, voting
from .legal_act_services import legal_acts_attach, legal_acts_check
from .models import AgendaItem, Decision, LegalAct, Meeting, Position, PositionValue, Procedure, Question, WrittenProcedure
from .position_services import position_set, positions_record
from .reasons import Reason

__all__ = ["position_set", "positions_record"]  # re-exported: positions are written in council.position_services

logger = logging.getLogger(__name__)

#: The rules that always need the population figures.
QUALIFIED_RULES = (voting.Rule.QUALIFIED_MAJORITY.value, voting.Rule.REINFORCED_QUALIFIED_MAJORITY.value)

# --- Meetings ------------------------------------------------------------------


def meeting_schedule(*, by, body: CouncilBody, starts_at: datetime.datetime, title: str = "", location: str = "") -> Meeting:
    """Schedule a meeting; an HWPCI meeting is chaired by the Presidency of the day."""
    if not permissions.may_manage_meetings(by):
        raise PermissionDenied(_("Only the chair and the secretariat schedule meetings."))
    term = presidency_on(timezone.localtime(starts_at).date()) if body.code == "HWPCI" else None
    meeting = Meeting(
        body=body,
        starts_at=starts_at,
        title=title,
        location=location or Meeting._meta.get_field("location").default,
        chaired_by=term.member_state if term else None,
        created_by=by,
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        deadline_set(kind=DeadlineKind.MEETING, subject=meeting, meeting=meeting, due_at=meeting.starts_at)
    return meeting


def meeting_agenda_publish(*, by, meeting: Meeting) -> Meeting:
    """Publish the agenda: delegates are told (the agenda's items are on
    the meeting page, where each case item shows only to those who may
    see the case)."""
    if not permissions.may_manage_meetings(by):
        raise PermissionDenied(_("Only the chair and the secretariat publish agendas."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.agenda_items.exists():
            raise ValidationError({"agenda": _("Add at least one item before publishing the agenda.")})
        republished = meeting.agenda_published_at is not None
        meeting.agenda_published_at = timezone.now()
        meeting.save(update_fields=["agenda_published_at"])
        event_record(kind=EventKind.AGENDA_PUBLISHED, subject=meeting, meeting=meeting, actor=by, payload={"revised": republished})
    return meeting


def agenda_item_add(*, by, meeting: Meeting, title: str, case: Case | None = None) -> AgendaItem:
    if not permissions.may_manage_meetings(by):
        raise PermissionDenied(_("Only the chair and the secretariat set the agenda."))
    if case is not None and not visible_to(Case.objects.filter(pk=case.pk), by).exists():
        raise ValidationError({"case": _("No such case.")})
    with transaction.atomic():
        order = (meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = AgendaItem(meeting=meeting, title=title, case=case, order=order)
        item.full_clean()
        item.save()
    return item


def agenda_item_record_outcome(*, by, item: AgendaItem, conclusions: str = "", follow_up: str = "", next_steps: str = "") -> AgendaItem:
    if not permissions.may_manage_meetings(by):
        raise PermissionDenied(_("Only the chair and the secretariat record outcomes."))
    item.conclusions, item.follow_up, item.next_steps = conclusions, follow_up, next_steps
    item.save(update_fields=["conclusions", "follow_up", "next_steps"])
    return item


# --- Questions and positions ----------------------------------------------------------


def question_put(
    *,
    by,
    case: Case,
    text: str,
    voting_rule: str,
    body: CouncilBody,
    classification: int | None = None,
    put_on: datetime.date | None = None,
) -> Question:
    """Put a question to the Council for a case, on ``put_on`` (today by
    default; a past day when the record is entered later, not before the
    case was brought). Every Member State of that day starts with "no
    position yet": the EU-28 before February 2020."""
    if not permissions.may_put_question(by):
        raise PermissionDenied(_("Only the chair and the secretariat put questions to the Council."))
    put_on = put_on or timezone.localdate()
    dates.check_day(put_on, field="put_on", case=case)
    with transaction.atomic():
        question = Question(
            case=case,
            text=text,
            voting_rule=voting_rule,
            body=body,
            put_by=by,
            put_on=put_on,
            classification=case.classification if classification is None else classification,
        )
        question.full_clean(exclude=["status"])  # the status is the machine's (and protected)
        question.save()
        bulk_create_with_history(
            [Position(question=question, member_state=state) for state in MemberState.objects.members_on(put_on)],
            Position,
            default_user=by,
        )
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=question, details={"case": case.pk, "put_on": put_on.isoformat()})
        event_record(kind=EventKind.POSITION_REQUESTED, subject=question, actor=by, link=reverse("question-board-page", args=[question.pk]))
    return question


# --- Decisions ------------------------------------------------------------------------


def _in_english(reason: Reason | str) -> str:
    """The outcome as the record keeps it in words (the API's, the search's):
    English, whoever closes the question."""
    with translation.override("en"):
        return str(reason)


def _decide(
    *,
    question: Question,
    by,
    procedure: str,
    result: voting.Outcome | None,
    legal_act: str,
    decided_on: datetime.date,
    acts: list[LegalAct] | None = None,
    population: Population | None = None,
) -> Decision:
    """Record the decision on ``question`` and move the question to decided
    through the workflow engine, in the caller's transaction: by ``by``
    after a meeting, or by the system (``by=None``) when a written
    procedure closes."""
    # A decision entered afterwards logs its own day; the closer at a deadline logs the day it closes.
    question = transition_run(obj=question, transition="decide", by=by, system=by is None, on=decided_on if by is not None else None).obj
    positions = list(question.positions.select_related("member_state"))
    if result is None:  # in a meeting: the positions as they stand, read under the question's lock
        try:
            result, population = outcomes.outcome_on(positions, question.voting_rule, decided_on)
        except outcomes.PopulationFiguresMissing as missing:
            raise outcomes.figures_refused(missing, "decided_on") from missing
    decision = Decision(
        case=question.case,
        question=question,
        body=question.body,
        procedure=procedure,
        voting_rule=question.voting_rule,
        adopted=result.adopted,
        explanation=_in_english(result.reason),
        explanation_reason=result.reason.as_record() if isinstance(result.reason, Reason) else {},
        tally=outcomes.tally_record(result, positions, population),
        legal_act=legal_act,
        decided_on=decided_on,
        recorded_by=by,
        classification=question.classification,
    )
    decision.save()
    legal_acts_attach(decision=decision, acts=acts or [])
    audit_record(
        action=AuditEntry.Action.CREATE,
        actor=by,
        target=decision,
        details={
            "question": question.pk,
            "adopted": result.adopted,
            "procedure": procedure,
            "legal_acts": [f"{act.kind} {act.number}" for act in acts or []],
        },
    )
    if result.adopted:
        event_record(
            kind=EventKind.DECISION_ADOPTED,
            subject=decision,
            actor=by,
            payload={"procedure": procedure},
            link=reverse("question-board-page", args=[question.pk]),
        )
    return decision


def decision_record(
    *,
    by,
    question: Question,
    legal_act: str = "",
    decided_on: datetime.date | None = None,
    legal_acts: list[Mapping[str, Any]] | None = None,
) -> Decision:
    """Record the decision taken in a meeting: the outcome is computed from
    the positions now, under the question's rule, and the question closes.
    ``legal_acts`` (the acts it is published as) are written with it, or
    nothing is."""
    decided_on = decided_on or timezone.localdate()
    dates.check_day(
        decided_on, field="decided_on", case=question.case, not_before=question.put_on, not_before_label=_("the question was put")
    )
    acts = legal_acts_check(legal_acts or [], decided_on=decided_on)
    with transaction.atomic():
        # The engine (inside _decide) locks the question and answers: 404, 409 if
        # already decided, 403 for the role, 400 while a written procedure runs.
        return _decide(
            question=question,
            by=by,
            procedure=Procedure.MEETING,
            result=None,
            legal_act=legal_act,
            decided_on=decided_on,
            acts=acts,
        )


def hr_act_record(
    *,
    by,
    case: Case,
    explanation: str,
    legal_act: str = "",
    decided_on: datetime.date | None = None,
    legal_acts: list[Mapping[str, Any]] | None = None,
) -> Decision:
    """Record an act of the High Representative under his/her discretionary
    role in CFSP (para 24, step 5)."""
    if not permissions.may_record_hr_act(by):
        raise PermissionDenied(_("HR discretionary acts are recorded by the EEAS or the secretariat."))
    if not explanation.strip():
        raise ValidationError({"explanation": _("Describe the act.")})
    decided_on = dates.check_day(decided_on or timezone.localdate(), field="decided_on", case=case)
    acts = legal_acts_check(legal_acts or [], decided_on=decided_on)
    with transaction.atomic():
        decision = Decision(
            case=case,
            procedure=Procedure.HR_ACT,
            adopted=True,
            explanation=explanation,
            legal_act=legal_act,
            decided_on=decided_on,
            recorded_by=by,
            classification=case.classification,
        )
        decision.full_clean()
        decision.save()
        legal_acts_attach(decision=decision, acts=acts)
        audit_record(
            action=AuditEntry.Action.CREATE,
            actor=by,
            target=decision,
            details={"procedure": Procedure.HR_ACT, "legal_acts": [f"{act.kind} {act.number}" for act in acts]},
        )
        event_record(kind=EventKind.DECISION_ADOPTED, subject=decision, actor=by, payload={"procedure": Procedure.HR_ACT})
    return decision


# --- Written procedures -----------------------------------------------------------------


def written_procedure_open(
    *, by, question: Question, kind: str, deadline: datetime.datetime, coreu_reference: str = ""
) -> WrittenProcedure:
    if not permissions.may_open_written_procedure(by):
        raise PermissionDenied(_("Only the chair and the secretariat open written procedures."))
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    if kind not in WrittenProcedure.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of written procedure.")})
    if kind == WrittenProcedure.Kind.ORDINARY and question.voting_rule in QUALIFIED_RULES:
        # Closed on the figures of the deadline's year: refused now rather than stuck open then.
        try:
            population_on(timezone.localtime(deadline).date(), list(question.positions.values_list("member_state_id", flat=True)))
        except outcomes.PopulationFiguresMissing as missing:
            raise outcomes.figures_refused(missing, "deadline") from missing
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if not question.is_open:
            raise ValidationError({"question": _("This question is already decided.")})
        if WrittenProcedure.objects.filter(question=question).exists():
            raise ValidationError({"question": _("A written procedure already exists for this question.")})
        if kind == WrittenProcedure.Kind.SILENCE:
            # Read under the question's lock (positions are set under it too).
            objecting = list(
                question.positions.filter(value=PositionValue.OBJECTION)
                .order_by("member_state__protocol_order")
                .values_list("member_state__code", flat=True)
            )
            if objecting:
                raise ValidationError(
                    {
                        "kind": _(
                            "Silence is already broken: %(states)s objected. A silence procedure would fail at once; "
                            "open an ordinary written procedure or decide in a meeting."
                        )
                        % {"states": ", ".join(objecting)}
                    }
                )
        procedure = WrittenProcedure.objects.create(
            case=question.case,
            question=question,
            kind=kind,
            deadline=deadline,
            coreu_reference=coreu_reference,
            opened_by=by,
            classification=question.classification,
        )
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=procedure, details={"kind": kind, "deadline": deadline.isoformat()})
        link = reverse("written-procedure-page", args=[procedure.pk])
        event_record(
            kind=EventKind.PROCEDURE_OPENED,
            subject=procedure,
            actor=by,
            link=link,
            payload={"kind": kind, "deadline": deadline.isoformat()},
        )
        deadline_set(kind=DeadlineKind.PROCEDURE, subject=procedure, due_at=deadline, link=link)
    return procedure


def written_procedures_close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open written procedure whose deadline has passed, each in
    its own transaction; return how many were closed. Safe to run twice or
    in parallel: a procedure is locked (others skip it) and only an open one
    is closed."""
    now = now or timezone.now()
    closed = 0
    due = list(WrittenProcedure.objects.filter(status=WrittenProcedure.Status.OPEN, deadline__lte=now).values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            procedure = (
                WrittenProcedure.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=WrittenProcedure.Status.OPEN)
                .select_related("question", "question__case", "question__body")
                .first()
            )
            if procedure is None:
                continue
            question = procedure.question
            day = timezone.localtime(procedure.deadline).date()
            positions = list(question.positions.select_related("member_state"))
            population = None
            if procedure.kind == WrittenProcedure.Kind.SILENCE:
                result, kind = outcomes.silence_outcome(positions), Procedure.SILENCE
            else:
                try:
                    result, population = outcomes.outcome_on(positions, question.voting_rule, day)
                except outcomes.PopulationFiguresMissing as missing:
                    # Left open, not decided on a false count: it closes at the first run
                    # after the secretariat has entered the year's figures.
                    logger.warning("Written procedure %s not closed: %s", procedure.pk, missing.message)
                    continue
                kind = Procedure.WRITTEN
            decision = _decide(
                question=question,
                by=None,
                procedure=kind,
                result=result,
                legal_act="",
                decided_on=day,
                population=population,
            )
            # The system closes it (council.workflows: logged, audited, its event and reminder done).
            transition_run(obj=procedure, transition="close", by=None, system=True, decision=decision, at=now)
            closed += 1
    return closed
