"""Demo cases for ``seed_demo``: a handful of fictional cases at different
steps of the response process, walked there through the real services
(so their timelines, audit entries and events are genuine). Idempotent:
a demo case that exists (by title) is left alone. The scenario drives every
domain app (council, measures, attribution, awareness), so it lives above them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction

from attribution.demo import demo_attribution
from awareness.factories import ThreatActorFactory
from awareness.services import assessment_record
from cases import services
from cases.access_requests import access_request_create
from cases.models import Case, CaseKind, ClosureReason, Context, LegalQualification, Sector
from cdt.accounts.demo import DEMO_USERNAMES
from cdt.accounts.models import User
from cdt.accounts.roles import Role, is_chair
from cdt.accounts.services import user_upsert
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.directory.selectors import presidency_on
from cdt.security.grants import access_grant
from cdt.security.markings import Classification, Distribution, Tlp
from council import services as council
from council.demo import seed_demo_meetings
from council.models import Position, PositionValue, WrittenProcedure
from measures.demo import demo_measures_implement, demo_measures_select, demo_options_note, demo_strategic_note

from .demo_register import seed_demo_living_register


class Writer(Protocol):
    """Where progress goes: a management command's ``stdout``."""

    def write(self, msg: str, /) -> object: ...


@dataclass
class DemoCase:
    title: str
    opener: str
    kind: str
    brought_by: str
    brought_on: datetime.date
    summary: str
    steps: list[tuple[str, str, dict[str, Any]]]
    affected: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    tlp: int = Tlp.AMBER
    exercise: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    assess: bool = False
    #: HWPCI unless the originator restricts the case to named recipients.
    distribution: str = Distribution.HWPCI
    shared_with: tuple[str, ...] = ()
    #: (username, reason) of a pending request for access to the case.
    access_requested_by: tuple[str, str] | None = None
    #: Days after ``brought_on`` on which each step was taken (the record is
    #: walked over real days, so the figures' time per step means something);
    #: never after today, never before the previous step.
    days: tuple[int, ...] = ()

    def step_day(self, index: int, previous: datetime.date | None = None) -> datetime.date:
        from django.utils import timezone

        today = timezone.localdate()
        offset = self.days[index] if index < len(self.days) else (index + 1) * 7
        on = min(self.brought_on + datetime.timedelta(days=offset), today)
        return max(on, previous) if previous else on


