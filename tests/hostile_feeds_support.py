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

The tests: tests/test_hostile_feeds_objects.py (mutated objects),
_envelope.py (damaged bundles, size caps), _taxii_reads.py (TAXII GET) and
_regressions.py.

Run with ``-s`` to see how many examples and requests each test generated.
"""

from __future__ import annotations

import collections
import copy
import json
from dataclasses import dataclass

import pytest
import stix2
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import strategies as st

from awareness.models import FeedIngestion
from cdt.accounts.models import ApiToken

from . import stix_support as s
from .hostile import database_fingerprint, fingerprint_difference

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


# --- Strategies and bodies more than one module uses ----------------------------------------------

targets = st.sampled_from(IDS)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)


def nested_text(depth: int, shape: str) -> str:
    opening = {"list": "[", "dict": '{"a":'}
    kinds = [shape if shape != "mixed" else ("list" if level % 2 else "dict") for level in range(depth)]
    return "".join(opening[kind] for kind in kinds) + "1" + "".join("]" if kind == "list" else "}" for kind in reversed(kinds))


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
