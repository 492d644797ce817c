"""The permission matrix's world and its reference predicate.

Users span clearance (and its expiry), organisation and roles; objects span
classification, TLP, originator and releasability; grants rotate through
the kinds (personal, to a delegation, to a role group, none). The reference
predicate is written from the issue's rule, separately from
``cdt.security.access``, so a mistake in the implementation cannot be
mirrored here.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from attribution.factories import AttributionClaimFactory, AttributionDeliberationFactory, CommunicationPlanFactory, StatementFactory
from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.factories import AssessmentFactory, FeedIngestionFactory, RequestForInformationFactory, StixObjectFactory, ThreatActorFactory
from awareness.models import Assessment, RequestForInformation, StixObject
from cases.factories import CaseFactory
from cases.models import Case
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.core.access import declared_object_route
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Classification, Distribution, Tlp
from council.factories import DecisionFactory, QuestionFactory, WrittenProcedureFactory
from council.models import Decision, Question, WrittenProcedure
from measures.factories import ImpactEvaluationFactory, OptionsNoteFactory, ResponseMeasureFactory, StrategicResponseNoteFactory
from measures.models import (
    ImpactEvaluation,
    ListedPerson,
    MeasureType,
    OptionsNote,
    ResponseMeasure,
    RestrictiveListing,
    StrategicResponseNote,
)
from tests.conftest import sign_in_verified, user_make
from tests.testapp.models import Dossier, DossierNote


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = declared_object_route(entry.callback, entry.name)
            if route is not None:
                yield entry.name, *route


OBJECT_ROUTES = sorted(set(walk(get_resolver().url_patterns)), key=lambda r: r[0])
SEARCH_TERM = "alpha"
T0 = "2026-11-02T09:00:00.000Z"
TAXII = "application/taxii+json;version=2.1"


# --- The reference predicate -------------------------------------------------


@dataclass
class Subject:
    username: str
    organisation: str
    clearance: Classification
    expired: bool = False
    roles: tuple[Role, ...] = (Role.HWPCI_DELEGATE,)

    @property
    def effective_clearance(self) -> int:
        return 0 if self.expired else int(self.clearance)


@dataclass
class Spec:
    """One protected object as the matrix knows it, independently of the ORM."""

    title: str
    classification: Classification
    tlp: Tlp
    originator: str
    releasable_to: tuple[str, ...] | None  # None: releasable to all
    personal: set[str] = field(default_factory=set)  # usernames
    organisations: set[str] = field(default_factory=set)  # organisation codes granted
    roles: set[Role] = field(default_factory=set)  # role groups granted
    note_classification: Classification = Classification.UNCLASSIFIED
    limite: bool = True
    hwpci: bool = False  # distributed to HWPCI (otherwise restricted to the grants)
    follows_case: bool = False  # the assessment reaches whoever sees the case of the same spec


#: Organisations of the world that receive HWPCI documents (COM-CNECT does not).
HWPCI_ORGANISATIONS = {"DE", "FR", "EEAS"}


def group_way(subject: Subject, spec: Spec) -> bool:
    """In by a grant to the delegation or a role, or by the HWPCI distribution."""
    granted = subject.organisation in spec.organisations or bool(set(subject.roles) & spec.roles)
    return granted or (spec.hwpci and subject.organisation in HWPCI_ORGANISATIONS)


def reference(subject: Subject, spec: Spec) -> bool:
    if subject.effective_clearance < int(spec.classification):
        return False
    if spec.releasable_to is not None and subject.organisation not in spec.releasable_to:
        return False
    personal = subject.username in spec.personal
    by_group = group_way(subject, spec)
    if spec.tlp == Tlp.RED:
        return personal
    if spec.tlp == Tlp.AMBER_STRICT:
        return personal or (by_group and spec.originator == subject.organisation)
    return personal or by_group


def own_grants(spec: Spec) -> Spec:
    """An assessment that follows its case holds only the personal grants
    itself; the delegations, roles and distribution are the case's."""
    return replace(spec, organisations=set(), roles=set(), hwpci=False) if spec.follows_case else spec