CASES = [
    DemoCase(
        title="Wiper attack on electricity transmission operators",
        opener="delegate-de",
        kind=CaseKind.MALICIOUS_ACTIVITY,
        brought_by="DE",
        brought_on=datetime.date(2026, 10, 6),
        summary="Destructive malware disabled SCADA workstations at two transmission system operators; power was restored within six hours.",
        steps=[
            ("share_awareness", "chair", {}),
            ("explore_response", "delegate-de", {}),
            ("open_deliberation", "chair", {}),
            ("attribution", "chair", {}),
        ],
        days=(2, 9, 23),
        affected=("DE", "PL"),
        actors=("Grey Tempest",),
        sectors=(Sector.ENERGY, Sector.CRITICAL_INFRASTRUCTURE),
        extra={
            "activity_name": "GRIDLOCK wiper",
            "first_seen": datetime.date(2026, 9, 28),
            "last_seen": datetime.date(2026, 10, 3),
            "legal_qualification": LegalQualification.INTERNATIONALLY_WRONGFUL_ACT,
            "origin_territory": "Undisclosed third country",
        },
        assess=True,
    ),
    DemoCase(
        title="Espionage campaign against foreign ministries",
        opener="eeas-drafter",
        kind=CaseKind.PERSISTENT_THREAT_ACTOR,
        brought_by="EEAS",
        brought_on=datetime.date(2026, 9, 15),
        summary="A persistent actor has compromised diplomatic networks of several Member States since 2024; a strategic response note is called for.",
        steps=[("share_awareness", "eeas-drafter", {}), ("explore_response", "eeas-drafter", {})],
        days=(7, 28),
        affected=("FR", "IT", "EE", "LT"),
        actors=("Silent Quill",),
        sectors=(Sector.GOVERNMENT,),
        tlp=Tlp.AMBER_STRICT,
    ),
    DemoCase(
        title="Ransomware against hospitals in the Baltic states",
        opener="delegate-ee",
        kind=CaseKind.MALICIOUS_ACTIVITY,
        brought_by="EE",
        brought_on=datetime.date(2026, 7, 20),
        summary="A ransomware group encrypted patient systems in three hospitals; law enforcement action is ongoing (para 14).",
        steps=[
            ("share_awareness", "chair", {}),
            ("explore_response", "delegate-ee", {}),
            ("open_deliberation", "chair", {}),
            ("refer_for_decision", "chair", {}),
            (
                "council_decision",
                "chair",
                {
                    "text": "Adopt the options in the options note: démarches and a statement by the High Representative on behalf of the EU.",
                    "body": "PSC",
                    "legal_act": "",
                },
            ),
            ("implement", "secretariat", {}),
        ],
        days=(4, 12, 26, 40, 45, 50),
        affected=("EE", "LV", "LT"),
        sectors=(Sector.HEALTH,),
        extra={"context": Context.PEACETIME},
    ),
    DemoCase(
        title="Intrusions into EU institutions' networks: proposed listings",
        opener="eeas-drafter",
        kind=CaseKind.PERSISTENT_THREAT_ACTOR,
        brought_by="EEAS",
        brought_on=datetime.date(2026, 8, 31),
        summary="CERT-EU and SIAC link intrusions into several EUIBA networks to one group; the EEAS proposes listing three persons and one entity.",
        steps=[
            ("share_awareness", "eeas-drafter", {}),
            ("explore_response", "eeas-drafter", {}),
            ("open_deliberation", "chair", {}),
            ("refer_for_decision", "chair", {}),
            (
                "silence_procedure",
                "chair",
                {
                    "text": "Listing of three natural persons and one entity under Decision (CFSP) 2019/797 and Regulation (EU) 2019/796.",
                    "body": "COUNCIL",
                },
            ),
        ],
        days=(5, 19, 40, 61, 75),
        actors=("Silent Quill",),
        sectors=(Sector.GOVERNMENT,),
    ),
    DemoCase(
        title="NATO request for a coordinated response to a DDoS campaign",
        opener="eeas-drafter",
        kind=CaseKind.PARTNER_REQUEST,
        brought_by="NATO",
        brought_on=datetime.date(2026, 11, 18),
        summary="NATO asks the EU to consider a coordinated statement on a DDoS campaign against Allies' public services.",
        steps=[],
        sectors=(Sector.GOVERNMENT,),
        tlp=Tlp.GREEN,
    ),
    DemoCase(
        title="Election-period disruption of news websites",
        opener="delegate-fr",
        kind=CaseKind.MALICIOUS_ACTIVITY,
        brought_by="FR",
        brought_on=datetime.date(2026, 5, 4),
        summary="Short DDoS outages of news outlets during a regional election; effects were limited.",
        steps=[("share_awareness", "chair", {}), ("close", "chair", {"reason": ClosureReason.NO_RESPONSE_AGREED})],
        days=(10, 45),
        affected=("FR",),
        sectors=(Sector.DEMOCRATIC_PROCESSES,),
        extra={"fimi_toolbox_linked": True, "hybrid_toolbox_linked": True},
    ),
    DemoCase(
        title="Espionage against the Estonian foreign ministry: national information",
        opener="delegate-ee",
        kind=CaseKind.MALICIOUS_ACTIVITY,
        brought_by="EE",
        brought_on=datetime.date(2026, 11, 24),
        summary=(
            "Estonia shares national intelligence on an intrusion into its foreign ministry with the Baltic delegations and the "
            "EEAS only (originator control, para 21), before deciding whether to bring it to HWPCI as a whole."
        ),
        steps=[],
        affected=("EE",),
        sectors=(Sector.GOVERNMENT,),
        distribution=Distribution.RESTRICTED,
        shared_with=("LV", "LT", "EEAS"),
        access_requested_by=(
            "delegate-fr",
            "France saw the reference on the HWPCI agenda of 3 December and has related national information.",
        ),
    ),
    DemoCase(
        title="EU CyCLES 2026: supply-chain compromise of a managed service provider",
        opener="delegate-de",
        kind=CaseKind.MALICIOUS_ACTIVITY,
        brought_by="DE",
        brought_on=datetime.date(2026, 11, 3),
        summary="Exercise scenario: a trojanised update of a managed service provider reaches public administrations.",
        steps=[("share_awareness", "chair", {})],
        days=(1,),
        exercise=True,
        sectors=(Sector.SUPPLY_CHAIN,),
        tlp=Tlp.CLEAR,
    ),
]


