"""Hostile STIX bundles and TAXII requests (issue 12).

Near-valid STIX 2.1 bundles, made by mutating SIAC's report bundle
(``stix_support``), are posted as the SIAC feed client to both ingestion
routes, the feed API and TAXII "add objects". Every one must be refused with
400 (413 when it is too large), an answer that names the problem (the object
and the property, or a clear reason), and nothing written but the
ingestion-log row that records a refused bundle. TAXII GET requests with
hostile parameters, headers and paths must get a 4xx in the TAXII error shape
(or 200 when valid but empty), never a 5xx.

What a refused attempt may write: the ``FeedIngestion`` row of a bundle that
was read (none when the body is refused before: not JSON, too large, no
Content-Length), and the token's ``last_used_at`` stamp, which any request
refreshes once a minute. Both are excluded from the database fingerprint and
checked on their own. The full fingerprint is taken before and after each
fuzzing test; between examples the row count of every table is compared
(a full fingerprint per example would cost ~0.16 s each).

Run with ``-s`` to see how many examples and requests each test generated.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import copy
import json
import re
from dataclasses import dataclass

import pytest
import stix2
from asgiref.sync import async_to_sync
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from awareness.models import FeedIngestion, StixObject
from cdt.accounts.models import ApiToken

from . import stix_support as s
from .hostile import database_fingerprint, fingerprint_difference, fuzz_settings, hostile

pytestmark = [pytest.mark.django_db, hostile]

FEED = "/api/v1/feeds/stix/"
COLLECTION = "siac-assessments"
TAXII_ROOT = "/taxii2/api/"
TAXII_OBJECTS = f"{TAXII_ROOT}collections/{COLLECTION}/objects/"
MEDIA = "application/taxii+json;version=2.1"
ROUTES = ("feed", "taxii")
#: What a refused attempt is documented to write (checked separately).
EXCLUDED = (FeedIngestion._meta.label, ApiToken._meta.label)
MB = 1024 * 1024

#: Examples and requests per test, printed at the end of the module (``-s``).
COUNTS: collections.Counter = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    if COUNTS:
        print("\nhostile feeds: examples and requests generated")
        for name, count in sorted(COUNTS.items()):
            print(f"  {name}: {count}")


# --- The valid bundle the mutations start from ------------------------------------------------

CUSTOM = "x-siac-briefing--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0010"


def valid_bundle() -> dict:
    """SIAC's report bundle and one custom object (kept as raw STIX), with a
    fixed bundle id so the examples are the same from run to run."""
    bundle = s.report_bundle()
    bundle["id"] = "bundle--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0fff"
    bundle["objects"].append(
        {
            "type": "x-siac-briefing",
            "spec_version": "2.1",
            "id": CUSTOM,
            "created": s.T0,
            "modified": s.T0,
            "created_by_ref": s.SIAC,
            "name": "Weekly briefing",
            "x_siac_priority": 2,
            "object_marking_refs": [s.TLP_AMBER],
        }
    )
    return bundle


BASE = valid_bundle()
IDS = [stix_object["id"] for stix_object in BASE["objects"]]
INDEX = {stix_id: index for index, stix_id in enumerate(IDS)}
#: The properties of the custom object CDT checks (the rest is the producer's own).
CUSTOM_COMMON = ("type", "id", "spec_version", "created", "modified", "created_by_ref", "object_marking_refs")
TIMESTAMPS = ("created", "modified", "published", "first_seen", "valid_from")
REFS = ("created_by_ref", "source_ref", "target_ref", "object_refs", "object_marking_refs")


def encode(bundle) -> bytes:
    return json.dumps(bundle).encode()


def copy_with(stix_id: str, change) -> tuple[dict, dict]:
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    change(target)
    return bundle, target


def defined_properties(stix_object: dict) -> list[str]:
    """The properties of ``stix_object`` that STIX (or, for the custom type,
    CDT) defines: a wrong value there must be refused."""
    cls = stix2.registry.class_for_type(stix_object["type"], "2.1")
    known = CUSTOM_COMMON if cls is None else tuple(cls._properties)
    return [name for name in stix_object if name in known]


def required_properties(stix_object: dict) -> list[str]:
    cls = stix2.registry.class_for_type(stix_object["type"], "2.1")
    if cls is None:
        return ["type", "id"]
    required = {"type", "id", "created"} | {name for name, prop in cls._properties.items() if prop.required}
    if "modified" in cls._properties:
        required.add("modified")
    if stix_object["type"] != "marking-definition":  # CDT accepts STIX 2.0-style marking definitions (no spec_version)
        required.add("spec_version")
    return sorted(name for name in required if name in stix_object)


# --- Expectations and the harness -----------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """``layer``: "parse" (refused before it is read as a bundle: no log
    row), "bundle" or "content" (read and refused: one FAILED log row),
    "parse|content" (either, e.g. nesting the JSON decoder itself refuses).
    ``object``/``property``: what one error must name; ``mention``: a text
    the error must contain."""

    layer: str
    object: str | None = None
    property: str | tuple | None = None
    mention: str | None = None
    status: int = 400


@dataclass(frozen=True)
class Case:
    label: str
    body: bytes
    expect: Expect
    content_type: str | None = None


def send(route: str, body: bytes, content_type: str | None = None, **extra):
    """POST the bytes as they are (``Client.post`` would transcode them to
    the charset the content type names)."""
    url = FEED if route == "feed" else TAXII_OBJECTS
    content_type = content_type or ("application/json" if route == "feed" else MEDIA)
    accept = MEDIA if route == "taxii" else "application/json"
    return Client().generic("POST", url, body, content_type=content_type, HTTP_ACCEPT=accept, **extra)


def model_labels():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label not in EXCLUDED
    ]


def row_counts() -> dict[str, int]:
    """The row count of every table but the excluded ones, in one query."""
    models = model_labels()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models))
        return dict(zip((model._meta.label for model in models), cursor.fetchone()))


def token_state(token) -> dict:
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    row.pop("last_used_at")
    return row


def refusal(response, route: str) -> tuple[list[dict], str]:
    """The errors and the message of a refusal, from either route, after
    checking the TAXII error shape."""
    body = response.json()
    if route == "taxii":
        assert response["Content-Type"] == MEDIA
        assert body["http_status"] == str(response.status_code) and body["title"] and body["description"], body
        assert "ErrorDetail" not in body["description"], body
        return (body.get("details") or {}).get("errors", []), body["description"]
    return body.get("errors", []), str(body.get("detail", ""))


def error_matches(error: dict, expect: Expect) -> bool:
    if expect.object is not None and error["object"] != expect.object:
        return False
    properties = expect.property if isinstance(expect.property, tuple) else (expect.property,)
    if expect.property is not None and error["property"] not in properties:
        return False
    return expect.mention is None or expect.mention.lower() in json.dumps(error, ensure_ascii=False).lower()


class Feeds:
    """Posts a case to both routes as the SIAC feed client and checks the
    answer and the database."""

    def __init__(self, token, key, test: str):
        self.token, self.key, self.test = token, key, test

    def start(self):
        self.post("feed", b"{}")  # the token's last-used stamp is written now, not during the test
        self.fingerprint = database_fingerprint(exclude=EXCLUDED)
        self.counts = row_counts()
        self.token_row = token_state(self.token)
        return self

    def finish(self):
        after = database_fingerprint(exclude=EXCLUDED)
        assert after == self.fingerprint, fingerprint_difference(self.fingerprint, after)
        assert token_state(self.token) == self.token_row

    def post(self, route: str, body: bytes, content_type: str | None = None, **extra):
        cache.delete(f"throttle_api_token_{self.token.pk}")  # the rate limit is not under test here
        COUNTS[f"{self.test}: requests"] += 1
        return send(route, body, content_type, HTTP_AUTHORIZATION=f"Token {self.key}", **extra)

    def check(self, case: Case, routes=ROUTES):
        COUNTS[f"{self.test}: examples"] += 1
        for route in routes:
            seen = set(FeedIngestion.objects.values_list("pk", flat=True))
            response = self.post(route, case.body, case.content_type)
            expect = case.expect
            assert response.status_code == expect.status, (case.label, route, response.status_code, response.content[:3000])
            errors, message = refusal(response, route)
            new_rows = list(FeedIngestion.objects.exclude(pk__in=seen))
            layer = expect.layer
            if layer == "parse|content":
                layer = "content" if new_rows else "parse"
            if layer == "parse" or expect.status != 400:
                assert not new_rows and not errors, (case.label, route, errors)
                assert expect.mention and expect.mention.lower() in message.lower(), (case.label, route, message)
            else:
                assert len(new_rows) == 1, (case.label, route, len(new_rows))
                row = new_rows[0]
                assert row.status == FeedIngestion.Status.FAILED and row.errors == errors
                assert row.channel == (FeedIngestion.Channel.FEED_API if route == "feed" else FeedIngestion.Channel.TAXII)
                assert any(error_matches(error, expect) for error in errors), (case.label, route, expect, errors[:5])
                if route == "taxii":
                    assert message == "The envelope was rejected whole; nothing was added."
            assert len(response.content) < 64 * 1024, (case.label, route, "the refusal echoes the input", len(response.content))
        assert row_counts() == self.counts, case.label


@pytest.fixture
def feeds(feed_token, request):
    token, key = feed_token
    harness = Feeds(token, key, request.node.name).start()
    yield harness
    harness.finish()


# --- Strategies ---------------------------------------------------------------------------------

targets = st.sampled_from(IDS)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)


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


def malformed_id(stix_type: str, value: str):
    """Identifiers STIX 2.1 does not allow (``type--`` and a canonical
    RFC 4122 UUID), including forms ``uuid.UUID`` would still read."""
    u = value.split("--", 1)[1]
    other = "campaign" if stix_type != "campaign" else "report"
    return st.one_of(
        st.sampled_from(
            [
                f"{stix_type}-{u}",
                f"{stix_type}--{u[:-1]}",
                f"{stix_type}--{u}0",
                f"{stix_type}--{u[:-1]}g",
                f"{stix_type}--{{{u}}}",
                f"{stix_type}--{u.replace('-', '')}",
                f"{stix_type}--urn:uuid:{u}",
                f"{stix_type}---{u}",
                f" {stix_type}--{u}",
                f"{stix_type}--{u} ",
                f"{stix_type}--",
                "",
                f"{stix_type}{u}",
                f"{other}--{u}",
                f"{stix_type.upper()}--{u}",
                f"{homoglyph(stix_type)}--{u}",
                f"{stix_type}--{u}\x00",
                f"{stix_type}--00000000-0000-0000-0000-000000000000",
                f"--{u}",
                f"{stix_type}--{u}--{u}",
            ]
        ),
        st.text(max_size=40).filter(lambda text: not text.startswith(f"{stix_type}--")),
    ).filter(lambda candidate: candidate != value)


def homoglyph(text: str) -> str:
    """The first Latin letter that has a Cyrillic lookalike, swapped for it."""
    for latin, cyrillic in zip("aeiocpx", "аеіосрх"):
        if latin in text:
            return text.replace(latin, cyrillic, 1)
    return text + "\u200b"


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


def not_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return True
    return False


@st.composite
def bundle_damage(draw) -> Case:
    """Damage to the bundle itself rather than to one object."""
    kind = draw(st.sampled_from(["objects", "type", "id", "not json", "not an object", "utf-8", "charset"]))
    bundle = copy.deepcopy(BASE)
    if kind == "objects":
        bundle["objects"] = draw(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.text(max_size=10),
                st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
            )
        )
        return Case(f"objects = {bundle['objects']!r}", encode(bundle), Expect("bundle", property="objects"))
    if kind == "type":
        bundle["type"] = draw(st.one_of(json_scalars.filter(lambda v: v != "bundle"), st.sampled_from(["Bundle", "report", "bundle "])))
        return Case(f"bundle type = {bundle['type']!r}", encode(bundle), Expect("bundle", property="type"))
    if kind == "id":
        bundle["id"] = draw(
            st.one_of(
                json_scalars.filter(lambda v: not isinstance(v, str)),
                st.lists(st.integers(), max_size=2),
                st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                malformed_id("bundle", bundle["id"]),
            )
        )
        return Case(f"bundle id = {bundle['id']!r}", encode(bundle), Expect("bundle", property="id"))
    if kind == "not json":
        text = encode(bundle)
        body = draw(
            st.one_of(
                st.integers(1, len(text) - 1).map(lambda cut: text[:cut]),
                st.sampled_from(
                    [
                        text + b"}",
                        text + b"x",
                        b"<bundle/>",
                        b"{'type': 'bundle'}",
                        b"NaN",
                        b'{"objects": [1,]}',
                        text.replace(b'"', b"'"),
                        b"\xef\xbb\xbf" + text,
                        b"\x00" + text,
                    ]
                ),
                st.binary(min_size=1, max_size=200),
            ).filter(not_json)
        )
        return Case(f"not JSON: {body[:60]!r}", body, Expect("parse", mention="JSON parse error"))
    if kind == "not an object":
        value = draw(st.one_of(json_scalars, st.lists(json_scalars, max_size=3), st.just(BASE["objects"])))
        return Case(f"not an object: {json.dumps(value)[:60]}", encode(value), Expect("bundle", mention="JSON object"))
    if kind == "utf-8":
        text = encode(bundle)
        anchor = text.index(b"GRIDLOCK: wiper")
        position = anchor + draw(st.integers(0, len("GRIDLOCK: wiper")))
        junk = draw(
            st.sampled_from(
                [
                    b"\xff",
                    b"\xfe",
                    b"\xc3\x28",
                    b"\xed\xa0\x80",
                    b"\xf8\x88\x80\x80\x80",
                    b"\x80",
                    b"\xe2\x82",
                    b"\xc0\xaf",
                    b"\xf4\x90\x80\x80",
                ]
            )
        )
        return Case(f"invalid UTF-8 {junk!r}", text[:position] + junk + text[position:], Expect("parse", mention="utf-8"))
    charset = draw(st.sampled_from(["utf-16", "utf-32", "utf-16-be"]))
    return Case(
        f"charset {charset}",
        encode(bundle) + b" ",
        Expect("parse", mention="JSON parse error"),
        content_type=f"application/json; charset={charset}",
    )


def nested_text(depth: int, shape: str) -> str:
    opening = {"list": "[", "dict": '{"a":'}
    kinds = [shape if shape != "mixed" else ("list" if level % 2 else "dict") for level in range(depth)]
    return "".join(opening[kind] for kind in kinds) + "1" + "".join("]" if kind == "list" else "}" for kind in reversed(kinds))


@st.composite
def deep_nesting(draw) -> Case:
    """A custom property or an extension nested 1,000+ levels (what the JSON
    decoder itself refuses) or a few hundred (what it reads)."""
    stix_id = draw(targets)
    depth = draw(st.one_of(st.integers(1000, 5000), st.integers(150, 700)))
    shape = draw(st.sampled_from(["list", "dict", "mixed"]))
    bundle, target = copy_with(stix_id, lambda target: None)
    if draw(st.booleans()):
        where = "x_cdt_deep"
        target[where] = "__DEEP__"
    else:
        where = "extensions"
        target.setdefault("extensions", {})[f"extension-definition--{draw(st.uuids(version=4))}"] = {
            "extension_type": "property-extension",
            "x_cdt_deep": "__DEEP__",
        }
    body = encode(bundle).replace(b'"__DEEP__"', nested_text(depth, shape).encode())
    return Case(f"nesting: {stix_id} {where} {shape} x{depth}", body, Expect("parse|content", stix_id, where, "nest"))


@st.composite
def huge_identifiers(draw) -> Case:
    """A 1-5 MB value where an identifier, a type or a timestamp goes: the
    refusal names it without echoing megabytes back."""
    stix_id = draw(targets)
    size = draw(st.integers(1, 5)) * MB + draw(st.integers(0, 1000))
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    name = draw(
        st.sampled_from(["id", "type", "created", "spec_version", *[n for n in ("created_by_ref", "object_marking_refs") if n in target]])
    )
    filler = draw(st.sampled_from("a0-é"))
    if name == "id":
        target["id"] = f"{target['type']}--" + filler * size
        expect = Expect("content", None, "id")
    elif name == "type":
        target["type"] = filler * size
        expect = Expect("content", stix_id, ("type", "id"))
    elif name == "object_marking_refs":
        target[name] = ["marking-definition--" + filler * size]
        expect = Expect("content", stix_id, name)
    else:
        target[name] = f"identity--{filler * size}" if name == "created_by_ref" else filler * size
        expect = Expect("content", stix_id, name)
    return Case(f"huge {name}: {stix_id} {size} bytes", encode(bundle), expect)


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


@fuzz_settings
@given(case=bundle_damage())
def test_damaged_bundles_are_refused(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=deep_nesting())
def test_deep_nesting_is_refused(feeds, case):
    feeds.check(case)


@fuzz_settings
@given(case=huge_identifiers())
def test_huge_identifiers_are_refused_without_echoing_them(feeds, case):
    feeds.check(case)


@st.composite
def oversize(draw) -> Case:
    """A 1-5 MB string in any property of any object, or a new one."""
    stix_id = draw(targets)
    bundle = copy.deepcopy(BASE)
    target = bundle["objects"][INDEX[stix_id]]
    name = draw(st.sampled_from([*sorted(target), "x_cdt_filler"]))
    target[name] = draw(st.sampled_from("aé€")) * (draw(st.integers(1, 5)) * MB)
    return Case(f"oversize: {stix_id} {name}", encode(bundle), Expect("parse", mention=str(MB), status=413))


@fuzz_settings
@given(case=oversize())
def test_bodies_above_the_cap_are_413_on_both_routes(feeds, case):
    with override_settings(CDT_TAXII_MAX_CONTENT_LENGTH=MB):
        feeds.check(case)


# --- Size caps and a Content-Length that is absent or lies ----------------------------------------

LYING_LENGTHS = [
    # (Content-Length sent, status, what the answer says)
    ("", 411, "Content-Length"),  # absent: Django reads no body then; said so rather than "no objects"
    ("abc", 400, "Content-Length"),
    ("1e3", 400, "Content-Length"),
    ("-1", 400, "Content-Length"),
    ("0", 400, "empty"),
    ("100", 400, "JSON parse error"),  # smaller than the body: under WSGI only that much is read (ASGI: see below)
    (str(10 * MB), 413, str(MB)),  # declared above the cap: refused before reading
]


def test_a_content_length_that_is_absent_or_lies_never_gets_the_body_past_the_cap(feeds):
    """A 2 MB body against a 1 MB cap, whatever Content-Length says."""
    body = encode(s.replace(BASE, s.REPORT, description="x" * (2 * MB)))
    with override_settings(CDT_TAXII_MAX_CONTENT_LENGTH=MB):
        for declared, status, says in LYING_LENGTHS:
            for route in ROUTES:
                rows = FeedIngestion.objects.count()
                response = feeds.post(route, body, CONTENT_LENGTH=declared)
                assert response.status_code == status, (declared, route, response.content[:500])
                _errors, message = refusal(response, route)
                assert says.lower() in message.lower(), (declared, route, message)
                assert FeedIngestion.objects.count() == rows


def asgi_post(path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """One request through Django's ASGI handler, which hands the view the
    whole body whatever Content-Length says (WSGI cuts it there)."""
    from django.core import signals
    from django.core.handlers.asgi import ASGIHandler
    from django.db import close_old_connections

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 40000),
        "headers": [(b"host", b"testserver"), *headers],
    }
    sent: list[dict] = []

    async def run():
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            if messages:
                return messages.pop(0)
            await asyncio.Event().wait()  # the client stays connected

        async def send(message):
            sent.append(message)

        await ASGIHandler()(scope, receive, send)

    signals.request_started.disconnect(close_old_connections)  # as Django's test clients do: keep the test transaction
    signals.request_finished.disconnect(close_old_connections)
    try:
        async_to_sync(run)()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    return status, b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")


def test_regression_a_small_content_length_does_not_let_a_large_body_past_the_cap_under_asgi(feeds):
    """Under ASGI the view read the whole body even when Content-Length was
    smaller: the cap was checked on the header only, so a 2 MB bundle that
    declared 100 bytes was ingested past a 1 MB cap. Now nothing reads past
    the declared length under either server (the body-limit middleware), so
    the answer is WSGI's: the first 100 bytes are not JSON."""
    body = encode(s.replace(BASE, s.REPORT, description="x" * (2 * MB)))
    with override_settings(CDT_TAXII_MAX_CONTENT_LENGTH=MB):
        for path, content_type in ((FEED, b"application/json"), (TAXII_OBJECTS, MEDIA.encode())):
            rows = FeedIngestion.objects.count()
            status, answer = asgi_post(
                path,
                body,
                [
                    (b"content-type", content_type),
                    (b"content-length", b"100"),
                    (b"accept", MEDIA.encode() if path == TAXII_OBJECTS else b"application/json"),
                    (b"authorization", f"Token {feeds.key}".encode()),
                ],
            )
            assert status == 400, (path, answer[:300])
            assert b"JSON parse error" in answer, (path, answer[:300])
            assert FeedIngestion.objects.count() == rows
    assert StixObject.objects.count() == 0


