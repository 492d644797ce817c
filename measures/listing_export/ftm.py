"""A listing as FollowTheMoney entities: the format OpenSanctions, Aleph and
most screening tools exchange sanctions data in.

Each listed natural person is a ``Person``, each listed entity an
``Organization``, and each listing entry a ``Sanction`` whose ``entity`` is
that person or organisation. The output is line-delimited JSON, one entity
per line (FollowTheMoney's own convention), the listed party before its
sanction.

Ids are stable across re-recordings of the listing (which replaces its
entries wholesale, so the rows' own ids change): they are hashed from the
case reference, the measure, the entry's kind and its name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from followthemoney import EntityProxy, model

from ..choices import MeasureState
from ..models import ListedPerson, RestrictiveListing
from .acts import EUR_LEX_URL, REGIME_CELEX, ListingAct, listing_acts
from .entries import aliases_of

AUTHORITY = "Council of the European Union"
PROGRAM = "EU cyber sanctions regime (Regulation (EU) 2019/796)"
#: OpenSanctions' key for the regime (the EU Financial Sanctions Files say ``CYB``).
PROGRAM_ID = "EU-CYB"
#: What the regime imposes (Decision (CFSP) 2019/797, Articles 4 and 5): both on natural persons, the freeze on entities.
PROVISIONS = {
    ListedPerson.Kind.PERSON: ("Asset freeze", "Prohibition to make funds available", "Travel ban"),
    ListedPerson.Kind.ENTITY: ("Asset freeze", "Prohibition to make funds available"),
}
#: A measure in these states no longer applies: its sanctions carry an end date and the status "ended".
ENDED_STATES = {MeasureState.LIFTED, MeasureState.EXPIRED}

MEDIA_TYPE = "application/x-ndjson"


def _key(listing: RestrictiveListing, entry: ListedPerson, seen: dict[tuple[str, str], int]) -> tuple[str, ...]:
    """The parts an entry's ids are hashed from; a second entry of the same
    kind and name in one listing (two homonyms) gets its rank."""
    name = " ".join(entry.name.split()).casefold()
    rank = seen.get((entry.kind, name), 0)
    seen[(entry.kind, name)] = rank + 1
    parts = ("cdt", listing.case.reference, f"measure-{listing.measure_id}", entry.kind, name)
    return (*parts, str(rank)) if rank else parts


def _party(entry: ListedPerson, key: tuple[str, ...]) -> EntityProxy:
    """The listed person or entity."""
    if entry.kind == ListedPerson.Kind.PERSON:
        party = model.make_entity("Person")
        party.add("position", entry.function)
    else:
        party = model.make_entity("Organization")
        # An organisation has no position: its role in the cyber-attacks is a note.
        party.add("notes", entry.function)
    party.make_id(*key, "party")
    party.add("name", entry.name)
    party.add("alias", aliases_of(entry))
    party.add("notes", entry.identifying_information)
    party.add("topics", "sanction")
    return party


def _sanction(
    listing: RestrictiveListing, entry: ListedPerson, party: EntityProxy, key: tuple[str, ...], acts: list[ListingAct]
) -> EntityProxy:
    """The designation of one entry under the regime, citing the acts."""
    sanction = model.make_entity("Sanction")
    sanction.make_id(*key, "sanction")
    sanction.add("entity", party)
    sanction.add("authority", AUTHORITY)
    sanction.add("program", PROGRAM)
    sanction.add("programId", PROGRAM_ID)
    sanction.add("programUrl", EUR_LEX_URL.format(celex=REGIME_CELEX))
    sanction.add("country", "eu")
    sanction.add("reason", entry.statement_of_reasons)
    sanction.add("provisions", PROVISIONS[ListedPerson.Kind(entry.kind)])
    # The acts: their EUR-Lex addresses (which carry the CELEX numbers) and their titles with number and OJ reference.
    sanction.add("sourceUrl", [act.url for act in acts if act.url])
    sanction.add("description", [", ".join(filter(None, (act.title, act.oj_reference))) for act in acts])
    adopted = sorted(act.adopted_on for act in acts if act.adopted_on)
    published = sorted(day for day in (act.published_on for act in acts) if day)
    if adopted:
        sanction.add("startDate", adopted[0].isoformat())
    listed_on = published[0] if published else adopted[0] if adopted else None
    if listed_on:
        sanction.add("listingDate", listed_on.isoformat())
    measure = listing.measure
    if measure.state in ENDED_STATES:
        sanction.add("status", "ended")
        if measure.ended_on:
            sanction.add("endDate", measure.ended_on.isoformat())
    else:
        sanction.add("status", "active")
    return sanction


def listing_entities(listing: RestrictiveListing, user) -> Iterator[EntityProxy]:
    """Every entity of the export, each listed party followed by its sanction."""
    acts = listing_acts(listing, user)
    seen: dict[tuple[str, str], int] = {}
    for entry in listing.entries.all():
        key = _key(listing, entry, seen)
        party = _party(entry, key)
        yield party
        yield _sanction(listing, entry, party, key, acts)


def listing_ftm(listing: RestrictiveListing, user) -> str:
    """The export: one entity per line, as JSON (UTF-8, keys sorted so two
    exports of the same listing are byte for byte the same)."""
    return "".join(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for entity in listing_entities(listing, user))
