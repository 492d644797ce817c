"""STIX 2.1 as CDT reads and writes it: validation with the ``stix2``
library, markings (TLP 1.0 and 2.0, classification statements), versions,
and the vocabulary mappings. No database writes here (see ``ingestion``).
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

import stix2
import stix2.exceptions
from django.utils.dateparse import parse_datetime

from cdt.security.markings import Classification, Tlp

SPEC_VERSION = "2.1"

#: The types CDT maps into its own records; every other type is kept as raw
#: STIX (listed in the ingestion outcome and served over TAXII).
SUPPORTED_TYPES = frozenset({
    "report", "intrusion-set", "threat-actor", "campaign", "identity", "relationship", "marking-definition", "note", "opinion",
})
ACTOR_TYPES = frozenset({"intrusion-set", "threat-actor"})

#: The predefined TLP marking definitions: TLP 1.0 (STIX 2.1 section 7.2.1.4)
#: and TLP 2.0 (the OASIS TLP 2.0 extension, which reuses no 1.0 id).
TLP_MARKINGS: dict[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,  # TLP:WHITE (1.0)
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": Tlp.CLEAR,  # TLP 2.0
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": Tlp.GREEN,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": Tlp.AMBER,
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": Tlp.AMBER_STRICT,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": Tlp.RED,
}
#: The TLP 2.0 ids, used when CDT writes STIX.
TLP_2_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_NAMES = {"white": Tlp.CLEAR, "clear": Tlp.CLEAR, "green": Tlp.GREEN, "amber": Tlp.AMBER, "amber+strict": Tlp.AMBER_STRICT, "red": Tlp.RED}

_CLASSIFICATION_STATEMENTS = [
    (re.compile(r"^\s*TRES\s+SECRET\s+UE\b"), Classification.TRES_SECRET_UE),
    (re.compile(r"^\s*SECRET\s+UE\b"), Classification.SECRET_UE),
    (re.compile(r"^\s*CONFIDENTIEL\s+UE\b"), Classification.CONFIDENTIEL_UE),
    (re.compile(r"^\s*RESTREINT\s+UE\b"), Classification.RESTREINT_UE),
]


@dataclass(frozen=True)
class Marking:
    """What one marking definition means to CDT."""

    tlp: Tlp | None = None
    classification: Classification | None = None
    limite: bool = False


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def marking_meaning(definition: dict) -> Marking:
    """A marking-definition object read as CDT markings: TLP (1.0
    ``definition_type: tlp`` or the 2.0 extension), or a statement that is an
    EU classification ("CONFIDENTIEL UE/EU CONFIDENTIAL") or "LIMITE". Other
    statements (copyright, terms of use) mean nothing to access control and
    stay in the raw object."""
    if definition.get("id") in TLP_MARKINGS:
        return Marking(tlp=TLP_MARKINGS[definition["id"]])
    if definition.get("definition_type") == "tlp":
        name = str((definition.get("definition") or {}).get("tlp", "")).lower()
        return Marking(tlp=TLP_NAMES.get(name))
    extension = (definition.get("extensions") or {}).get(TLP_2_EXTENSION)
    if isinstance(extension, dict) and extension.get("tlp_2_0"):
        return Marking(tlp=TLP_NAMES.get(str(extension["tlp_2_0"]).lower()))
    if definition.get("definition_type") == "statement":
        statement = _fold(str((definition.get("definition") or {}).get("statement", "")))
        for pattern, level in _CLASSIFICATION_STATEMENTS:
            if pattern.match(statement):
                return Marking(classification=level, limite="LIMITE" in statement)
        if statement.strip() == "LIMITE":
            return Marking(limite=True)
    return Marking()


class StixInvalid(Exception):
    """An object the ``stix2`` library refuses: which property, and why."""

    def __init__(self, property_name: str, reason: str):
        super().__init__(reason)
        self.property_name, self.reason = property_name, reason


def validate(stix_object: dict) -> None:
    """Parse one object with ``stix2`` (custom properties and custom object
    types are allowed, as real feeds carry them; everything the
    specification defines is checked)."""
    if not isinstance(stix_object, dict):
        raise StixInvalid("", "not a JSON object")
    for required in ("type", "id"):
        if not isinstance(stix_object.get(required), str):
            raise StixInvalid(required, "required")
    if not stix_object["id"].startswith(stix_object["type"] + "--"):
        raise StixInvalid("id", f"must start with '{stix_object['type']}--'")
    if stix_object.get("spec_version", SPEC_VERSION) != SPEC_VERSION and stix_object["type"] != "marking-definition":
        raise StixInvalid("spec_version", "only STIX 2.1 is accepted")
    try:
        stix2.parse(stix_object, allow_custom=True, version=SPEC_VERSION)
    except stix2.exceptions.STIXError as error:
        prop = getattr(error, "prop_name", None) or ", ".join(getattr(error, "properties", None) or [])
        raise StixInvalid(prop, str(getattr(error, "reason", None) or error)) from None
    except (ValueError, TypeError) as error:
        raise StixInvalid("", str(error)) from None


def version_of(stix_object: dict) -> tuple[str, datetime.datetime | None]:
    """The object's version (``modified``, else ``created``) as posted and
    parsed; SCOs have neither and have one version only."""
    stamp = stix_object.get("modified") or stix_object.get("created") or ""
    return stamp, (parse_datetime(stamp) if stamp else None)


def marking_refs(stix_object: dict) -> list[str]:
    """Object-level and granular marking references. A granular marking is
    applied to the whole object: CDT stores objects whole, so the most
    restrictive marking on any part governs it."""
    refs = list(stix_object.get("object_marking_refs") or [])
    for granular in stix_object.get("granular_markings") or []:
        if isinstance(granular, dict) and granular.get("marking_ref"):
            refs.append(granular["marking_ref"])
    return refs


def confidence_of(stix_object: dict) -> str | None:
    """STIX confidence (0–100) on the None/Low/Med/High scale of STIX 2.1
    appendix A, folded into CDT's three levels."""
    value = stix_object.get("confidence")
    if value is None:
        return None
    return "low" if value < 30 else "moderate" if value < 70 else "high"


def date_of(stamp: str | None) -> datetime.date | None:
    parsed = parse_datetime(stamp) if stamp else None
    return parsed.date() if parsed else None


def stix_timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def validate_chunk(start: int, objects: list) -> list[tuple[int, str, str]]:
    """Validate ``objects`` (numbered from ``start``): the failures as
    (index, property, reason). Runs in a worker process for large bundles."""
    failures = []
    for offset, stix_object in enumerate(objects):
        try:
            validate(stix_object)
        except StixInvalid as invalid:
            failures.append((start + offset, invalid.property_name, invalid.reason))
    return failures