def reference_assessment(subject: Subject, spec: Spec) -> bool:
    """Its own grants, or (following its case) whoever sees the case, as by a group grant."""
    own = own_grants(spec)
    if reference(subject, own):
        return True
    if not spec.follows_case or not reference(subject, spec):
        return False
    return reference(subject, replace(own, organisations={subject.organisation}))


def reference_shareable(subject: Subject, spec: Spec, predicate=reference) -> bool:
    """What a user may pass on in an export: what they see, unclassified,
    not LIMITE, TLP:CLEAR/GREEN, or AMBER/AMBER+STRICT of their own making."""
    if not predicate(subject, spec) or spec.classification != Classification.UNCLASSIFIED or spec.limite:
        return False
    return spec.tlp <= Tlp.GREEN or (spec.tlp <= Tlp.AMBER_STRICT and spec.originator == subject.organisation)


def reference_note(subject: Subject, spec: Spec) -> bool:
    return reference(subject, spec) and subject.effective_clearance >= int(spec.note_classification)


SUBJECTS = [
    Subject("de-restreint", "DE", Classification.RESTREINT_UE),
    Subject("de-confidentiel", "DE", Classification.CONFIDENTIEL_UE),
    Subject("de-secret-expired", "DE", Classification.SECRET_UE, expired=True),
    Subject("fr-restreint", "FR", Classification.RESTREINT_UE),
    Subject("fr-unclassified", "FR", Classification.UNCLASSIFIED),
    Subject("eeas-secret", "EEAS", Classification.SECRET_UE, roles=(Role.EEAS_DRAFTER,)),
    Subject("cnect-restreint", "COM-CNECT", Classification.RESTREINT_UE, roles=(Role.COMMISSION_CONTRIBUTOR,)),
]


def specs() -> list[Spec]:
    """30 objects covering every TLP, three classifications, both kinds of
    releasability and originator, with grants rotating through the kinds."""
    grant_patterns = [
        {"organisations": {"DE"}},
        {"organisations": {"FR", "EEAS"}},
        {"roles": {Role.HWPCI_DELEGATE}},
        {"personal": {"de-restreint", "eeas-secret"}},
        {"personal": {"fr-restreint"}, "organisations": {"DE"}},
        {},
        {"organisations": {"EEAS"}, "roles": {Role.HWPCI_DELEGATE}},
        {"organisations": {"COM-CNECT", "DE"}},
    ]
    releasabilities = [None, ("DE", "EEAS"), ("FR",)]
    combos = itertools.product(
        list(Tlp), [Classification.UNCLASSIFIED, Classification.RESTREINT_UE, Classification.CONFIDENTIEL_UE], ["DE", "EEAS"]
    )
    out = []
    for index, (tlp, classification, originator) in enumerate(combos):
        out.append(
            Spec(
                title=f"Dossier {index} {'alpha' if index % 2 == 0 else 'beta'}",
                classification=classification,
                tlp=tlp,
                originator=originator,
                releasable_to=releasabilities[index % 3],
                note_classification=Classification(min(int(classification) + index % 2, int(Classification.SECRET_UE))),
                limite=index % 4 == 0,
                hwpci=index % 5 in (1, 3),
                follows_case=index % 3 == 2,
                **grant_patterns[index % len(grant_patterns)],
            )
        )
    return out


# --- Fixtures ------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Model]
    clients: dict[str, Client]
    objects: dict[type, dict[int, Spec]]


