"""Posting STIX 2.1 to the situational-awareness feed.

A bundle is read in two passes. The first only reads: every object is
validated with ``stix2``, its markings are worked out (TLP from its marking
references, classification and LIMITE from statement markings and the
posting client's defaults, never above the accreditation ceiling), and its
outcome decided against the stored versions. One error anywhere and the
bundle is rejected whole, naming the object, the property and the reason.
The second pass writes everything in one transaction, in bulk: the STIX
versions with their grants, the threat-actor registry, the assessments, the
case events, one audit entry.

Rules: an id belongs to the producer (organisation) that first sent it;
another producer's object with that id refuses the bundle (409) before any
version is compared, so the answer says nothing of the stored object
(``ownership``, docs/decisions/0024). Then the same id and version is
*unchanged*; a newer ``modified`` is
*updated* (a new version row; the mapped record is saved with history); an
older one is *ignored* and reported. Types CDT does not map are *stored raw*,
listed, and served over TAXII like the rest.

The registry of threat actors is reference data every user sees, so the feed
creates or updates a registry entry only from objects everyone may see
(unclassified, TLP:CLEAR or GREEN, releasable to all); a more restricted
intrusion set is kept as a protected STIX object and still links the reports
that name it to an existing registry entry.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cases.models import Case
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.core.bulk import bulk_insert_values
from cdt.core.queueing import enqueue
from cdt.directory.models import Organisation
from cdt.security.access import visible_to
from cdt.security.audit import audit_record
from cdt.security.claims import claimable_organisations
from cdt.security.grants import organisation_group
from cdt.security.markings import Classification, Distribution, Tlp, max_classification, validate_classification_ceiling
from cdt.security.models import AuditEntry
from notifications.models import EventKind
from notifications.services import event_build, events_record_bulk

from . import ownership, stix
from .models import (
    Assessment,
    AssessmentGroupObjectPermission,
    FeedClient,
    FeedIngestion,
    StixObject,
    StixObjectGroupObjectPermission,
    TaxiiCollection,
    ThreatActor,
    taxii_collections_ensure,
)

PROGRESS_EVERY = 2000
BATCH = 1000


class FeedRejected(Exception):
    """The bundle is refused whole; ``errors`` name object, property, reason.
    ``conflict``: refused only because it reuses another producer's ids (409)."""

    def __init__(self, errors: list[dict], *, conflict: bool = False):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.conflict = conflict


def _error(object_id: str, property_name: str, reason: str) -> dict:
    """One error; each part clipped, as a hostile value (a 5 MB id, a NUL)
    may be part of it and the error goes back in the answer and into the log."""
    return {"object": _clip(object_id, 200), "property": _clip(property_name, 100), "reason": _clip(reason, 1000)}


def _clip(text: str, size: int) -> str:
    text = stix.storable(str(text))
    return text if len(text) <= size else text[: size - 1] + "…"


def feed_client_for(*, token) -> FeedClient:
    """The feed settings of the posting token. Only a token (not a browser
    session) with the ``feeds:write`` scope and settings may post."""
    if token is None or not hasattr(token, "has_scope") or not token.has_scope(FEEDS_WRITE):
        raise PermissionDenied(_("Posting to the feed needs an API token with the %(scope)s scope.") % {"scope": FEEDS_WRITE})
    try:
        return token.feed_client
    except FeedClient.DoesNotExist:
        raise PermissionDenied(_("This API token has no feed settings; the Council secretariat sets them.")) from None


def bundle_objects(bundle, *, is_bundle: bool = False) -> list[dict]:
    """The objects of a STIX bundle or a TAXII envelope, or a rejection.
    A bundle (the feed API) must say so and carry its id, as STIX 2.1
    requires; a TAXII envelope has neither."""
    if not isinstance(bundle, dict):
        raise FeedRejected([_error("", "", _("The body must be a STIX 2.1 bundle (a JSON object)."))])
    if is_bundle and "type" not in bundle:
        raise FeedRejected([_error(str(bundle.get("id", "")), "type", _("Expected a bundle."))])
    if is_bundle and "id" not in bundle:
        raise FeedRejected([_error("", "id", _("The bundle id must be 'bundle--' followed by a UUID."))])
    if "type" in bundle and bundle["type"] != "bundle":
        raise FeedRejected([_error(str(bundle.get("id", "")), "type", _("Expected a bundle."))])
    if "id" in bundle and not stix.is_identifier(bundle["id"], "bundle"):
        raise FeedRejected([_error("", "id", _("The bundle id must be 'bundle--' followed by a UUID."))])
    objects = bundle.get("objects")
    if not isinstance(objects, list):
        raise FeedRejected([_error(str(bundle.get("id", "")), "objects", _("A bundle needs a list of objects."))])
    return objects


