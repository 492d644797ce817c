"""``make bench``: STIX ingestion speed on a generated bundle, next to a raw
``bulk_create`` and a PostgreSQL ``COPY`` of exactly the rows the ingestion
wrote. A command object,
not a ``manage.py`` command (the bench is no app of the product): run it with
``call_command(Command(), ...)``, as :func:`bench.figures.stix` does.

The bundle is a realistic SIAC feed (intrusion sets, threat actors,
campaigns, victim identities, reports, relationships, indicators, notes,
opinions). Each round starts from empty feed tables, runs the real service
(validation with ``stix2``, markings, version checks, registry, assessments,
grants, history, audit) and times it; the rows it wrote are then read back,
deleted and re-inserted with plain ``bulk_create`` in the same batch sizes,
then deleted and written again by ``COPY`` (:func:`cdt.core.bulk.bulk_insert_values`:
the physical limit of writing those rows on this machine, issue 29), each
timed as a baseline. Reported: objects per second and the ratios
baseline / ingestion (1.0 would mean the ingestion costs no more than
writing its rows)."""

from __future__ import annotations

import json
import statistics
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from awareness import services
from awareness.ingestion import BATCH, feed_ingestion_process
from awareness.models import (
    Assessment,
    AssessmentGroupObjectPermission,
    FeedIngestion,
    StixObject,
    StixObjectGroupObjectPermission,
    ThreatActor,
)
from cdt.accounts.roles import Role
from cdt.accounts.scopes import FEEDS_WRITE, READ
from cdt.accounts.services import api_token_issue, role_groups_ensure, user_upsert
from cdt.core.bulk import bulk_insert_values
from cdt.directory.models import Organisation
from cdt.directory.reference import load_reference_data
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry, AuditHead, PendingRead
from notifications.models import Event

T0 = "2026-11-01T08:00:00.000Z"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
MIX = {
    "intrusion-set": 300,
    "threat-actor": 100,
    "campaign": 600,
    "identity": 1000,
    "report": 2000,
    "relationship": 7000,
    "indicator": 6000,
    "note": 1500,
    "opinion": 1497,
}


def generated_bundle(total: int) -> dict:
    """``total`` objects in the proportions of :data:`MIX` (plus SIAC's identity and two TLP definitions)."""
    scale = (total - 3) / sum(MIX.values())
    counts = {kind: max(1, round(n * scale)) for kind, n in MIX.items()}
    counts["opinion"] += (total - 3) - sum(counts.values())
    siac = f"identity--{uuid.uuid4()}"

    def ident(kind):
        return f"{kind}--{uuid.uuid4()}"

    def base(kind, marking, **properties):
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": ident(kind),
            "created": T0,
            "modified": T0,
            "created_by_ref": siac,
            "object_marking_refs": [marking],
            **properties,
        }

    objects = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": siac,
            "created": T0,
            "modified": T0,
            "name": "SIAC",
            "identity_class": "organization",
        }
    ]
    for marking, level in ((GREEN, "green"), (AMBER, "amber")):
        objects.append(
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": marking,
                "created": "2022-10-01T00:00:00.000Z",
                "name": f"TLP:{level.upper()}",
                "extensions": {
                    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": level}
                },
            }
        )
    sets = [
        base(
            "intrusion-set",
            GREEN,
            name=f"Bench set {i}",
            aliases=[f"BS-{i}"],
            description="Generated intrusion set.",
            first_seen="2024-01-01T00:00:00Z",
        )
        for i in range(counts["intrusion-set"])
    ]
    actors = [
        base("threat-actor", GREEN, name=f"Bench actor {i}", threat_actor_types=["nation-state"]) for i in range(counts["threat-actor"])
    ]
    campaigns = [base("campaign", AMBER, name=f"Bench campaign {i}") for i in range(counts["campaign"])]
    victims = [
        base("identity", AMBER, name=f"Bench victim {i}", identity_class="organization", sectors=["energy"])
        for i in range(counts["identity"])
    ]
    reports = [
        base(
            "report",
            AMBER,
            name=f"Bench report {i}",
            description="Generated assessment. " * 20,
            published=T0,
            report_types=["threat-actor"],
            confidence=60,
            object_refs=[sets[i % len(sets)]["id"], campaigns[i % len(campaigns)]["id"]],
        )
        for i in range(counts["report"])
    ]
    relationships = []
    for i in range(counts["relationship"]):
        source, kind, target = [
            (campaigns[i % len(campaigns)], "attributed-to", sets[i % len(sets)]),
            (campaigns[i % len(campaigns)], "targets", victims[i % len(victims)]),
            (sets[i % len(sets)], "attributed-to", actors[i % len(actors)]),
        ][i % 3]
        relationships.append(base("relationship", AMBER, relationship_type=kind, source_ref=source["id"], target_ref=target["id"]))
    indicators = [
        base(
            "indicator",
            AMBER,
            pattern=f"[ipv4-addr:value = '10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}']",
            pattern_type="stix",
            valid_from=T0,
            indicator_types=["malicious-activity"],
        )
        for i in range(counts["indicator"])
    ]
    notes = [
        base("note", AMBER, content="Generated analyst note.", object_refs=[reports[i % len(reports)]["id"]]) for i in range(counts["note"])
    ]
    opinions = [base("opinion", AMBER, opinion="agree", object_refs=[reports[i % len(reports)]["id"]]) for i in range(counts["opinion"])]
    objects += sets + actors + campaigns + victims + reports + relationships + indicators + notes + opinions
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


