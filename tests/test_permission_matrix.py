"""The permission matrix: the one access rule against a reference predicate.

The world (:mod:`tests.matrix_world`) is built once for the module. Three
layers, each cheap, together as strong as trying every user on every object
at every route (which cost 18,000 requests):

1. **The rule in SQL, everywhere.** For every protected model, every user ×
   every object: what the selector returns (and, read the other way round,
   who a notification would reach) equals the reference predicate.
2. **Every route applies it.** Walking the URL configuration, for every
   route that shows a protected object (``declare_access(OBJECT, ...)``): one
   request a user may make (200, or for an action anything but 404); two a
   user may not (404, as for an id that does not exist): one refused on
   need-to-know or TLP alone, one on clearance or releasability alone; and
   one for an id that does not exist. A list route shows each user exactly
   the allowed objects, the count equals them, and search finds exactly the
   allowed matches. The pairs are chosen per route from the whole world, so
   the routes between them exercise every kind of refusal.
3. **The paths that show no model row per route**: TAXII and the STIX export.

A protected route whose model has no fixture fails
:func:`test_every_object_route_is_covered`.
"""

from __future__ import annotations

import re
import uuid
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import Assessment, StixObject, ThreatActor
from cases.models import Case
from cdt.core.access import DETAIL, LIST
from cdt.security.access import viewers_of, viewers_of_child
from cdt.security.models import MarkedChild
from cdt.security.selectors import protected_queryset
from council.models import Decision, Question, WrittenProcedure
from measures.models import ImpactEvaluation, ResponseMeasure
from tests.matrix_world import (
    EXTRA_KWARGS,
    OBJECT_ROUTES,
    PREDICATES,
    SEARCH_TERM,
    SUBJECTS,
    TAXII,
    TITLES,
    Spec,
    Subject,
    build_world,
    reference,
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
    with shared_world(django_db_blocker, build_world, CDT_MAX_CLASSIFICATION="SECRET_UE") as built:
        yield built


def markings_pass(model: type, subject: Subject, spec: Spec) -> bool:
    """Clearance (for a child, also for its own classification) and
    releasability: the half of the rule that is not need-to-know."""
    level = spec.note_classification if PREDICATES[model] is reference_note else spec.classification
    releasable = spec.releasable_to is None or subject.organisation in spec.releasable_to
    return subject.effective_clearance >= max(int(level), int(spec.classification)) and releasable


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
    viewers = viewers_of_child if issubclass(model, MarkedChild) else viewers_of
    for obj in model._default_manager.filter(pk__in=objects):
        expected = {subject.username for subject in SUBJECTS if predicate(subject, objects[obj.pk])}
        assert set(viewers(obj, subjects).values_list("username", flat=True)) == expected, f"{model.__name__} {obj.pk}"


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
    allowed = pick([(s, pk) for s, pk, spec in pairs if predicate(s, spec)], name, "allowed")
    need_to_know = pick(
        [(s, pk) for s, pk, spec in pairs if markings_pass(model, s, spec) and not predicate(s, spec)], name, "need-to-know"
    )
    markings = pick(
        [(s, pk) for s, pk, spec in pairs if not markings_pass(model, s, spec) and predicate(_cleared(s), _releasable(spec))],
        name,
        "markings",
    )
    status = _detail_status(world.clients[allowed[0].username], name, lookup, allowed[1], methods)
    if "get" in methods:
        assert status == 200, f"{allowed[0].username} may see {model.__name__} {allowed[1]}: {status}"
    else:  # an action: anything but 404 (403, 409, 400, a redirect...) shows the object is reachable
        assert status not in (404, 405), f"{allowed[0].username} may reach {model.__name__} {allowed[1]}: {status}"
    for why, (subject, pk) in (("need-to-know", need_to_know), ("markings", markings)):
        status = _detail_status(world.clients[subject.username], name, lookup, pk, methods)
        assert status == 404, f"{subject.username} may not see {model.__name__} {pk} ({why}): {status}"
    missing = max(objects) + 1000
    assert _detail_status(world.clients[allowed[0].username], name, lookup, missing, methods) == 404


def _cleared(subject: Subject) -> Subject:
    """``subject`` with every clearance, unexpired: the need-to-know half alone."""
    from cdt.security.markings import Classification

    return Subject(subject.username, subject.organisation, Classification.SECRET_UE, roles=subject.roles)


def _releasable(spec: Spec) -> Spec:
    from dataclasses import replace

    return replace(spec, releasable_to=None)


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
        expected |= {assessment_report_ids[pk] for pk, spec in objects[Assessment].items() if reference_shareable(subject, spec)}
        assert exported == expected, (
            f"{subject.username}: export leaks {sorted(exported - expected)} or misses {sorted(expected - exported)}"
        )
    assert checked == len(SUBJECTS) * len(stix_ids) * 2
    assert any(reference_shareable(s, spec) for s in SUBJECTS for spec in specs())