# --- TAXII GET ------------------------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "-1",
            "0",
            "99999999999999999999999",
            "1e3",
            " 5",
            "NaN",
            "\x00",
            "%00",
            "../",
            "' OR 1=1 --",
            "2026-13-01T00:00:00Z",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "2026-11-02T09:00:00",
            "last,first,all",
            "2.0",
            ",".join(["x"] * 2000),
            "é" * 2000,
        ]
    ),
    st.integers(-(2**70), 2**70).map(str),
)


@st.composite
def next_tokens(draw) -> str:
    """``next`` values the server never gave: garbage, and well-formed
    tokens with a bad timestamp or row number."""
    stamp = draw(
        st.one_of(
            st.sampled_from(
                [
                    "2026-01-01T00:00:00+00:00",
                    "2026-01-01T00:00:00",
                    "0001-01-01T00:00:00+14:00",
                    "9999-12-31T23:59:59-14:00",
                    "2026-13-01T00:00:00+00:00",
                    "",
                ]
            ),
            st.text(max_size=20),
        )
    )
    row = draw(st.one_of(st.integers(-(2**70), 2**70).map(str), st.text(max_size=10)))
    token = draw(
        st.one_of(
            st.just(base64.urlsafe_b64encode(f"{stamp}|{row}".encode()).decode()),
            st.binary(max_size=30).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
            hostile_text,
        )
    )
    return token


