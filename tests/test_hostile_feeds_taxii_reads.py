"""Hostile TAXII GET requests (issue 12): hostile parameters, headers and
paths get a 4xx in the TAXII error shape (or 200 when valid but empty),
never a 5xx. The harness: tests/hostile_feeds_support.py.
"""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from . import stix_support as s
from .hostile import fuzz_settings, hostile
from .hostile_feeds_support import (
    BASE,
    COLLECTION,
    COUNTS,
    FEED,
    MEDIA,
    TAXII_ROOT,
    Feeds,
    _report_counts,  # noqa: F401  (a fixture)
    encode,
    row_counts,
)

pytestmark = [pytest.mark.django_db, hostile]


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
