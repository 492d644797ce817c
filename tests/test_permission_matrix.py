"""The permission matrix: every protected route against a reference predicate.

Fixtures span users (clearance, its expiry, organisation, roles) × objects
(classification, TLP, originator, releasability) × grants (personal, to a
delegation, to a role group, none). For every URL and API route that shows
a protected object (``declare_access(OBJECT, ...)``), found by walking the
URL configuration, the test checks each user against each object:

* detail routes: 200 when the reference predicate allows it, else 404 (the
  same answer as for an id that does not exist);
* list routes: exactly the allowed objects, the count shown equals them,
  and a search returns exactly the allowed matches.

The reference predicate below is written from the issue's rule, separately
from ``cdt.security.access``, so a mistake in the implementation cannot be
mirrored here. Adding a protected route whose model has no fixture fails
:func:`test_every_object_route_is_covered`.
"""

from __future__ import annotations

import datetime
import itertools
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from attribution.models import (
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    Statement,
    StatementVersion,
)
from awareness.models import Assessment, FeedIngestion, RequestForInformation, StixObject, TaxiiCollection, ThreatActor
from cases.models import Case, CaseKind
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.core.access import DETAIL, LIST, declared_object_route
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Classification, Tlp
from council.models import Decision, Position, Procedure, Question, WrittenProcedure
from measures.models import (
    ImpactEvaluation,
    MeasureType,
    OptionsNote,
    OptionsNoteVersion,
    ResponseMeasure,
    StrategicNoteVersion,
    StrategicResponseNote,
)
from tests.testapp.models import Dossier, DossierNote

pytestmark = pytest.mark.django_db


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


def reference(subject: Subject, spec: Spec) -> bool:
    if subject.effective_clearance < int(spec.classification):
        return False
    if spec.releasable_to is not None and subject.organisation not in spec.releasable_to:
        return False
    personal = subject.username in spec.personal
    by_group = subject.organisation in spec.organisations or bool(set(subject.roles) & spec.roles)
    if spec.tlp == Tlp.RED:
        return personal
    if spec.tlp == Tlp.AMBER_STRICT:
        return personal or (by_group and spec.originator == subject.organisation)
    return personal or by_group


def reference_shareable(subject: Subject, spec: Spec) -> bool:
    """What a user may pass on in an export: what they see, unclassified,
    not LIMITE, TLP:CLEAR/GREEN, or AMBER/AMBER+STRICT of their own making."""
    if not reference(subject, spec) or spec.classification != Classification.UNCLASSIFIED or spec.limite:
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
                **grant_patterns[index % len(grant_patterns)],
            )
        )
    return out


# --- Fixtures ------------------------------------------------------------------