def build_world() -> World:
    """Six users, and 30 objects of every protected model with their grants.
    Run once a module (:func:`tests.worlds.shared_world`)."""
    users, clients = {}, {}
    for subject in SUBJECTS:
        user = user_make(
            subject.username,
            subject.organisation,
            roles=subject.roles,
            clearance=subject.clearance,
            clearance_expires_on=datetime.date(2020, 1, 1) if subject.expired else datetime.date(2099, 1, 1),
        )
        users[subject.username] = user
        client = Client()
        sign_in_verified(client, user)
        clients[subject.username] = client
    granter = users["eeas-secret"]
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=["DE", "FR", "EEAS", "COM-CNECT"])}
    objects: dict[type, dict[int, Spec]] = {model: {} for model in PREDICATES}
    council_body = CouncilBody.objects.get(code="PSC")
    listing_type = MeasureType.objects.get(slug="cyber-sanctions-listing")
    actor = ThreatActorFactory(name="MATRIX ACTOR", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f9999")
    ingestion = FeedIngestionFactory(posted_by=granter)
    added_at = timezone.now()
    for spec in specs():
        markings = dict(
            classification=spec.classification,
            limite=spec.limite,
            tlp=spec.tlp,
            originator=organisations[spec.originator],
            releasable_to_all=spec.releasable_to is None,
            distribution=Distribution.HWPCI if spec.hwpci else Distribution.RESTRICTED,
        )
        dossier = Dossier.objects.create(title=spec.title, **markings)
        case = CaseFactory(
            reference=f"CDT-2026-{len(objects[Case]) + 1:04d}",
            title=spec.title,
            summary="",
            brought_by=organisations[spec.originator],
            brought_on=datetime.date(2026, 11, 1),
            created_by=granter,
            opening_grants=False,  # the spec states every grant
            **markings,
        )
        assessment = AssessmentFactory(
            source=organisations[spec.originator],
            title=spec.title,
            body="",
            recorded_by=granter,
            actors=[actor],
            cases=[case],
            **{**markings, **({"distribution": Distribution.WITH_CASES} if spec.follows_case else {})},
        )
        stix_id = f"report--{uuid.uuid5(uuid.NAMESPACE_URL, spec.title)}"
        stix_object = StixObjectFactory(
            stix_id=stix_id,
            version=T0,
            name=spec.title,
            refs=actor.stix_id,
            ingestion=ingestion,
            added_at=added_at,
            **markings,
            raw={
                "type": "report",
                "spec_version": "2.1",
                "id": stix_id,
                "created": T0,
                "modified": T0,
                "name": spec.title,
                "published": T0,
                "object_refs": [actor.stix_id],
            },
        )
        strategic = StrategicResponseNoteFactory(
            actor=ThreatActorFactory(name=f"Actor of {spec.title}"),
            title=spec.title,
            content={"short_term_effects": spec.title},
            drafted_by=granter,
            **markings,
        )
        objects[StrategicResponseNote][strategic.pk] = spec
        for protected in (dossier, case, assessment, stix_object, strategic):
            grants = own_grants(spec) if protected is assessment else spec
            if spec.releasable_to:
                protected.releasable_to.set([organisations[code] for code in spec.releasable_to])
            for username in grants.personal:
                access_grant(target=protected, by=granter, user=users[username])
            for code in grants.organisations:
                access_grant(target=protected, by=granter, group=organisation_group(organisations[code]))
            for role in grants.roles:
                access_grant(target=protected, by=granter, group=Group.objects.get(name=GROUP_NAMES[role]))
        note = DossierNote.objects.create(dossier=dossier, text=f"note on {spec.title}", classification=spec.note_classification)
        child = {"case": case, "classification": spec.note_classification}
        question = QuestionFactory(text=spec.title, body=council_body, put_by=granter, **child)
        decision = DecisionFactory(explanation=spec.title, **child)
        # A listing measure, with its listing (as classified as the measure): the listing's export routes are per measure.
        measure = ResponseMeasureFactory(
            case=case, measure_type=listing_type, description=spec.title, proposed_by=granter, classification=spec.note_classification
        )
        listing = RestrictiveListing.objects.create(case=case, measure=measure, classification=spec.note_classification)
        ListedPerson.objects.create(listing=listing, kind=ListedPerson.Kind.PERSON, name=spec.title, statement_of_reasons=spec.title)
        evaluation = ImpactEvaluationFactory(measure=measure, classification=spec.note_classification)
        options_note = OptionsNoteFactory(
            case=case, title=spec.title, content={"situation": spec.title}, drafted_by=granter, classification=spec.note_classification
        )
        objects[OptionsNote][options_note.pk] = spec
        objects[ResponseMeasure][measure.pk] = spec
        objects[ImpactEvaluation][evaluation.pk] = spec
        procedure = WrittenProcedureFactory(
            question=question, opened_by=granter, deadline=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), **child
        )
        objects[Dossier][dossier.pk] = spec
        objects[DossierNote][note.pk] = spec
        objects[Case][case.pk] = spec
        objects[Question][question.pk] = spec
        objects[Decision][decision.pk] = spec
        objects[WrittenProcedure][procedure.pk] = spec
        claim = AttributionClaimFactory(actor=actor, industry_source="Labs", summary=spec.title, recorded_by=granter, **child)
        deliberation = AttributionDeliberationFactory(opened_by=granter, **child)
        statement = StatementFactory(title=spec.title, content={"text": spec.title}, drafted_by=granter, **child)
        plan = CommunicationPlanFactory(title=spec.title, objectives=spec.title, drafted_by=granter, **child)
        objects[AttributionClaim][claim.pk] = spec
        objects[AttributionDeliberation][deliberation.pk] = spec
        objects[Statement][statement.pk] = spec
        objects[CommunicationPlan][plan.pk] = spec
        rfi = RequestForInformationFactory(question=spec.title, addressed_to=organisations["EEAS"], asked_by=granter, **child)
        objects[Assessment][assessment.pk] = spec
        objects[StixObject][stix_object.pk] = spec
        objects[RequestForInformation][rfi.pk] = spec
    return World(users=users, clients=clients, objects=objects)


