"""Body-size caps (issue 12): every address refuses a body larger than it
accepts with 413 and a message giving the limit, before anything reads or
writes; the STIX feed and TAXII take bundles up to their own, larger cap."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.models import Case
from cdt.directory.models import MemberState, Organisation
from tests.hostile import database_fingerprint, fingerprint_difference, hostile

pytestmark = [pytest.mark.django_db, hostile]

LIMIT = 4096


def _case_form(**overrides):
    payload = {
        "kind": "malicious_activity",
        "title": "Supply-chain compromise of an IT provider",
        "summary": "…",
        "brought_by": Organisation.objects.get(code="DE").pk,
        "brought_on": "2026-11-20",
        "context": "peacetime",
        "legal_qualification": "",
        "sectors": ["supply_chain"],
        "member_states_affected": [MemberState.objects.get(code="DE").pk],
        "classification": "1",
        "limite": "on",
        "tlp": "2",
        "releasable_to_all": "on",
        "distribution": "hwpci",
    }
    payload.update(overrides)
    return payload


@override_settings(CDT_MAX_REQUEST_BODY=LIMIT, DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_oversized_form_gets_413_with_the_limit_and_nothing_is_written(client, cast):
    client.force_login(cast["delegate"])
    before = database_fingerprint()
    response = client.post(reverse("case-new"), _case_form(summary="x" * (LIMIT + 1)))
    assert response.status_code == 413
    page = response.content.decode()
    assert f"accepts at most {LIMIT} bytes" in page and "Request too large" in page
    assert not fingerprint_difference(before, database_fingerprint())
    # The same form under the cap is accepted: the cap, not the form, refused it.
    response = client.post(reverse("case-new"), _case_form(summary="x" * 100))
    assert response.status_code == 302 and Case.objects.count() == 1


@override_settings(CDT_MAX_REQUEST_BODY=LIMIT)
def test_an_oversized_api_body_gets_413_json_and_nothing_is_written(client, cast):
    """DRF's JSON parser reads the stream unbounded; the cap stops it first."""
    client.force_login(cast["eeas"])
    body = {"kind": "persistent_threat_actor", "title": "APT", "summary": "y" * (LIMIT + 1)}
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is {len(json.dumps(body).encode())} bytes; this address accepts at most {LIMIT} bytes."
    }
    assert not Case.objects.exists()


@override_settings(CDT_MAX_REQUEST_BODY=LIMIT, CDT_TAXII_MAX_CONTENT_LENGTH=LIMIT * 4)
def test_the_feed_takes_bodies_up_to_its_own_cap(client, feed_token):
    """A bundle above the general cap but under the feed's is parsed (and
    here rejected for its content, 400), not refused for its size; above the
    feed's cap it is 413."""
    headers = {"HTTP_AUTHORIZATION": f"Token {feed_token[1]}"}
    padding = "z" * (LIMIT * 2)
    bundle = {"type": "bundle", "id": "bundle--5a1ac000-0000-4000-8000-0000000000aa", "objects": [{"type": "x-pad", "pad": padding}]}
    response = client.post("/api/v1/feeds/stix/", bundle, content_type="application/json", **headers)
    assert response.status_code == 400
    bundle["objects"][0]["pad"] = "z" * (LIMIT * 5)
    response = client.post("/api/v1/feeds/stix/", bundle, content_type="application/json", **headers)
    assert response.status_code == 413 and f"accepts at most {LIMIT * 4} bytes" in response.json()["detail"]


@override_settings(CDT_TAXII_MAX_CONTENT_LENGTH=LIMIT)
def test_taxii_answers_an_oversized_envelope_in_its_own_error_shape(client, feed_token):
    from awareness.models import TaxiiCollection

    collection = TaxiiCollection.objects.first()
    media = "application/taxii+json;version=2.1"
    response = client.post(
        f"/taxii2/api/collections/{collection.pk}/objects/",
        json.dumps({"objects": [{"pad": "z" * LIMIT}]}),
        content_type=media,
        HTTP_ACCEPT=media,
        HTTP_AUTHORIZATION=f"Token {feed_token[1]}",
    )
    assert response.status_code == 413
    body = response.json()
    assert body["http_status"] == "413" and body["title"] == "Request Entity Too Large"
    assert f"accepts at most {LIMIT} bytes" in body["description"]


def test_a_content_length_that_is_not_a_number_is_400(client, cast):
    client.force_login(cast["delegate"])
    response = client.post(reverse("case-new"), _case_form(), CONTENT_LENGTH="lots")
    assert response.status_code == 400 and "Content-Length" in response.content.decode()
    assert not Case.objects.exists()


def test_a_deeply_nested_api_body_is_400_not_a_server_error(client, cast):
    """Python's JSON decoder recurses; DRF's stock parser let the
    RecursionError through as a 500. The API's parser names the problem."""
    client.force_login(cast["eeas"])
    before = database_fingerprint()
    response = client.post("/api/v1/cases/", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}
    assert not fingerprint_difference(before, database_fingerprint())


@override_settings(CDT_MAX_REQUEST_BODY=LIMIT)
def test_the_api_parser_counts_the_bytes_it_reads_not_the_declared_length():
    """Under ASGI the stream holds whatever the client sent, whatever
    Content-Length said; the middleware sees only the header, so the parser
    stops reading one byte past the cap."""
    import io

    from cdt.core.api.parsers import BodyTooLarge, BoundedJSONParser

    with pytest.raises(BodyTooLarge) as refused:
        BoundedJSONParser().parse(io.BytesIO(b" " * LIMIT + b"{}"))
    assert str(refused.value.detail) == f"The request body exceeds {LIMIT} bytes (max_request_body)."
    assert BoundedJSONParser().parse(io.BytesIO(b" " * (LIMIT - 2) + b"{}")) == {}


@pytest.mark.parametrize("declared, read", [(b"11", b"title=short"), (None, b""), (b"-5", b"")])
def test_regression_under_asgi_nothing_reads_past_the_declared_length(declared, read):
    """Django's ASGI handler gives the request every byte the client sent,
    so a form declaring 11 bytes could bring megabytes to the form parser
    past the cap the middleware judged on the header (the gap left open in
    the issue's first note). The middleware now limits the stream as WSGI
    does: the declared length, nothing without one."""
    import io

    from django.core.handlers.asgi import ASGIRequest
    from django.http import HttpResponse

    from cdt.core.middleware import RequestBodyLimitMiddleware

    body = b"title=short" + b"x" * (3 * LIMIT)
    headers = [(b"content-type", b"application/x-www-form-urlencoded")] + ([(b"content-length", declared)] if declared else [])
    scope = {"type": "http", "method": "POST", "path": "/cases/new/", "query_string": b"", "headers": headers}
    assert len(ASGIRequest(scope, io.BytesIO(body)).body) == len(body)  # what Django alone reads: everything

    seen = {}

    def view(request):
        seen["body"], seen["title"] = request.body, request.POST.get("title")
        return HttpResponse()

    RequestBodyLimitMiddleware(view)(ASGIRequest(scope, io.BytesIO(body)))
    assert seen["body"] == read
    assert seen["title"] == ("short" if read else None)
