"""Every list costs the same number of queries with 10 rows as with 1,000.

The lists are found by walking the URL configuration, so a new one cannot
ship without a test here:

* API routes whose GET is a list: a DRF viewset's ``list`` action, a
  generic list view (``ListModelMixin``), or an API view that pages with
  TAXII's keyset ``Page`` (objects, manifest, an object's versions);
* HTML pages that page through ``cdt.core.listing.paginate`` (or a Django
  ``ListView``), and the few pages of growing rows that do not page
  (:data:`UNPAGED_LISTS`, named by hand).

Each has an entry in :data:`LISTS`: a factory that writes N rows the
requesting user may see (in bulk, with the need-to-know grants the security
model reads), who asks, and the URL. The test requests the list once to warm
per-process caches, counts the queries of a second request, grows the rows
from 10 to 1,000 and counts again: the counts must be equal, and the answer
must be a 200 that actually lists the rows (so an empty page or a 404
cannot pass). How long a list takes is ``make bench``'s business, not this.
"""

from __future__ import annotations

import datetime
import inspect
import itertools
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.views.generic.list import MultipleObjectMixin
from rest_framework.mixins import ListModelMixin

from attribution.choices import Basis, Party, StatementType
from attribution.models import (
    Alignment,
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    ConsiderationComment,
    Statement,
)
from awareness.models import Assessment, FeedIngestion, RequestForInformation, StixObject, TaxiiCollection, ThreatActor
from cases.models import AccessRequest, AccessRequestStatus, Case, CaseKind
from cdt.directory.models import CouncilBody, MemberState, Organisation, PresidencyTerm
from cdt.security.access import codename, permission_models
from cdt.security.grants import organisation_group
from cdt.security.markings import Classification, Distribution, Tlp
from council.models import AgendaItem, Decision, Meeting, Procedure, Question, WrittenProcedure
from measures.models import (
    ImpactEvaluation,
    ListedPerson,
    MeasureType,
    OptionsNote,
    ResponseMeasure,
    RestrictiveListing,
    StrategicResponseNote,
)
from notifications.models import Channel, Deadline, DeadlineKind, Event, EventKind, Notification

from .url_support import walk

pytestmark = pytest.mark.django_db

FEW, MANY = 10, 1_000
TAXII = "application/taxii+json;version=2.1"
MARKINGS = dict(classification=Classification.RESTREINT_UE, limite=True, tlp=Tlp.AMBER, releasable_to_all=True)
CHILD = dict(classification=Classification.RESTREINT_UE)


# --- Finding the lists -----------------------------------------------------------------------------------


def _source(function) -> str:
    try:
        return inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return ""


def is_list(callback) -> bool:
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route
        return actions.get("get") == "list"
    cls = getattr(callback, "cls", None)
    if cls is not None:  # a DRF API view
        return issubclass(cls, ListModelMixin) or "Page(request)" in _source(getattr(cls, "get", None))
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:  # a Django class-based view
        return issubclass(view_class, MultipleObjectMixin)
    return "paginate(" in _source(callback)  # a page built on cdt.core.listing


def list_routes() -> dict[str, str]:
    """URL name -> route, for every list (format-suffix twins counted once)."""
    found: dict[str, str] = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        if is_list(callback):
            found.setdefault(name, route)
    return found


#: Pages the walk cannot find (they do not page through the helpers) but
#: that show rows which grow: named here by hand.
UNPAGED_LISTS = {
    "deadline-list-page",  # notifications.views.deadline_list: the first 200
    "directory",  # cdt.directory.views.directory_index: organisations, Council bodies, the Presidency calendar (reference data, all)
}

#: Lists that are not lists of growing rows (or not the product's).
EXEMPT = {
    "member-state-list": "the 27 Member States, fixed by the Treaties (reference data, not paginated)",
    "test-dossier-list": "the test-only protected model of tests/testapp, not a product list",
}


# --- Writing rows in bulk ------------------------------------------------------------------------------


@dataclass
class World:
    cast: dict
    case: Case  # shared with the requesting delegate's delegation (DE)
    actor: ThreatActor
    assessment: Assessment  # visible to DE
    orgs: dict[str, Organisation]
    bodies: dict[str, CouncilBody]
    states: dict[str, MemberState]
    serial: itertools.count = field(default_factory=itertools.count)
    store: dict = field(default_factory=dict)

    def take(self, n: int) -> list[int]:
        return [next(self.serial) for _ in range(n)]


