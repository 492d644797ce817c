"""Each defect the schemathesis run (tests/test_hostile_api_schemathesis.py)
found in reading request bodies, pinned one by one so a regression shows up
in the fast suite too.
"""

from __future__ import annotations

import pytest
from django.test import Client

from cases.models import Case
from tests.hostile import database_fingerprint, fingerprint_difference, hostile

from .hostile_api_support import api, schema  # noqa: F401  (fixtures)

pytestmark = [hostile]


@pytest.mark.django_db
def test_regression_a_feed_body_that_is_not_utf8_is_a_documented_400(feed_token, schema):
    """The feed's 400 was documented as the ingestion record only, but a body
    that cannot be read at all is answered with DRF's ``detail``; the schema
    now offers both (bounded schemathesis run as SIAC, ST108)."""
    token_use = ("accounts.ApiToken",)  # its last-used time moves with every request
    before = database_fingerprint(exclude=token_use)
    response = Client().post(
        "/api/v1/feeds/stix/", b"n\xe72.\xfft", content_type="application/json", HTTP_AUTHORIZATION=f"Token {feed_token[1]}"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - 'utf-8' codec can't decode byte 0xe7")
    assert not fingerprint_difference(before, database_fingerprint(exclude=token_use))
    documented = schema["paths"]["/api/v1/feeds/stix/"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert documented == {"$ref": "#/components/schemas/FeedRefusal"}
    assert sorted(variant["$ref"] for variant in schema["components"]["schemas"]["FeedRefusal"]["oneOf"]) == [
        "#/components/schemas/FeedIngestion",
        "#/components/schemas/RequestError",
    ]
    assert schema["components"]["schemas"]["RequestError"]["required"] == ["detail"]


@pytest.mark.django_db
def test_regression_merging_into_a_case_the_caller_may_not_see_answers_as_for_no_case(client, cast, open_case):
    """The API looked the merge target up among all cases: an unknown
    reference got "Object with reference=… does not exist." and a case the
    caller may not see "No such case.", telling which references exist."""
    from cases import services as case_services
    from cdt.directory.models import Organisation

    from .cases_support import case_fields

    case, target = open_case(), open_case(title="Second wiper case")
    hidden = case_services.case_open(by=cast["outsider"], **case_fields(brought_by=Organisation.objects.get(code="HU")))
    client.force_login(cast["chair"])
    url = f"/api/v1/cases/{case.pk}/transitions/close/"
    for reference in (hidden.reference, "CDT-2026-9999"):
        response = client.post(url, {"reason": "merged", "merged_into": reference}, content_type="application/json")
        assert response.status_code == 400 and response.json() == {"merged_into": ["No such case."]}, response.content
    assert Case.objects.get(pk=case.pk).is_open
    response = client.post(url, {"reason": "merged", "merged_into": target.reference}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=case.pk).merged_into_id == target.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, path",
    [
        ({"options": [{"measure_type": ["demarche"]}]}, "options[0].measure_type"),  # unhashable: TypeError
        ({"options": [{"measure_type": {"slug": "demarche"}}]}, "options[0].measure_type"),
        ({"assessment_refs": [True]}, "assessment_refs"),  # a bool is an int to isinstance
        ({"assessment_refs": [2**64]}, "assessment_refs"),  # overflows the lookup on SQLite
        ({"situation": "Wiper\x00attack."}, "situation"),  # PostgreSQL's jsonb refuses NUL
        ({"recommendation": "Option \ud800 1."}, "recommendation"),  # and a lone surrogate
    ],
)
def test_regression_options_note_content_a_json_body_can_break(api, cast, open_case, content, path):
    """Found by rereading the notes' content checks after the fuzzing: each
    was a 500 (or stored text a later page could not render)."""
    from measures.models import OptionsNote

    from .cases_support import walk_to

    case = walk_to(open_case(), "exploration", cast)
    body = {
        "case": case.pk,
        "title": "Options note",
        "content": {"situation": "Wiper attack.", "options": [{"measure_type": "demarche"}], "recommendation": "Option 1."} | content,
    }
    response = api.post("/api/v1/options-notes/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert any(message.startswith(f"{path}: ") for message in response.json()["content"]), response.json()
    assert not OptionsNote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "measures, path",
    [
        ({"demarche": "parallel"}, "measures"),  # an object was read key by key
        ([{"measure_type": ["demarche"], "mode": "parallel", "escalation_level": 2}], "measures[0].measure_type"),
        ([{"measure_type": "demarche", "mode": "parallel", "escalation_level": True}], "measures[0].escalation_level"),
    ],
)
def test_regression_strategic_note_measures_a_json_body_can_break(api, measures, path):
    from awareness.models import ThreatActor
    from measures.models import StrategicResponseNote

    actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    body = {
        "actor": actor.pk,
        "title": "SRN",
        "content": {"short_term_effects": "Disrupt.", "measures": measures},
        "classification": "RESTREINT_UE",
        "limite": True,
        "tlp": "AMBER",
        "releasable_to_all": True,
    }
    response = api.post("/api/v1/strategic-response-notes/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert any(message.startswith(f"{path}: ") for message in response.json()["content"]), response.json()
    assert not StrategicResponseNote.objects.exists()


@pytest.mark.django_db
def test_regression_a_body_nested_deeper_than_the_api_reads_is_400(api):
    """Deep enough to parse but not to be encoded again further down the
    stack (a JSONField save): refused by depth, before any view code."""
    response = api.post("/api/v1/cases/", "[" * 501 + "]" * 501, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested more than 500 levels deep."}


@pytest.mark.django_db
def test_regression_a_stix_id_with_a_trailing_newline_is_refused_not_a_500(feed_token):
    """``$`` matches before a final newline: ``bundle--<uuid>\n`` passed the
    pattern and ``uuid.UUID`` raised ValueError (500, ingestion left open)."""
    from awareness.models import FeedIngestion

    from .stix_support import report_bundle

    bundle = report_bundle()
    bundle["id"] += "\n"
    response = Client().post("/api/v1/feeds/stix/", bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {feed_token[1]}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"object": "", "property": "id", "reason": "The bundle id must be 'bundle--' followed by a UUID."}]
    assert not FeedIngestion.objects.exclude(status=FeedIngestion.Status.FAILED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, field, many",
    [
        ("/api/v1/attribution-claims/", "case", False),
        ("/api/v1/attribution-deliberations/", "case", False),
        ("/api/v1/statements/", "case", False),
        ("/api/v1/communication-plans/", "case", False),
        ("/api/v1/requests-for-information/", "case", False),
        ("/api/v1/assessments/", "cases", True),
        ("/api/v1/questions/", "case", False),
    ],
)
def test_regression_a_case_id_the_caller_may_not_see_reads_as_no_such_case(client, cast, url, field, many):
    """Case ids in request bodies were looked up among all cases: an id that
    does not exist got "Invalid pk … object does not exist." and a case the
    caller may not see "No such case." (or nothing, when another field was
    also wrong), telling which ids exist."""
    from cases import services as case_services
    from cdt.directory.models import Organisation

    from .cases_support import case_fields

    hidden = case_services.case_open(by=cast["outsider"], **case_fields(brought_by=Organisation.objects.get(code="HU")))
    client.force_login(cast["chair"])
    answers = []
    for case_id in (hidden.pk, hidden.pk + 1000):
        response = client.post(url, {field: [case_id] if many else case_id}, content_type="application/json")
        assert response.status_code == 400, (case_id, response.status_code, response.content)
        answers.append(response.json()[field])
    assert answers[0] == answers[1] == ["No such case."], answers


@pytest.mark.django_db
def test_regression_a_list_of_related_objects_must_be_a_list(api, open_case):
    """``"releasable_to": {}`` was read as an empty list (DRF takes anything
    iterable) and the PUT answered 200 (full run as EEAS, ST201)."""
    case = open_case()
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    for field in ("releasable_to", "sectors", "member_states_affected", "suspected_actors"):
        response = api.patch(f"/api/v1/cases/{case.pk}/", {field: {}}, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), (field, response.content)
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["updated_at"] == body["updated_at"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("limite", 0),
        ("limite", 1),
        ("limite", "yes"),
        ("limite", "false"),
        ("limite", None),
        ("releasable_to_all", "on"),
        ("releasable_to_all", 1),
    ],
)
def test_regression_a_boolean_is_true_or_false(client, cast, open_case, field, value):
    """``"limite": 0`` was read as false and the PUT answered 200 (DRF's
    boolean field takes 0/1, "yes", "on": full run as EEAS, ST201)."""
    case = open_case()
    client.force_login(cast["delegate"])  # the opener: may edit
    api = client
    before = api.get(f"/api/v1/cases/{case.pk}/").json()
    response = api.patch(f"/api/v1/cases/{case.pk}/", {field: value}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.content
    assert api.get(f"/api/v1/cases/{case.pk}/").json() == before
    # The strict field still takes a real boolean.
    response = api.patch(f"/api/v1/cases/{case.pk}/", {"limite": not before["limite"]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["limite"] is (not before["limite"]), response.content


@pytest.mark.parametrize(
    "value, accepted",
    [
        (3, True),
        (3.0, True),
        ("3", False),
        (True, False),
        (3.5, False),
        ([3], False),
        (None, False),
    ],
)
def test_regression_an_integer_is_a_json_number(value, accepted):
    """DRF's integer field reads ``"3"`` and ``true`` would pass Python's
    ``isinstance(..., int)``: the mapped field takes JSON numbers only."""
    from rest_framework.exceptions import ValidationError

    from cdt.core.api.fields import IntegerField

    field = IntegerField()
    if accepted:
        assert field.run_validation(value) == 3
    else:
        with pytest.raises(ValidationError):
            field.run_validation(value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing, error",
    [
        ("type", {"object": "bundle--70ed1521-07bf-4f43-b640-6d3b411d4709", "property": "type", "reason": "Expected a bundle."}),
        ("id", {"object": "", "property": "id", "reason": "The bundle id must be 'bundle--' followed by a UUID."}),
    ],
)
def test_regression_a_bundle_without_its_type_or_id_is_refused(feed_token, missing, error):
    """The feed API read a bundle as a TAXII envelope, which has neither, and
    answered 200 (full schemathesis run as SIAC, ST201)."""
    from awareness.models import FeedIngestion

    bundle = {"type": "bundle", "id": "bundle--70ed1521-07bf-4f43-b640-6d3b411d4709", "objects": []}
    del bundle[missing]
    response = Client().post("/api/v1/feeds/stix/", bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {feed_token[1]}")
    assert response.status_code == 400 and response.json()["errors"] == [error], response.content
    assert not FeedIngestion.objects.exclude(status=FeedIngestion.Status.FAILED).exists()


@pytest.mark.django_db
def test_regression_the_api_takes_json_only(api, open_case):
    """A form-encoded ``member_state=`` was read as "none given" (null),
    unlike the same field in JSON; the API now takes JSON only (415)."""
    response = api.post("/api/v1/cases/", {"title": "x"})  # the test client's default: multipart
    assert response.status_code == 415
    response = api.post("/api/v1/cases/", "title=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.django_db
def test_regression_an_empty_string_is_not_null_for_a_related_field(api, cast, open_case):
    """DRF reads ``""`` as null for relational fields: on the amplify step
    ``{"member_state": ""}`` meant "my own Member State"."""
    from attribution.api.serializers import AmplifySerializer

    body = AmplifySerializer(data={"member_state": ""})
    assert not body.is_valid() and "blank" in str(body.errors["member_state"][0])
    assert AmplifySerializer(data={"member_state": None}).is_valid()
    assert AmplifySerializer(data={"member_state": "DE"}).is_valid()


@pytest.mark.django_db
def test_regression_text_is_a_string_and_times_are_plausible(api, cast, open_case):
    """``{"indicators": 0}`` was stored as "0", and a meeting in 1074 came
    back with an offset of +00:17:30 (Brussels' local mean time), which is
    not an RFC 3339 date-time."""
    from measures.api.serializers import EvaluationRecordSerializer

    body = EvaluationRecordSerializer(
        data={"observed_change": "Quieter.", "indicators": 0, "effect": "limited", "recommendation": "continue"}
    )
    assert not body.is_valid() and "indicators" in body.errors
    for starts_at in ("1074-10-10T08:30:00Z", "2101-01-01T00:00:00Z"):
        response = api.post(
            "/api/v1/meetings/", {"body": "HWPCI", "starts_at": starts_at, "title": "HWPCI"}, content_type="application/json"
        )
        assert response.status_code == 400 and "between 1990 and 2100" in str(response.json()["starts_at"]), response.content
