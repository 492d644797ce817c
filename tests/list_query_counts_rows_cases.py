"""Rows for the lists of cases, access requests and the Council, in bulk."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import AccessRequest, AccessRequestStatus, Case, CaseKind
from cdt.security.markings import Distribution
from council.models import AgendaItem, Decision, Meeting, Procedure, Question, WrittenProcedure

from .list_query_counts_support import CHILD, MARKINGS, World, grant, link


def make_cases(world: World, n: int) -> list[Case]:
    de, now = world.orgs["DE"], timezone.now()
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"QC-{i:06d}",
                kind=CaseKind.MALICIOUS_ACTIVITY,
                title=f"Load case {i}",
                summary="Bulk case.",
                brought_by=de,
                brought_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300),
                originator=de,
                created_by=world.cast["delegate"],
                created_at=now,
                updated_at=now,
                **MARKINGS,
                # Half distributed to HWPCI, half restricted and granted to DE: both ways in cost the same.
                distribution=Distribution.HWPCI if i % 2 else Distribution.RESTRICTED,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    grant(Case, [case for case in cases if case.distribution == Distribution.RESTRICTED])
    link(Case.member_states_affected, [(case, world.states["DE"]) for case in cases])
    link(Case.suspected_actors, [(case, world.actor) for case in cases])
    return cases


def make_access_requests(world: World, n: int) -> None:
    """Half the delegate's own requests (naming no case), half others'
    decided requests on the delegate's case, which the delegate decides for."""
    others = [world.cast["outsider"], world.cast["siac"]]
    AccessRequest.objects.bulk_create(
        [
            AccessRequest(reference=f"CDT-2026-{i:04d}", requested_by=world.cast["delegate"], reason="Agenda item.")
            if i % 2
            else AccessRequest(
                reference=world.case.reference,
                case=world.case,
                requested_by=others[i % 4 // 2],
                reason="Agenda item.",
                status=AccessRequestStatus.DECLINED,  # one pending request per requester and reference
                decision_reason="Not affected.",
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_meetings(world: World, n: int) -> None:
    start = timezone.now() + datetime.timedelta(days=1)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                body=world.bodies["HWPCI"],
                starts_at=start + datetime.timedelta(hours=i),
                title=f"Load meeting {i}",
                chaired_by=world.states["IE"],
                created_by=world.cast["secretariat"],
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    AgendaItem.objects.bulk_create(
        [
            item
            for meeting in meetings
            for item in (
                AgendaItem(meeting=meeting, order=1, title="Case item", case=world.case),
                AgendaItem(meeting=meeting, order=2, title="Any other business"),
            )
        ],
        batch_size=2000,
    )


def make_questions(world: World, n: int) -> list[Question]:
    return Question.objects.bulk_create(
        [
            Question(case=world.case, text=f"Load question {i}", body=world.bodies["COUNCIL"], put_by=world.cast["chair"], **CHILD)
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_decisions(world: World, n: int) -> list[Decision]:
    return Decision.objects.bulk_create(
        [
            Decision(
                case=world.case,
                body=world.bodies["COUNCIL"],
                procedure=Procedure.HR_ACT,
                adopted=True,
                explanation=f"Load act {i}",
                decided_on=datetime.date(2026, 11, 2),
                recorded_by=world.cast["eeas"],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_written_procedures(world: World, n: int) -> None:
    questions, decisions = make_questions(world, n), make_decisions(world, n)
    deadline = timezone.now() + datetime.timedelta(days=3)
    WrittenProcedure.objects.bulk_create(
        [
            WrittenProcedure(
                case=world.case,
                question=question,
                kind=WrittenProcedure.Kind.SILENCE,
                deadline=deadline,
                opened_by=world.cast["chair"],
                decision=decision if index % 2 else None,
                **CHILD,
            )
            for index, (question, decision) in enumerate(zip(questions, decisions))
        ],
        batch_size=1000,
    )
