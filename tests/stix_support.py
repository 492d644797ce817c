"""STIX 2.1 content written for the tests: a SIAC report on an intrusion set
with its relationships and TLP 2.0 markings, and helpers to vary it."""

from __future__ import annotations

import copy
import uuid

import pytest

from awareness import services
from cdt.accounts.scopes import FEEDS_WRITE, READ
from cdt.accounts.services import api_token_issue
from cdt.security.markings import Classification, Tlp

SIAC = "identity--5a1ac000-0000-4000-8000-000000000001"
GRIDLOCK = "intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"
STATE_ACTOR = "threat-actor--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0002"
CAMPAIGN = "campaign--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0003"
REPORT = "report--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0004"
VICTIM = "identity--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0005"
NOTE = "note--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0006"
OPINION = "opinion--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0007"
INDICATOR = "indicator--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0008"
TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP_AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
CONFIDENTIEL = "marking-definition--c0f1de00-0000-4000-8000-000000000002"
COPYRIGHT = "marking-definition--c0f1de00-0000-4000-8000-000000000003"
T0 = "2026-11-02T09:00:00.000Z"
T1 = "2026-11-10T15:30:00.000Z"


def tlp2(marking_id: str, level: str) -> dict:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id,
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{level.upper()}",
        "extensions": {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": level}
        },
    }


def sdo(stix_type: str, stix_id: str, modified: str = T0, **properties) -> dict:
    return {
        "type": stix_type,
        "spec_version": "2.1",
        "id": stix_id,
        "created": T0,
        "modified": modified,
        "created_by_ref": SIAC,
        **properties,
    }


def report_bundle(modified: str = T0, report_markings=(TLP_AMBER,), actor_markings=(TLP_GREEN,), case_reference: str | None = None) -> dict:
    """SIAC's report on GRIDLOCK: the intrusion set (TLP:GREEN), attributed
    to a state actor, running a campaign that targets a ministry; the report
    (TLP:AMBER) with a note and an opinion on it, and an indicator, which CDT
    keeps as raw STIX."""
    # An empty list is not a STIX value (section 3.1): no case, no property.
    references = {"external_references": [{"source_name": "CDT", "external_id": case_reference}]} if case_reference else {}
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": SIAC,
                "created": T0,
                "modified": T0,
                "name": "SIAC",
                "identity_class": "organization",
            },
            tlp2(TLP_GREEN, "green"),
            tlp2(TLP_AMBER, "amber"),
            sdo(
                "intrusion-set",
                GRIDLOCK,
                modified,
                name="GRIDLOCK",
                aliases=["GRIDLOCK", "Static Tundra", "Unit 00000"],
                description="Intrusion set targeting energy-sector operational technology in several Member States.",
                first_seen="2024-03-01T00:00:00Z",
                external_references=[{"source_name": "mitre-attack", "external_id": "G9999"}],
                object_marking_refs=list(actor_markings),
            ),
            sdo(
                "threat-actor",
                STATE_ACTOR,
                name="Fictional State Directorate 9",
                threat_actor_types=["nation-state"],
                object_marking_refs=list(actor_markings),
            ),
            sdo("campaign", CAMPAIGN, name="Operation Cold Grid", object_marking_refs=[TLP_AMBER]),
            sdo(
                "identity",
                VICTIM,
                name="A ministry of energy",
                identity_class="organization",
                sectors=["energy"],
                object_marking_refs=[TLP_AMBER],
            ),
            sdo(
                "relationship",
                "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101",
                relationship_type="attributed-to",
                source_ref=GRIDLOCK,
                target_ref=STATE_ACTOR,
                object_marking_refs=[TLP_AMBER],
            ),
            sdo(
                "relationship",
                "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0102",
                relationship_type="attributed-to",
                source_ref=CAMPAIGN,
                target_ref=GRIDLOCK,
                object_marking_refs=[TLP_AMBER],
            ),
            sdo(
                "relationship",
                "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0103",
                relationship_type="targets",
                source_ref=CAMPAIGN,
                target_ref=VICTIM,
                object_marking_refs=[TLP_AMBER],
            ),
            sdo(
                "report",
                REPORT,
                modified,
                name="GRIDLOCK: wiper deployment against energy operators",
                description="SIAC assesses with moderate confidence that GRIDLOCK conducted the wiper attacks.",
                published="2026-11-02T09:00:00Z",
                report_types=["threat-actor", "campaign"],
                confidence=60,
                object_refs=[GRIDLOCK, STATE_ACTOR, CAMPAIGN, VICTIM],
                object_marking_refs=list(report_markings),
                **references,
            ),
            sdo(
                "note", NOTE, content="Consistent with the 2025 pattern of activity.", object_refs=[REPORT], object_marking_refs=[TLP_AMBER]
            ),
            sdo("opinion", OPINION, opinion="agree", object_refs=[REPORT], object_marking_refs=[TLP_AMBER]),
            sdo(
                "indicator",
                INDICATOR,
                pattern="[file:hashes.'SHA-256' = '" + "ab" * 32 + "']",
                pattern_type="stix",
                valid_from=T0,
                indicator_types=["malicious-activity"],
                object_marking_refs=[TLP_AMBER],
            ),
        ],
    }


