"""The demo's register at work: what waits for someone today, so each demo
role's home page has something to do. A question waiting for the demo
delegations' positions, requests for information SIAC has to answer and,
if none is running any more (the demo's own closed at its deadline), a
written procedure. (The scenario's cases bring the rest: the restricted
Estonian case and France's pending request for access to it, the listing's
silence procedure, the démarche whose impact evaluation falls due.)

Each item is found by its own text before it is made, so running
``seed_demo`` again adds nothing, and a database seeded before these items
existed gets them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from awareness.models import RequestForInformation
from awareness.services import rfi_ask
from cases.models import Case, CaseState
from cdt.accounts.models import User
from cdt.directory.models import CouncilBody, MemberState, Organisation
from council import services as council
from council.models import PositionValue, Question, WrittenProcedure

#: The open question on the wiper case; the demo delegations (DE, FR, EE) and the Presidency have not answered it.
WAITING_QUESTION = (
    "Does the Council agree to accompany the coordinated attribution with the démarches proposed in option 1 of the options note?"
)
#: Delegations that have answered already (the demo's own delegations have not).
ANSWERED = ("NL", "PL", "LT", "LV", "FI", "SE")
WIPER_CASE = "Wiper attack on electricity transmission operators"
ESPIONAGE_CASE = "Espionage campaign against foreign ministries"
#: (case title, asking user, request, days until due).
REQUESTS = (
    (
        ESPIONAGE_CASE,
        "delegate-fr",
        "Which foreign ministries' networks are still compromised, and since when? France needs this before the next HWPCI.",
        5,
    ),
    (
        WIPER_CASE,
        "delegate-de",
        "Is there any sign that the wiper's operators still have access to other transmission system operators in the EU?",
        12,
    ),
)


def seed_demo_living_register(chair: User, users: dict[str, User]) -> None:
    with transaction.atomic():
        question = _waiting_question(chair)
        _requests_for_information(users)
        if question is not None:
            _running_procedure(chair, question)


def _waiting_question(chair: User) -> Question | None:
    case = Case.objects.filter(title=WIPER_CASE).first()
    if case is None:
        return None
    question = Question.objects.filter(case=case, text=WAITING_QUESTION).first()
    if question is not None or case.state not in (CaseState.DELIBERATION, CaseState.DECISION):
        return question
    question = council.question_put(
        by=chair, case=case, text=WAITING_QUESTION, voting_rule="unanimity", body=CouncilBody.objects.get(code="HWPCI")
    )
    for state in MemberState.objects.filter(code__in=ANSWERED):
        council.position_set(by=chair, question=question, member_state=state, value=PositionValue.SUPPORT)
    return question


def _requests_for_information(users: dict[str, User]) -> None:
    siac = Organisation.objects.get(code="SIAC")
    today = timezone.localdate()
    for title, asker, text, days in REQUESTS:
        case = Case.objects.filter(title=title).first()
        if case is None or RequestForInformation.objects.filter(case=case, question=text).exists():
            continue
        rfi_ask(by=users[asker], case=case, addressed_to=siac, question=text, due_on=today + datetime.timedelta(days=days))


def _running_procedure(chair: User, question: Question) -> None:
    """A written procedure with its deadline ahead, on the waiting question,
    unless one is running already (the scenario's silence procedure, while
    its deadline has not passed)."""
    now = timezone.now()
    if (
        WrittenProcedure.objects.filter(status=WrittenProcedure.Status.OPEN, deadline__gt=now).exists()
        or question.status != Question.Status.OPEN
    ):
        return
    council.written_procedure_open(
        by=chair,
        question=question,
        kind=WrittenProcedure.Kind.ORDINARY,
        deadline=now + datetime.timedelta(days=5),
        coreu_reference="CFSP/SEC/0811/26",
    )
