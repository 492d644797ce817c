"""Hostile input over the whole API (issue 12).

``test_schemathesis_as`` serves the app (pytest-django's live server, over
the test database seeded with the demo scenario) and runs the schemathesis
CLI against the served OpenAPI schema, once per role, with a fixed seed and a
fixed number of examples per operation: positive and negative data, the
stateful links schemathesis infers, and the checks the issue names. It
passes only with 0 failures and 0 errors; the audit chain must verify after
the run. ``make test`` runs the bounded profile (the fuzzing and stateful
phases); ``make check-hostile`` the full one (every phase, more examples).

The other tests pin each defect the run found, one by one, so a regression
shows up in the fast suite too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from attribution.models import AttributionDeliberation
from awareness.services import feed_client_configure
from cases.models import Case
from cdt.accounts.models import User
from cdt.accounts.scopes import FEEDS_WRITE, READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.accounts.throttling import ApiTokenRateThrottle, SessionUserRateThrottle
from cdt.security.markings import Classification, Tlp
from tests.hostile import API_EXAMPLES, PROFILE, SEED, database_fingerprint, fingerprint_difference, hostile

pytestmark = [hostile]

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "test-artifacts" / "schemathesis"

#: The checks issue 12 asks for; each one must pass on every operation.
CHECKS = ["not_a_server_error", "response_schema_conformance", "negative_data_rejection", "ignored_auth", "use_after_free"]
PHASES = {"bounded": "fuzzing,stateful", "full": "examples,coverage,fuzzing,stateful"}[PROFILE]

#: The roles the API serves, as demo accounts: (username, scopes). The
#: bounded profile leaves out the Presidency chair (a delegate with more
#: rights: the delegate's run covers its routes) to keep the CI lane short.
ROLES = {
    "hwpci-delegate": ("delegate-de", [READ, WRITE]),
    "presidency-chair": ("chair-ie", [READ, WRITE]),
    "eeas-drafter": ("eeas-drafter", [READ, WRITE]),
    "siac-analyst": ("siac-analyst", [READ, WRITE, FEEDS_WRITE]),
    "secretariat": ("secretariat", [READ, WRITE]),
}
RUN_ROLES = list(ROLES) if PROFILE == "full" else [role for role in ROLES if role != "presidency-chair"]


def schemathesis_run(*, base_url: str, token: str, report: Path) -> tuple[subprocess.CompletedProcess, dict]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base_url}/api/v1/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        PHASES,
        "--seed",
        str(SEED),
        "--max-examples",
        str(API_EXAMPLES),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "120",
        "--no-color",
        "--output-truncate",
        "true",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=3600, env={**os.environ, "SCHEMATHESIS_HOOKS": ""}
    )
    return completed, json.loads(report.read_text()) if report.exists() else {}


@pytest.mark.skipif(
    PROFILE == "bounded" and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the bounded run is the CI PostgreSQL lane's; make check-hostile runs the full one anywhere",
)  # decided before the live server and the flush it costs
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", RUN_ROLES)
def test_schemathesis_as(role, live_server, directory, monkeypatch):
    # The rate limits would answer 429 to a fuzzer's burst: lifted for this run only.
    for throttle in (ApiTokenRateThrottle, SessionUserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"api_token": "1000000/min", "session_user": "1000000/min"})
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    username, scopes = ROLES[role]
    token, key = api_token_issue(user=User.objects.get(username=username), name=f"schemathesis {role}", scopes=scopes)
    if FEEDS_WRITE in scopes:
        feed_client_configure(
            by=User.objects.get(username="secretariat"),
            token=token,
            default_classification=Classification.UNCLASSIFIED,
            default_tlp=Tlp.AMBER,
            shared_with_all_delegations=True,
        )
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{PROFILE}-{role}.json"
    report.unlink(missing_ok=True)
    completed, summary = schemathesis_run(base_url=live_server.url, token=key, report=report)
    (REPORTS / f"{PROFILE}-{role}.log").write_text(completed.stdout + completed.stderr)
    assert summary, f"schemathesis wrote no report:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
    counts = summary["test_cases"]
    print(
        f"\nschemathesis as {role} ({PROFILE}): {summary['operations']['tested']} operations, {counts['generated']} requests, "
        f"{counts['unique_failures']} failures, {len(summary['errors'])} errors, {summary['running_time']:.0f} s"
    )
    assert summary["operations"]["tested"] >= 100, summary["operations"]
    assert counts["generated"] >= summary["operations"]["tested"], counts
    assert completed.returncode == 0 and counts["unique_failures"] == 0 and not summary["errors"], completed.stdout[-12000:]
    call_command("verify_audit", stdout=open(os.devnull, "w"))  # the chain holds after everything the run wrote


# --- Each defect the run found, pinned -------------------------------------------------------------


@pytest.fixture
def api(client, cast):
    client.force_login(cast["eeas"])
    return client


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_regression_http_options_on_the_deliberation_routes(api, cast, open_case):
    """A view-set action named ``options`` replaced DRF's OPTIONS handler on
    every route of the view set: 500 (TypeError, AssertionError)."""
    from attribution import services

    deliberation = services.deliberation_open(by=cast["eeas"], case=open_case())
    for url in (
        "/api/v1/attribution-deliberations/",
        f"/api/v1/attribution-deliberations/{deliberation.pk}/",
        f"/api/v1/attribution-deliberations/{deliberation.pk}/considerations/1/",
        f"/api/v1/attribution-deliberations/{deliberation.pk}/considerations/1/comments/",
    ):
        assert api.options(url).status_code == 200, url
    # The action itself still answers at its address.
    response = api.post(
        f"/api/v1/attribution-deliberations/{deliberation.pk}/options/",
        {"options_considered": ["public_declaration"], "recommended_option": "public_declaration"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert AttributionDeliberation.objects.get(pk=deliberation.pk).options_considered == ["public_declaration"]


@pytest.mark.django_db
def test_regression_an_ingestion_id_that_is_not_a_uuid_is_404(client, feed_token):
    """It was a 500 (Django's ValidationError from the UUID field)."""
    for bad in ("null,null", "42", "not-a-uuid"):
        response = client.get(f"/api/v1/feeds/stix/ingestions/{bad}/", HTTP_AUTHORIZATION=f"Token {feed_token[1]}")
        assert response.status_code == 404, (bad, response.status_code)


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


SUB_RESOURCE_LISTS = [
    "/api/v1/attribution-deliberations/{id}/positions/",
    "/api/v1/statements/{id}/alignments/",
    "/api/v1/cases/{id}/history/",
    "/api/v1/cases/{id}/transitions/",
    "/api/v1/cases/{id}/proportionality/",
    "/api/v1/cases/{id}/significance/",
    "/api/v1/options-notes/{id}/versions/",
    "/api/v1/options-notes/{id}/compare/",
    "/api/v1/options-notes/{id}/comments/",
    "/api/v1/strategic-response-notes/{id}/comments/",
    "/api/v1/statements/{id}/comments/",
]


@pytest.mark.django_db
def test_regression_sub_resource_lists_are_documented_as_the_arrays_they_are(schema):
    """They answer a whole list, but the schema promised a page
    (``{count, results}``) and offered the parent list's filters."""
    for path in SUB_RESOURCE_LISTS:
        operation = schema["paths"][path]["get"]
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert body.get("type") == "array", (path, body)
        assert not [p for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] not in ("from", "to")], path


