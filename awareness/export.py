"""STIX 2.1 export of a threat actor: the registry entry and what the
requesting user may share about it.

What a user may *share* is narrower than what they may *see*: the object
must be visible to them (the one access rule), unclassified (a STIX bundle
leaves the accredited system), not LIMITE (not for release outside the
Council's circle), and its TLP must allow passing it on — TLP:CLEAR and
GREEN from anyone, AMBER and AMBER+STRICT only for material their own
organisation originated, TLP:RED never. Nothing above that level is exported,
whatever else the user may read in CDT.

Later parts of the product (public attributions, adopted measures) add their
objects through :data:`CONTRIBUTORS`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

from cdt.security.access import visible_to
from cdt.security.audit import audit_record
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry

from . import stix
from .models import Assessment, StixObject, ThreatActor

#: The identity CDT signs exported objects with (a fixed, name-based id).
CDT_IDENTITY_ID = f"identity--{uuid.uuid5(uuid.NAMESPACE_URL, 'https://cdt.consilium.europa.eu/identity')}"
#: Registry entries are reference data; exported as TLP:GREEN (community).
REGISTRY_TLP = Tlp.GREEN

#: Functions (actor, user) -> list of STIX objects contributed by other apps.
CONTRIBUTORS: list[Callable[[ThreatActor, object], list[dict]]] = []


def shareable(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` (a protected model) narrowed to what ``user`` may pass on."""
    tlp_rule = Q(tlp__lte=Tlp.GREEN)
    if user is not None and getattr(user, "organisation_id", None):
        tlp_rule |= Q(tlp__lte=Tlp.AMBER_STRICT, originator_id=user.organisation_id)
    return visible_to(queryset, user).filter(tlp_rule, classification=Classification.UNCLASSIFIED, limite=False)


def actor_stix_id(actor: ThreatActor) -> str:
    if actor.stix_id:
        return actor.stix_id
    stix_type = "threat-actor" if actor.kind == ThreatActor.Kind.STATE else "intrusion-set"
    return f"{stix_type}--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/threat-actors/{actor.pk}')}"


def _actor_object(actor: ThreatActor, raw: dict | None) -> dict:
    """The registry entry as STIX: the stored object if it came from the feed
    and is shareable, else one written from the registry."""
    if raw is not None:
        return raw
    stix_id = actor_stix_id(actor)
    stamp = stix.stix_timestamp(actor.stix_modified or timezone.now().replace(microsecond=0))
    stix_object = {
        "type": stix_id.split("--")[0],
        "spec_version": stix.SPEC_VERSION,
        "id": stix_id,
        "created": stamp,
        "modified": stamp,
        "created_by_ref": CDT_IDENTITY_ID,
        "name": actor.name,
        "object_marking_refs": [stix.TLP_2_IDS[REGISTRY_TLP]],
    }
    if actor.description:
        stix_object["description"] = actor.description
    if actor.aliases:
        stix_object["aliases"] = list(actor.aliases)
    if actor.kind == ThreatActor.Kind.STATE:
        stix_object["threat_actor_types"] = ["nation-state"]
    if actor.first_seen:
        stix_object["first_seen"] = f"{actor.first_seen.isoformat()}T00:00:00Z"
    if actor.last_seen:
        stix_object["last_seen"] = f"{actor.last_seen.isoformat()}T00:00:00Z"
    references = [ref for ref in actor.external_references if isinstance(ref, dict) and ref.get("source_name")]
    if references:
        stix_object["external_references"] = references
    return stix_object


def _assessment_report(assessment: Assessment, actor_id: str) -> dict:
    stamp = stix.stix_timestamp(assessment.recorded_at)
    return {
        "type": "report",
        "spec_version": stix.SPEC_VERSION,
        "id": f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/assessments/{assessment.pk}')}",
        "created": stamp,
        "modified": stamp,
        "created_by_ref": CDT_IDENTITY_ID,
        "name": assessment.title,
        "description": assessment.body,
        "published": f"{assessment.assessed_on.isoformat()}T00:00:00Z",
        "report_types": ["threat-actor"],
        "confidence": {"low": 15, "moderate": 50, "high": 85}[assessment.confidence],
        "object_refs": [actor_id],
        "object_marking_refs": [stix.TLP_2_IDS[Tlp(assessment.tlp)]],
    }


def _marking_definition(tlp: Tlp) -> dict:
    level = Tlp(tlp).label.split(":")[1].lower()
    return {
        "type": "marking-definition",
        "spec_version": stix.SPEC_VERSION,
        "id": stix.TLP_2_IDS[tlp],
        "created": "2022-10-01T00:00:00.000Z",
        "name": Tlp(tlp).label,
        "extensions": {stix.TLP_2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    }


def actor_stix_bundle(*, actor: ThreatActor, user, request=None) -> dict:
    """The bundle, validated object by object, and one audit entry for the export."""
    stix_id = actor_stix_id(actor)
    stored = shareable(StixObject.objects.filter(current=True), user)
    own = stored.filter(stix_id=stix_id).first() if actor.stix_id else None
    objects: dict[str, dict] = {}
    objects[stix_id] = _actor_object(actor, own.raw if own else None)
    relationships = list(stored.filter(Q(source_ref=stix_id) | Q(target_ref=stix_id), stix_type="relationship"))
    ends = {ref for rel in relationships for ref in (rel.source_ref, rel.target_ref)} - {stix_id}
    about = list(stored.filter(Q(stix_id__in=ends) | Q(refs__contains=stix_id)))
    for row in [*relationships, *about]:
        objects[row.stix_id] = row.raw
    # A relationship whose other end the user may not share would dangle: it is left out.
    for rel in relationships:
        if rel.source_ref not in objects or rel.target_ref not in objects:
            objects.pop(rel.stix_id, None)
    for assessment in shareable(Assessment.objects.filter(actors=actor, stix_id=""), user):
        report = _assessment_report(assessment, stix_id)
        objects[report["id"]] = report
    for contributor in CONTRIBUTORS:
        for stix_object in contributor(actor, user):
            objects[stix_object["id"]] = stix_object
    needs_identity = any(o.get("created_by_ref") == CDT_IDENTITY_ID for o in objects.values())
    if needs_identity:
        objects[CDT_IDENTITY_ID] = {
            "type": "identity",
            "spec_version": stix.SPEC_VERSION,
            "id": CDT_IDENTITY_ID,
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": "CDT — EU Cyber Diplomacy Toolbox",
            "identity_class": "system",
        }
    used = {ref for o in objects.values() for ref in stix.marking_refs(o)}
    for tlp, marking_id in stix.TLP_2_IDS.items():
        if marking_id in used and marking_id not in objects:
            objects[marking_id] = _marking_definition(tlp)
    for stix_object in objects.values():
        stix.validate(stix_object)
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects.values())}
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=user,
        target=actor,
        request=request,
        details={"format": "stix-2.1", "objects": len(objects), "ids": sorted(objects)[:500]},
    )
    return bundle
