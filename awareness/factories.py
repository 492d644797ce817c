"""Awareness rows (threat actors, assessments, requests for information,
STIX objects as the feed stores them) made directly, for tests, the demo's
registry and the bench's register. Assessments people record go through
:func:`awareness.services.assessment_record`; bundles through the feed."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

import factory
from django.db.models import Model
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.factories import CaseFactory
from cdt.accounts.factories import UserFactory
from cdt.directory.factories import reference_data
from cdt.directory.models import Organisation
from cdt.security.factories import MarkedFactory

from .models import Assessment, FeedIngestion, RequestForInformation, StixObject, TaxiiCollection, ThreatActor


def _related(name: str):
    """A post-generation declaration setting the many-to-many ``name`` to the objects given."""

    def set_related(row: Model, create: bool, extracted: Iterable[Model] | None, **kwargs) -> None:
        if create and extracted is not None:
            getattr(row, name).set(list(extracted))

    return factory.PostGeneration(set_related)


class ThreatActorFactory(DjangoModelFactory):
    """An entry of the registry, found by name if it exists (names are
    unique). ``state_sponsored=True``: a persistent, State-sponsored actor."""

    class Meta:
        model = ThreatActor
        django_get_or_create = ("name",)

    class Params:
        state_sponsored = factory.Trait(kind=ThreatActor.Kind.STATE_SPONSORED, persistent=True)

    name = factory.Sequence(lambda n: f"Fictional actor {n}")


class AssessmentFactory(MarkedFactory):
    """A written SIAC assessment; ``cases=[...]`` and ``actors=[...]`` link it."""

    class Meta:
        model = Assessment

    kind = Assessment.Kind.WRITTEN
    source = reference_data(Organisation, code="SIAC")
    originator = factory.SelfAttribute("source")
    title = "All-source assessment"
    body = "Technical characteristics, likely origin and intent."
    confidence = Assessment.Confidence.MODERATE
    recorded_by = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..source"))
    cases = _related("cases")
    actors = _related("actors")


class RequestForInformationFactory(DjangoModelFactory):
    """A request to SIAC on a case, due on 1 December 2026."""

    class Meta:
        model = RequestForInformation

    case = factory.SubFactory(CaseFactory)
    addressed_to = reference_data(Organisation, code="SIAC")
    question = "What is known of the actor's infrastructure?"
    due_on = datetime.date(2026, 12, 1)
    asked_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")


class FeedIngestionFactory(DjangoModelFactory):
    class Meta:
        model = FeedIngestion

    posted_by = factory.SubFactory(UserFactory)
    channel = FeedIngestion.Channel.FEED_API


T0 = "2026-11-02T09:00:00.000Z"


class StixObjectFactory(MarkedFactory):
    """A SIAC report as the feed stores it, in the SIAC assessments
    collection; ``raw`` is the STIX object (a minimal report unless given)."""

    class Meta:
        model = StixObject

    stix_type = "report"
    stix_id = factory.LazyAttribute(lambda row: f"{row.stix_type}--{uuid.uuid5(uuid.NAMESPACE_URL, row.name)}")
    version = T0
    name = factory.Sequence(lambda n: f"Report {n}")
    originator = reference_data(Organisation, code="SIAC")
    collection = reference_data(TaxiiCollection, alias="siac-assessments")
    ingestion = factory.SubFactory(FeedIngestionFactory)
    added_at = factory.LazyFunction(timezone.now)
    raw = factory.LazyAttribute(
        lambda row: {
            "type": row.stix_type,
            "spec_version": "2.1",
            "id": row.stix_id,
            "created": row.version,
            "modified": row.version,
            "name": row.name,
        }
    )