NULLABLE = [
    ("Case", "merged_into"),
    ("Organisation", "member_state"),
    ("Organisation", "parent"),
    ("MeasureType", "deciding_body"),
    ("ResponseMeasure", "implementing_actor"),
    ("AgendaItem", "case_reference"),
    ("Position", "recorded_by"),
    ("Meeting", "chaired_by"),
    ("Consideration", "assessed_by"),
    ("ConsiderationComment", "member_state"),
    ("CaseTransition", "by_organisation"),
    ("ImpactEvaluation", "evaluated_by"),
    ("CurrentUser", "organisation"),
]
BLANK_CHOICES = [
    ("Case", "closure_reason"),
    ("ImpactEvaluation", "effect"),
    ("ImpactEvaluation", "recommendation"),
    ("Deliberation", "outcome"),
    ("Decision", "voting_rule"),
]


@pytest.mark.django_db
def test_regression_nullable_and_blank_fields_are_documented(schema):
    """The API answered ``null`` or ``""`` where the schema allowed neither."""
    components = schema["components"]["schemas"]
    for component, field in NULLABLE:
        assert components[component]["properties"][field].get("nullable") is True, (component, field)
    for component, field in BLANK_CHOICES:
        variants = components[component]["properties"][field].get("oneOf") or components[component]["properties"][field].get("anyOf")
        refs = [variant.get("$ref", "") for variant in variants or []]
        assert any(ref.endswith("/BlankEnum") for ref in refs), (component, field)
    procedure = components["WrittenProcedure"]["properties"]["decision"]
    assert procedure.get("nullable") is True or any(v.get("nullable") for v in procedure.get("allOf", [])), procedure