TAXII_PARAMS = ["limit", "added_after", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]", "match[junk]", "junk"]
ACCEPTS = [
    MEDIA,
    "application/taxii+json",
    "application/json",
    "*/*",
    "application/xml",
    "text/html",
    "application/taxii+json;version=2.0",
    "application/taxii+json;version=",
    ";;;",
    "",
    "application/taxii+json; version=2.1; q=abc",
    "*/*;q=0",
    "\x7f",
    "a" * 500,
]


path_segment = st.text(min_size=1, max_size=30).filter(lambda t: not set(t) & set("/?#"))


@st.composite
def taxii_gets(draw) -> tuple[str, dict, str]:
    collection = draw(
        st.one_of(
            st.sampled_from(
                [
                    COLLECTION,
                    "threat-actors",
                    "6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0c01",
                    "no-such-collection",
                    "%00",
                    "a\x00b",
                    "..",
                    "a" * 300,
                ]
            ),
            path_segment,
        )
    )
    object_id = draw(
        st.one_of(
            st.sampled_from([s.REPORT, s.GRIDLOCK, "report--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0c02", "report--x", "%00", f"{s.REPORT}\x00"]),
            path_segment,
        )
    )
    quoted = lambda text: text.replace("%", "%25")  # noqa: E731  (the test client unquotes the path once)
    path = draw(
        st.sampled_from(
            [
                "",
                "collections/{c}/",
                "collections/{c}/objects/",
                "collections/{c}/manifest/",
                "collections/{c}/objects/{o}/",
                "collections/{c}/objects/{o}/versions/",
                "status/6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0c03/",
                "status/not-a-uuid/",
            ]
        )
    )
    path = path.format(c=quoted(collection), o=quoted(object_id))
    names = draw(st.lists(st.sampled_from(TAXII_PARAMS), unique=True, max_size=4))
    params = {name: draw(next_tokens() if name == "next" else hostile_text) for name in names}
    accept = draw(st.sampled_from(ACCEPTS))
    return path, params, accept


