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
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.core.bulk import bulk_insert_values
from cdt.core.queueing import enqueue
from cdt.security.audit import audit_record
from cdt.security.grants import organisation_group
from cdt.security.markings import Distribution, max_classification, validate_classification_ceiling
from cdt.security.models import AuditEntry

from . import ownership, stix
from .feed_checks import Validation, _case_links, _chunks, _current_versions, _error, _identifier, _marking_meanings
from .feed_mapping import _grant_in_bulk, _map_actors, _map_reports, _map_sponsors
from .models import (
    FeedClient,
    FeedIngestion,
    StixObject,
    StixObjectGroupObjectPermission,
    TaxiiCollection,
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
    #: ``versions``: the version (``modified``, else ``created``) of each
    #: created, updated or unchanged id, which a TAXII status names.
    outcome: dict = field(
        default_factory=lambda: {"created": [], "updated": [], "unchanged": [], "ignored": [], "stored_raw": [], "versions": {}}
    )
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
        plan.outcome["versions"][stix_id] = planned.version
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
            del plan.outcome["versions"][stix_id]
            continue
        plan.to_write.append(planned)
        if planned.stix["type"] not in stix.SUPPORTED_TYPES:
            plan.outcome["stored_raw"].append({"id": stix_id, "type": planned.stix["type"]})
    return plan


def _newer(candidate: Planned, than: Planned) -> bool:
    if candidate.modified is not None and than.modified is not None:
        return candidate.modified > than.modified
    return candidate.version > than.version


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
    _map_sponsors(plan, by=by, client=client, actors=actors)
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
