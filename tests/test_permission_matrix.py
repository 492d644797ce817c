"""The permission matrix: the one access rule against a reference predicate.

The world (:mod:`tests.matrix_world`) is built once for the module. Three
layers, each cheap, together as strong as trying every user on every object
at every route (which cost 18,000 requests):

1. **The rule in SQL, everywhere.** For every protected model, every user ×
   every object: what the selector returns (and, read the other way round,
   who a notification would reach) equals the reference predicate.
2. **Every route applies it.** Walking the URL configuration, for every
   route that shows a protected object (``declare_access(OBJECT, ...)``):
   a detail route is asked once for each way in (a personal grant, one to
   the delegation, one to a role group: 200, or for an action anything but
   404) and once for each way a user is refused (:data:`REFUSALS`: no grant,
   TLP:RED with a group grant, AMBER+STRICT from another organisation,
   clearance, an expired clearance, releasability, a child's own
   classification), each pair refused for that reason alone (404, as for
   an id that does not exist, which is asked too). A list route shows each
   user exactly the allowed objects, the count equals them, and search
   finds exactly the allowed matches.
3. **The paths that show no model row per route**: TAXII and the STIX export.

A protected route whose model has no fixture fails
:func:`test_every_object_route_is_covered`.
"""

from __future__ import annotations

import re
import uuid
import zlib
from dataclasses import replace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import Assessment, StixObject, ThreatActor
from cases.models import Case
from cdt.core.access import DETAIL, LIST
from cdt.security.access import cleared_for, viewers_of
from cdt.security.markings import Classification, Tlp
from cdt.security.models import MarkedChild
from cdt.security.selectors import protected_queryset
from council.models import Decision, Question, WrittenProcedure
from measures.models import ImpactEvaluation, ResponseMeasure
from tests.matrix_world import (
    EXTRA_KWARGS,
    HWPCI_ORGANISATIONS,
    OBJECT_ROUTES,
    PREDICATES,
    SEARCH_TERM,
    SUBJECTS,
    TAXII,
    TITLES,
    Spec,
    Subject,
    build_world,
    group_way,
    reference,
    reference_assessment,
    reference_note,
    reference_shareable,
    specs,
)
from tests.testapp.models import Dossier, DossierNote
from tests.worlds import shared_world

pytestmark = pytest.mark.django_db

ROUTE_IDS = [route[0] for route in OBJECT_ROUTES]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Sessions last the absolute cap: the renewal on each request is rolled back with each test.
    session_age = django_settings.CDT_SESSION_MAX_SECONDS
    with shared_world(django_db_blocker, build_world, CDT_MAX_CLASSIFICATION="SECRET_UE", SESSION_COOKIE_AGE=session_age) as built:
        yield built


def _grants(subject: Subject, spec: Spec) -> tuple[bool, bool]:
    """(a personal grant, a grant to the subject's delegation or role or the HWPCI distribution)."""
    return subject.username in spec.personal, group_way(subject, spec)


def _named(subject: Subject, spec: Spec) -> Spec:
    return replace(spec, personal=spec.personal | {subject.username})


#: Each way a user may be refused an object. A pair of that kind is refused
#: for that reason alone: lifting that one condition opens the object. Every
#: detail route is tried with one pair of every kind (the last kind applies
#: to the children of a protected object only).
REFUSALS = {
    "no grant": lambda p, s, spec: not any(_grants(s, spec)) and p(s, _named(s, spec)),
    "TLP:RED with a group grant only": lambda p, s, spec: (
        spec.tlp == Tlp.RED and _grants(s, spec) == (False, True) and p(s, _named(s, spec))
    ),
    "TLP:AMBER+STRICT from another organisation": lambda p, s, spec: (
        spec.tlp == Tlp.AMBER_STRICT and _grants(s, spec) == (False, True) and spec.originator != s.organisation and p(s, _named(s, spec))
    ),
    "clearance": lambda p, s, spec: (
        not s.expired and int(s.clearance) < int(spec.classification) and p(replace(s, clearance=Classification.SECRET_UE), spec)
    ),
    "expired clearance": lambda p, s, spec: s.expired and p(replace(s, expired=False), spec),
    "releasability": lambda p, s, spec: p(s, replace(spec, releasable_to=None)),
    "the child's own classification": lambda p, s, spec: (
        p is reference_note and p(s, replace(spec, note_classification=spec.classification))
    ),
    "outside the HWPCI distribution": lambda p, s, spec: (
        spec.hwpci
        and s.organisation not in HWPCI_ORGANISATIONS
        and p(s, replace(spec, organisations=spec.organisations | {s.organisation}))
    ),
}
#: Each way a user may be let in, tried once on every detail route (a route
#: stricter than the rule refuses some of them).
GRANTS = {
    "a personal grant": lambda s, spec: _grants(s, spec)[0],
    "a grant to the delegation": lambda s, spec: not _grants(s, spec)[0] and s.organisation in spec.organisations,
    "a grant to a role group": lambda s, spec: (
        not _grants(s, spec)[0] and s.organisation not in spec.organisations and bool(set(s.roles) & spec.roles)
    ),
    "the HWPCI distribution": lambda s, spec: (
        not _grants(s, spec)[0]
        and s.organisation not in spec.organisations
        and not set(s.roles) & spec.roles
        and spec.hwpci
        and s.organisation in HWPCI_ORGANISATIONS
    ),
}
#: Ways in that only some models offer, tried on their routes only.
MODEL_GRANTS = {
    Assessment: {
        "following its case": lambda s, spec: spec.follows_case and s.username not in spec.personal and reference_assessment(s, spec),
    },
}