def replace(bundle: dict, stix_id: str, **changes) -> dict:
    """A copy of ``bundle`` with one object changed (``None`` drops a property)."""
    bundle = copy.deepcopy(bundle)
    for stix_object in bundle["objects"]:
        if stix_object["id"] == stix_id:
            for key, value in changes.items():
                if value is None:
                    stix_object.pop(key, None)
                else:
                    stix_object[key] = value
    return bundle


@pytest.fixture
def feed_token(cast):
    """SIAC's feed client: unclassified and releasable to all by default,
    shared with every HWPCI delegation."""
    token, key = api_token_issue(user=cast["siac"], name="SIAC platform", scopes=[READ, FEEDS_WRITE])
    services.feed_client_configure(
        by=cast["secretariat"],
        token=token,
        default_classification=Classification.UNCLASSIFIED,
        default_tlp=Tlp.AMBER,
        shared_with_all_delegations=True,
    )
    return token, key


# --- The OASIS validator as the feed's oracle (issue 27) ------------------------------------------

#: Stamps of every precision STIX timestamps come in (the spec wants
#: ``created``/``modified`` to the millisecond), before and after T0.
STAMPS = (
    "2026-11-01T09:00:00.000Z",
    "2026-11-02T09:00:00Z",
    T0,
    "2026-11-02T09:00:00.1Z",
    "2026-11-02T09:00:00.123456Z",
    T1,
    "2026-11-10T15:30:00Z",
)
#: Relationship types, valid and not (uppercase, spaces, underscores, non-ASCII).
RELATIONSHIP_TYPES = ("attributed-to", "targets", "x-eu-sponsors", "Is Friends With", "attributed_to", "Uses", "a", "café", "1-2")


def oracle_objects():
    """Strategy: one object of a type the feed maps (from SIAC's report
    bundle), its stamps, relationship type, confidence or a list property
    varied within what a JSON producer may plausibly send. Some are valid
    STIX 2.1, some are not; ``stix2-validator`` says which."""
    from hypothesis import strategies as st

    base = {stix_object["id"]: stix_object for stix_object in report_bundle()["objects"]}
    mapped = [GRIDLOCK, STATE_ACTOR, CAMPAIGN, VICTIM, REPORT, NOTE, OPINION, "relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101"]

    @st.composite
    def build(draw):
        stix_object = copy.deepcopy(base[draw(st.sampled_from(mapped))])
        if draw(st.booleans()):  # else the stamps of the valid bundle
            stix_object["created"] = draw(st.sampled_from(STAMPS))
            stix_object["modified"] = draw(st.sampled_from(STAMPS))
        if stix_object["type"] == "relationship" and draw(st.booleans()):
            stix_object["relationship_type"] = draw(
                st.one_of(st.sampled_from(RELATIONSHIP_TYPES), st.text(alphabet="ab -_é1", min_size=1, max_size=8))
            )
        if draw(st.integers(0, 3)) == 0:
            stix_object["confidence"] = draw(st.integers(-5, 105))
        if draw(st.integers(0, 4)) == 0:
            stix_object[draw(st.sampled_from(["labels", "object_marking_refs", "external_references"]))] = []
        return stix_object

    return build()


def oracle_accepts(stix_object: dict) -> tuple[bool, list[str]]:
    """The OASIS ``stix2-validator``'s verdict on one object (errors only:
    its warnings are SHOULDs), and its reasons."""
    from stix2validator import ValidationOptions, validate_instance

    result = validate_instance(stix_object, ValidationOptions(version="2.1", strict=False))
    return result.is_valid, [str(error) for error in result.errors]