PREDICATES = {
    Dossier: reference,
    DossierNote: reference_note,
    Case: reference,
    # Children of the case, at the note's (child's) classification.
    Question: reference_note,
    Decision: reference_note,
    WrittenProcedure: reference_note,
    RequestForInformation: reference_note,
    Assessment: reference_assessment,
    StixObject: reference,
    ResponseMeasure: reference_note,
    ImpactEvaluation: reference_note,
    OptionsNote: reference_note,
    StrategicResponseNote: reference,
    AttributionClaim: reference_note,
    AttributionDeliberation: reference_note,
    Statement: reference_note,
    CommunicationPlan: reference_note,
}
TITLES = {
    Dossier: lambda spec: spec.title,
    DossierNote: lambda spec: f"note on {spec.title}",
    Case: lambda spec: spec.title,
    Question: lambda spec: spec.title,
    Decision: lambda spec: spec.title,
    WrittenProcedure: lambda spec: spec.title,
    Assessment: lambda spec: spec.title,
    RequestForInformation: lambda spec: spec.title,
    ResponseMeasure: lambda spec: spec.title,
    ImpactEvaluation: lambda spec: spec.title,
    OptionsNote: lambda spec: spec.title,
    StrategicResponseNote: lambda spec: spec.title,
    AttributionClaim: lambda spec: spec.title,
    AttributionDeliberation: lambda spec: spec.title,
    Statement: lambda spec: spec.title,
    CommunicationPlan: lambda spec: spec.title,
}
#: Extra URL keywords some per-object routes need besides the object's id.
EXTRA_KWARGS = {
    "case-take-transition": {"transition": "share_awareness"},
    "case-transition-page": {"transition": "share_awareness"},
    "case-share-change-page": {"change": "share"},
    "question-set-position": {"member_state": "DE"},
    "position-set-page": {"member_state": "DE"},
    "measure-take-transition": {"transition": "select"},
    "measure-transition-page": {"transition": "select"},
    "options-note-take-transition": {"transition": "circulate"},
    "options-note-act-page": {"action": "circulate"},
    "strategic-note-act-page": {"action": "circulate"},
    "strategic-response-note-take-transition": {"transition": "circulate"},
    "deliberation-act-page": {"action": "assess"},
    "statement-act-page": {"action": "circulate"},
    "statement-take-transition": {"transition": "circulate"},
    "plan-act-page": {"action": "agree"},
    "communication-plan-take-transition": {"transition": "agree"},
    "attribution-deliberation-assess": {"number": "1"},
    "attribution-deliberation-comment": {"number": "1"},
}
