"""Issue 25, point 2: every place that chooses or names a protected object
goes through the one access rule, found by introspection.

The test imports every module of CDT's apps, then walks what they define:
API serializer fields, FilterSet filters (the pages' and the ones the API
generates from ``filterset_fields``), page form fields and the console's
forms (every registered ModelAdmin and inline). Each relation whose target
is a protected model must offer and accept exactly the rows the one rule
lets the reader see. The reader is a console user of the permission
matrix's world who sees some but not all of every protected model, so an
unrestricted queryset shows up as a difference. A new field that forgets
the rule fails here by name.
"""

from __future__ import annotations

import importlib
import pkgutil

import django_filters
import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from cdt.accounts.roles import Role
from cdt.core.api import fields as json_fields
from cdt.core.api.fields import ManyRelatedField, RestrictedRelation, relation_target
from cdt.core.api.filters import StrictFilterBackend
from cdt.security.selectors import is_protected, protected_queryset
from tests.conftest import user_make
from tests.matrix_world import build_world
from tests.worlds import shared_world

pytestmark = pytest.mark.django_db

PACKAGES = ("cases", "measures", "attribution", "awareness", "council", "notifications", "cdt")


def _import_everything() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if (
                ".migrations" in info.name
                or ".management" in info.name
                or info.name.startswith("cdt.settings")
                or info.name.endswith(("wsgi", "asgi"))
            ):
                continue
            importlib.import_module(info.name)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in PACKAGES


def _subclasses(base: type) -> list[type]:
    found, todo = [], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if _ours(sub):
                found.append(sub)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


_import_everything()
SERIALIZERS = [cls for cls in _subclasses(serializers.BaseSerializer) if not cls.__name__.startswith("_")]
FILTERSETS = [cls for cls in _subclasses(django_filters.FilterSet) if cls._meta.model is not None]
FORMS = [cls for cls in _subclasses(forms.BaseForm) if not issubclass(cls, forms.BaseModelForm) or cls._meta.model is not None]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, build_world, CDT_MAX_CLASSIFICATION="SECRET_UE") as built:
        with django_db_blocker.unblock():
            built.users["console"] = user_make("console-de", "DE", roles=(Role.SECRETARIAT,), is_staff=True)
        yield built


@pytest.fixture
def reader(world):
    return world.users["console"]


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request._force_auth_user = user  # what DRF's Request reads as its user
    return request


def _visible(model, user) -> set:
    return set(protected_queryset(model._base_manager.all(), user).values_list("pk", flat=True))


def _offered(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


def test_the_reader_sees_some_but_not_all(world, reader):
    """Without this the checks below could not tell a restricted field from
    an unrestricted one."""
    from cases.models import Case
    from council.models import Decision
    from measures.models import ResponseMeasure

    for model in (Case, Decision, ResponseMeasure):
        visible = _visible(model, reader)
        assert visible and visible != set(model._base_manager.values_list("pk", flat=True)), model


def test_the_walk_found_what_it_must_check():
    names = {cls.__name__ for cls in SERIALIZERS}
    assert {"CaseSerializer", "AssessmentSerializer", "ResponseMeasureSerializer", "PlanSerializer", "ImpactEvaluationSerializer"} <= names
    assert {"AssessmentFilter", "CaseFilter"} <= {cls.__name__ for cls in FILTERSETS}
    assert "ClaimForm" in {cls.__name__ for cls in FORMS}


def _relations(serializer, path=""):
    """Every relational field of ``serializer``, nested serializers walked."""
    for name, field in serializer.fields.items():
        where = f"{path}{name}"
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _relations(field, f"{where}.")
        elif isinstance(field, serializers.ManyRelatedField):
            yield where, field.child_relation
        elif isinstance(field, serializers.RelatedField):
            yield where, field


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda cls: cls.__name__)
def test_every_serializer_relation_follows_the_rule(world, reader, serializer_class):
    drf_request = Request(_request(reader))
    if issubclass(serializer_class, serializers.ListSerializer):
        pytest.skip("a list of another serializer, walked there")
    try:
        serializer = serializer_class(context={"request": drf_request})
        serializer.fields  # noqa: B018  (an abstract base fails here)
    except (TypeError, AssertionError):
        pytest.skip("an abstract base or needs constructor arguments")
    for where, field in _relations(serializer):
        target = relation_target(field)
        if not is_protected(target):
            continue
        assert isinstance(field, RestrictedRelation), f"{serializer_class.__name__}.{where}: use cdt.core.api.fields' relation fields"
        if not field.read_only:
            assert _offered(field.get_queryset()) == _visible(target, reader), f"{serializer_class.__name__}.{where}"
    for name, field in serializer.fields.items():
        nested = getattr(field, "child", field)
        model = getattr(getattr(nested, "Meta", None), "model", None)
        if isinstance(field, serializers.BaseSerializer) and is_protected(model):
            assert isinstance(nested, json_fields.ModelSerializer), (
                f"{serializer_class.__name__}.{name} nests a protected {model.__name__}: derive it from cdt.core.api.fields.ModelSerializer"
            )
            if isinstance(field, serializers.ListSerializer):
                assert isinstance(field, json_fields.ListSerializer), f"{serializer_class.__name__}.{name}"


