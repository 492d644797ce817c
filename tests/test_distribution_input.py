"""Bad input on the distribution routes (decision 0022): wrong ids, wrong
types, unknown names, too long, twice: a 400 naming the field or a 404,
never a 500, and nothing written.
"""

from __future__ import annotations

import pytest

from cases import access_requests
from cases.models import AccessRequest, AccessRequestStatus
from cdt.accounts.roles import Role
from cdt.security.markings import Classification, Distribution, Tlp

from .distribution_support import JSON, opened, org, people  # noqa: F401  (people: a fixture)

pytestmark = pytest.mark.django_db


def assessment(people, cases, **overrides):
    from awareness.services import assessment_record

    fields = dict(
        kind="written",
        title="SIAC assessment of GRIDLOCK",
        body="All-source assessment.",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=cases,
    )
    fields.update(overrides)
    return assessment_record(by=people["siac"], **fields)


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/abc/distribution/",
        "/api/v1/cases/99999999999999999999/distribution/",
        "/api/v1/access-requests/abc/",
        "/api/v1/access-requests/99999999999999999999/",
        "/cases/99999999999999999999/sharing/",
    ],
)
def test_bad_ids_are_404(people, client, url):
    client.force_login(people["eeas"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/99999999999999999999/share/",
        "/api/v1/access-requests/99999999999999999999/decide/",
        "/cases/99999999999999999999/sharing/share/",
        "/cases/{case}/access-requests/99999999999999999999/decide/",
        "/cases/{case}/access-requests/abc/decide/",
    ],
)
def test_bad_ids_are_404_on_post(people, client, url):
    case = opened(people)
    client.force_login(people["eeas"])
    assert client.post(url.format(case=case.pk), {"hwpci": True, "decision": "grant"}, content_type=JSON).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"organisation": ["IE"]},
        {"organisation": {"code": "IE"}},
        {"organisation": 7},
        {"user": 5},
        {"user": ["eeas-staff"]},
        {"hwpci": "yes"},
        {"hwpci": 1},
        {"role": ["hwpci_delegate"]},
        {"role": "nobody"},
        {"organisation": "IE", "reason": 5},
        {"organisation": "IE", "reason": "x" * 5000},
        {"organisation": "X" * 10000},
        [],
        "hwpci",
    ],
)
@pytest.mark.parametrize("change", ["share", "unshare"])
def test_wrong_types_in_a_share_are_400(people, client, body, change):
    case = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["eeas"])
    response = client.post(f"/api/v1/cases/{case.pk}/{change}/", body, content_type=JSON)
    assert response.status_code == 400, (body, response.content[:300])


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_withdrawing_any_role_without_a_grant_is_a_conflict_not_500(people, client, role):
    """Nothing to withdraw: 409 as for any change already made (the
    secretariat's own access: 400, it cannot be withdrawn)."""
    case = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["eeas"])
    response = client.post(f"/api/v1/cases/{case.pk}/unshare/", {"role": role, "reason": "x"}, content_type=JSON)
    assert response.status_code == (400 if role == Role.SECRETARIAT else 409), response.content[:300]


@pytest.mark.parametrize(
    "body",
    [
        {"decision": ["grant"]},
        {"decision": "grant", "scope": None},
        {"decision": "grant", "scope": "everyone"},
        {"decision": "decline", "reason": 5},
        {"decision": "decline", "reason": "x" * 5000},
        [],
    ],
)
def test_wrong_types_in_a_decision_are_400(people, client, body):
    case = opened(people, distribution=Distribution.RESTRICTED)
    request = access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Agenda")
    client.force_login(people["eeas"])
    response = client.post(f"/api/v1/access-requests/{request.pk}/decide/", body, content_type=JSON)
    assert response.status_code == 400, (body, response.content[:300])
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequestStatus.PENDING


@pytest.mark.parametrize(
    "body",
    [
        {"reference": 123, "reason": "x"},
        {"reference": ["CDT-2026-0001"], "reason": "x"},
        {"reference": "CDT-2026-0001", "reason": ["x"]},
        {"reference": "C" * 10000, "reason": "x"},
        {"reference": "CDT-2026-0001", "reason": "x" * 100000},
        {"reference": "   ", "reason": "x"},
        {"reference": "CDT-2026-0001", "reason": "   "},
        {"reference": None, "reason": "x"},
        [],
    ],
)
def test_wrong_types_in_a_request_for_access_are_400(people, client, body):
    client.force_login(people["outsider"])
    response = client.post("/api/v1/access-requests/", body, content_type=JSON)
    assert response.status_code == 400, (body, response.content[:300])
    assert not AccessRequest.objects.exists()


def test_bad_page_input_is_400(people, client):
    case = opened(people, distribution=Distribution.RESTRICTED)
    request = access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Agenda")
    client.force_login(people["eeas"])
    for data in ({"organisation": "XX"}, {"role": "nobody"}, {"user": "u" * 5000}, {"organisation": "FR", "reason": "r" * 5000}):
        assert client.post(f"/cases/{case.pk}/sharing/share/", data).status_code == 400, data
    assert client.post(f"/cases/{case.pk}/sharing/nonsense/", {"hwpci": "on"}).status_code == 404
    for data in ({"decision": "maybe"}, {"decision": "grant", "scope": "everyone"}, {"decision": "decline"}):
        assert client.post(f"/cases/{case.pk}/access-requests/decide/", {"request": request.pk, **data}).status_code == 400, data
    assert client.post(f"/cases/{case.pk}/access-requests/decide/", {"request": "x", "decision": "grant"}).status_code == 400
    client.force_login(people["outsider"])
    assert client.post("/cases/access-requests/", {"reference": "C" * 5000, "reason": "x"}).status_code == 400
    assert client.post("/cases/access-requests/", {"reference": "CDT-2026-0001", "reason": "x" * 5000}).status_code == 400


def test_a_pending_request_is_unique_in_the_database(people):
    """FINDING (low): "you already asked" is a read then a write
    (cases/sharing.py ``access_request_create``); nothing in the table
    stops two simultaneous requests (two tabs, a retried POST) from both
    being written and both reaching the deciders. A partial unique
    constraint on (requested_by, reference) while pending would."""
    from django.db import IntegrityError, transaction

    AccessRequest.objects.create(reference="CDT-2026-0001", requested_by=people["outsider"], reason="Agenda")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.create(reference="CDT-2026-0001", requested_by=people["outsider"], reason="Agenda")