def grant(model, objects, codes=("DE",)) -> None:
    """Need-to-know for whole delegations, as ``access_grant`` writes it:
    a row of the model's direct group-permission table per object."""
    group_perm = permission_models(model)[1]
    permission = Permission.objects.get(codename=codename(model, "view"), content_type=ContentType.objects.get_for_model(model))
    groups = [organisation_group(Organisation.objects.get(code=code)) for code in codes]
    group_perm.objects.bulk_create(
        [group_perm(content_object=obj, group=group, permission=permission) for obj in objects for group in groups], batch_size=2000
    )


def link(descriptor, pairs) -> None:
    """Rows of a many-to-many table, in bulk: ``pairs`` of (source, target)."""
    through, relation = descriptor.through, descriptor.field
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    through.objects.bulk_create([through(**{f"{source}_id": a.pk, f"{target}_id": b.pk}) for a, b in pairs], batch_size=2000)


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


def make_assessments(world: World, n: int) -> list[Assessment]:
    siac, analyst = world.orgs["SIAC"], world.cast["siac"]
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                kind=Assessment.Kind.WRITTEN,
                source=siac,
                title=f"Load assessment {i}",
                body="Bulk.",
                recorded_by=analyst,
                originator=siac,
                **MARKINGS,
                # Half following their case (visible to DE through it), half restricted and granted to DE.
                distribution=Distribution.WITH_CASES if i % 2 else Distribution.RESTRICTED,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    grant(Assessment, [assessment for assessment in assessments if assessment.distribution == Distribution.RESTRICTED])
    link(Assessment.cases, [(assessment, world.case) for assessment in assessments])
    link(Assessment.actors, [(assessment, world.actor) for assessment in assessments])
    return assessments


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