@pytest.mark.django_db
def test_regression_the_current_user_clearance_is_named(api, schema):
    """``/me/`` gave the clearance as an integer where the schema's
    ClassificationEnum (shared by every marking) says a name."""
    body = api.get("/api/v1/me/").json()
    assert body["clearance"] == "RESTREINT_UE" and body["effective_clearance"] == "RESTREINT_UE"
    assert "RESTREINT_UE" in schema["components"]["schemas"]["ClassificationEnum"]["enum"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ("public=null", "public"),
        ("public=", "public"),
        ("public=true&public=false", "public"),
        ("decided=yes", None),
    ],
)
def test_regression_filters_reject_what_they_cannot_read(api, query, field):
    """django-filter ignored ``?public=null`` (or empty, or given twice) and
    answered the unfiltered list; the API now says 400 and names the filter.
    An unknown parameter is still ignored (it is not a filter)."""
    response = api.get(f"/api/v1/communication-plans/?{query}")
    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and field in response.json(), response.content


@pytest.mark.django_db
def test_regression_filters_still_filter(api):
    assert api.get("/api/v1/communication-plans/?public=true").status_code == 200
    assert api.get("/api/v1/decisions/?adopted=false").status_code == 200
    assert api.get("/api/v1/decisions/?adopted=").status_code == 400
    assert api.get("/api/v1/assessments/?date_to=").status_code == 400
    assert api.get("/api/v1/assessments/?date_to=2026-11-30").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "2026-02-30", "tomorrow"])
def test_regression_presidency_on_rejects_a_date_it_cannot_read(api, value):
    """An empty date was taken as "today"; 2026-02-30 was a 500."""
    response = api.get("/api/v1/directory/presidency/on/", {"date": value})
    assert response.status_code == 400 and "date" in response.json()


@pytest.mark.django_db
def test_regression_the_api_takes_json_only(api, open_case):
    """A form-encoded ``member_state=`` was read as "none given" (null),
    unlike the same field in JSON; the API now takes JSON only (415)."""
    response = api.post("/api/v1/cases/", {"title": "x"})  # the test client's default: multipart
    assert response.status_code == 415
    response = api.post("/api/v1/cases/", "title=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, status",
    [
        ("/api/v1/cases/?exercise=null&exercise=null", 400),
        ("/api/v1/cases/?exercise=yes", 400),
        ("/api/v1/cases/?exercise=true", 200),
        ("/api/v1/measure-types/?escalation_level=0.5", 400),
        ("/api/v1/measure-types/?escalation_level=2", 200),
        ("/api/v1/threat-actors/?page=", 404),
        ("/api/v1/threat-actors/?page=1&page=2", 404),
        ("/api/v1/threat-actors/?page=1", 200),
    ],
)
def test_regression_the_full_run_findings_on_query_parameters(api, query, status):
    """What the full run found after the first fixes: ``exercise`` read by
    hand (anything but true meant false), a decimal accepted for an integer
    filter, an empty page number read as page 1."""
    response = api.get(query)
    assert response.status_code == status, (query, response.content[:300])


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
