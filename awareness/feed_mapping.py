"""Feed ingestion, second half: what a planned batch becomes in the
registry and the assessments (threat actors and reports mapped, their
grants written in bulk). Split from :mod:`awareness.ingestion`, which plans
and writes the STIX rows and calls these."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cdt.core.bulk import bulk_insert_values
from cdt.directory.models import Organisation
from cdt.security.claims import claimable_organisations
from cdt.security.markings import Classification, Tlp
from notifications.models import EventKind
from notifications.services import event_build, events_record_bulk

from . import ownership, stix
from .models import (
    Assessment,
    AssessmentGroupObjectPermission,
    FeedClient,
    StixObject,
    ThreatActor,
)

if TYPE_CHECKING:
    from .ingestion import Plan, Planned

from .feed_checks import _chunks

BATCH = 1000


def _grant_in_bulk(model, group_permission_model, row_ids: list[int], groups, releasable_to) -> None:
    """Grants and releasability rows for freshly inserted protected rows, in
    bulk (one audit entry covers the batch; see ``_write``)."""
    permission = Permission.objects.get(content_type__app_label=model._meta.app_label, codename=f"view_{model._meta.model_name}")
    bulk_insert_values(
        group_permission_model,
        ["content_object_id", "group_id", "permission_id"],
        [(row_id, group.pk, permission.pk) for row_id in row_ids for group in groups],
    )
    if releasable_to:
        through = model.releasable_to.through
        bulk_insert_values(
            through,
            [f"{model._meta.model_name}_id", "organisation_id"],
            [(row_id, organisation.pk) for row_id in row_ids for organisation in releasable_to],
        )


def _shareable_with_all(planned: Planned, client: FeedClient) -> bool:
    return planned.classification == Classification.UNCLASSIFIED and planned.tlp <= Tlp.GREEN and client.releasable_to_all


ACTOR_KINDS = {
    "nation-state": ThreatActor.Kind.STATE,
    "crime-syndicate": ThreatActor.Kind.NON_STATE,
    "criminal": ThreatActor.Kind.NON_STATE,
    "hacker": ThreatActor.Kind.NON_STATE,
    "activist": ThreatActor.Kind.NON_STATE,
    "terrorist": ThreatActor.Kind.NON_STATE,
}


def _actor_fields(stix_object: dict) -> dict:
    kinds = [ACTOR_KINDS[kind] for kind in stix_object.get("threat_actor_types") or [] if kind in ACTOR_KINDS]
    references = [
        {key: value for key, value in ref.items() if key in ("source_name", "external_id", "url", "description")}
        for ref in stix_object.get("external_references") or []
    ]
    fields = {
        "description": stix_object.get("description", ""),
        "aliases": [alias for alias in stix_object.get("aliases") or [] if alias != stix_object["name"]],
        "first_seen": stix.date_of(stix_object.get("first_seen")),
        "last_seen": stix.date_of(stix_object.get("last_seen")),
        "external_references": references,
    }
    if kinds:
        fields["kind"] = kinds[0]
    # Only explicit properties (docs/api-and-feeds.md, "Threat actors"):
    # "nation-state" and an old first_seen do not make an actor persistent.
    if isinstance(stix_object.get(stix.EU_PERSISTENT), bool):
        fields["persistent"] = stix_object[stix.EU_PERSISTENT]
    if stix_object.get(stix.EU_SPONSORING_STATE):
        fields["suspected_sponsor"] = stix_object[stix.EU_SPONSORING_STATE].strip()
    return fields


def _map_actors(plan: Plan, *, by, client: FeedClient) -> dict[str, ThreatActor]:
    """STIX id → registry entry, for the actors this bundle names or
    earlier bundles registered. An entry mapped from another producer's id
    is linked (found by id or name) but never rewritten: it is that
    producer's; an entry made by hand (no STIX id) is enriched by the first
    feed that names it, which then owns it."""
    registry = list(ThreatActor.objects.all())
    by_stix_id = {actor.stix_id: actor for actor in registry if actor.stix_id}
    by_name: dict[str, ThreatActor] = {}
    for actor in registry:
        for name in [actor.name, *actor.aliases]:
            by_name.setdefault(name.lower(), actor)

    def match(stix_object: dict) -> ThreatActor | None:
        names = [stix_object["name"], *(stix_object.get("aliases") or [])]
        return by_stix_id.get(stix_object["id"]) or next((by_name[n.lower()] for n in names if n.lower() in by_name), None)

    actor_objects = [planned for planned in plan.to_write if planned.stix["type"] in stix.ACTOR_TYPES]
    owners = ownership.id_owners(
        actor.stix_id for actor in (match(planned.stix) for planned in actor_objects) if actor is not None and actor.stix_id
    )
    new: list[ThreatActor] = []
    for planned in actor_objects:
        stix_object = planned.stix
        names = [stix_object["name"], *(stix_object.get("aliases") or [])]
        actor = match(stix_object)
        if actor is not None and actor.stix_id and actor.stix_id not in owners:
            owners.update(ownership.id_owners([actor.stix_id]))
        # Only what everyone may see enters the registry, and only its owner rewrites an entry.
        writable = _shareable_with_all(planned, client) and (
            actor is None or not actor.stix_id or ownership.may_update(owners[actor.stix_id], producer_id=by.organisation_id)
        )
        if actor is None and writable:
            actor = ThreatActor(
                name=stix_object["name"][:200], stix_id=stix_object["id"], stix_modified=planned.modified, **_actor_fields(stix_object)
            )
            new.append(actor)
        elif (
            actor is not None
            and writable
            and actor.pk
            and (actor.stix_modified is None or (planned.modified and planned.modified > actor.stix_modified))
        ):
            for name, value in _actor_fields(stix_object).items():
                if name == "aliases":
                    value = list(dict.fromkeys([*actor.aliases, *value]))
                if value or name in ("description", "persistent"):
                    setattr(actor, name, value)
            actor.stix_id = actor.stix_id or stix_object["id"]
            actor.stix_modified = planned.modified
            actor._history_user = by
            actor.save()
        if actor is not None:
            by_stix_id[stix_object["id"]] = actor
            for name in names:
                by_name.setdefault(name.lower(), actor)
    if new:
        bulk_create_with_history(new, ThreatActor, batch_size=BATCH, default_user=by)
        saved = {actor.stix_id: actor for actor in ThreatActor.objects.filter(stix_id__in=[actor.stix_id for actor in new])}
        for stix_id, actor in list(by_stix_id.items()):
            if actor.pk is None:
                by_stix_id[stix_id] = saved[actor.stix_id]
    return by_stix_id


def _map_sponsors(plan: Plan, *, by, client: FeedClient, actors: dict[str, ThreatActor]) -> None:
    """``attributed-to`` from a threat actor or intrusion set to the
    identity of a State (:func:`awareness.stix.state_of`): the State is the
    actor's suspected sponsor. As for the actor itself, only what everyone
    may see enters the registry (the relationship and the identity both
    shareable with all: an AMBER attribution stays in the feed, behind its
    markings) and only the actor's owner changes it."""
    relationships = [
        planned
        for planned in plan.to_write
        if planned.stix["type"] == "relationship"
        and planned.stix.get("relationship_type") == "attributed-to"
        and str(planned.stix.get("source_ref", "")).partition("--")[0] in stix.ACTOR_TYPES
        and str(planned.stix.get("target_ref", "")).startswith("identity--")
        and _shareable_with_all(planned, client)
    ]
    if not relationships:
        return
    identities = {p.stix["id"]: (p.stix, _shareable_with_all(p, client)) for p in plan.to_write if p.stix["type"] == "identity"}
    wanted = list({planned.stix["target_ref"] for planned in relationships} - set(identities))
    for chunk in _chunks(wanted):
        for row in StixObject.objects.filter(stix_id__in=chunk, current=True).order_by():
            public = row.classification == Classification.UNCLASSIFIED and row.tlp <= Tlp.GREEN and row.releasable_to_all
            identities[row.stix_id] = (row.raw, public)
    sponsored = {planned.stix["source_ref"]: planned.stix["target_ref"] for planned in relationships}
    owners = ownership.id_owners(actors[ref].stix_id for ref in sponsored if ref in actors and actors[ref].stix_id)
    for actor_ref, identity_ref in sponsored.items():
        actor = actors.get(actor_ref)
        identity, public = identities.get(identity_ref, (None, False))
        state = stix.state_of(identity) if identity is not None and public else None
        if actor is None or actor.pk is None or not state or actor.suspected_sponsor == state:
            continue
        if actor.stix_id and not ownership.may_update(owners.get(actor.stix_id), producer_id=by.organisation_id):
            continue
        actor.suspected_sponsor = state
        actor._history_user = by
        actor.save(update_fields=["suspected_sponsor"])


