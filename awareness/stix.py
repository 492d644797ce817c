"""STIX 2.1 as CDT reads and writes it: validation with the ``stix2``
library, markings (TLP 1.0 and 2.0, classification statements), versions,
and the vocabulary mappings. No database writes here (see ``ingestion``).
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import stix2
import stix2.exceptions
import stix2.properties
import stix2.registry
import stix2.utils
from django.utils.dateparse import parse_datetime

from cdt.core.text import UNSTORABLE, unstorable_reason
from cdt.security.markings import Classification, Tlp

SPEC_VERSION = "2.1"

#: The types CDT maps into its own records; every other type is kept as raw
#: STIX (listed in the ingestion outcome and served over TAXII).
SUPPORTED_TYPES = frozenset(
    {
        "report",
        "intrusion-set",
        "threat-actor",
        "campaign",
        "identity",
        "relationship",
        "marking-definition",
        "note",
        "opinion",
    }
)
ACTOR_TYPES = frozenset({"intrusion-set", "threat-actor"})
#: CDT's custom properties on a threat actor or intrusion set (STIX 2.1
#: section 11.1: ``x_`` prefix): the State the producer holds to sponsor
#: it, and whether it is a persistent threat actor (docs/api-and-feeds.md).
EU_SPONSORING_STATE = "x_eu_sponsoring_state"
EU_PERSISTENT = "x_eu_persistent"
#: On an identity: the State it stands for (a ministry, an agency, the State itself).
EU_STATE = "x_eu_state"

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
TLP_NAMES = {
    "white": Tlp.CLEAR,
    "clear": Tlp.CLEAR,
    "green": Tlp.GREEN,
    "amber": Tlp.AMBER,
    "amber+strict": Tlp.AMBER_STRICT,
    "red": Tlp.RED,
}

#: EU classification markings, French or English form, anywhere in a
#: statement ("Classification: EU CONFIDENTIAL" too); the highest found wins.
_CLASSIFICATION_STATEMENTS = [
    (re.compile(r"\bTRES[\s_-]+SECRET[\s_-]+UE\b|\bEU[\s_-]+TOP[\s_-]+SECRET\b"), Classification.TRES_SECRET_UE),
    (re.compile(r"\bSECRET[\s_-]+UE\b|\bEU[\s_-]+SECRET\b"), Classification.SECRET_UE),
    (re.compile(r"\bCONFIDENTIEL[\s_-]+UE\b|\bEU[\s_-]+CONFIDENTIAL\b"), Classification.CONFIDENTIEL_UE),
    (re.compile(r"\bRESTREINT[\s_-]+UE\b|\bEU[\s_-]+RESTRICTED\b"), Classification.RESTREINT_UE),
]

#: How deep an object may nest (the object itself is level 1). STIX needs a
#: handful of levels; Python's JSON encoder and decoder recurse, so deeper
#: content would fail wherever the stack is already deep.
MAX_NESTING = 100
#: The longest type name CDT stores (the ``stix_type`` column; STIX allows 250).
MAX_TYPE_LENGTH = 60
# ``\Z``, not ``$``: ``$`` also matches before a final newline, which let
# ``"bundle--<uuid>\n"`` past the pattern and into ``uuid.UUID`` (a 500).
_TYPE = re.compile(r"[a-z][a-z0-9-]*\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


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
            if pattern.search(statement):
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
    specification defines is checked). ``stix2`` is lenient where CDT may
    not be: it coerces values of the wrong JSON type (``5`` to ``"5"``, a
    string to a list), fills in a missing ``created``, ``modified`` or
    ``spec_version``, drops null properties, reads any UUID form and checks
    nothing on a custom type; all of which is refused here."""
    if not isinstance(stix_object, dict):
        raise StixInvalid("", "not a JSON object")
    for required in ("type", "id"):
        if not isinstance(stix_object.get(required), str):
            raise StixInvalid(required, "required")
    _check_json(stix_object)
    stix_type = stix_object["type"]
    if not (3 <= len(stix_type) <= MAX_TYPE_LENGTH and _TYPE.match(stix_type) and "--" not in stix_type):
        raise StixInvalid("type", f"must be 3 to {MAX_TYPE_LENGTH} lowercase letters, digits and single hyphens")
    if not stix_object["id"].startswith(stix_type + "--"):
        raise StixInvalid("id", f"must start with '{stix_type}--'")
    if not is_identifier(stix_object["id"]):
        raise StixInvalid("id", "must be the type, '--' and an RFC 4122 UUID (8-4-4-4-12 hexadecimal digits)")
    if stix_object.get("spec_version", SPEC_VERSION) != SPEC_VERSION and stix_type != "marking-definition":
        raise StixInvalid("spec_version", "only STIX 2.1 is accepted")
    extensions = stix_object.get("extensions", {})
    if not isinstance(extensions, dict) or not all(isinstance(extension, dict) for extension in extensions.values()):
        raise StixInvalid("extensions", "must be an object of extension objects")
    cls = stix2.registry.class_for_type(stix_type, SPEC_VERSION)
    if cls is None:
        _validate_custom(stix_object)
        _check_specification(stix_object)
        return
    for name, value in stix_object.items():
        _check_not_dropped(cls, name, value, name)
    if "created" in cls._properties:  # a domain or relationship object, or a marking definition: not an observable
        required = ["created", *(["modified"] if "modified" in cls._properties else [])]
        required += ["spec_version"] if stix_type != "marking-definition" else []
        for name in required:
            if name not in stix_object:
                raise StixInvalid(name, "required")
    try:
        parsed = stix2.parse(stix_object, allow_custom=True, version=SPEC_VERSION)
    except stix2.exceptions.STIXError as error:
        prop = getattr(error, "prop_name", None) or ", ".join(getattr(error, "properties", None) or [])
        raise StixInvalid(prop, str(getattr(error, "reason", None) or error)) from None
    except Exception as error:  # noqa: BLE001 — a shape stix2 does not expect (AttributeError, KeyError…) is still an invalid object
        raise StixInvalid("", str(error) or type(error).__name__) from None
    for name, value in stix_object.items():
        if name in parsed:
            _check_type(value, parsed[name], name)
        prop = cls._properties.get(name)
        if isinstance(getattr(prop, "contained", prop), stix2.properties.ReferenceProperty):
            if not all(is_identifier(ref) for ref in (value if isinstance(value, list) else [value])):
                raise StixInvalid(name, "must hold identifiers: a type, '--' and an RFC 4122 UUID")
    if stix_type == "marking-definition":
        _check_tlp(stix_object)
    _check_specification(stix_object)