@pytest.fixture
def stocked_feeds(feed_token, request):
    """The feed harness after SIAC's bundle is in, for reads."""
    token, key = feed_token
    assert Client().post(FEED, encode(BASE), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    harness = Feeds(token, key, request.node.name).start()
    yield harness
    harness.finish()


@fuzz_settings
@given(request_=taxii_gets())
def test_hostile_taxii_reads_get_4xx_in_the_taxii_shape_or_200(stocked_feeds, request_):
    path, params, accept = request_
    harness = stocked_feeds
    cache.delete(f"throttle_api_token_{harness.token.pk}")
    COUNTS[f"{harness.test}: examples"] += 1
    COUNTS[f"{harness.test}: requests"] += 1
    response = Client().get(TAXII_ROOT + path, params, HTTP_AUTHORIZATION=f"Token {harness.key}", HTTP_ACCEPT=accept)
    assert response.status_code < 500, (path, params, accept, response.content[:1000])
    assert response.status_code in (200, 400, 404, 406), (path, params, accept, response.status_code)
    body = response.json() if response["Content-Type"] in (MEDIA, "application/json") else None
    if response.status_code == 200:
        assert response["Content-Type"] == MEDIA and isinstance(body, dict)
    elif body is not None or response.status_code != 404:
        # Django's own 404 for a path no TAXII view matches (e.g. a status id that is no UUID) is not a TAXII answer.
        assert response["Content-Type"] == MEDIA, (path, response["Content-Type"])
        assert body["http_status"] == str(response.status_code) and body["title"] and body["description"], body
        assert "ErrorDetail" not in body["description"], body
    assert row_counts() == harness.counts


# --- Regressions (each failed before its fix) -----------------------------------------------------
# One test per defect, trying each value on both routes (one database per test: the cases share it).


def post(key: str, route: str, bundle, **extra):
    return send(route, bundle if isinstance(bundle, bytes) else encode(bundle), HTTP_AUTHORIZATION=f"Token {key}", **extra)


def refused(key: str, bundle) -> list[list[tuple]]:
    """Post to both routes; each must be 400. The errors as (object, property) pairs, per route."""
    found = []
    for route in ROUTES:
        response = post(key, route, bundle)
        assert response.status_code == 400, (route, response.status_code, response.content[:2000])
        found.append([(error["object"], error["property"]) for error in refusal(response, route)[0]])
    return found


def reasons(key: str, bundle) -> list[str]:
    return [error["reason"] for route in ROUTES for error in refusal(post(key, route, bundle), route)[0]]


def with_object(extra: dict) -> dict:
    bundle = copy.deepcopy(BASE)
    bundle["objects"].append(extra)
    return bundle


def custom(**changes) -> dict:
    stix_object = {
        "type": "x-siac-note",
        "spec_version": "2.1",
        "id": "x-siac-note--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0999",
        "created": s.T0,
        "modified": s.T0,
    }
    stix_object.update(changes)
    return stix_object


def test_regression_a_custom_object_with_a_broken_common_property_is_400_not_500(feed_token):
    """Custom types skip ``stix2``'s checks; their timestamps went to
    ``parse_datetime`` (ValueError, TypeError: 500) and their marking
    references to ``list()`` (TypeError: 500); a bad ``created_by_ref`` was stored."""
    _token, key = feed_token
    for name, value in [
        ("modified", "2026-13-01T00:00:00.000Z"),
        ("modified", 5),
        ("created", ["2026"]),
        ("object_marking_refs", 5),
        ("created_by_ref", 7),
    ]:
        assert refused(key, with_object(custom(**{name: value}))) == [[(custom()["id"], name)]] * 2, name
    assert StixObject.objects.count() == 0


def test_regression_an_identifier_that_is_not_type_and_canonical_uuid_is_refused(feed_token):
    """``stix2`` reads any form ``uuid.UUID`` reads (braces, no hyphens, a
    URN, an extra hyphen) and custom types were not checked at all: the same
    object could be stored under several ids, or under no UUID."""
    _token, key = feed_token
    for stix_id in [
        "x-siac-note--nope",
        "x-siac-note--{6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0999}",
        "x-siac-note--6f1d4f1e2b6a4c539d510d1f6a7f0999",
        "report---6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0004",
        "report--urn:uuid:6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0004",
    ]:
        if stix_id.startswith("report"):
            bundle = copy.deepcopy(BASE)
            bundle["objects"][INDEX[s.REPORT]]["id"] = stix_id
        else:
            bundle = with_object(custom(id=stix_id))
        assert refused(key, bundle) == [[(stix_id, "id")]] * 2, stix_id
    assert StixObject.objects.count() == 0


def test_regression_a_value_of_the_wrong_json_type_is_refused_not_coerced(feed_token):
    """``stix2`` coerces (``str(5)``, ``int("60")``, a string into a list):
    the object passed, then either the mapping crashed on the value as
    posted (500: ``5[:200]``, ``"60" < 30``, a list in a set) or the raw
    object was stored and served over TAXII with the wrong type."""
    _token, key = feed_token
    for stix_id, name, value in [
        (s.GRIDLOCK, "name", 5),
        (s.REPORT, "name", {"a": 1}),
        (s.REPORT, "confidence", "60"),
        (s.REPORT, "confidence", True),
        (s.REPORT, "confidence", 60.5),
        (s.GRIDLOCK, "aliases", "GRIDLOCK"),
        (s.REPORT, "labels", {"a": 1}),
        (s.REPORT, "description", 5),
        (s.REPORT, "external_references", [{"source_name": "CDT", "external_id": ["CDT-2026-0001"]}]),
        (s.STATE_ACTOR, "threat_actor_types", "nation-state"),
        (s.REPORT, "object_refs", s.GRIDLOCK),
    ]:
        assert refused(key, s.replace(BASE, stix_id, **{name: value})) == [[(stix_id, name)]] * 2, (name, value)
    assert StixObject.objects.count() == 0


def test_regression_extensions_that_are_not_a_dictionary_of_objects_are_400_not_500(feed_token):
    """``stix2`` called ``.items()`` on them: AttributeError, 500."""
    _token, key = feed_token
    for value in [[1, 2], {"x-siac-ext": [1]}, "extension"]:
        assert refused(key, s.replace(BASE, s.REPORT, extensions=value)) == [[(s.REPORT, "extensions")]] * 2, value


def test_regression_a_null_property_is_refused_by_name(feed_token):
    """``stix2`` drops a null property; the report's null description then
    hit the assessment's NOT NULL constraint, reported as "another ingestion
    wrote the same objects at the same time"."""
    _token, key = feed_token
    bundle = copy.deepcopy(BASE)
    bundle["objects"][INDEX[s.REPORT]]["description"] = None
    assert refused(key, bundle) == [[(s.REPORT, "description")]] * 2


def test_regression_a_missing_created_modified_or_spec_version_is_refused(feed_token):
    """``stix2`` fills them in (``created`` is *now*), so an object without
    them was stored as if SIAC had sent them."""
    _token, key = feed_token
    for name in ("created", "modified", "spec_version"):
        bundle = s.replace(BASE, s.CAMPAIGN, **{name: None})
        assert refused(key, bundle) == [[(s.CAMPAIGN, name)]] * 2 and reasons(key, bundle) == ["required"] * 2, name


def test_regression_one_version_twice_with_different_content_is_refused(feed_token):
    """The first copy was kept silently and the other dropped."""
    _token, key = feed_token
    bundle = copy.deepcopy(BASE)
    bundle["objects"].append(dict(bundle["objects"][INDEX[s.GRIDLOCK]], name="NOT GRIDLOCK"))
    assert refused(key, bundle) == [[(s.GRIDLOCK, "id")]] * 2
    assert all("same id" in reason for reason in reasons(key, bundle))
    bundle["objects"][-1] = copy.deepcopy(bundle["objects"][INDEX[s.GRIDLOCK]])  # the very same object twice is fine
    assert post(key, "feed", bundle).status_code == 200


def test_regression_json_nested_too_deeply_for_the_decoder_is_400_not_500(feed_token):
    """``json.loads`` raises RecursionError, which the JSON parser let through."""
    _token, key = feed_token
    body = encode(s.replace(BASE, s.REPORT, x_cdt_deep="__DEEP__")).replace(b'"__DEEP__"', nested_text(3000, "list").encode())
    for route in ROUTES:
        response = post(key, route, body)
        assert response.status_code == 400 and "nested too deeply" in refusal(response, route)[1], route


def test_regression_nesting_deeper_than_stix_needs_is_refused(feed_token):
    """300 levels passed and were stored, to fail later wherever the stack
    was deeper (serialising them for the database or for a TAXII answer)."""
    _token, key = feed_token
    body = encode(s.replace(BASE, s.REPORT, x_cdt_deep="__DEEP__")).replace(b'"__DEEP__"', nested_text(300, "dict").encode())
    assert refused(key, body) == [[(s.REPORT, "x_cdt_deep")]] * 2
    assert all("nested" in reason for reason in reasons(key, body))


def test_regression_values_postgresql_cannot_store_or_json_cannot_carry_are_refused(feed_token):
    """A NUL or a lone surrogate in a string is refused by PostgreSQL (500
    there, stored on SQLite); 1e400 reads as infinity, which no TAXII answer
    can carry afterwards."""
    _token, key = feed_token
    for value, problem in [('"a\\u0000b"', "NUL"), ('"\\ud800"', "Unicode"), ("1e400", "finite"), ('{"k\\u0000": 1}', "NUL")]:
        body = encode(s.replace(BASE, s.NOTE, x_cdt_value="__VALUE__")).replace(b'"__VALUE__"', value.encode())
        assert refused(key, body) == [[(s.NOTE, "x_cdt_value")]] * 2, value
        assert all(problem in reason for reason in reasons(key, body)), value
    assert StixObject.objects.count() == 0


def test_regression_a_huge_invalid_value_is_not_echoed_back(feed_token):
    """The error named the 2 MB id twice (as the object and in the reason):
    a 4 MB answer and log row."""
    _token, key = feed_token
    bundle = s.replace(BASE, s.REPORT, id="report--" + "a" * (2 * MB))
    for route in ROUTES:
        response = post(key, route, bundle)
        error = refusal(response, route)[0][0]
        assert response.status_code == 400 and error["property"] == "id" and error["object"].startswith("report--aaaa")
        assert len(response.content) < 4096
    assert max(len(json.dumps(row.errors)) for row in FeedIngestion.objects.all()) < 4096


def test_regression_a_classification_statement_in_another_form_is_recognised(feed_token, settings):
    """Only statements starting with the French form were recognised: "EU
    CONFIDENTIAL" or "Classification: CONFIDENTIEL UE" went in unclassified."""
    settings.CDT_MAX_CLASSIFICATION = "RESTREINT_UE"
    _token, key = feed_token
    for statement in ["EU CONFIDENTIAL", "Classification: CONFIDENTIEL UE", "eu  secret", "EU TOP SECRET", "[SECRET UE/EU SECRET]"]:
        bundle = s.replace(BASE, s.REPORT, object_marking_refs=[s.TLP_AMBER, s.CONFIDENTIEL])
        bundle["objects"].append(
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": s.CONFIDENTIEL,
                "created": s.T0,
                "definition_type": "statement",
                "definition": {"statement": statement},
            }
        )
        assert refused(key, bundle) == [[(s.REPORT, "object_marking_refs")]] * 2, statement
        assert all("accredited" in reason for reason in reasons(key, bundle))
    assert StixObject.objects.count() == 0