def feed_bundle_receive(*, by, token, bundle, channel: str, collection: TaxiiCollection | None = None) -> FeedIngestion:
    """Take a bundle from the feed API or TAXII. Bundles up to
    ``CDT_FEED_SYNC_MAX_OBJECTS`` are ingested before answering; larger ones
    are kept and ingested by a Celery task (the caller answers 202)."""
    client = feed_client_for(token=token)
    try:
        objects = bundle_objects(bundle, is_bundle=channel == FeedIngestion.Channel.FEED_API)
    except FeedRejected as rejection:
        ingestion = FeedIngestion.objects.create(
            token=token,
            posted_by=by,
            channel=channel,
            collection=collection,
            status=FeedIngestion.Status.FAILED,
            errors=rejection.errors,
            finished_at=timezone.now(),
        )
        return ingestion
    ingestion = FeedIngestion.objects.create(
        token=token,
        posted_by=by,
        channel=channel,
        collection=collection,
        bundle_id=str(bundle.get("id", ""))[:100],
        object_count=len(objects),
    )
    if len(objects) > settings.CDT_FEED_SYNC_MAX_OBJECTS:
        ingestion.payload = bundle
        ingestion.save(update_fields=["payload"])
        from .tasks import process_feed_ingestion

        transaction.on_commit(lambda: enqueue(process_feed_ingestion, str(ingestion.pk)))
        return ingestion
    return feed_ingestion_process(ingestion=ingestion, client=client, objects=objects)