#: ``created`` and ``modified`` "MUST be precise to the nearest millisecond" (STIX 2.1 section 3.2).
_MILLISECONDS = re.compile(r"T\d{2}:\d{2}:\d{2}\.\d{3,}Z\Z")
#: A relationship type is lowercase ASCII letters, digits and hyphens (STIX 2.1 section 5.1.4).
_RELATIONSHIP_TYPE = re.compile(r"[a-z0-9-]+\Z")


def _check_specification(stix_object: dict) -> None:
    """What STIX 2.1 requires and ``stix2`` does not check (the OASIS
    ``stix2-validator`` does, and the feed's fuzz tests use it as their
    oracle): a new version is not older than the first (``modified`` not
    earlier than ``created``), the two stamps to the millisecond, a
    relationship type in the specification's alphabet, and a confidence
    on its 0–100 scale. Runs after the types are checked."""
    for name in ("created", "modified"):
        if name in stix_object and not _MILLISECONDS.search(stix_object[name]):
            raise StixInvalid(name, "must be precise to the millisecond, such as 2026-11-02T09:00:00.000Z")
    if "created" in stix_object and "modified" in stix_object:
        created = stix2.utils.parse_into_datetime(stix_object["created"])
        if stix2.utils.parse_into_datetime(stix_object["modified"]) < created:
            raise StixInvalid("modified", "must not be earlier than created")
    if stix_object["type"] == "relationship" and not _RELATIONSHIP_TYPE.match(stix_object.get("relationship_type", "")):
        raise StixInvalid("relationship_type", "must be lowercase ASCII letters, digits and hyphens, such as attributed-to")
    for name in (EU_SPONSORING_STATE, EU_STATE):
        if name in stix_object and not (isinstance(stix_object[name], str) and 0 < len(stix_object[name].strip()) <= 100):
            raise StixInvalid(name, "must be the name of a State (1 to 100 characters)")
    if EU_PERSISTENT in stix_object and not isinstance(stix_object[EU_PERSISTENT], bool):
        raise StixInvalid(EU_PERSISTENT, "must be a boolean")
    confidence = stix_object.get("confidence")
    if confidence is not None and not (isinstance(confidence, int) and not isinstance(confidence, bool) and 0 <= confidence <= 100):
        raise StixInvalid("confidence", "must be an integer from 0 to 100")