def test_regression_a_tlp_marking_with_an_unknown_or_contradicting_level_is_refused(feed_token):
    """An unknown TLP level meant "no marking" (the client's default TLP);
    a predefined TLP id carrying another level went by the id silently."""
    _token, key = feed_token
    for marking_id, level in [(s.CONFIDENTIEL, "purple"), (s.CONFIDENTIEL, ["red"]), (s.TLP_GREEN, "clear")]:
        bundle = copy.deepcopy(BASE)
        definition = {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": marking_id,
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:?",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": level}
            },
        }
        if marking_id in INDEX:
            bundle["objects"][INDEX[marking_id]] = definition
        else:
            bundle["objects"].append(definition)
            bundle["objects"][INDEX[s.REPORT]]["object_marking_refs"] = [marking_id]
        assert refused(key, bundle) == [[(marking_id, "extensions")]] * 2, level


def test_regression_a_bundle_id_that_is_not_a_bundle_identifier_is_refused(feed_token):
    """Anything was taken (and ``str()``-ed into the log)."""
    _token, key = feed_token
    for bundle_id in [{"a": 1}, 5, "report--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0004", "bundle--x" * 50]:
        assert refused(key, dict(BASE, id=bundle_id)) == [[("", "id")]] * 2, bundle_id


def test_regression_a_custom_type_name_outside_the_stix_grammar_or_the_column_is_refused(feed_token):
    """A 72-character type does not fit the 60-character column (500 on
    PostgreSQL); the others break the STIX type grammar."""
    _token, key = feed_token
    for stix_type in ["x-" + "a" * 70, "x--double", "X-Upper", "x_underscore", "-x-lead"]:
        bundle = with_object(custom(type=stix_type, id=f"{stix_type}--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0999"))
        assert [[prop for _obj, prop in errors] for errors in refused(key, bundle)] == [["type"]] * 2, stix_type