def _chair(stdout: Writer) -> User:
    """The demo chair: chair-ie while Ireland holds the Presidency; later, a
    delegate of whoever holds it (created once), so the demo keeps working."""
    from django.conf import settings

    chair = User.objects.get(username="chair-ie")
    if is_chair(chair):
        return chair
    term = presidency_on()
    if term is None:
        raise LookupError("No Presidency term covers today: load the directory's Presidency calendar.")
    organisation = Organisation.objects.get(member_state=term.member_state)
    user, created = user_upsert(
        username=f"chair-{term.member_state.code.lower()}",
        password=settings.CDT_DEMO_PASSWORD,
        first_name="Presidency",
        last_name=f"Chair ({term.member_state.name})",
        email=f"chair-{term.member_state.code.lower()}@demo.cdt.invalid",
        organisation=organisation,
        roles=(Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR),
        clearance=Classification.RESTREINT_UE,
    )
    if created:
        stdout.write(f"  {user.username}: chairs HWPCI today ({term.member_state.name} holds the Presidency)")
    return user


def seed_demo_cases(stdout: Writer) -> int:
    """Create the demo cases that do not exist yet; return how many."""
    chair = _chair(stdout)
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES | {chair.username})}
    created = 0
    for demo in CASES:
        if Case.objects.filter(title=demo.title).exists():
            continue
        with transaction.atomic():
            # The registry's entries (found by name if the feed or an earlier run made them).
            actors = [ThreatActorFactory(name=name, state_sponsored=True) for name in demo.actors]
            case = services.case_open(
                by=users[demo.opener],
                kind=demo.kind,
                title=demo.title,
                summary=demo.summary,
                brought_by=Organisation.objects.get(code=demo.brought_by),
                brought_on=demo.brought_on,
                exercise=demo.exercise,
                sectors=list(demo.sectors),
                member_states_affected=list(MemberState.objects.filter(code__in=demo.affected)),
                suspected_actors=actors,
                classification=Classification.RESTREINT_UE if demo.tlp != Tlp.CLEAR else Classification.UNCLASSIFIED,
                limite=True,
                tlp=demo.tlp,
                releasable_to_all=True,
                distribution=demo.distribution,
                shared_with=list(Organisation.objects.filter(code__in=demo.shared_with)),
                **demo.extra,
            )
            if demo.distribution == Distribution.HWPCI:
                # The SIAC analyst is a named recipient, so TLP:AMBER+STRICT and RED cases reach them too.
                access_grant(target=case, by=users[demo.opener], user=users["siac-analyst"])
            if demo.access_requested_by is not None:
                username, reason = demo.access_requested_by
                access_request_create(by=users[username], reference=case.reference, reason=reason)
            if demo.assess:
                services.proportionality_assess(
                    case=case,
                    by=users[demo.opener],
                    scope=3,
                    scope_rationale="Two operators in two Member States.",
                    scale=3,
                    scale_rationale="Regional grids.",
                    duration=2,
                    duration_rationale="Six hours of outage.",
                    intensity=4,
                    intensity_rationale="Destructive, not reversible.",
                    complexity=4,
                    complexity_rationale="OT-specific payload.",
                    sophistication=5,
                    sophistication_rationale="Custom wiper, long preparation.",
                    impact=4,
                    impact_rationale="Essential service interrupted.",
                )
                services.significance_assess(
                    case=case,
                    by=users[demo.opener],
                    factor_a="Interruption of electricity supply, an essential service.",
                    factor_c="Two Member States concerned.",
                    conclusion="significant",
                )
            on: datetime.date | None = None
            for index, (transition, actor, data) in enumerate(demo.steps):
                by = chair if actor == "chair" else users[actor]
                on = demo.step_day(index, on)
                if transition == "council_decision":
                    _council_decision(case, by, users, on=on, **data)
                elif transition == "silence_procedure":
                    _silence_procedure(case, by, users, on=on, **data)
                elif transition == "attribution":
                    demo_attribution(case, users, by)
                else:
                    if transition == "explore_response" and not case.assessments.exists():
                        _siac_assessment(case, users["siac-analyst"])
                    if transition == "open_deliberation":
                        demo_options_note(case, users)
                    if transition == "refer_for_decision":
                        demo_measures_select(case, users, chair, on=on)
                    case = services.case_transition(case=case, by=by, transition=transition, on=on, **data).case
                    if transition == "implement":
                        demo_measures_implement(case, users, chair, on=on)
            created += 1
    seed_demo_meetings(chair)
    demo_strategic_note(users)
    seed_demo_living_register(chair, users)
    return created