def pick(pairs: list, route_name: str, salt: str):
    """One pair, the same on every run, varying from route to route."""
    assert pairs, f"{route_name}: the world has no {salt} pair"
    return sorted(pairs, key=lambda pair: (pair[0].username, pair[1]))[zlib.crc32(f"{route_name}/{salt}".encode()) % len(pairs)]


def ids_in(response) -> tuple[set[int], int]:
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return {row["id"] for row in body["results"]}, body["count"]
    html = response.content.decode()
    count = int(re.search(r'data-testid="result-count">(\d+)<', html).group(1))
    return {int(pk) for pk in re.findall(r'data-object-id="(\d+)"', html)}, count


# --- The world and its coverage -----------------------------------------------------------


def test_routes_were_found():
    names = [name for name, *_ in OBJECT_ROUTES]
    assert len(names) == len(set(names)), "two protected routes share a URL name; reverse() would test only one"
    kinds = {(model, kind) for _, model, kind, _, _ in OBJECT_ROUTES}
    assert (Dossier, DETAIL) in kinds and (Dossier, LIST) in kinds and (DossierNote, DETAIL) in kinds
    assert (Case, DETAIL) in kinds and (Case, LIST) in kinds
    for model in (
        Question, Decision, WrittenProcedure, Assessment, ResponseMeasure, ImpactEvaluation, AttributionClaim,
        AttributionDeliberation, Statement, CommunicationPlan,
    ):  # fmt: skip
        assert (model, DETAIL) in kinds and (model, LIST) in kinds


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=ROUTE_IDS)
def test_every_object_route_is_covered(route):
    name, model, kind, lookup, methods = route
    assert kind in (DETAIL, LIST), f"{name}: declare kind=DETAIL or kind=LIST"
    assert model in PREDICATES, f"{name}: add {model.__name__} to the permission matrix's fixtures and PREDICATES"


def test_the_matrix_is_not_trivial():
    """The fixtures produce a mix of allowed and refused pairs for every
    subject who has any clearance, so the matrix could catch both kinds of
    error."""
    all_specs = specs()
    for subject in SUBJECTS:
        allowed = sum(reference(subject, spec) for spec in all_specs)
        assert allowed < len(all_specs)
        if subject.effective_clearance > 0 or subject.username == "fr-unclassified":
            assert allowed > 0, subject.username
    assert any(reference(s, spec) != reference_note(s, spec) for s in SUBJECTS for spec in all_specs)


# --- 1. The rule in SQL: every user × every object ----------------------------------------


@pytest.mark.parametrize("model", list(PREDICATES), ids=[model.__name__ for model in PREDICATES])
def test_the_rule_in_sql_is_the_reference(world, model):
    """What every list, detail, count, search and export is built on
    (:func:`~cdt.security.selectors.protected_queryset`), and who a
    notification reaches (``viewers_of``), equal the reference for every
    user and every object of the model."""
    predicate = PREDICATES[model]
    objects = world.objects[model]
    for subject in SUBJECTS:
        expected = {pk for pk, spec in objects.items() if predicate(subject, spec)}
        seen = set(protected_queryset(model._default_manager.all(), world.users[subject.username]).values_list("pk", flat=True))
        assert seen == expected, f"{subject.username}: leaked {sorted(seen - expected)}, missing {sorted(expected - seen)}"
    subjects = get_user_model().objects.filter(pk__in=[user.pk for user in world.users.values()])
    for obj in model._default_manager.filter(pk__in=objects):
        expected = {subject.username for subject in SUBJECTS if predicate(subject, objects[obj.pk])}
        if issubclass(model, MarkedChild):  # as notifications.recipients: who sees the parent, cleared for the child
            viewers = viewers_of(obj.parent, subjects).filter(cleared_for(int(obj.classification)))
        else:
            viewers = viewers_of(obj, subjects)
        assert set(viewers.values_list("username", flat=True)) == expected, f"{model.__name__} {obj.pk}"


# --- 2. Every route applies the rule ------------------------------------------------------