def test_regression_a_bundle_above_django_s_2_5_mb_form_limit_but_within_max_content_length_is_accepted(feed_token):
    """DRF reads ``request.body`` for a ``JSONParser``, which applies
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB): a 3 MB bundle, well within the
    100 MB the API root advertises, got a bare HTML 400 on both routes."""
    _token, key = feed_token
    for route, modified in (("feed", s.T0), ("taxii", s.T1)):
        response = post(key, route, s.replace(BASE, s.REPORT, modified=modified, description=f"{route} " + "x" * (3 * MB)))
        assert response.status_code in (200, 202), (route, response.content[:300])
        assert StixObject.objects.get(stix_id=s.REPORT, current=True).raw["description"].startswith(route)


def test_regression_an_invalid_object_in_a_large_bundle_is_400_while_workers_validate(feed_token, settings):
    """Above ``CDT_FEED_PARALLEL_MIN_OBJECTS`` planning runs while worker
    processes validate; it met the custom object's marking references
    (``list(5)``) first and crashed: 500 instead of the validation error."""
    settings.CDT_FEED_PARALLEL_MIN_OBJECTS = 5
    _token, key = feed_token
    assert refused(key, s.replace(BASE, CUSTOM, object_marking_refs=5)) == [[(CUSTOM, "object_marking_refs")]] * 2
    assert StixObject.objects.count() == 0


