"""Issue 25, point 2: the permission matrix's related-object probe.

The matrix world (30 objects of every protected model, seven users) is
cross-linked: every relation a serializer exposes points at the object of
*another* row of the world, whose markings and grants differ, so a
visible object often names a hidden one and the reverse. Each user then
reads every API list, every page of it, and every relation field of every
row must name only objects that user may see (the one rule, in SQL). A
serializer that exposes a new relation without the restricted field fails
here with the route, the field and the leaked id.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.request import Request

from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import Assessment, RequestForInformation
from cases.models import Case
from cdt.core.api.fields import relation_target
from cdt.security.selectors import is_protected, protected_queryset
from council.models import Decision, Question, WrittenProcedure
from measures.models import ImpactEvaluation, OptionsNote, ResponseMeasure, StrategicResponseNote
from tests.matrix_world import SUBJECTS, build_world
from tests.worlds import shared_world

pytestmark = pytest.mark.django_db

#: How far along the world's rows a relation points (any shift that changes the markings will do).
SHIFT = 7


def _ordered(model) -> list:
    return list(model._base_manager.order_by("pk"))


def _other(rows: list, index: int):
    return rows[(index + SHIFT) % len(rows)]


def build_linked_world():
    world = build_world()
    cases, decisions, questions = _ordered(Case), _ordered(Decision), _ordered(Question)
    measures, assessments, deliberations = _ordered(ResponseMeasure), _ordered(Assessment), _ordered(AttributionDeliberation)
    statements, notes = _ordered(Statement), _ordered(OptionsNote)
    single = {
        Case: lambda i: {"merged_into": _other(cases, i)},
        ResponseMeasure: lambda i: {"decision": _other(decisions, i)},
        AttributionDeliberation: lambda i: {"question": _other(questions, i), "decision": _other(decisions, i)},
        Statement: lambda i: {"deliberation": _other(deliberations, i), "decision": _other(decisions, i)},
        CommunicationPlan: lambda i: {"statement": _other(statements, i)},
        WrittenProcedure: lambda i: {"decision": _other(decisions, i)},
        RequestForInformation: lambda i: {"answer": _other(assessments, i)},
        StrategicResponseNote: lambda i: {"approval": _other(decisions, i)},
        OptionsNote: lambda i: {"supersedes": _other(notes, i)},
        ImpactEvaluation: lambda i: {"measure": _other(measures, i), "due_on": datetime.date(2027, 1, 1) + datetime.timedelta(days=i)},
    }
    for model, links in single.items():
        for index, row in enumerate(_ordered(model)):
            model._base_manager.filter(pk=row.pk).update(**links(index))
    for index, assessment in enumerate(assessments):
        assessment.cases.add(_other(cases, index))
    for index, plan in enumerate(_ordered(CommunicationPlan)):
        plan.measures.add(_other(measures, index), measures[index % len(measures)])
    for index, claim in enumerate(_ordered(AttributionClaim)):
        claim.assessments.add(_other(assessments, index))
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, build_linked_world, CDT_MAX_CLASSIFICATION="SECRET_UE") as built:
        yield built


def _list_routes():
    """(path, viewset) of every API list whose rows are protected."""
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = getattr(pattern.callback, "cls", None)
            name = pattern.name or ""
            if view is None or not name.endswith("-list") or not prefix.startswith("api/v1/"):
                continue
            model = getattr(getattr(view, "queryset", None), "model", None)
            if is_protected(model) and "<" not in str(pattern.pattern):
                routes.append(("/" + prefix + str(pattern.pattern).lstrip("^").rstrip("$"), view))

    walk(get_resolver().url_patterns)
    return sorted(set(routes), key=lambda route: route[0])


LIST_ROUTES = _list_routes()


def _relation_fields(view_class, user):
    request = RequestFactory().get("/")
    request.user = request._force_auth_user = user
    view = view_class(request=Request(request), format_kwarg=None, kwargs={}, action="list")
    serializer = view.get_serializer()
    found = {}
    for name, field in serializer.fields.items():
        relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        if isinstance(relation, serializers.RelatedField) and is_protected(relation_target(relation)):
            found[name] = (relation_target(relation), getattr(relation, "slug_field", None) or "pk")
    return found


def test_the_probe_covers_the_relations():
    assert len(LIST_ROUTES) >= 12
    names = {path for path, _view in LIST_ROUTES}
    assert {"/api/v1/cases/", "/api/v1/measures/", "/api/v1/communication-plans/", "/api/v1/assessments/"} <= names


def test_the_world_mixes_visible_and_hidden_relations(world):
    """Without both kinds the probe below could not fail."""
    user = world.users["de-restreint"]
    visible_cases = set(protected_queryset(Case.objects.all(), user).values_list("pk", flat=True))
    pairs = [(case.pk in visible_cases, case.merged_into_id in visible_cases) for case in Case.objects.all()]
    assert (True, False) in pairs and (True, True) in pairs


@pytest.mark.parametrize("path,view_class", LIST_ROUTES, ids=[path for path, _view in LIST_ROUTES])
def test_no_response_names_a_hidden_related_object(world, path, view_class):
    checked = 0
    for subject in SUBJECTS:
        user, client = world.users[subject.username], world.clients[subject.username]
        relations = _relation_fields(view_class, user)
        visible = {
            model: set(protected_queryset(model._base_manager.all(), user).values_list(key, flat=True))
            for model, key in set(relations.values())
        }
        url = path
        while url:
            response = client.get(url)
            assert response.status_code == 200, (subject.username, url)
            body = response.json()
            for row in body["results"]:
                for name, (model, _key) in relations.items():
                    value = row.get(name)
                    named = value if isinstance(value, list) else ([] if value is None else [value])
                    leaked = [ref for ref in named if ref not in visible[model]]
                    assert not leaked, f"{subject.username} {path} #{row.get('id')}.{name} names hidden {model.__name__} {leaked}"
                    checked += len(named)
            url = body.get("next")
    if any(_relation_fields(view_class, world.users[s.username]) for s in SUBJECTS[:1]):
        assert checked, f"{path}: no relation was named at all; the probe proves nothing"