def _api_filtersets():
    """The FilterSet every API list uses, generated ones included."""
    from django.urls import get_resolver

    seen, found = set(), []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is None or view in seen or not hasattr(view, "get_queryset"):
                continue
            seen.add(view)
            if getattr(view, "filterset_fields", None) or getattr(view, "filterset_class", None):
                found.append(view)

    walk(get_resolver().url_patterns)
    return found


def _check_filterset(filterset, reader, label):
    for name, declared in filterset.filters.items():
        if not isinstance(declared, django_filters.filters.QuerySetRequestMixin):
            continue
        queryset = filterset.form.fields[name].queryset
        if is_protected(queryset.model):
            assert _offered(queryset) == _visible(queryset.model, reader), f"{label}.{name}"


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda cls: cls.__name__)
def test_every_page_filter_offers_only_what_the_reader_sees(world, reader, filterset_class):
    filterset = filterset_class(None, queryset=filterset_class._meta.model._default_manager.none(), request=_request(reader))
    _check_filterset(filterset, reader, filterset_class.__name__)


def test_every_api_filter_offers_only_what_the_reader_sees(world, reader):
    views = _api_filtersets()
    assert len(views) >= 10
    backend = StrictFilterBackend()
    for view_class in views:
        view = view_class()
        view.request = Request(_request(reader))
        view.format_kwarg = None
        view.kwargs = {}
        view.action = "list"
        queryset = view.get_queryset()
        filterset = backend.get_filterset(view.request, queryset, view)
        _check_filterset(filterset, reader, view_class.__name__)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_page_forms_offer_no_protected_choice_by_themselves(form_class):
    """A page form's protected choices are empty until its view passes the
    reader's (from a selector): a form cannot list what nobody narrowed."""
    for name, field in form_class.base_fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and is_protected(queryset.model):
            assert queryset.query.is_empty(), f"{form_class.__name__}.{name}: start from .none() and let the view narrow it"


def _admin_forms(request):
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request) and not model_admin.has_module_permission(request):
            continue
        yield f"{model.__name__}Admin", model_admin.get_form(request, obj=None, fields=None)
        for inline in model_admin.get_inline_instances(request):
            yield f"{model.__name__}Admin.{type(inline).__name__}", inline.get_formset(request).form


def test_every_console_form_offers_only_what_the_reader_sees(world, reader):
    request = _request(reader)
    checked = 0
    for label, form_class in _admin_forms(request):
        for name, field in form_class.base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and is_protected(queryset.model):
                checked += 1
                assert _offered(queryset) == _visible(queryset.model, reader), f"{label}.{name}"
    assert checked >= 5


def test_relation_target_names_the_model():
    from awareness.api.serializers import AssessmentSerializer
    from cases.models import Case

    field = AssessmentSerializer().fields["cases"]
    assert isinstance(field, ManyRelatedField) and relation_target(field.child_relation) is Case


def test_every_api_search_matches_only_through_visible_objects():
    """DRF's own SearchFilter matched ``measure__description`` of a hidden
    measure: a letter-by-letter oracle (hostile probe of issue 25)."""
    from rest_framework.filters import SearchFilter

    from cdt.core.api.filters import RestrictedSearchFilter

    searching = 0
    for view_class in _api_views():
        for backend in getattr(view_class, "filter_backends", []):
            if issubclass(backend, SearchFilter):
                searching += 1
                assert issubclass(backend, RestrictedSearchFilter), f"{view_class.__name__}: use RestrictedSearchFilter"
    assert searching >= 10


#: Console admins of models that name a protected object without deriving
#: from RestrictedChoicesAdmin, and why that is safe.
CONSOLE_EXEMPT = {
    "AgendaItem": "rows are those of visible cases only (VisibleAgendaItems); the case is the item's parent",
    "Event": "rows follow their case (visible_rows); shows its stored reference only",
    "Notification": "rows follow their event's case (visible_rows)",
    "Deadline": "rows follow their case (visible_rows)",
}


def test_every_console_admin_naming_a_protected_object_hides_the_unseen():
    from cdt.security.admin import RestrictedChoicesAdmin

    for model, model_admin in admin.site._registry.items():
        parent = getattr(model, "parent_field", None)
        names_protected = [
            field.name
            for field in model._meta.get_fields()
            if field.concrete and field.is_relation and field.name != parent and is_protected(field.related_model)
        ]
        if names_protected and model.__name__ not in CONSOLE_EXEMPT:
            assert isinstance(model_admin, RestrictedChoicesAdmin), (
                f"{model.__name__}Admin names {names_protected}: derive from RestrictedChoicesAdmin"
            )


def _api_views():
    from django.urls import get_resolver

    found = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif getattr(pattern.callback, "cls", None) is not None:
                found.add(pattern.callback.cls)

    walk(get_resolver().url_patterns)
    return sorted(found, key=lambda cls: cls.__name__)