def is_identifier(value, stix_type: str | None = None) -> bool:
    """``type--UUID`` with the UUID in its canonical 8-4-4-4-12 form (not
    braces, a URN or no hyphens, which ``uuid.UUID`` would also read)."""
    if not isinstance(value, str) or "--" not in value:
        return False
    prefix, _sep, rest = value.partition("--")
    if not _TYPE.match(prefix) or (stix_type is not None and prefix != stix_type) or not _UUID.match(rest):
        return False
    return uuid.UUID(rest).variant == uuid.RFC_4122


def _check_json(stix_object: dict) -> None:
    """Iteratively (no recursion on hostile input): nesting depth, and
    strings and numbers that cannot be stored or served again."""
    stack = [(name, value, 2) for name, value in stix_object.items()]
    for name in stix_object:
        _check_text(name, name)
    while stack:
        name, value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value, name)
        elif isinstance(value, float) and not math.isfinite(value):
            raise StixInvalid(name, "must be a finite number")
        elif isinstance(value, (dict, list)):
            if depth > MAX_NESTING:
                raise StixInvalid(name, f"is nested too deeply (more than {MAX_NESTING} levels)")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key, name)
                    stack.append((name, item, depth + 1))
            else:
                stack.extend((name, item, depth + 1) for item in value)


def storable(text: str) -> str:
    """``text`` with what PostgreSQL cannot store replaced (for messages that quote hostile input)."""
    return UNSTORABLE.sub("\ufffd", text)


def _check_text(text: str, name: str) -> None:
    reason = unstorable_reason(text)
    if reason:
        raise StixInvalid(name, reason)


_KINDS = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (datetime.datetime, "a string"),
    (Mapping, "an object"),
    (list, "a list"),
)


def _check_type(given, cleaned, name: str) -> None:
    """``given`` (as posted) has the JSON type of ``cleaned`` (as ``stix2``
    read it), all the way down; custom properties are kept as posted."""
    if given is cleaned:
        return
    expected = next((kind for kind in _KINDS if isinstance(cleaned, kind[0])), None)
    if expected is None:
        return
    accepted = {int: (int,), float: (int, float), datetime.datetime: (str,), Mapping: (dict,)}.get(expected[0], (expected[0],))
    if not isinstance(given, accepted) or (isinstance(given, bool) and expected[0] is not bool):
        raise StixInvalid(name, f"must be {expected[1]}")
    if isinstance(given, dict):
        for key, value in given.items():
            if key not in cleaned:  # dropped by stix2: an embedded object's null or empty list
                _check_not_dropped(type(cleaned), key, value, name)
                continue
            _check_type(value, cleaned[key], name)
    elif isinstance(given, list):
        if len(given) != len(cleaned):
            raise StixInvalid(name, f"must be {expected[1]}")
        for value, item in zip(given, cleaned):
            _check_type(value, item, name)


