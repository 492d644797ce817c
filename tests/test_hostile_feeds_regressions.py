"""Each defect the hostile feed tests found (tests/test_hostile_feeds_*.py),
pinned by a plain test that failed before its fix.
"""

from __future__ import annotations

import base64
import copy
import json
import re

import pytest
from django.test import Client

from awareness.models import FeedIngestion, StixObject

from . import stix_support as s
from .hostile import hostile
from .hostile_feeds_support import BASE, COLLECTION, CUSTOM, FEED, INDEX, MB, MEDIA, ROUTES, TAXII_ROOT, encode, nested_text, refusal, send

pytestmark = [pytest.mark.django_db, hostile]


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
    marking definition named ``[]`` passed and was stored as posted. An
    empty list where a list goes is refused too (issue 27: STIX 2.1 section
    3.1 forbids it, and the OASIS validator rejects it)."""
    _token, key = feed_token
    for stix_id, name in [
        (s.TLP_GREEN, "name"),
        (s.REPORT, "description"),
        (s.CAMPAIGN, "created_by_ref"),
        (s.GRIDLOCK, "aliases"),
        (s.REPORT, "object_marking_refs"),
        (CUSTOM, "object_marking_refs"),
    ]:
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