def _council_decision(
    case: Case, chair: User, users: dict[str, User], *, text: str, body: str, legal_act: str, on: datetime.date | None = None
) -> None:
    """A question decided unanimously in a meeting: the delegates set their
    own positions, the chair records the others as stated orally."""
    question = council.question_put(
        by=chair, case=case, text=text, voting_rule="unanimity", body=CouncilBody.objects.get(code=body), put_on=on
    )
    for state in MemberState.objects.current():
        own = next((u for u in users.values() if u.member_state is not None and u.member_state.pk == state.pk), None)
        council.position_set(by=own or chair, question=question, member_state=state, value=PositionValue.SUPPORT)
    council.decision_record(by=chair, question=question, legal_act=legal_act, decided_on=on)


def _silence_procedure(case: Case, chair: User, users: dict[str, User], *, text: str, body: str, on: datetime.date | None = None) -> None:
    """A question with a mixed positions board and an open silence procedure."""
    from django.utils import timezone

    question = council.question_put(
        by=chair, case=case, text=text, voting_rule="unanimity", body=CouncilBody.objects.get(code=body), put_on=on
    )
    stances: dict[str, tuple[PositionValue, dict[str, Any]]] = {
        "DE": (PositionValue.SUPPORT, {}),
        "FR": (PositionValue.SUPPORT, {}),
        "EE": (PositionValue.SUPPORT, {}),
        "LT": (PositionValue.SUPPORT, {}),
        "NL": (PositionValue.SUPPORT, {}),
        "PL": (PositionValue.SUPPORT, {}),
        "AT": (PositionValue.ABSTENTION, {}),
        "IE": (PositionValue.SUPPORT, {}),
        "MT": (PositionValue.CONSTRUCTIVE_ABSTENTION, {"declaration": "Malta abstains and will not obstruct the Union's action."}),
        "DK": (PositionValue.SCRUTINY_RESERVE, {"reserve": Position.Reserve.PARLIAMENTARY}),
    }
    for code, (value, extra) in stances.items():
        state = MemberState.objects.get(code=code)
        own = next((u for u in users.values() if u.member_state is not None and u.member_state.pk == state.pk), None)
        council.position_set(by=own or chair, question=question, member_state=state, value=value, **extra)
    council.written_procedure_open(
        by=chair,
        question=question,
        kind=WrittenProcedure.Kind.SILENCE,
        deadline=timezone.now() + datetime.timedelta(days=3),
        coreu_reference="CFSP/SEC/0712/26",
    )


def _siac_assessment(case: Case, analyst: User) -> None:
    """Step 2: SIAC's assessment, which follows its case to whoever sees it."""
    assessment_record(
        by=analyst,
        kind="written",
        title=f"SIAC assessment: {case.title}",
        body="All-source assessment of the activity, its technical characteristics and likely origin, for HWPCI.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        confidence="moderate",
        cases=[case],
        actors=list(case.suspected_actors.all()),
        shared_with=[Organisation.objects.get(code="EEAS")],
    )
