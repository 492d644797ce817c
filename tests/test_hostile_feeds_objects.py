"""Hostile STIX bundles (issue 12): SIAC's valid bundle with one object
mutated (wrong types, missing properties, wrong timestamps, malformed
identifiers and references, unknown or too high markings), refused by name
on both ingestion routes. What must hold: tests/hostile_feeds_support.py.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import stix2
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from . import stix_support as s
from .hostile import fuzz_settings, hostile
from .hostile_feeds_support import (
    BASE,
    CUSTOM,
    FEED,
    IDS,
    INDEX,
    REFS,
    TIMESTAMPS,
    Case,
    Expect,
    _report_counts,  # noqa: F401  (a fixture)
    defined_properties,
    encode,
    feeds,  # noqa: F401  (a fixture)
    malformed_id,
    required_properties,
    targets,
)

pytestmark = [pytest.mark.django_db, hostile]


# --- Strategies ---------------------------------------------------------------------------------


def kind_of(value) -> str:
    for name, types in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", list), ("dict", dict)):
        if isinstance(value, types):
            return name
    return "null"


WRONG = {
    "null": st.none(),
    "bool": st.booleans(),
    "int": st.integers(-(2**53), 2**53),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "str": st.text(max_size=20),
    "list": st.lists(st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
    "dict": st.dictionaries(st.text(min_size=1, max_size=8), st.integers(), max_size=3),
}


def wrong_value(original):
    """Any JSON value of another type than ``original`` (an int property
    also refuses a float or a bool, a string property a number)."""
    kinds = [kind for kind in WRONG if kind != kind_of(original)]
    return st.sampled_from(kinds).flatmap(lambda kind: WRONG[kind])


def storable(text: str) -> str:
    """As the error quotes it: what the log cannot store (NUL, lone surrogates) replaced."""
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)


def expected_object(target: dict, index: int) -> str:
    return storable(target["id"]) if isinstance(target.get("id"), str) else f"objects[{index}]"


@st.composite
def wrong_types(draw) -> Case:
    """A property (or an item of a list property, or a field of an embedded
    object) of one object replaced by a value of the wrong JSON type."""
    stix_id = draw(targets)
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    name = draw(st.sampled_from(defined_properties(target)))
    value = target[name]
    if isinstance(value, list) and value and draw(st.booleans()):
        position = draw(st.integers(0, len(value) - 1))
        item = value[position]
        if isinstance(item, dict):
            field = draw(st.sampled_from(sorted(item)))
            item[field] = draw(wrong_value(item[field]))
        else:
            value[position] = draw(wrong_value(item))
        where = f"{name}[{position}]"
    else:
        target[name] = draw(wrong_value(value))
        where = name
    return Case(
        f"wrong type: {stix_id} {where} = {json.dumps(target[name])[:80]}",
        encode(bundle),
        Expect("content", expected_object(target, INDEX[stix_id]), name),
    )


@st.composite
def missing_properties(draw) -> Case:
    stix_id = draw(targets)
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    name = draw(st.sampled_from(required_properties(target)))
    del target[name]
    return Case(f"missing: {stix_id} {name}", encode(bundle), Expect("content", expected_object(target, INDEX[stix_id]), name))


STIX_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def parses_as_timestamp(value) -> bool:
    try:
        stix2.utils.parse_into_datetime(value)
    except Exception:  # noqa: BLE001 — whatever stix2 raises, the value is not a timestamp
        return False
    return isinstance(value, str)


@st.composite
def bad_timestamp(draw):
    kind = draw(st.sampled_from(["component", "format", "type"]))
    if kind == "component":
        parts = {
            "year": draw(st.integers(1, 9999)),
            "month": draw(st.integers(1, 12)),
            "day": draw(st.integers(1, 28)),
            "hour": draw(st.integers(0, 23)),
            "minute": draw(st.integers(0, 59)),
            "second": draw(st.integers(0, 59)),
        }
        broken = draw(st.sampled_from(["month", "day", "hour", "minute", "second", "february", "april"]))
        if broken == "month":
            parts["month"] = draw(st.sampled_from([0, 13, 14, 99]))
        elif broken == "day":
            parts["day"] = draw(st.sampled_from([0, 32, 99]))
        elif broken == "hour":
            parts["hour"] = draw(st.integers(24, 99))
        elif broken == "minute":
            parts["minute"] = draw(st.integers(60, 99))
        elif broken == "second":
            parts["second"] = draw(st.integers(62, 99))
        elif broken == "february":
            parts["month"], parts["day"] = 2, draw(st.sampled_from([30, 31]))
        else:
            parts["month"], parts["day"] = 4, 31
        return "{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.000Z".format(**parts)
    if kind == "format":
        return draw(
            st.one_of(
                st.sampled_from(
                    [
                        "2026-11-02",
                        "2026-11-02T09:00:00",
                        "2026-11-02 09:00:00Z",
                        "2026-11-02T09:00:00+01:00",
                        "02/11/2026 09:00",
                        "yesterday",
                        "",
                        "2026-11-02T09:00Z",
                        "2026-W45-1T09:00:00Z",
                        "2026-11-02T09:00:00.Z",
                        "+2026-11-02T09:00:00Z",
                        "2026-11-02T09:00:00.000000000Z",
                        "1762074000",
                        "2026-11-02T09:00:00.000z",
                        "２０２６-11-02T09:00:00Z",
                    ]
                ),
                st.text(max_size=30).filter(lambda text: not STIX_TIMESTAMP.match(text)),
            )
        )
    return draw(
        st.one_of(
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.lists(st.integers(), max_size=2),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        )
    )


@st.composite
def wrong_timestamps(draw) -> Case:
    stix_id = draw(st.sampled_from([i for i in IDS if any(name in BASE["objects"][INDEX[i]] for name in TIMESTAMPS)]))
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    name = draw(st.sampled_from([name for name in TIMESTAMPS if name in target]))
    target[name] = draw(bad_timestamp().filter(lambda value: not parses_as_timestamp(value)))
    return Case(f"timestamp: {stix_id} {name} = {target[name]!r}", encode(bundle), Expect("content", stix_id, name))


@st.composite
def duplicate_ids(draw) -> Case:
    """The same id and version twice in one bundle, with different content."""
    stix_id = draw(targets)
    bundle = copy.deepcopy(BASE)
    twin = copy.deepcopy(bundle["objects"][INDEX[stix_id]])
    twin["x_cdt_fuzz"] = draw(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20))
    bundle["objects"].insert(draw(st.integers(0, len(bundle["objects"]))), twin)
    return Case(f"duplicate: {stix_id}", encode(bundle), Expect("content", stix_id, "id", "same id"))


def malformed_ref(stix_type: str, value: str):
    u = value.split("--", 1)[1]
    return st.sampled_from(
        [
            f"{stix_type}-{u}",
            f"{stix_type}--{u[:-1]}",
            f"{stix_type}--{u}0",
            f"{stix_type}--",
            "",
            "not-an-identifier",
            f"{stix_type}--{u[:-1]}g",
            f"--{u}",
            f"{stix_type}--00000000-0000-0000-0000-000000000000",
        ]
    )


@st.composite
def malformed_ids(draw) -> Case:
    stix_id = draw(targets)
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    refs = [name for name in REFS if name in target]
    name = draw(st.sampled_from(["id", *refs]))
    if name == "id":
        target["id"] = draw(malformed_id(target["type"], stix_id))
        return Case(f"malformed id: {target['id']!r}", encode(bundle), Expect("content", storable(target["id"]), ("id", "type")))
    value = target[name]
    if isinstance(value, list):
        position = draw(st.integers(0, len(value) - 1))
        value[position] = draw(malformed_ref(value[position].split("--")[0], value[position]))
        shown = value[position]
    else:
        target[name] = shown = draw(malformed_ref(value.split("--")[0], value))
    return Case(f"malformed ref: {stix_id} {name} = {shown!r}", encode(bundle), Expect("content", stix_id, name))


@st.composite
def unknown_markings(draw) -> Case:
    stix_id = draw(targets)
    ref = f"marking-definition--{draw(st.uuids(version=4))}"
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    if draw(st.booleans()):
        target["object_marking_refs"] = [*target.get("object_marking_refs", []), ref]
    else:
        target["granular_markings"] = [{"marking_ref": ref, "selectors": ["id"]}]
    return Case(f"unknown marking: {stix_id} {ref}", encode(bundle), Expect("content", stix_id, "object_marking_refs", ref))


ABOVE_RESTREINT = [
    ("CONFIDENTIEL UE", "EU CONFIDENTIAL"),
    ("SECRET UE", "EU SECRET"),
    ("TRES SECRET UE", "EU TOP SECRET"),
    ("TRÈS SECRET UE", "EU TOP SECRET"),
]


@st.composite
def classification_statements(draw) -> str:
    french, english = draw(st.sampled_from(ABOVE_RESTREINT))
    text = draw(st.sampled_from([f"{french}/{english}", french, english, f"{english}/{french}", f"{french} / {english}"]))
    if draw(st.booleans()):
        text += draw(st.sampled_from([" LIMITE", " - LIMITE", "."]))
    text = draw(st.sampled_from([str.upper, str.lower, str.title, lambda t: t]))(text)
    space = draw(st.sampled_from([" ", "  ", "\u00a0", "\t", " \n "]))
    text = text.replace(" ", space)
    prefix = draw(st.sampled_from(["", " ", "Classification: ", "Marking: ", "[", "** "]))
    suffix = draw(st.sampled_from(["", " ", "]", " – handle via SIAC", " **"]))
    return prefix + text + suffix


@st.composite
def above_ceiling(draw) -> Case:
    """A statement marking whose text is an EU classification above the
    accreditation ceiling (RESTREINT UE here), on one object."""
    stix_id = draw(targets)
    marking = f"marking-definition--{draw(st.uuids(version=4))}"
    statement = draw(classification_statements())
    bundle = copy.deepcopy(BASE)
    bundle["objects"].insert(
        draw(st.integers(0, len(bundle["objects"]))),
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": marking,
            "created": s.T0,
            "definition_type": "statement",
            "definition": {"statement": statement},
        },
    )
    target = next(o for o in bundle["objects"] if o["id"] == stix_id)
    if draw(st.booleans()):
        target["object_marking_refs"] = [*target.get("object_marking_refs", []), marking]
    else:
        target["granular_markings"] = [{"marking_ref": marking, "selectors": ["id"]}]
    return Case(f"above ceiling: {stix_id} {statement!r}", encode(bundle), Expect("content", stix_id, "object_marking_refs", "accredited"))


# --- Fuzzing the two ingestion routes -------------------------------------------------------------


def test_the_valid_bundle_the_mutations_start_from_is_accepted(feed_token):
    token, key = feed_token
    response = Client().post(FEED, encode(BASE), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["created"] == len(IDS)
    assert {entry["id"] for entry in response.json()["stored_raw"]} == {s.INDICATOR, CUSTOM}


@fuzz_settings
@given(case=wrong_types())
def test_wrong_property_types_are_refused_by_name(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=missing_properties())
def test_missing_required_properties_are_refused_by_name(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=wrong_timestamps())
def test_wrong_timestamps_are_refused_by_name(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=duplicate_ids())
def test_one_version_twice_with_different_content_is_refused(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=malformed_ids())
def test_malformed_identifiers_and_references_are_refused_by_name(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=unknown_markings())
def test_unknown_marking_references_are_refused(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=above_ceiling())
def test_statement_markings_above_the_ceiling_are_refused(feeds, case):
    with override_settings(CDT_MAX_CLASSIFICATION="RESTREINT_UE"):
        feeds.check(case)