def _check_not_dropped(cls, key: str, value, name: str) -> None:
    """``stix2`` drops a property whose value is null or ``[]`` before it
    checks anything: null is never a STIX value, and an empty list is not
    one either ("MUST NOT be used as a substitute for omitting the
    property", STIX 2.1 section 3.1): the producer omits the property."""
    prop = getattr(cls, "_properties", {}).get(key)
    if prop is None:
        return
    if value is None:
        raise StixInvalid(name, "must not be null")
    if value == []:
        raise StixInvalid(name, "must not be an empty list (omit the property)")


def _validate_custom(stix_object: dict) -> None:
    """The common properties of an object of a type ``stix2`` does not know
    (which it passes unchecked): CDT reads its version and markings."""
    for name in ("spec_version", "created", "modified", "created_by_ref", "object_marking_refs", "granular_markings"):
        if name in stix_object and stix_object[name] is None:
            raise StixInvalid(name, "must not be null")
        if name in stix_object and stix_object[name] == []:
            raise StixInvalid(name, "must not be an empty list (omit the property)")
    for name in ("created", "modified"):
        if name in stix_object and not _is_timestamp(stix_object[name]):
            raise StixInvalid(name, "must be a timestamp such as 2026-11-02T09:00:00.000Z")
    if "created_by_ref" in stix_object and not is_identifier(stix_object["created_by_ref"], "identity"):
        raise StixInvalid("created_by_ref", "must be an identity identifier")
    refs = stix_object.get("object_marking_refs", [])
    if not isinstance(refs, list) or not all(is_identifier(ref, "marking-definition") for ref in refs):
        raise StixInvalid("object_marking_refs", "must be a list of marking-definition identifiers")
    granular = stix_object.get("granular_markings", [])
    if not isinstance(granular, list) or not all(
        isinstance(marking, dict)
        and isinstance(marking.get("selectors"), list)
        and ("marking_ref" not in marking or is_identifier(marking["marking_ref"], "marking-definition"))
        for marking in granular
    ):
        raise StixInvalid("granular_markings", "must be a list of granular markings with marking-definition identifiers")


def _is_timestamp(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        stix2.utils.parse_into_datetime(value)
    except ValueError:
        return False
    return True


def _check_tlp(definition: dict) -> None:
    """A TLP marking definition names a TLP level CDT knows, and a
    predefined TLP id is not given another level."""
    extension = (definition.get("extensions") or {}).get(TLP_2_EXTENSION)
    if extension is not None:
        prop, level = "extensions", extension.get("tlp_2_0")
    elif definition.get("definition_type") == "tlp":
        prop, level = "definition", (definition.get("definition") or {}).get("tlp")
    else:
        return
    if not isinstance(level, str) or level.lower() not in TLP_NAMES:
        raise StixInvalid(prop, "names no TLP level (clear, green, amber, amber+strict, red)")
    predefined = TLP_MARKINGS.get(definition["id"])
    if predefined is not None and predefined != TLP_NAMES[level.lower()]:
        raise StixInvalid(prop, f"contradicts the predefined marking with this id ({predefined.label})")


def state_of(identity: dict) -> str | None:
    """The State an identity stands for, if it names one: its
    ``x_eu_state``, else the name of a government organisation
    (``identity_class`` "organization", ``sectors`` holding "government").
    Any other identity (a company, a person, a group) names no State."""
    if identity.get("type") != "identity":
        return None
    if isinstance(identity.get(EU_STATE), str) and identity[EU_STATE].strip():
        return identity[EU_STATE].strip()[:100]
    if identity.get("identity_class") == "organization" and "government" in (identity.get("sectors") or []):
        return str(identity.get("name", "")).strip()[:100] or None
    return None


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
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


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
