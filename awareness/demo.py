"""Demo feed: SIAC's platform posts a STIX 2.1 bundle on the demo scenario's
actors through the real ingestion, so the registry, the actor pages, the
TAXII collections and the ingestion log have content."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings

from cdt.accounts.factories import ApiTokenFactory
from cdt.accounts.models import ApiToken, User
from cdt.accounts.scopes import FEEDS_WRITE, READ
from cdt.security.markings import Classification, Tlp

from . import services
from .ingestion import feed_bundle_receive
from .models import FeedIngestion
from .stix import TLP_2_EXTENSION, TLP_2_IDS

TOKEN_NAME = "SIAC platform (demo feed)"


def demo_feed_key() -> str:
    """The demo feed token's key: derived from the demo password so `make run`
    can print it every time; never a real client's key."""
    return "demo-" + hashlib.sha256(f"cdt-demo-feed:{settings.CDT_DEMO_PASSWORD}".encode()).hexdigest()[:40]


def _id(stix_type: str, name: str) -> str:
    return f"{stix_type}--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://demo.cdt.invalid/{stix_type}/{name}')}"


def demo_bundle() -> dict:
    t0, siac = "2026-10-15T08:00:00.000Z", _id("identity", "SIAC")
    green, amber = TLP_2_IDS[Tlp.GREEN], TLP_2_IDS[Tlp.AMBER]

    def sdo(stix_type, name, markings, **properties):
        return {
            "type": stix_type,
            "spec_version": "2.1",
            "id": _id(stix_type, name),
            "created": t0,
            "modified": t0,
            "created_by_ref": siac,
            "object_marking_refs": markings,
            **({"name": name} if stix_type != "relationship" else {}),
            **properties,
        }

    tempest, quill = (
        sdo("intrusion-set", "Grey Tempest", [green], aliases=["GT-17"], description="Fictional intrusion set of the demo scenario."),
        sdo("intrusion-set", "Silent Quill", [green], description="Fictional espionage intrusion set of the demo scenario."),
    )
    sponsor = sdo("threat-actor", "Directorate K (fictional)", [green], threat_actor_types=["nation-state"])
    campaign = sdo("campaign", "Operation Dark Meter", [amber])
    energy = sdo("identity", "Energy operators in two Member States", [amber], identity_class="class", sectors=["energy"])
    relationships = [
        sdo("relationship", f"{a['id']}-{kind}-{b['id']}", [amber], relationship_type=kind, source_ref=a["id"], target_ref=b["id"])
        for a, kind, b in ((tempest, "attributed-to", sponsor), (campaign, "attributed-to", tempest), (campaign, "targets", energy))
    ]
    report = sdo(
        "report",
        "Grey Tempest: wiper activity against energy operators",
        [amber],
        description="SIAC assesses with moderate confidence that Grey Tempest ran Operation Dark Meter.",
        published=t0,
        report_types=["threat-actor"],
        confidence=55,
        object_refs=[tempest["id"], campaign["id"], energy["id"]],
    )
    indicator = sdo(
        "indicator",
        "Dark Meter wiper hash",
        [amber],
        pattern="[file:hashes.'SHA-256' = '" + "0f" * 32 + "']",
        pattern_type="stix",
        valid_from=t0,
    )
    markings = [
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": marking_id,
            "created": "2022-10-01T00:00:00.000Z",
            "name": tlp.label,
            "extensions": {TLP_2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.label[4:].lower()}},
        }
        for tlp, marking_id in TLP_2_IDS.items()
        if tlp in (Tlp.GREEN, Tlp.AMBER)
    ]
    identity = {
        "type": "identity",
        "spec_version": "2.1",
        "id": siac,
        "created": t0,
        "modified": t0,
        "name": "SIAC",
        "identity_class": "organization",
    }
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [identity, *markings, tempest, quill, sponsor, campaign, energy, *relationships, report, indicator],
    }


def seed_demo_feed(stdout) -> None:
    analyst, secretariat = User.objects.get(username="siac-analyst"), User.objects.get(username="secretariat")
    key = demo_feed_key()
    token = ApiToken.objects.filter(name=TOKEN_NAME, user=analyst).first()
    if token is None:
        # Not api_token_issue: the demo's key is derived, so `make run` can print it every time.
        token = ApiTokenFactory(user=analyst, name=TOKEN_NAME, key=key, scopes=sorted([READ, FEEDS_WRITE]))
        services.feed_client_configure(
            by=secretariat,
            token=token,
            default_classification=Classification.UNCLASSIFIED,
            default_tlp=Tlp.AMBER,
            shared_with_all_delegations=True,
        )
    if not FeedIngestion.objects.filter(token=token, status=FeedIngestion.Status.COMPLETE).exists():
        ingestion = feed_bundle_receive(by=analyst, token=token, bundle=demo_bundle(), channel=FeedIngestion.Channel.FEED_API)
        stdout.write(f"Demo feed: {ingestion.created_count} STIX objects ingested ({ingestion.get_status_display()}).")
    stdout.write(f"Demo feed token (siac-analyst, scopes read + feeds:write): {key}")
    stdout.write(
        "  e.g. curl -H 'Authorization: Token <key>' -H 'Accept: application/taxii+json;version=2.1' "
        "http://127.0.0.1:8000/taxii2/api/collections/"
    )
