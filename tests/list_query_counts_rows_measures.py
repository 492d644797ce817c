"""Rows for the lists of measures, impact evaluations and the notes, in bulk."""

from __future__ import annotations

import datetime

from awareness.models import ThreatActor
from cases.models import Case
from measures.models import (
    ImpactEvaluation,
    ListedPerson,
    MeasureType,
    OptionsNote,
    ResponseMeasure,
    RestrictiveListing,
    StrategicResponseNote,
)

from .list_query_counts_support import CHILD, MARKINGS, World, grant, link


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
    link(ResponseMeasure.actors, [(measure, world.actor) for measure in measures])
    people = ListedPerson.objects.bulk_create(
        [
            ListedPerson(listing=listing, kind=ListedPerson.Kind.PERSON, name=f"Person {listing.pk}-{number}", statement_of_reasons="Bulk.")
            for listing in listings
            for number in (1, 2)
        ],
        batch_size=2000,
    )
    link(ListedPerson.actors, [(person, world.actor) for person in people])
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
