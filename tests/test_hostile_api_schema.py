"""Each defect the schemathesis run (tests/test_hostile_api_schemathesis.py)
found in the schema, the routes and the query parameters, pinned one by one
so a regression shows up in the fast suite too.
"""

from __future__ import annotations

import pytest

from attribution.models import AttributionDeliberation
from tests.hostile import hostile

from .hostile_api_support import api, schema  # noqa: F401  (fixtures)

pytestmark = [hostile]


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