@pytest.fixture
def world(make_user, login_verified, settings):
    settings.CDT_MAX_CLASSIFICATION = "SECRET_UE"
    users, clients = {}, {}
    for subject in SUBJECTS:
        user = make_user(
            subject.username,
            subject.organisation,
            roles=subject.roles,
            clearance=subject.clearance,
            clearance_expires_on=datetime.date(2020, 1, 1) if subject.expired else datetime.date(2099, 1, 1),
        )
        users[subject.username] = user
        client = Client()
        login_verified(client, user)
        clients[subject.username] = client
    granter = users["eeas-secret"]
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=["DE", "FR", "EEAS"])}
    objects: dict[type, dict[int, Spec]] = {model: {} for model in PREDICATES}
    council_body = CouncilBody.objects.get(code="PSC")
    member_states = list(MemberState.objects.all())
    demarche = MeasureType.objects.get(slug="demarche")
    actor = ThreatActor.objects.create(name="MATRIX ACTOR", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f9999")
    collection = TaxiiCollection.objects.get(alias="siac-assessments")
    ingestion = FeedIngestion.objects.create(posted_by=granter, channel=FeedIngestion.Channel.FEED_API)
    added_at = timezone.now()
    for spec in specs():
        markings = dict(
            classification=spec.classification,
            limite=spec.limite,
            tlp=spec.tlp,
            originator=organisations[spec.originator],
            releasable_to_all=spec.releasable_to is None,
        )
        dossier = Dossier.objects.create(title=spec.title, **markings)
        case = Case.objects.create(
            reference=f"CDT-2026-{len(objects[Case]) + 1:04d}",
            kind=CaseKind.MALICIOUS_ACTIVITY,
            title=spec.title,
            summary="",
            brought_by=organisations[spec.originator],
            brought_on=datetime.date(2026, 11, 1),
            created_by=granter,
            **markings,
        )
        assessment = Assessment.objects.create(
            kind="written", source=organisations[spec.originator], title=spec.title, body="", recorded_by=granter, **markings
        )
        assessment.actors.add(actor)
        stix_object = StixObject.objects.create(
            stix_id=f"report--{uuid.uuid5(uuid.NAMESPACE_URL, spec.title)}",
            stix_type="report",
            version=T0,
            name=spec.title,
            refs=actor.stix_id,
            collection=collection,
            ingestion=ingestion,
            added_at=added_at,
            **markings,
            raw={
                "type": "report",
                "spec_version": "2.1",
                "id": f"report--{uuid.uuid5(uuid.NAMESPACE_URL, spec.title)}",
                "created": T0,
                "modified": T0,
                "name": spec.title,
                "published": T0,
                "object_refs": [actor.stix_id],
            },
        )
        strategic = StrategicResponseNote.objects.create(
            actor=ThreatActor.objects.create(name=f"Actor of {spec.title}"),
            title=spec.title,
            content={"short_term_effects": spec.title},
            drafted_by=granter,
            **markings,
        )
        StrategicNoteVersion.objects.create(note=strategic, number=1, title=spec.title, content=strategic.content, saved_by=granter)
        objects[StrategicResponseNote][strategic.pk] = spec
        for protected in (dossier, case, assessment, stix_object, strategic):
            if spec.releasable_to:
                protected.releasable_to.set([organisations[code] for code in spec.releasable_to])
            for username in spec.personal:
                access_grant(target=protected, by=granter, user=users[username])
            for code in spec.organisations:
                access_grant(target=protected, by=granter, group=organisation_group(organisations[code]))
            for role in spec.roles:
                access_grant(target=protected, by=granter, group=Group.objects.get(name=GROUP_NAMES[role]))
        note = DossierNote.objects.create(dossier=dossier, text=f"note on {spec.title}", classification=spec.note_classification)
        child = {"case": case, "classification": spec.note_classification}
        question = Question.objects.create(text=spec.title, voting_rule="unanimity", body=council_body, put_by=granter, **child)
        Position.objects.bulk_create([Position(question=question, member_state=state) for state in member_states])
        decision = Decision.objects.create(
            procedure=Procedure.HR_ACT, adopted=True, explanation=spec.title, decided_on=datetime.date(2026, 11, 2), **child
        )
        measure = ResponseMeasure.objects.create(
            case=case, measure_type=demarche, description=spec.title, proposed_by=granter, classification=spec.note_classification
        )
        evaluation = ImpactEvaluation.objects.create(
            case=case,
            measure=measure,
            occasion="interval",
            months_after=3,
            due_on=datetime.date(2026, 12, 1),
            classification=spec.note_classification,
        )
        options_note = OptionsNote.objects.create(
            case=case, title=spec.title, content={"situation": spec.title}, drafted_by=granter, classification=spec.note_classification
        )
        OptionsNoteVersion.objects.create(note=options_note, number=1, title=spec.title, content=options_note.content, saved_by=granter)
        objects[OptionsNote][options_note.pk] = spec
        objects[ResponseMeasure][measure.pk] = spec
        objects[ImpactEvaluation][evaluation.pk] = spec
        procedure = WrittenProcedure.objects.create(
            question=question,
            kind=WrittenProcedure.Kind.SILENCE,
            opened_by=granter,
            deadline=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
            **child,
        )
        objects[Dossier][dossier.pk] = spec
        objects[DossierNote][note.pk] = spec
        objects[Case][case.pk] = spec
        objects[Question][question.pk] = spec
        objects[Decision][decision.pk] = spec
        objects[WrittenProcedure][procedure.pk] = spec
        claim = AttributionClaim.objects.create(
            actor=actor,
            basis="industry",
            claim_type="technical",
            confidence="high",
            party="industry",
            industry_source="Labs",
            summary=spec.title,
            recorded_by=granter,
            **child,
        )
        deliberation = AttributionDeliberation.objects.create(opened_by=granter, **child)
        Consideration.objects.create(deliberation=deliberation, number=1)
        statement = Statement.objects.create(
            title=spec.title, statement_type="spokesperson", content={"text": spec.title}, drafted_by=granter, **child
        )
        StatementVersion.objects.create(note=statement, number=1, title=spec.title, content=statement.content, saved_by=granter)
        plan = CommunicationPlan.objects.create(title=spec.title, objectives=spec.title, drafted_by=granter, **child)
        objects[AttributionClaim][claim.pk] = spec
        objects[AttributionDeliberation][deliberation.pk] = spec
        objects[Statement][statement.pk] = spec
        objects[CommunicationPlan][plan.pk] = spec
        rfi = RequestForInformation.objects.create(
            question=spec.title, addressed_to=organisations["EEAS"], due_on=datetime.date(2026, 12, 1), asked_by=granter, **child
        )
        objects[Assessment][assessment.pk] = spec
        objects[StixObject][stix_object.pk] = spec
        objects[RequestForInformation][rfi.pk] = spec
    return clients, objects


PREDICATES = {
    Dossier: reference,
    DossierNote: reference_note,
    Case: reference,
    # Children of the case, at the note's (child's) classification.
    Question: reference_note,
    Decision: reference_note,
    WrittenProcedure: reference_note,
    RequestForInformation: reference_note,
    Assessment: reference,
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


def ids_in(response) -> tuple[set[int], int]:
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return {row["id"] for row in body["results"]}, body["count"]
    html = response.content.decode()
    count = int(re.search(r'data-testid="result-count">(\d+)<', html).group(1))
    return {int(pk) for pk in re.findall(r'data-object-id="(\d+)"', html)}, count


# --- Tests -----------------------------------------------------------------------


def test_routes_were_found():
    names = [name for name, *_ in OBJECT_ROUTES]
    assert len(names) == len(set(names)), "two protected routes share a URL name; reverse() would test only one"
    kinds = {(model, kind) for _, model, kind, _, _ in OBJECT_ROUTES}
    assert (Dossier, DETAIL) in kinds and (Dossier, LIST) in kinds and (DossierNote, DETAIL) in kinds
    assert (Case, DETAIL) in kinds and (Case, LIST) in kinds
    for model in (
        Question,
        Decision,
        WrittenProcedure,
        Assessment,
        ResponseMeasure,
        ImpactEvaluation,
        AttributionClaim,
        AttributionDeliberation,
        Statement,
        CommunicationPlan,
    ):
        assert (model, DETAIL) in kinds and (model, LIST) in kinds


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[route[0] for route in OBJECT_ROUTES])
def test_every_object_route_is_covered(route):
    name, model, kind, lookup, methods = route
    assert kind in (DETAIL, LIST), f"{name}: declare kind=DETAIL or kind=LIST"
    assert model in PREDICATES, f"{name}: add {model.__name__} to the permission matrix's fixtures and PREDICATES"


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[route[0] for route in OBJECT_ROUTES])
def test_permission_matrix(world, route):
    clients, objects = world
    name, model, kind, lookup, methods = route
    predicate = PREDICATES[model]
    leaks, denials, checked = [], [], 0
    for subject in SUBJECTS:
        client = clients[subject.username]
        allowed = {pk for pk, spec in objects[model].items() if predicate(subject, spec)}
        if kind == DETAIL:
            extra = EXTRA_KWARGS.get(name, {})
            for pk in objects[model]:
                url = reverse(name, kwargs={lookup: pk, **extra})
                if "get" in methods:
                    status = client.get(url).status_code
                    ok = status == 200
                else:  # an action: anything but 404 (403, 409, 400, a redirect...) shows the object exists
                    status = client.generic(methods[0].upper(), url, "{}", content_type="application/json").status_code
                    ok = status not in (404, 405)
                checked += 1
                if pk in allowed and not ok:
                    denials.append((subject.username, pk, status))
                if pk not in allowed and status != 404:
                    leaks.append((subject.username, pk, status))
            missing = reverse(name, kwargs={lookup: max(objects[model]) + 1000, **extra})
            method = "GET" if "get" in methods else methods[0].upper()
            assert client.generic(method, missing, "{}", content_type="application/json").status_code == 404
        else:
            url = reverse(name)
            seen, count = ids_in(client.get(url))
            checked += 1
            assert seen == allowed, f"{subject.username}: leaked {sorted(seen - allowed)}, missing {sorted(allowed - seen)}"
            assert count == len(allowed)
            seen, count = ids_in(client.get(url, {"q": SEARCH_TERM}))
            matching = {pk for pk in allowed if SEARCH_TERM in TITLES[model](objects[model][pk])}
            assert seen == matching and count == len(matching), f"{subject.username}: search leaks or misses"
    assert leaks == [], f"{len(leaks)} leaks"
    assert denials == [], f"{len(denials)} wrongful denials"
    assert checked >= len(SUBJECTS)


