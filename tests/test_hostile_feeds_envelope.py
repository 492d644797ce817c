"""Hostile STIX bundles (issue 12): damaged envelopes (not JSON, not a bundle,
nested too deep, huge identifiers), bodies above the size cap and
Content-Lengths that are absent or lie, refused on both ingestion routes.
What must hold: tests/hostile_feeds_support.py.
"""

from __future__ import annotations

import asyncio
import copy
import json

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from awareness.models import FeedIngestion, StixObject

from . import stix_support as s
from .hostile import fuzz_settings, hostile
from .hostile_feeds_support import (
    BASE,
    FEED,
    INDEX,
    MB,
    MEDIA,
    ROUTES,
    TAXII_OBJECTS,
    Case,
    Expect,
    _report_counts,  # noqa: F401  (a fixture)
    copy_with,
    encode,
    feeds,  # noqa: F401  (a fixture)
    json_scalars,
    malformed_id,
    nested_text,
    refusal,
    targets,
)

pytestmark = [pytest.mark.django_db, hostile]


# --- Strategies ---------------------------------------------------------------------------------


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
