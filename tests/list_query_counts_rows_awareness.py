"""Rows for the lists of awareness (assessments, requests for information,
threat actors, feed ingestions, STIX objects and their versions), in bulk.
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from awareness.models import Assessment, FeedClient, FeedIngestion, RequestForInformation, StixObject, TaxiiCollection, ThreatActor
from cdt.accounts.models import ApiToken
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.security.markings import Distribution

from .list_query_counts_support import CHILD, MARKINGS, World, grant, link


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


def make_feed_clients(world: World, n: int) -> None:
    """Feed tokens with settings, each releasable to and shared with one organisation."""
    numbers = world.take(n)
    tokens = ApiToken.objects.bulk_create(
        [
            ApiToken(user=world.cast["siac"], name=f"Load feed {i}", key_prefix=f"{i:08d}"[-8:], key_hash=f"{i:064d}", scopes=[FEEDS_WRITE])
            for i in numbers
        ],
        batch_size=1000,
    )
    clients = FeedClient.objects.bulk_create([FeedClient(token=token, releasable_to_all=False) for token in tokens], batch_size=1000)
    link(FeedClient.releasable_to, [(client, world.orgs["DE"]) for client in clients])
    link(FeedClient.shared_with, [(client, world.orgs["EEAS"]) for client in clients])


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