def feed_ingestions_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the large bundles still pending after the outbox grace
    period (the broker was down when they were accepted, or a worker died):
    beat runs it; the task skips an ingestion that is no longer pending."""
    from .tasks import process_feed_ingestion

    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CDT_OUTBOX_GRACE_SECONDS)
    pending = FeedIngestion.objects.filter(status=FeedIngestion.Status.PENDING, payload__isnull=False, received_at__lte=cutoff)
    queued = 0
    for ingestion_id in pending.values_list("pk", flat=True)[:100]:
        if not enqueue(process_feed_ingestion, str(ingestion_id)):
            break
        queued += 1
    return queued


def feed_ingestion_process(
    *, ingestion: FeedIngestion, client: FeedClient | None = None, objects: list[dict] | None = None
) -> FeedIngestion:
    """Ingest a received bundle (now, or from the Celery task). Records the
    outcome or the errors on the ingestion; never raises for bad content."""
    if client is None:
        client = FeedClient.objects.select_related("token__user__organisation").get(token=ingestion.token)
    if objects is None:
        objects = bundle_objects(ingestion.payload)
    by = ingestion.posted_by
    validation = None
    try:
        _progress(ingestion, FeedIngestion.Status.VALIDATING, 0)
        validation = Validation.start(objects)
        plan = _plan(objects, client=client, by=by, ingestion=ingestion, validation=validation)
        _progress(ingestion, FeedIngestion.Status.WRITING, 0 if validation else len(objects))
        with transaction.atomic():
            counts = _write(plan, client=client, by=by, ingestion=ingestion)
            if validation is not None:
                errors = validation.errors()
                validation = None
                if errors:
                    raise FeedRejected(errors)  # rolls back everything written above
    except FeedRejected as rejection:
        if validation is not None:  # the plan failed first: the stix2 errors come first too
            invalid = validation.errors()
            rejection.conflict = rejection.conflict and not invalid
            rejection.errors = (invalid + rejection.errors)[:100]
        ingestion.status, ingestion.errors = FeedIngestion.Status.FAILED, rejection.errors
        ingestion.conflict = rejection.conflict
    except IntegrityError:
        ingestion.status = FeedIngestion.Status.FAILED
        ingestion.errors = [_error("", "", _("Another ingestion wrote the same objects at the same time; post the bundle again."))]
    except Exception:
        # In a large bundle, planning and writing run on objects the worker
        # processes are still validating: a crash there on an invalid object
        # is that object's validation error (and the transaction rolled back).
        errors = validation.errors() if validation is not None else []
        if not errors:
            raise
        ingestion.status, ingestion.errors = FeedIngestion.Status.FAILED, errors
    else:
        ingestion.status = FeedIngestion.Status.COMPLETE
        for name, value in counts.items():
            setattr(ingestion, f"{name}_count", value)
        ingestion.outcome = plan.outcome
    ingestion.processed_count = len(objects) if ingestion.status == FeedIngestion.Status.COMPLETE else ingestion.processed_count
    ingestion.payload = None
    ingestion.finished_at = timezone.now()
    ingestion.save()
    return ingestion


def _progress(ingestion: FeedIngestion, status: str, processed: int) -> None:
    ingestion.status, ingestion.processed_count = status, processed
    FeedIngestion.objects.filter(pk=ingestion.pk).update(status=status, processed_count=processed)


# --- First pass: read, validate, decide -------------------------------------------------------


@dataclass
class Planned:
    stix: dict
    version: str
    modified: datetime.datetime | None
    classification: int
    tlp: int
    limite: bool
    previous_pk: int | None = None


@dataclass
class Plan:
    to_write: list[Planned] = field(default_factory=list)
    outcome: dict = field(default_factory=lambda: {"created": [], "updated": [], "unchanged": [], "ignored": [], "stored_raw": []})
    case_links: dict[str, list[Case]] = field(default_factory=dict)


def _plan(objects: list[dict], *, client: FeedClient, by, ingestion: FeedIngestion, validation: Validation | None = None) -> Plan:
    errors: list[dict] = []
    if validation is None:
        for index, stix_object in enumerate(objects):
            try:
                stix.validate(stix_object)
            except stix.StixInvalid as invalid:
                errors.append(_error(_identifier(stix_object, index), invalid.property_name, invalid.reason))
                if len(errors) >= 100:
                    break
            if index and index % PROGRESS_EVERY == 0:
                _progress(ingestion, FeedIngestion.Status.VALIDATING, index)
        if errors:
            raise FeedRejected(errors)
    else:
        # stix2 runs in worker processes meanwhile; here only what planning reads.
        for index, stix_object in enumerate(objects):
            if (
                not isinstance(stix_object, dict)
                or not isinstance(stix_object.get("type"), str)
                or not isinstance(stix_object.get("id"), str)
            ):
                errors.append(_error(_identifier(stix_object, index), "type" if isinstance(stix_object, dict) else "", "required"))
        if errors:
            raise FeedRejected(errors[:100])

    meanings = _marking_meanings(objects)
    ceiling = max_classification()
    plan = Plan()
    newest: dict[str, Planned] = {}
    for stix_object in objects:
        classification, tlp, limite = int(client.default_classification), None, client.default_limite
        for ref in stix.marking_refs(stix_object):
            meaning = meanings.get(ref)
            if meaning is None:
                errors.append(_error(stix_object["id"], "object_marking_refs", _("Unknown marking definition %(ref)s.") % {"ref": ref}))
                continue
            if meaning.tlp is not None:
                tlp = max(int(meaning.tlp), tlp if tlp is not None else -1)
            if meaning.classification is not None:
                classification = max(classification, int(meaning.classification))
            limite = limite or meaning.limite
        if classification > int(ceiling):
            try:
                validate_classification_ceiling(classification)
            except ValidationError as error:
                errors.append(_error(stix_object["id"], "object_marking_refs", " ".join(error.messages)))
            continue
        version, modified = stix.version_of(stix_object)
        planned = Planned(stix_object, version, modified, classification, int(client.default_tlp) if tlp is None else tlp, limite)
        earlier = newest.get(stix_object["id"])
        if earlier is None or _newer(planned, earlier):
            if earlier is not None and earlier.version != planned.version:
                plan.outcome["ignored"].append(
                    {"id": stix_object["id"], "version": earlier.version, "reason": "a newer version is in the bundle"}
                )
            newest[stix_object["id"]] = planned
        elif earlier.version != planned.version:
            plan.outcome["ignored"].append({"id": stix_object["id"], "version": version, "reason": "a newer version is in the bundle"})
        elif earlier.stix != stix_object:
            errors.append(
                _error(
                    stix_object["id"],
                    "id",
                    _("The same id and version (%(version)s) appear twice in the bundle with different content.") % {"version": version},
                )
            )
    plan.case_links = _case_links([p.stix for p in newest.values() if p.stix["type"] == "report"], by=by, errors=errors)
    if errors:
        raise FeedRejected(errors[:100])
    # Before any version is compared: a foreign id gets one answer, whatever its version.
    foreign = ownership.foreign_ids(newest, producer_id=by.organisation_id)
    if foreign:
        raise FeedRejected([_error(stix_id, "id", ownership.conflict_reason()) for stix_id in foreign[:100]], conflict=True)

    stored = _current_versions(list(newest))
    for stix_id, planned in newest.items():
        current = stored.get(stix_id)
        if current is None:
            plan.outcome["created"].append(stix_id)
        elif current[1] == planned.version:
            plan.outcome["unchanged"].append(stix_id)
            continue
        elif _newer(planned, Planned({}, current[1], current[2], 0, 0, False)):
            planned.previous_pk = current[0]
            plan.outcome["updated"].append(stix_id)
        else:
            plan.outcome["ignored"].append(
                {"id": stix_id, "version": planned.version, "reason": f"older than the stored version {current[1]}"}
            )
            continue
        plan.to_write.append(planned)
        if planned.stix["type"] not in stix.SUPPORTED_TYPES:
            plan.outcome["stored_raw"].append({"id": stix_id, "type": planned.stix["type"]})
    return plan


def _identifier(stix_object, index: int) -> str:
    if isinstance(stix_object, dict) and isinstance(stix_object.get("id"), str):
        return stix_object["id"]
    return f"objects[{index}]"


class Validation:
    """``stix2`` validation of a large bundle in worker processes, while the
    calling process plans and writes inside its transaction; the caller
    waits for :meth:`errors` before committing and rolls back if there are
    any. Validation is CPU-bound Python (STIX patterns go through an ANTLR
    parser), so this is where a second core pays."""

    CHUNK = 1000
    _executor = None

    def __init__(self, objects: list[dict]):
        self.objects = objects
        executor = self.executor()
        self.futures = [
            executor.submit(stix.validate_chunk, start, objects[start : start + self.CHUNK]) for start in range(0, len(objects), self.CHUNK)
        ]

    @classmethod
    def executor(cls):
        if cls._executor is None:
            import multiprocessing
            import os
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["awareness.stix"])
            cls._executor = ProcessPoolExecutor(max_workers=max(2, os.cpu_count() or 2), mp_context=context)
        return cls._executor

    @classmethod
    def start(cls, objects: list[dict]) -> Validation | None:
        """Parallel validation if the bundle is large enough and worker
        processes can be had; else ``None`` (validate in-process)."""
        if len(objects) < settings.CDT_FEED_PARALLEL_MIN_OBJECTS:
            return None
        try:
            return cls(objects)
        except (OSError, AssertionError, RuntimeError, ValueError):  # no processes here (e.g. a daemonic worker)
            cls._executor = None
            return None

    def errors(self) -> list[dict]:
        failures = sorted(failure for future in self.futures for failure in future.result())
        return [_error(_identifier(self.objects[index], index), prop, reason) for index, prop, reason in failures[:100]]


def _newer(candidate: Planned, than: Planned) -> bool:
    if candidate.modified is not None and than.modified is not None:
        return candidate.modified > than.modified
    return candidate.version > than.version


def _marking_meanings(objects: list[dict]) -> dict[str, stix.Marking]:
    """TLP definitions, the bundle's marking definitions, and those stored
    by earlier bundles that this one references."""
    meanings: dict[str, stix.Marking] = {ref: stix.Marking(tlp=tlp) for ref, tlp in stix.TLP_MARKINGS.items()}
    referenced: set[str] = set()
    for stix_object in objects:
        if stix_object["type"] == "marking-definition":
            meanings[stix_object["id"]] = stix.marking_meaning(stix_object)
        referenced.update(stix.marking_refs(stix_object))
    missing = list(referenced - set(meanings))
    for chunk in _chunks(missing):
        for stored in (
            StixObject.objects.filter(stix_type="marking-definition", current=True, stix_id__in=chunk).order_by().only("stix_id", "raw")
        ):
            meanings[stored.stix_id] = stix.marking_meaning(stored.raw)
    return meanings


def _case_links(reports: list[dict], *, by, errors: list[dict]) -> dict[str, list[Case]]:
    """Cases a report names in ``external_references`` (``source_name``
    "CDT", ``external_id`` the case reference), if the poster may see them."""
    wanted: dict[str, set[str]] = {}
    for report in reports:
        references = {
            ref.get("external_id")
            for ref in report.get("external_references") or []
            if str(ref.get("source_name", "")).upper() == "CDT" and ref.get("external_id")
        }
        if references:
            wanted[report["id"]] = references
    if not wanted:
        return {}
    all_references = set().union(*wanted.values())
    cases = {case.reference: case for case in visible_to(Case.objects.filter(reference__in=all_references), by)}
    links = {}
    for report_id, references in wanted.items():
        for reference in sorted(references - set(cases)):
            errors.append(_error(report_id, "external_references", _("No such case: %(reference)s.") % {"reference": reference}))
        links[report_id] = [cases[reference] for reference in sorted(references & set(cases))]
    return links


def _current_versions(stix_ids: list[str]) -> dict[str, tuple[int, str, datetime.datetime | None]]:
    found = {}
    for chunk in _chunks(stix_ids):
        for pk, stix_id, version, modified in (
            StixObject.objects.filter(stix_id__in=chunk, current=True).order_by().values_list("pk", "stix_id", "version", "modified")
        ):
            found[stix_id] = (pk, version, modified)
    return found


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Second pass: write -------------------------------------------------------------------------


def feed_groups(client: FeedClient, by) -> list[Group]:
    """Who gets need-to-know on what a client posts: its own organisation,
    the Council secretariat, the organisations named in its settings and,
    if set, every HWPCI delegation (the markings still apply)."""
    groups = [organisation_group(by.organisation), Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])]
    groups += [organisation_group(organisation) for organisation in client.shared_with.all()]
    if client.shared_with_all_delegations:
        groups.append(Group.objects.get(name=GROUP_NAMES[Role.HWPCI_DELEGATE]))
    return list(dict.fromkeys(groups))


def _route(collections: list[TaxiiCollection], posted_to: TaxiiCollection | None):
    if posted_to is not None:
        return lambda stix_type: posted_to
    by_type = {stix_type: collection for collection in collections for stix_type in collection.stix_types}
    default = next((collection for collection in collections if collection.is_default), None) or collections[0]
    return lambda stix_type: by_type.get(stix_type, default)


def _write(plan: Plan, *, client: FeedClient, by, ingestion: FeedIngestion) -> dict[str, int]:
    now = timezone.now()
    taxii_collections_ensure()
    route = _route(list(TaxiiCollection.objects.all()), ingestion.collection)
    releasable_to = list(client.releasable_to.all()) if not client.releasable_to_all else []
    groups = feed_groups(client, by)
    columns = [
        "stix_id",
        "stix_type",
        "version",
        "modified",
        "current",
        "supported",
        "name",
        "source_ref",
        "target_ref",
        "refs",
        "collection_id",
        "ingestion_id",
        "added_at",
        "raw",
        "classification",
        "tlp",
        "limite",
        "originator_id",
        "releasable_to_all",
        "distribution",
    ]
    values = []
    for planned in plan.to_write:
        stix_object = planned.stix
        values.append(
            (
                stix_object["id"],
                stix_object["type"],
                planned.version,
                planned.modified,
                True,
                stix_object["type"] in stix.SUPPORTED_TYPES,
                str(stix_object.get("name", ""))[:300],
                str(stix_object.get("source_ref", ""))[:100],
                str(stix_object.get("target_ref", ""))[:100],
                " ".join(stix_object.get("object_refs") or []),
                route(stix_object["type"]).pk,
                ingestion.pk,
                now,
                stix_object,
                planned.classification,
                planned.tlp,
                planned.limite,
                by.organisation_id,
                client.releasable_to_all,
                Distribution.RESTRICTED,  # feed objects reach those the feed client names (docs/decisions/0022)
            )
        )
    previous = [planned.previous_pk for planned in plan.to_write if planned.previous_pk]
    for chunk in _chunks(previous):
        StixObject.objects.filter(pk__in=chunk).update(current=False)
    row_ids = bulk_insert_values(StixObject, columns, values, with_ids=True)
    _grant_in_bulk(StixObject, StixObjectGroupObjectPermission, row_ids, groups, releasable_to)

    actors = _map_actors(plan, by=by, client=client)
    assessments = _map_reports(plan, by=by, client=client, actors=actors, groups=groups, releasable_to=releasable_to)
    counts = {
        "created": len(plan.outcome["created"]),
        "updated": len(plan.outcome["updated"]),
        "unchanged": len(plan.outcome["unchanged"]),
        "ignored": len(plan.outcome["ignored"]),
        "stored_raw": len(plan.outcome["stored_raw"]),
    }
    audit_record(
        action=AuditEntry.Action.CREATE,
        actor=by,
        target=ingestion,
        details={
            **counts,
            "stix_objects": len(row_ids),
            "assessments": assessments,
            "channel": ingestion.channel,
        },
    )
    if row_ids:
        audit_record(
            action=AuditEntry.Action.GRANT,
            actor=by,
            target=ingestion,
            details={
                "permission": "view",
                "groups": [group.name for group in groups],
                "stix_objects": len(row_ids),
                "assessments": assessments,
            },
        )
    return counts


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
                if value or name == "description":
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