def test_the_matrix_is_not_trivial():
    """The fixtures produce a mix of allowed and refused pairs for every
    subject who has any clearance, so the matrix could catch both kinds of
    error."""
    all_specs = specs()
    for subject in SUBJECTS:
        allowed = sum(reference(subject, spec) for spec in all_specs)
        assert allowed < len(all_specs)
        if subject.effective_clearance > 0 or subject.username == "fr-unclassified":
            assert allowed > 0, subject.username
    assert any(reference(s, spec) != reference_note(s, spec) for s in SUBJECTS for spec in all_specs)


def test_taxii_and_export_follow_the_rule(world):
    """The paths that do not show one model row per route: TAXII (objects
    on every page, manifest, each object, its versions) and the STIX export
    of a threat actor (only what the user may share)."""
    clients, objects = world
    stix_ids = dict(StixObject.objects.values_list("pk", "stix_id"))
    assessment_report_ids = {
        pk: f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/assessments/{pk}')}" for pk in objects[Assessment]
    }
    actor = ThreatActor.objects.get(name="MATRIX ACTOR")
    base = "/taxii2/api/collections/siac-assessments"
    checked = 0
    for subject in SUBJECTS:
        client = clients[subject.username]
        allowed = {stix_ids[pk] for pk, spec in objects[StixObject].items() if reference(subject, spec)}
        seen, next_token = [], None
        while True:
            response = client.get(f"{base}/objects/", {"limit": 7, **({"next": next_token} if next_token else {})}, HTTP_ACCEPT=TAXII)
            assert response.status_code == 200
            page = response.json()
            seen += [stix_object["id"] for stix_object in page["objects"]]
            next_token = page.get("next")
            if not page["more"]:
                break
        assert sorted(seen) == sorted(allowed), f"{subject.username}: TAXII objects leak or miss"
        manifest = client.get(f"{base}/manifest/", HTTP_ACCEPT=TAXII).json()["objects"]
        assert {entry["id"] for entry in manifest} == allowed
        for _pk, stix_id in stix_ids.items():
            for suffix in ("", "versions/"):
                status = client.get(f"{base}/objects/{stix_id}/{suffix}", HTTP_ACCEPT=TAXII).status_code
                assert status == (200 if stix_id in allowed else 404), (subject.username, stix_id, suffix, status)
                checked += 1
        exported = {o["id"] for o in client.get(f"/api/v1/threat-actors/{actor.pk}/stix/").json()["objects"] if o["type"] == "report"}
        expected = {stix_ids[pk] for pk, spec in objects[StixObject].items() if reference_shareable(subject, spec)}
        expected |= {assessment_report_ids[pk] for pk, spec in objects[Assessment].items() if reference_shareable(subject, spec)}
        assert exported == expected, (
            f"{subject.username}: export leaks {sorted(exported - expected)} or misses {sorted(expected - exported)}"
        )
    assert checked == len(SUBJECTS) * len(stix_ids) * 2
    assert any(reference_shareable(s, spec) for s in SUBJECTS for spec in specs())