def _detail_status(client, name, lookup, pk, methods) -> int:
    url = reverse(name, kwargs={lookup: pk, **EXTRA_KWARGS.get(name, {})})
    if "get" in methods:
        return client.get(url).status_code
    return client.generic(methods[0].upper(), url, "{}", content_type="application/json").status_code


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=ROUTE_IDS)
def test_the_route_applies_the_rule(world, route):
    name, model, kind, lookup, methods = route
    predicate, objects = PREDICATES[model], world.objects[model]
    if kind == LIST:
        url = reverse(name)
        for subject in SUBJECTS:
            client = world.clients[subject.username]
            allowed = {pk for pk, spec in objects.items() if predicate(subject, spec)}
            seen, count = ids_in(client.get(url))
            assert seen == allowed, f"{subject.username}: leaked {sorted(seen - allowed)}, missing {sorted(allowed - seen)}"
            assert count == len(allowed)
            seen, count = ids_in(client.get(url, {"q": SEARCH_TERM}))
            matching = {pk for pk in allowed if SEARCH_TERM in TITLES[model](objects[pk])}
            assert seen == matching and count == len(matching), f"{subject.username}: search leaks or misses"
        return

    pairs = [(subject, pk, spec) for subject in SUBJECTS for pk, spec in objects.items()]
    allowed = [(s, pk) for s, pk, spec in pairs if predicate(s, spec)]
    for why, granted in {**GRANTS, **MODEL_GRANTS.get(model, {})}.items():
        subject, pk = pick([(s, pk) for s, pk, spec in pairs if predicate(s, spec) and granted(s, spec)], name, why)
        status = _detail_status(world.clients[subject.username], name, lookup, pk, methods)
        if "get" in methods:
            assert status == 200, f"{subject.username} may see {model.__name__} {pk} ({why}): {status}"
        else:  # an action: anything but 404 (403, 409, 400, a redirect...) shows the object is reachable
            assert status not in (404, 405), f"{subject.username} may reach {model.__name__} {pk} ({why}): {status}"
    for why, refused_for in REFUSALS.items():
        if why == "the child's own classification" and predicate is not reference_note:
            continue
        subject, pk = pick([(s, pk) for s, pk, spec in pairs if not predicate(s, spec) and refused_for(predicate, s, spec)], name, why)
        status = _detail_status(world.clients[subject.username], name, lookup, pk, methods)
        assert status == 404, f"{subject.username} may not see {model.__name__} {pk} ({why}): {status}"
    subject, _ = allowed[0]
    assert _detail_status(world.clients[subject.username], name, lookup, max(objects) + 1000, methods) == 404


# --- 3. TAXII and the STIX export ----------------------------------------------------------


def test_taxii_and_export_follow_the_rule(world):
    """The paths that do not show one model row per route: TAXII (objects
    on every page, manifest, each object, its versions) and the STIX export
    of a threat actor (only what the user may share)."""
    objects = world.objects
    stix_ids = dict(StixObject.objects.values_list("pk", "stix_id"))
    assessment_report_ids = {
        pk: f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/assessments/{pk}')}" for pk in objects[Assessment]
    }
    actor = ThreatActor.objects.get(name="MATRIX ACTOR")
    base = "/taxii2/api/collections/siac-assessments"
    checked = 0
    for subject in SUBJECTS:
        client = world.clients[subject.username]
        allowed = {stix_ids[pk] for pk, spec in objects[StixObject].items() if reference(subject, spec)}
        seen, next_token = [], None
        while True:
            response = client.get(f"{base}/objects/", {"limit": 7, **({"next": next_token} if next_token else {})}, HTTP_ACCEPT=TAXII)
            assert response.status_code == 200
            page = response.json()
            seen += [stix_object["id"] for stix_object in page["objects"]]
            next_token = page.get("next")
            if not page["more"]:
                break
        assert sorted(seen) == sorted(allowed), f"{subject.username}: TAXII objects leak or miss"
        manifest = client.get(f"{base}/manifest/", HTTP_ACCEPT=TAXII).json()["objects"]
        assert {entry["id"] for entry in manifest} == allowed
        for stix_id in stix_ids.values():
            for suffix in ("", "versions/"):
                status = client.get(f"{base}/objects/{stix_id}/{suffix}", HTTP_ACCEPT=TAXII).status_code
                assert status == (200 if stix_id in allowed else 404), (subject.username, stix_id, suffix, status)
                checked += 1
        exported = {o["id"] for o in client.get(f"/api/v1/threat-actors/{actor.pk}/stix/").json()["objects"] if o["type"] == "report"}
        expected = {stix_ids[pk] for pk, spec in objects[StixObject].items() if reference_shareable(subject, spec)}
        expected |= {
            assessment_report_ids[pk]
            for pk, spec in objects[Assessment].items()
            if reference_shareable(subject, spec, reference_assessment)
        }
        assert exported == expected, (
            f"{subject.username}: export leaks {sorted(exported - expected)} or misses {sorted(expected - exported)}"
        )
    assert checked == len(SUBJECTS) * len(stix_ids) * 2
    assert any(reference_shareable(s, spec) for s in SUBJECTS for spec in specs())