def taxii_get(key: str, path: str = f"collections/{COLLECTION}/objects/", **params):
    return Client().get(TAXII_ROOT + path, params, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT=MEDIA)


def test_regression_an_added_after_out_of_range_is_400_not_500(feed_token):
    """``parse_datetime`` raises ValueError for a well-formed impossible
    date, and year 1 at +14:00 overflows when converted to UTC."""
    _token, key = feed_token
    for value in ["2026-13-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "2026-02-30T00:00:00Z"]:
        for path in (f"collections/{COLLECTION}/objects/", f"collections/{COLLECTION}/manifest/"):
            response = taxii_get(key, path, added_after=value)
            assert response.status_code == 400 and response.json()["description"] == "added_after must be a timestamp.", value


def test_regression_a_next_token_with_a_naive_or_overflowing_value_is_400_not_500(feed_token):
    """A naive timestamp tripped a RuntimeWarning (an error in the tests, a
    silent local-time guess in production), year 1 at +14:00 overflowed, and
    a row number beyond 64 bits is a DataError on PostgreSQL."""
    _token, key = feed_token
    for token in [
        "2026-01-01T00:00:00|1",
        "0001-01-01T00:00:00+14:00|1",
        "2026-01-01T00:00:00+00:00|" + "9" * 30,
        "2026-01-01T00:00:00+00:00|-5",
    ]:
        response = taxii_get(key, next=base64.urlsafe_b64encode(token.encode()).decode())
        assert response.status_code == 400 and response.json()["description"] == "next is not a value this server gave.", token


def test_regression_taxii_error_descriptions_are_plain_text(feed_token):
    """A validation error's description was the repr of a list of ErrorDetail."""
    _token, key = feed_token
    response = taxii_get(key, limit="-1")
    assert response.status_code == 400 and response.json()["description"] == "limit must be at least 1."


def test_regression_a_nul_in_a_taxii_query_is_400(feed_token):
    """PostgreSQL refuses a NUL in a query parameter: 500 there (200 on SQLite)."""
    _token, key = feed_token
    for params in [{"match[id]": "report--\x00"}, {"match[type]": "\x00"}, {"match[version]": "a\x00"}, {"added_after": "\x00"}]:
        response = taxii_get(key, **params)
        assert response.status_code == 400 and "NUL" in response.json()["description"], params


def test_regression_an_empty_list_is_refused_not_dropped(feed_token):
    """``stix2`` drops a property whose value is ``[]`` (like null), so a
    marking definition named ``[]`` passed and was stored as posted. (An
    empty list where a list goes is read as absent, as ``stix2`` does.)"""
    _token, key = feed_token
    for stix_id, name in [(s.TLP_GREEN, "name"), (s.REPORT, "description"), (s.CAMPAIGN, "created_by_ref")]:
        assert refused(key, s.replace(BASE, stix_id, **{name: []})) == [[(stix_id, name)]] * 2, name
    nested = s.replace(BASE, s.REPORT, external_references=[{"source_name": "CDT", "external_id": "x", "description": None}])
    assert refused(key, nested) == [[(s.REPORT, "external_references")]] * 2
    assert StixObject.objects.count() == 0


def test_regression_a_reference_without_a_type_is_refused(feed_token):
    """``stix2`` takes ``--<uuid>`` (no type) where any type may be
    referenced: relationships and reports pointing nowhere were stored."""
    _token, key = feed_token
    for stix_id, name, value in [
        (s.REPORT, "object_refs", [s.GRIDLOCK, "--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"]),
        ("relationship--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0101", "source_ref", "--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"),
        (s.NOTE, "object_refs", ["Report--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0004"]),
    ]:
        assert refused(key, s.replace(BASE, stix_id, **{name: value})) == [[(stix_id, name)]] * 2, (name, value)
    assert StixObject.objects.count() == 0


def test_regression_an_error_quoting_a_nul_or_a_lone_surrogate_can_be_logged(feed_token):
    """The error names the object by its id, NUL and all: PostgreSQL refused
    to store the log row (500 there) and the answer carried the NUL back."""
    _token, key = feed_token
    for bad in ("\x00", "\ud800"):
        stix_id = f"{s.REPORT}{bad}"
        text = encode(s.replace(BASE, s.REPORT, id="__ID__")).replace(b'"__ID__"', json.dumps(stix_id).encode())
        assert [[obj for obj, _prop in errors] for errors in refused(key, text)] == [[f"{s.REPORT}\ufffd"]] * 2, repr(bad)
    assert not any(re.search(r"\\u(0000|d[89a-f])", json.dumps(row.errors)) for row in FeedIngestion.objects.all())


def test_regression_a_nul_in_a_taxii_path_is_404(feed_token):
    """PostgreSQL refuses a NUL in the collection alias or object id it is
    asked for: 500 there."""
    _token, key = feed_token
    assert Client().post(FEED, encode(BASE), content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    for path in [
        "collections/a\x00b/objects/",
        f"collections/{COLLECTION}/objects/{s.REPORT}\x00/",
        f"collections/{COLLECTION}/objects/{s.REPORT}\x00/versions/",
    ]:
        response = taxii_get(key, path)
        assert response.status_code == 404 and response.json()["http_status"] == "404", path