def make_rfis(world: World, n: int) -> None:
    """Every request answered (unanswered ones sort first on one database
    and last on the other), half by an assessment the user may not see."""
    if "hidden" not in world.store:
        world.store["hidden"] = Assessment.objects.create(
            kind=Assessment.Kind.WRITTEN,
            source=world.orgs["SIAC"],
            title="Assessment for SIAC only",
            body="Bulk.",
            recorded_by=world.cast["siac"],
            originator=world.orgs["SIAC"],
            **MARKINGS,
        )  # no grant to DE
    answers = [world.assessment, world.store["hidden"]]
    RequestForInformation.objects.bulk_create(
        [
            RequestForInformation(
                case=world.case,
                addressed_to=world.orgs["SIAC"],
                question=f"Load request {i}",
                due_on=datetime.date(2026, 12, 1) + datetime.timedelta(days=i % 100),
                asked_by=world.cast["delegate"],
                answer=answers[i % 2],
                answered_at=timezone.now(),
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_actors(world: World, n: int) -> None:
    ThreatActor.objects.bulk_create([ThreatActor(name=f"Load actor {i}", aliases=[f"LA{i}"]) for i in world.take(n)], batch_size=1000)


def make_ingestions(world: World, n: int) -> None:
    FeedIngestion.objects.bulk_create(
        [
            FeedIngestion(
                posted_by=world.cast["siac"],
                channel=FeedIngestion.Channel.FEED_API,
                bundle_id=f"bundle--{uuid.uuid4()}",
                status=FeedIngestion.Status.COMPLETE,
                object_count=1,
                created_count=1,
                outcome={"created": [f"report--{i}"]},
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


def make_measure_types(world: World, n: int) -> None:
    MeasureType.objects.bulk_create(
        [
            MeasureType(
                slug=f"load-type-{i}",
                name=f"Load measure type {i}",
                description="Bulk.",
                escalation_level=1 + i % 10,
                deciding_body=world.bodies["COUNCIL"],
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_measures(world: World, n: int) -> list[ResponseMeasure]:
    """Half démarches, half listings (a restrictive measure shows its
    listing and the persons listed)."""
    demarche = MeasureType.objects.get(slug="demarche")
    listing_type = MeasureType.objects.get(slug="cyber-sanctions-listing")
    measures = ResponseMeasure.objects.bulk_create(
        [
            ResponseMeasure(
                case=world.case,
                measure_type=listing_type if i % 2 else demarche,
                actor=world.actor,
                description=f"Load measure {i}",
                proposed_by=world.cast["eeas"],
                implementing_actor=world.orgs["EEAS"],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    listings = RestrictiveListing.objects.bulk_create(
        [
            RestrictiveListing(case=world.case, measure=measure, council_decision="Council Decision (CFSP) 2020/1127", **CHILD)
            for measure in measures
            if measure.measure_type_id == listing_type.pk
        ],
        batch_size=1000,
    )
    ListedPerson.objects.bulk_create(
        [
            ListedPerson(listing=listing, kind=ListedPerson.Kind.PERSON, name=f"Person {listing.pk}-{number}", statement_of_reasons="Bulk.")
            for listing in listings
            for number in (1, 2)
        ],
        batch_size=2000,
    )
    return measures


def make_evaluations(world: World, n: int) -> None:
    if "measure" not in world.store:
        world.store["measure"] = make_measures(world, 1)[0]
    measure = world.store["measure"]
    ImpactEvaluation.objects.bulk_create(
        [
            ImpactEvaluation(
                case=world.case,
                measure=measure,
                occasion=ImpactEvaluation.Occasion.INTERVAL,
                months_after=3,
                due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_options_notes(world: World, n: int) -> None:
    OptionsNote.objects.bulk_create(
        [
            OptionsNote(
                case=world.case, title=f"Load options note {i}", content={"situation": "Bulk."}, drafted_by=world.cast["eeas"], **CHILD
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_strategic_notes(world: World, n: int) -> None:
    """One note per actor (one-to-one), each actor suspected in the shared case."""
    actors = ThreatActor.objects.bulk_create(
        [ThreatActor(name=f"Load strategic actor {i}", persistent=True) for i in world.take(n)], batch_size=1000
    )
    notes = StrategicResponseNote.objects.bulk_create(
        [
            StrategicResponseNote(
                actor=actor,
                title=f"Strategy towards {actor.name}",
                content={"short_term_effects": "Bulk."},
                drafted_by=world.cast["eeas"],
                originator=world.orgs["EEAS"],
                **MARKINGS,
            )
            for actor in actors
        ],
        batch_size=1000,
    )
    grant(StrategicResponseNote, notes)
    link(Case.suspected_actors, [(world.case, actor) for actor in actors])


def make_claims(world: World, n: int) -> None:
    kinds = [
        dict(basis=Basis.INDUSTRY, party=Party.INDUSTRY, industry_source="Fictional Threat Labs"),
        dict(basis=Basis.NATIONAL, party=Party.MEMBER_STATE, member_state=world.states["DE"]),
        dict(basis=Basis.PARTNER, party=Party.PARTNER, partner=world.orgs["US"]),
    ]
    claims = AttributionClaim.objects.bulk_create(
        [
            AttributionClaim(
                case=world.case,
                actor=world.actor,
                claim_type="technical",
                confidence="high",
                summary=f"Load claim {i}",
                recorded_by=world.cast["eeas"],
                **kinds[i % 3],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(AttributionClaim.assessments, [(claim, world.assessment) for claim in claims])


def make_deliberations(world: World, n: int) -> None:
    """One deliberation per case (one-to-one), with considerations and comments."""
    deliberations = AttributionDeliberation.objects.bulk_create(
        [
            AttributionDeliberation(case=case, opened_by=world.cast["chair"], options_considered=["no_attribution"], **CHILD)
            for case in make_cases(world, n)
        ],
        batch_size=1000,
    )
    considerations = Consideration.objects.bulk_create(
        [
            Consideration(
                deliberation=deliberation,
                number=number,
                assessment="Bulk.",
                rating="supports",
                assessed_by=world.cast["eeas"],
                assessed_at=timezone.now(),
            )
            for deliberation in deliberations
            for number in (1, 2)
        ],
        batch_size=2000,
    )
    ConsiderationComment.objects.bulk_create(
        [
            ConsiderationComment(
                consideration=consideration, text="Bulk comment.", author=world.cast["delegate"], member_state=world.states["DE"]
            )
            for consideration in considerations
        ],
        batch_size=2000,
    )
    link(AttributionDeliberation.attributed_actors, [(deliberation, world.actor) for deliberation in deliberations])
    link(AttributionDeliberation.partners, [(deliberation, world.orgs["US"]) for deliberation in deliberations])


def make_statements(world: World, n: int) -> None:
    statements = Statement.objects.bulk_create(
        [
            Statement(
                case=world.case,
                title=f"Load statement {i}",
                statement_type=StatementType.JOINT,
                content={"text": "Bulk."},
                drafted_by=world.cast["eeas"],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(Statement.partners, [(statement, world.orgs["US"]) for statement in statements])
    Alignment.objects.bulk_create(
        [
            Alignment(statement=statement, country=world.orgs["AL"], aligned_on=datetime.date(2026, 11, 3), recorded_by=world.cast["eeas"])
            for statement in statements
        ],
        batch_size=1000,
    )


def make_plans(world: World, n: int) -> None:
    if "measure" not in world.store:
        world.store["measure"] = make_measures(world, 1)[0]
    plans = CommunicationPlan.objects.bulk_create(
        [
            CommunicationPlan(case=world.case, title=f"Load plan {i}", objectives="Bulk.", drafted_by=world.cast["eeas"], **CHILD)
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(CommunicationPlan.amplifying_states, [(plan, world.states["DE"]) for plan in plans])
    link(CommunicationPlan.partners, [(plan, world.orgs["US"]) for plan in plans])
    link(CommunicationPlan.measures, [(plan, world.store["measure"]) for plan in plans])


def make_notifications(world: World, n: int) -> None:
    events = Event.objects.bulk_create(
        [
            Event(
                kind=EventKind.CASE_STEP,
                case=world.case,
                classification=int(Classification.RESTREINT_UE),
                reference=f"QC-{i:06d}",
                marking="RESTREINT UE · LIMITE · TLP:AMBER",
                link=f"/cases/{world.case.pk}/",
                dispatched_at=timezone.now(),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    Notification.objects.bulk_create(
        [Notification(event=event, recipient=world.cast["delegate"], channel=Channel.IN_APP) for event in events], batch_size=1000
    )


def make_deadlines(world: World, n: int) -> None:
    soon = timezone.now() + datetime.timedelta(days=2)
    Deadline.objects.bulk_create(
        [
            Deadline(
                kind=DeadlineKind.RFI,
                case=world.case,
                classification=int(Classification.RESTREINT_UE),
                reference=f"QC-{i:06d}",
                marking="RESTREINT UE",
                link=f"/cases/{world.case.pk}/",
                due_at=soon + datetime.timedelta(minutes=i),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_organisations(world: World, n: int) -> None:
    Organisation.objects.bulk_create(
        [
            Organisation(code=f"QC-ORG-{i}", name=f"Load partner {i}", kind=Organisation.Kind.PARTNER_STATE, parent=world.orgs["US"])
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_council_bodies(world: World, n: int) -> None:
    bodies = CouncilBody.objects.bulk_create(
        [CouncilBody(code=f"QC-WP-{i}", name=f"Load working party {i}", level=CouncilBody.Level.WORKING_PARTY) for i in world.take(n)],
        batch_size=1000,
    )
    link(CouncilBody.reports_to, [(body, world.bodies["PSC"]) for body in bodies])


def make_presidency_terms(world: World, n: int) -> None:
    first = datetime.date(2300, 1, 1)
    PresidencyTerm.objects.bulk_create(
        [
            PresidencyTerm(
                member_state=world.states["DE"],
                starts_on=first + datetime.timedelta(days=10 * i),
                ends_on=first + datetime.timedelta(days=10 * i + 9),
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )


def make_directory(world: World, n: int) -> None:
    """Every list of the directory page grows: organisations, bodies, terms."""
    make_organisations(world, n)
    make_council_bodies(world, n)
    make_presidency_terms(world, n)


def _stix_ingestion(world: World) -> FeedIngestion:
    if "ingestion" not in world.store:
        world.store["ingestion"] = FeedIngestion.objects.create(
            posted_by=world.cast["siac"], channel=FeedIngestion.Channel.TAXII, status=FeedIngestion.Status.COMPLETE
        )
    return world.store["ingestion"]


def _stix_row(world: World, stix_id: str, version: str, added_at, current: bool = True) -> StixObject:
    raw = {
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id,
        "created": version,
        "modified": version,
        "name": stix_id,
        "published": version,
        "object_refs": [world.actor.stix_id or "intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"],
    }
    return StixObject(
        stix_id=stix_id,
        stix_type="report",
        version=version,
        current=current,
        name=stix_id,
        collection=TaxiiCollection.objects.get(alias="siac-assessments"),
        ingestion=_stix_ingestion(world),
        added_at=added_at,
        raw=raw,
        originator=world.orgs["SIAC"],
        **MARKINGS,
    )


def make_stix_objects(world: World, n: int) -> None:
    start = timezone.now()
    rows = StixObject.objects.bulk_create(
        [
            _stix_row(world, f"report--{uuid.uuid4()}", "2026-11-02T09:00:00.000Z", start + datetime.timedelta(seconds=i))
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    grant(StixObject, rows)


STIX_VERSIONED = "report--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0aaa"


def make_stix_versions(world: World, n: int) -> None:
    """Versions of one STIX object (the newest current)."""
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    StixObject.objects.filter(stix_id=STIX_VERSIONED).update(current=False)
    rows = StixObject.objects.bulk_create(
        [
            _stix_row(
                world,
                STIX_VERSIONED,
                (start + datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                timezone.now() + datetime.timedelta(seconds=i),
                current=False,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    StixObject.objects.filter(pk=rows[-1].pk).update(current=True)
    grant(StixObject, rows)


# --- The lists and how each is filled ----------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    factory: Callable[[World, int], object]
    member: str = "delegate"  # key of the cast (tests/cases_support.py)
    params: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    taxii: bool = False
    cap: int | None = None  # the most rows the list shows, for one that has no count


COLLECTION = {"collection_id": "siac-assessments"}
INGESTION_LOG = Listing(make_ingestions, member="secretariat")  # the secretariat sees every ingestion

LISTS: dict[str, Listing] = {
    # --- /api/v1/
    "organisation-list": Listing(make_organisations),
    "council-body-list": Listing(make_council_bodies),
    "presidency-term-list": Listing(make_presidency_terms),
    "case-list": Listing(make_cases),
    "access-request-list": Listing(make_access_requests),
    "meeting-list": Listing(make_meetings),
    "question-list": Listing(make_questions),
    "decision-list": Listing(make_decisions),
    "written-procedure-list": Listing(make_written_procedures),
    "threat-actor-list": Listing(make_actors),
    "assessment-list": Listing(make_assessments),
    "request-for-information-list": Listing(make_rfis),
    "feed-ingestion-list": INGESTION_LOG,
    "measure-type-list": Listing(make_measure_types),
    "measure-list": Listing(make_measures),
    "impact-evaluation-list": Listing(make_evaluations),
    "options-note-list": Listing(make_options_notes),
    "strategic-response-note-list": Listing(make_strategic_notes),
    "attribution-claim-list": Listing(make_claims),
    "attribution-deliberation-list": Listing(make_deliberations),
    "statement-list": Listing(make_statements),
    "communication-plan-list": Listing(make_plans),
    "notification-list": Listing(make_notifications),
    "deadline-list": Listing(make_deadlines),
    # --- /taxii2/
    "taxii-objects": Listing(make_stix_objects, kwargs=COLLECTION, taxii=True),
    "taxii-manifest": Listing(make_stix_objects, kwargs=COLLECTION, taxii=True),
    "taxii-object": Listing(
        make_stix_versions, kwargs={**COLLECTION, "object_id": STIX_VERSIONED}, params={"match[version]": "all"}, taxii=True
    ),
    "taxii-object-versions": Listing(make_stix_versions, kwargs={**COLLECTION, "object_id": STIX_VERSIONED}, taxii=True),
    # --- pages
    "case-list-page": Listing(make_cases),
    "meeting-list-page": Listing(make_meetings),
    "actor-list-page": Listing(make_actors),
    "assessment-list-page": Listing(make_assessments),
    "rfi-list-page": Listing(make_rfis),
    "feed-log-page": INGESTION_LOG,
    "evaluation-list-page": Listing(make_evaluations),
    "claim-list-page": Listing(make_claims),
    "notification-list-page": Listing(make_notifications),
    "deadline-list-page": Listing(make_deadlines, cap=200),
    "directory": Listing(make_directory),
}


# --- Tests ---------------------------------------------------------------------------------------------------


def test_every_list_has_a_query_count_test():
    found = set(list_routes()) | UNPAGED_LISTS
    missing = sorted(found - set(LISTS) - set(EXEMPT))
    assert not missing, (
        f"list routes without a query-count test: {missing}. Add each to LISTS in {__name__} with a factory "
        "that bulk-creates N rows the requesting user may see (or to EXEMPT with a reason if its rows do not grow)."
    )
    gone = sorted((set(LISTS) | set(EXEMPT)) - found)
    assert not gone, f"LISTS/EXEMPT name routes that are no longer lists (or no longer exist): {gone}"
    assert not set(LISTS) & set(EXEMPT)


@pytest.fixture
def world(cast, open_case) -> World:
    case = open_case()  # shared with DE (the opener's delegation), IE, FR, EEAS, SIAC and the secretariat
    orgs = {org.code: org for org in Organisation.objects.filter(code__in=["DE", "SIAC", "EEAS", "US", "AL"])}
    assessment = Assessment.objects.create(
        kind=Assessment.Kind.WRITTEN,
        source=orgs["SIAC"],
        title="Shared assessment",
        body="Bulk.",
        recorded_by=cast["siac"],
        originator=orgs["SIAC"],
        **MARKINGS,
    )
    grant(Assessment, [assessment])
    return World(
        cast=cast,
        case=case,
        assessment=assessment,
        actor=ThreatActor.objects.create(name="Load test actor", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"),
        orgs=orgs,
        bodies={body.code: body for body in CouncilBody.objects.all()},
        states={state.code: state for state in MemberState.objects.all()},
    )


def get(client, listing: Listing, url: str):
    headers = {"HTTP_ACCEPT": TAXII} if listing.taxii else {}
    return client.get(url, listing.params, **headers)


def rows_shown(response, listing: Listing) -> tuple[int, int]:
    """(rows on this page, rows the list says it has in all)."""
    if listing.taxii:
        body = response.json()
        shown = len(body.get("objects", body.get("versions", [])))
        return shown, shown
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        if isinstance(body, dict):
            return len(body["results"]), body["count"]
        return len(body), len(body)
    html = response.content.decode()
    shown = html.count('<tr class="ecl-table__row') - html.count('<thead class="ecl-table__head"><tr class="ecl-table__row')
    total = re.search(r'data-testid="result-count">([^<]+)<', html)
    return shown, int(re.sub(r"\D", "", total.group(1))) if total else shown


def measure(client, listing: Listing, url: str, rows: int) -> list[str]:
    """The SQL of one request for the list (after a warming one), checking
    that it answers 200 and shows the ``rows`` written."""
    get(client, listing, url)  # warm per-process caches (content types, the Presidency, throttles)
    with CaptureQueriesContext(connection) as captured:
        response = get(client, listing, url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    shown, total = rows_shown(response, listing)
    cap = settings.CDT_TAXII_PAGE_SIZE if listing.taxii else listing.cap
    expected = min(rows, cap) if cap else rows
    assert total >= expected, f"{url}: lists {total} rows, expected at least the {expected} written for the user"
    assert shown >= min(expected, 10), f"{url}: shows {shown} rows"
    return [query["sql"] for query in captured.captured_queries]


def shape(sql: str) -> str:
    """A query with its values and savepoint names blanked, to tell which repeat."""
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'|\"s\d+_x\d+\"", "'…'", sql))[:400]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_query_count_does_not_grow_with_rows(world, signed_in, name):
    listing = LISTS[name]
    client = signed_in[listing.member]
    url = reverse(name, kwargs=listing.kwargs or None)
    listing.factory(world, FEW)
    few = measure(client, listing, url, FEW)
    listing.factory(world, MANY - FEW)
    many = measure(client, listing, url, MANY)
    more, fewer = Counter(map(shape, many)) - Counter(map(shape, few)), Counter(map(shape, few)) - Counter(map(shape, many))
    changes = [f"+{count} × {sql}" for sql, count in more.most_common(5)] + [f"-{count} × {sql}" for sql, count in fewer.most_common(5)]
    assert len(many) == len(few), f"{url}: {len(few)} queries with {FEW} rows, {len(many)} with {MANY}:\n" + "\n".join(changes)


def test_strategic_notes_list_only_the_cases_the_reader_may_see(world, signed_in):
    """The cases of a note's actor, now prefetched for the page: still only
    the real cases the reader may see."""
    make_strategic_notes(world, 1)
    note = StrategicResponseNote.objects.get()
    hidden, exercise = make_cases(world, 2)
    Case.objects.filter(pk=hidden.pk).update(originator=world.orgs["SIAC"], distribution=Distribution.RESTRICTED)
    permission_models(Case)[1].objects.filter(content_object=hidden).delete()  # no need-to-know for DE
    Case.objects.filter(pk=exercise.pk).update(exercise=True)
    link(Case.suspected_actors, [(hidden, note.actor), (exercise, note.actor)])
    client = signed_in["delegate"]
    listed = client.get(reverse("strategic-response-note-list")).json()["results"]
    assert [row["cases"] for row in listed] == [[world.case.pk]]
    assert client.get(reverse("strategic-response-note-detail", args=[note.pk])).json()["cases"] == [world.case.pk]