def _organisation_for(identities: dict[str, str], organisations: dict[str, Organisation], ref: str | None, default: Organisation):
    name = identities.get(ref or "")
    return organisations.get(name.lower(), default) if name else default


def _map_reports(plan: Plan, *, by, client: FeedClient, actors: dict[str, ThreatActor], groups, releasable_to) -> int:
    """STIX reports → assessments (new ones in bulk, newer versions saved
    with history); their actors, cases, grants and case events."""
    reports = [planned for planned in plan.to_write if planned.stix["type"] == "report"]
    if not reports:
        return 0
    identities = {p.stix["id"]: p.stix.get("name", "") for p in plan.to_write if p.stix["type"] == "identity"}
    wanted = {p.stix.get("created_by_ref") for p in reports} - set(identities) - {None}
    for chunk in _chunks(list(wanted)):
        identities.update(StixObject.objects.filter(stix_id__in=chunk, current=True).order_by().values_list("stix_id", "name"))
    # A report's author (its created_by_ref identity) becomes the source only
    # when the feed's organisation may speak for it (decision 0026); any
    # other report is the feed's own (a CERT-EU feed cannot post as SIAC).
    organisations = {}
    for organisation in claimable_organisations(by):
        organisations[organisation.name.lower()] = organisation
        organisations[organisation.code.lower()] = organisation
    existing = {}
    for chunk in _chunks([p.stix["id"] for p in reports]):
        existing.update({a.stix_id: a for a in Assessment.objects.filter(stix_id__in=chunk)})
    new, links = [], []
    for planned in reports:
        report = planned.stix
        labels = {str(label).lower() for label in [*(report.get("report_types") or []), *(report.get("labels") or [])]}
        fields = dict(
            kind=Assessment.Kind.SEVERITY
            if "severity" in labels
            else Assessment.Kind.THREAT_LANDSCAPE
            if "threat-landscape" in labels
            else Assessment.Kind.WRITTEN,
            title=report["name"][:300],
            body=report.get("description", ""),
            assessed_on=stix.date_of(report.get("published")) or timezone.localdate(),
            confidence=stix.confidence_of(report) or Assessment.Confidence.MODERATE,
            source=_organisation_for(identities, organisations, report.get("created_by_ref"), by.organisation),
            classification=planned.classification,
            tlp=planned.tlp,
            limite=planned.limite,
            stix_modified=planned.modified,
        )
        assessment = existing.get(report["id"])
        if assessment is None:
            assessment = Assessment(
                stix_id=report["id"], originator=by.organisation, releasable_to_all=client.releasable_to_all, recorded_by=by, **fields
            )
            new.append(assessment)
        else:
            for name, value in fields.items():
                setattr(assessment, name, value)
            assessment._history_user = by
            assessment.save()
        links.append((assessment, report))
    if new:
        bulk_create_with_history(new, Assessment, batch_size=BATCH, default_user=by)
        if any(assessment.pk is None for assessment in new):
            saved = dict(Assessment.objects.filter(stix_id__in=[a.stix_id for a in new]).values_list("stix_id", "pk"))
            for assessment in new:
                assessment.pk = assessment.id = saved[assessment.stix_id]
        _grant_in_bulk(Assessment, AssessmentGroupObjectPermission, [assessment.pk for assessment in new], groups, releasable_to)
    actor_through, case_through = Assessment.actors.through, Assessment.cases.through
    actor_rows, case_rows, events = [], [], []
    new_ids = {id(assessment) for assessment in new}
    changed = [assessment.pk for assessment, _report in links if id(assessment) not in new_ids]
    for chunk in _chunks(changed):
        actor_through.objects.filter(assessment_id__in=chunk).delete()
    existing_case_links = defaultdict(set)
    for chunk in _chunks(changed):
        for assessment_id, case_id in case_through.objects.filter(assessment_id__in=chunk).values_list("assessment_id", "case_id"):
            existing_case_links[assessment_id].add(case_id)
    for assessment, report in links:
        linked_actors = {actors[ref].pk for ref in report.get("object_refs") or [] if ref in actors}
        actor_rows += [(assessment.pk, actor_id) for actor_id in linked_actors]
        for case in plan.case_links.get(report["id"], []):
            if case.pk not in existing_case_links[assessment.pk]:
                case_rows.append(case_through(assessment_id=assessment.pk, case_id=case.pk))
                events.append(event_build(kind=EventKind.ASSESSMENT_ADDED, subject=assessment, case=case))
    bulk_insert_values(actor_through, ["assessment_id", "threatactor_id"], actor_rows)
    case_through.objects.bulk_create(case_rows, batch_size=BATCH)
    events_record_bulk(events)
    return len(links)