#: The tables the ingestion writes, in insertion order.
WRITTEN = [
    ThreatActor,
    ThreatActor.history.model,
    Assessment,
    Assessment.history.model,
    StixObject,
    StixObjectGroupObjectPermission,
    AssessmentGroupObjectPermission,
    Assessment.actors.through,
    Event,
]


class Command(BaseCommand):
    help = "Benchmark STIX ingestion against a raw bulk_create of the same rows (run by `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--objects", type=int, default=20_000)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--json", help="also write the figures to this file")
        parser.add_argument(
            "--scratch-database",
            action="store_true",
            help="required: the benchmark empties the feed tables and the audit trail of this database",
        )

    def handle(self, *args, **options):
        if not options["scratch_database"]:
            raise CommandError(
                "The feed benchmark empties the feed tables and the audit trail: run it on a scratch database "
                "(`make bench` creates one) and pass --scratch-database."
            )
        from django.apps import apps

        load_reference_data(apps)
        role_groups_ensure()
        siac, secretariat = self._users()
        token, _key = api_token_issue(user=siac, name=f"bench {uuid.uuid4()}", scopes=[READ, FEEDS_WRITE])
        client = services.feed_client_configure(
            by=secretariat,
            token=token,
            default_classification=Classification.UNCLASSIFIED,
            default_tlp=Tlp.AMBER,
            shared_with_all_delegations=True,
        )
        bundle = generated_bundle(options["objects"])
        size = len(json.dumps(bundle))
        self.stdout.write(f"Database: {connection.vendor} · bundle: {len(bundle['objects'])} objects, {size / 1e6:.1f} MB")
        ingest_times, raw_times, copy_times, rows_written = [], [], [], 0
        for round_number in range(1, options["rounds"] + 1):
            self._empty()
            ingestion = FeedIngestion.objects.create(
                token=token, posted_by=siac, channel=FeedIngestion.Channel.FEED_API, object_count=len(bundle["objects"])
            )
            started = time.perf_counter()
            ingestion = feed_ingestion_process(ingestion=ingestion, client=client, objects=bundle["objects"])
            elapsed = time.perf_counter() - started
            assert ingestion.status == FeedIngestion.Status.COMPLETE, ingestion.errors
            assert ingestion.created_count == len(bundle["objects"])
            snapshot = {model: list(model.objects.all()) for model in WRITTEN}
            rows_written = sum(len(rows) for rows in snapshot.values())
            self._empty(keep_ingestions=True)
            started = time.perf_counter()
            with transaction.atomic():
                for model, rows in snapshot.items():
                    model.objects.bulk_create(rows, batch_size=BATCH)
            raw = time.perf_counter() - started
            self._empty(keep_ingestions=True)
            copied = self._copy(snapshot)
            ingest_times.append(elapsed)
            raw_times.append(raw)
            copy_times.append(copied)
            self.stdout.write(
                f"  round {round_number}: ingestion {elapsed:.2f} s ({len(bundle['objects']) / elapsed:,.0f} objects/s), "
                f"raw bulk_create of the same {rows_written:,} rows {raw:.2f} s, ratio {raw / elapsed:.2f}; "
                f"COPY {copied:.2f} s, ratio {copied / elapsed:.2f}"
            )
        ingest, raw, copy = statistics.median(ingest_times), statistics.median(raw_times), statistics.median(copy_times)
        figures = {
            "database": connection.vendor,
            "objects": len(bundle["objects"]),
            "rows_written": rows_written,
            "ingestion_seconds": round(ingest, 3),
            "objects_per_second": round(len(bundle["objects"]) / ingest),
            "raw_bulk_create_seconds": round(raw, 3),
            "ratio_raw_over_ingestion": round(raw / ingest, 3),
            "copy_seconds": round(copy, 3),
            "ratio_copy_over_ingestion": round(copy / ingest, 3),
        }
        self.stdout.write(
            f"STIX ingestion (median of {options['rounds']}): {figures['objects_per_second']:,} objects/s; "
            f"raw bulk_create / ingestion = {figures['ratio_raw_over_ingestion']:.2f}, "
            f"COPY / ingestion = {figures['ratio_copy_over_ingestion']:.2f} (targets: ≥ 5,000 objects/s, ≥ 0.40 and ≥ 0.80)"
        )
        if options["json"]:
            with open(options["json"], "w") as handle:
                json.dump(figures, handle, indent=2)
        self._empty()

    def _copy(self, snapshot: dict) -> float:
        """Seconds to write ``snapshot``'s rows again, every column as read,
        by ``COPY`` on PostgreSQL (``bulk_create`` elsewhere), in one
        transaction as the ingestion writes them."""
        tables = []
        for model, rows in snapshot.items():
            columns = [field.attname for field in model._meta.concrete_fields]
            tables.append((model, columns, [tuple(getattr(row, column) for column in columns) for row in rows]))
        started = time.perf_counter()
        with transaction.atomic():
            for model, columns, values in tables:
                bulk_insert_values(model, columns, values)
        return time.perf_counter() - started

    def _users(self):
        siac_org, gsc = Organisation.objects.get(code="SIAC"), Organisation.objects.get(code="GSC")
        siac, _ = user_upsert(
            username="bench-siac",
            password=None,
            first_name="Bench",
            last_name="SIAC",
            email="bench@cdt.invalid",
            organisation=siac_org,
            roles=(Role.SIAC_ANALYST,),
            clearance=Classification.UNCLASSIFIED,
            clearance_expires_on=None,
            is_staff=False,
        )
        secretariat, _ = user_upsert(
            username="bench-gsc",
            password=None,
            first_name="Bench",
            last_name="GSC",
            email="gsc@cdt.invalid",
            organisation=gsc,
            roles=(Role.SECRETARIAT,),
            clearance=Classification.UNCLASSIFIED,
            clearance_expires_on=None,
            is_staff=True,
        )
        return siac, secretariat

    def _empty(self, keep_ingestions: bool = False) -> None:
        with transaction.atomic():
            # Raw deletes: no signals, so no "deleted" history rows enter the next round's snapshot.
            for model in [*reversed(WRITTEN), Assessment.cases.through, Assessment.releasable_to.through, StixObject.releasable_to.through]:
                model.objects.all()._raw_delete(model.objects.db)
            if not keep_ingestions:
                FeedIngestion.objects.all().delete()
                AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
                PendingRead.objects.all()._raw_delete(PendingRead.objects.db)
                AuditHead.objects.all().delete()
        if connection.vendor == "postgresql":  # what autovacuum would do between two feeds
            with connection.cursor() as cursor:
                for model in WRITTEN:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
