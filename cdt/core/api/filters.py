"""The API's list filters, strict.

django-filter is lenient by design, for HTML forms: an empty value, a
boolean it cannot read (``?adopted=maybe``) or a filter given twice is
silently ignored, and the client gets the unfiltered list believing it
filtered. For an API that is a wrong answer, not a convenience, so every API
list uses :class:`StrictFilterBackend`: a declared filter given empty, twice
(unless it takes several values) or, for a yes/no filter, with anything but
``true``/``false`` is a 400 naming the filter and the reason. The HTML pages
keep django-filter's leniency (their forms send empty fields).
"""

from __future__ import annotations

import operator
import re
from functools import reduce

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter

from cdt.security.selectors import is_protected, protected_queryset

BOOLEAN_VALUES = {"true", "false"}
# At most 18 digits: a bigger number overflows the 64-bit columns (a
# database error, not a bad request).
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
MULTIPLE_VALUE_FILTERS = (
    django_filters.MultipleChoiceFilter,
    django_filters.ModelMultipleChoiceFilter,
    django_filters.BaseInFilter,
    django_filters.BaseRangeFilter,
)


def _descending(label) -> str:
    return _("%s (descending)") % label


#: "<label> (descending)", translated when it is shown.
descending_label = lazy(_descending, str)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering filter with labels translated when they are
    shown. Its own builds "<label> (descending)" with ``%`` on a lazy string
    when the FilterSet class is created, which freezes the label in the
    language of whichever request first imported the module (issue 28:
    English pages showed "date d'échéance (décroissant)")."""

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, gettext_lazy(pretty_name(param)))) for field, param in fields.items()]
        descending = [(f"-{param}", labels.get(f"-{param}", descending_label(label))) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


class BooleanWidget(django_filters.widgets.BooleanWidget):
    """django-filter's yes/no widget, whose choices it translates (with
    ``gettext``) when the widget is made: declared on a FilterSet class, that
    is once per process (issue 28: English pages showed "Inconnu/Oui/Non").
    These choices are lazy, translated when the page renders."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", gettext_lazy("Unknown")), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


class RestrictedFilterSet(django_filters.FilterSet):
    """Every choice a filter offers or accepts from a protected model goes
    through the one access rule for the requesting user (issue 25).

    django-filter builds a ``?case=`` filter's choices from ``Case.objects``:
    the browsable API and the pages' filter forms then listed the reference
    and title of every case, and ``?case=<hidden id>`` answered an empty 200
    where an unknown id answered 400. Narrowed here, a hidden id is exactly
    an unknown one, and the choices name only what the reader may see.
    Every FilterSet in CDT derives from this class (the API's generated ones
    too, through :class:`StrictFilterBackend`); a test finds any that does
    not. Without a request, protected choices are empty."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for declared in self.filters.values():
            restrict_choices(declared, request)


def restrict_choices(declared, request) -> None:
    """Narrow one model-choice filter to what ``request.user`` may see."""
    if not isinstance(declared, django_filters.filters.QuerySetRequestMixin):
        return
    chosen = declared.queryset
    if chosen is None or getattr(chosen, "restricted", False):
        return
    if not callable(chosen) and not is_protected(chosen.model):
        return

    def visible(request, chosen=chosen):
        base = chosen(request) if callable(chosen) else chosen
        if not is_protected(base.model):
            return base
        user = getattr(request, "user", None)
        return base.none() if user is None else protected_queryset(base, user)

    visible.restricted = True  # type: ignore[attr-defined]

    declared.queryset = visible


def through_visible(model, path: str, user) -> Q:
    """The condition that every protected object a lookup ``path`` walks
    through (``measure__description`` walks through the measure) is one
    ``user`` may see. A child's own parent needs none: the child is visible
    only under a visible parent. Text search and filters over related text
    AND their match with it, so a visible row is never found by the text of
    a hidden one (issue 25: an evaluation was found by its hidden measure's
    description, letter by letter)."""
    condition, prefix = Q(), []
    for part in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not field.is_relation or field.related_model is None:
            break
        own_parent = getattr(model, "parent_field", None) == part and not prefix
        prefix.append(part)
        model = field.related_model
        if is_protected(model) and not own_parent:
            condition &= Q(**{f"{LOOKUP_SEP.join(prefix)}__in": protected_queryset(model._base_manager.all(), user).values("pk")})
    return condition


class RestrictedSearchFilter(SearchFilter):
    """DRF's ``?search=``, with each related field matched only through
    objects the reader may see (:func:`through_visible`). Every API list
    that searches uses this class; a test finds any that does not."""

    def filter_queryset(self, request, queryset, view):
        search_fields = self.get_search_fields(view, request)
        terms = self.get_search_terms(request)
        if not search_fields or not terms:
            return queryset
        lookups = [
            (self.construct_search(str(name), queryset), through_visible(queryset.model, str(name), request.user)) for name in search_fields
        ]
        for term in terms:
            queryset = queryset.filter(reduce(operator.or_, (Q(**{lookup: term}) & guard for lookup, guard in lookups)))
        return queryset.distinct() if self.must_call_distinct(queryset, search_fields) else queryset


class StrictFilterBackend(DjangoFilterBackend):
    filterset_base = RestrictedFilterSet

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = self.query_errors(request.query_params, filterset.filters, queryset.model)
            if errors:
                raise ValidationError(errors)
        return filterset

    @staticmethod
    def query_errors(query_params, filters, model) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for name, declared in filters.items():
            if name not in query_params:
                continue
            values = query_params.getlist(name)
            if len(values) > 1 and not isinstance(declared, MULTIPLE_VALUE_FILTERS):
                errors[name] = [_("Give this filter once.")]
            elif any(value == "" for value in values):
                errors[name] = [_("This filter needs a value; leave it out to list everything.")]
            elif isinstance(declared, django_filters.BooleanFilter) and values[0] not in BOOLEAN_VALUES:
                errors[name] = [_("Give true or false.")]
            elif (
                isinstance(declared, django_filters.NumberFilter)
                and _is_whole_number(model, declared.field_name)
                and not WHOLE_NUMBER.fullmatch(values[0])
            ):
                errors[name] = [_("Give a whole number.")]
        return errors


def _is_whole_number(model, field_name: str) -> bool:
    """django-filter reads every number as a decimal, so ``?level=0.5``
    quietly matches nothing on an integer column."""
    try:
        return isinstance(model._meta.get_field(field_name), models.IntegerField)
    except FieldDoesNotExist:
        return False
