"""Pages map a service's domain errors one way (issue 26): the view runs the
service through ``cdt.workflow.http.page_attempt`` and shows what it returns
(``form_errors_add`` on the form, or a message and a redirect), at the
status it gives: 403 for the role, 409 for the state, 400 for guards and
input. No page view catches those errors itself: the rule is read from the
source, and a few refusals that used to be lost are shown."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from attribution.models import AttributionClaim
from awareness.models import ThreatActor
from cases import access_requests
from cases.models import AccessRequest, CaseState
from cdt.directory.models import MemberState
from cdt.security.markings import Distribution
from measures.models import MeasureType, ResponseMeasure

from .cases_support import walk_to
from .distribution_support import opened, people  # noqa: F401  (people: a fixture)

ROOT = Path(settings.BASE_DIR)

#: Domain errors a page leaves to ``page_attempt``: these names, and any
#: name ending like them (``DjangoValidationError``, ``SharingConflict``).
DOMAIN_ERRORS = ("ValidationError", "PermissionDenied", "Conflict", "GuardFailed")

#: ``module:function`` -> why it catches a domain error itself. Empty: every
#: page view goes through ``page_attempt``. An entry needs its reason.
ALLOWED: dict[str, str] = {}

#: The first-party packages: those of the installed apps (the test app aside).
PACKAGES = sorted({name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()} - {"tests"})


def page_view_modules() -> list[Path]:
    """``views.py`` and ``*_views.py`` of every app. Not the API's (``api/``:
    one exception handler answers there) nor the TAXII server's (an API with
    its own error bodies)."""
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*views.py"))
        if (path.name == "views.py" or path.name.endswith("_views.py")) and not {"api", "taxii", "migrations"} & set(path.parts)
    ]


def _caught(handler: ast.ExceptHandler) -> list[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    return [kind.id if isinstance(kind, ast.Name) else kind.attr for kind in kinds if isinstance(kind, ast.Name | ast.Attribute)]


def domain_errors_caught(source: str, module: str) -> list[str]:
    """``module:function line: error`` for each ``except`` of a domain error."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ExceptHandler):
                for name in _caught(child):
                    if name.endswith(DOMAIN_ERRORS) and f"{module}:{function}" not in ALLOWED:
                        found.append(f"{module}:{function} {child.lineno}: {name}")
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and not function else function
            visit(child, inner)

    visit(ast.parse(source), "")
    return found


def test_the_rule_finds_a_view_that_maps_an_error_by_hand():
    source = """
def share(request):
    try:
        action()
    except sharing.SharingConflict as error:
        return panel(status=409)
    except (ValueError, ValidationError):
        pass

def parse(request):
    try:
        int(request.GET["page"])
    except ValueError:
        pass
"""
    assert domain_errors_caught(source, "cases.views") == ["cases.views:share 5: SharingConflict", "cases.views:share 7: ValidationError"]


def test_no_page_view_catches_a_domain_error():
    modules = page_view_modules()
    names = {str(path.relative_to(ROOT)) for path in modules}
    assert {"attribution/views.py", "cases/views.py", "cases/sharing_views.py", "measures/views.py", "notifications/views.py"} <= names
    assert not names & {"cases/api/views.py", "awareness/taxii/views.py"}
    found = [
        problem
        for path in modules
        for problem in domain_errors_caught(path.read_text(), ".".join(path.relative_to(ROOT).with_suffix("").parts))
    ]
    assert found == [], "run the service through cdt.workflow.http.page_attempt:\n" + "\n".join(found)


# --- What the pages show -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sharing_refusals_are_shown_in_the_panel_over_htmx(people, client, login_verified):
    case = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["eeas"])
    url = reverse("case-share-change-page", args=[case.pk, "share"])
    assert client.post(url, {"organisation": "FR", "reason": "Affected"}, HTTP_HX_REQUEST="true").status_code == 200
    again = client.post(url, {"organisation": "FR", "reason": "Affected"}, HTTP_HX_REQUEST="true")
    html = again.content.decode()
    assert again.status_code == 409 and "<html" not in html
    assert "already has access." in html.split('data-testid="share-errors"', 1)[1]
    # A role is withdrawn from its line, never shared: the panel has no role
    # field, so the reason is shown at the top of the form.
    role = client.post(url, {"role": "secretariat", "reason": "x"}, HTTP_HX_REQUEST="true")
    assert role.status_code == 400
    assert "Share with an organisation or a named official" in role.content.decode().split('data-testid="share-errors"', 1)[1]


@pytest.mark.django_db
def test_asking_twice_for_access_is_409_on_the_form(people, client):
    case = opened(people, distribution=Distribution.RESTRICTED)
    access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Agenda")
    client.force_login(people["outsider"])
    response = client.post(reverse("access-request-page"), {"reference": case.reference, "reason": "Agenda"})
    form = response.content.decode().split('data-testid="access-request-form"', 1)[1].split("</form>", 1)[0]
    assert response.status_code == 409 and f"You already asked for access to {case.reference}." in form
    assert response.content.decode().count(f"You already asked for access to {case.reference}.") == 1  # on the form, once
    assert AccessRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_claim_for_another_member_state_is_403_with_the_reason_on_the_form(cast, signed_in, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    actor = ThreatActor.objects.create(name="Silent Quill")
    case.suspected_actors.add(actor)
    response = signed_in["delegate"].post(  # a German delegate names France
        reverse("claim-new-page", args=[case.pk]),
        {
            "actor": actor.pk,
            "basis": "national",
            "claim_type": "political",
            "confidence": "high",
            "member_state": MemberState.objects.get(code="FR").pk,
        },
    )
    assert response.status_code == 403 and AttributionClaim.objects.count() == 0
    assert "A national attribution is recorded by its Member State&#x27;s delegate" in response.content.decode()
    assert 'name="actor"' in response.content.decode()  # the form again, as posted


@pytest.mark.django_db
def test_an_override_by_a_role_that_may_not_is_403_with_the_reason_shown(cast, signed_in, open_case):
    """The refusal used to be filed under a step named "override" that the
    page never shows: now it is on the override form, as posted."""
    actor = ThreatActor.objects.create(name="Silent Quill")
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    listing = MeasureType.objects.get(slug="cyber-sanctions-listing")
    signed_in["eeas"].post(
        reverse("measure-propose-page", args=[case.pk]), {"measure_type": listing.pk, "actors": [actor.pk], "description": "x"}
    )
    measure = ResponseMeasure.objects.get()
    assert measure.escalation_warning
    response = signed_in["eeas"].post(reverse("measure-override-page", args=[measure.pk]), {"justification": "Third campaign."})
    html = response.content.decode()
    assert response.status_code == 403 and 'data-testid="override-form"' in html
    assert "Only the chair may override an escalation warning." in html.split('data-testid="override-form"', 1)[1]
    assert html.count("Only the chair may override an escalation warning.") == 1
    assert not ResponseMeasure.objects.get().override_justification
