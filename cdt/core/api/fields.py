"""Fields for JSON input, strict where DRF is lenient for HTML forms.

The API takes JSON only, so a value of the wrong JSON type is an error, not
something to coerce (issue 12, found by schemathesis):

- DRF turns ``""`` into ``null`` for every relational field (HTML forms
  cannot send null): ``{"member_state": ""}`` meant "my own Member State" on
  the amplify step. :class:`SlugRelatedField` and
  :class:`PrimaryKeyRelatedField` refuse it; ``null`` still means none
  where the field allows it.
- DRF's text field takes a number or boolean and stores its text
  (``{"indicators": 0}`` became ``"0"``). :class:`CharField` takes strings.
- Any year from 1 to 9999 passes DRF's date-time field, and a meeting in
  1074 came back with Brussels' local mean time offset (``+00:17:30``),
  which is not an RFC 3339 date-time. :class:`DateTimeField` takes 1990 to
  2100: every event CDT records falls in it.
- DRF's boolean field takes ``0``/``1`` and ``"yes"``/``"on"``/``"true"``
  (``{"limite": 0}`` was read as false: full schemathesis run as EEAS).
  :class:`BooleanField` takes ``true`` and ``false``; its integer sibling
  :class:`IntegerField` takes JSON numbers only (DRF's reads ``"12"``).

:class:`ModelSerializer` maps model fields to these, so declared and
generated fields behave alike; every API serializer derives from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS

from cdt.core.dates import DatePrecision, partial_date_iso, partial_date_parse
from cdt.security.selectors import VisibleIds, is_protected, protected_queryset, visible_ids

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


class _NoBlank:
    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {"blank": _("This field may not be blank; send null for none.")}

    def run_validation(self, data=empty):
        if data == "":
            self.fail("blank")
        return super().run_validation(data)

    @classmethod
    def many_init(cls, *args, **kwargs):
        """As DRF's, with the list-only ``ManyRelatedField``."""
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return ManyRelatedField(**list_kwargs)


class ManyRelatedField(serializers.ManyRelatedField):
    """A JSON list only: DRF's takes anything iterable, so an object (``{}``)
    was read as its keys, an empty list (schemathesis, full run as EEAS)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)

    def get_attribute(self, instance):
        """The related rows the reader may see; the others are left out."""
        related = super().get_attribute(instance)
        child = self.child_relation
        if not (isinstance(child, RestrictedRelation) and child.is_restricted()):
            return related
        related = list(related)
        shown = child.reader_ids().visible(child.target_model(), [row.pk for row in related])
        return [row for row in related if row.pk in shown]


class RestrictedRelation:
    """A relation to a protected model goes through the one access rule for
    the requesting user, both ways (issue 25, decision 0023):

    - in: the id (or slug) is looked up among the rows the caller may see,
      so an id that does not exist and one the caller may not see get the
      same "No such …" (and the browsable API's choices list only those);
    - out: a hidden related row is ``null`` as a single reference and left
      out of a list (:class:`ManyRelatedField`).

    Relations to unprotected models (organisations, actors, users) are
    untouched. Every relational field of the API derives from this class
    (``ModelSerializer`` maps model relations to it); a test finds any that
    does not. Without a request in the context nothing protected is shown
    or accepted."""

    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {"hidden": _("No such {name}.")}

    def target_model(self):
        return relation_target(self)

    def is_restricted(self) -> bool:
        """Whether the value shown must be checked: a protected target,
        except a child's own parent (a child is visible only under a visible
        parent, so the rule already holds for it)."""
        if not is_protected(self.target_model()):
            return False
        field = self.parent if isinstance(self.parent, ManyRelatedField) else self
        model = getattr(getattr(field.parent, "Meta", None), "model", None)
        parent_field = getattr(model, "parent_field", None)
        return not (parent_field and field.source_attrs == [parent_field])

    def reader_ids(self) -> VisibleIds:
        return visible_ids(self.context.get("request"))

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset is not None and is_protected(queryset.model):
            request = self.context.get("request")
            return queryset.none() if request is None else protected_queryset(queryset, request.user)
        return queryset

    def fail(self, key, **kwargs):
        if key == "does_not_exist":
            model = self.target_model()
            if is_protected(model):
                raise ValidationError(self.error_messages["hidden"].format(name=model._meta.verbose_name), code="does_not_exist")
        return super().fail(key, **kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None or isinstance(self.parent, ManyRelatedField) or not self.is_restricted():
            return value
        return value if self.reader_ids().sees(self.target_model(), value.pk) else None


def relation_target(field):
    """The model a relational field points at: its queryset's, or the one
    the serializer's model field named by the source relates to (read-only
    fields have no queryset)."""
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        return queryset.model
    bound = field.parent if isinstance(field.parent, serializers.ManyRelatedField) else field
    model = getattr(getattr(bound.parent, "Meta", None), "model", None)
    for attr in getattr(bound, "source_attrs", None) or []:
        if model is None:
            return None
        try:
            model = model._meta.get_field(attr).related_model
        except FieldDoesNotExist:
            return None
    return model


class SlugRelatedField(_NoBlank, RestrictedRelation, serializers.SlugRelatedField):
    pass


class PrimaryKeyRelatedField(_NoBlank, RestrictedRelation, serializers.PrimaryKeyRelatedField):
    pass


class CharField(serializers.CharField):
    default_error_messages = {"not_a_string": _("Give text (a JSON string).")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    default_error_messages = {"out_of_range": _("Give a date and time between {earliest} and {latest}.")}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return moment


class BooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class IntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": _("Give a whole number (a JSON number).")}

    def to_internal_value(self, data):
        # A JSON number with a zero fraction (``3.0``) is an integer to JSON
        # Schema, so it is one here; a boolean is not, although Python says so.
        if isinstance(data, bool) or not (isinstance(data, int) or (isinstance(data, float) and data.is_integer())):
            self.fail("invalid")
        return super().to_internal_value(data)


class ListSerializer(serializers.ListSerializer):
    """Asks, once for the whole page, which related rows the reader may see
    (one query per protected related model, not one per row)."""

    def to_representation(self, data):
        rows = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        model = getattr(getattr(self.child, "Meta", None), "model", None)
        if self.parent is not None and is_protected(model):
            # Nested in another object: the related rows the reader may see.
            shown = visible_ids(self.context.get("request")).visible(model, [row.pk for row in rows])
            rows = [row for row in rows if row.pk in shown]
        fields = getattr(self.child, "fields", {})
        wanted: dict[type, set] = {}
        for field in fields.values():
            target = _checked_target(field)
            if target is not None:
                wanted.setdefault(target, set()).update(_related_pks(rows, field))
        if wanted and rows:
            memo = visible_ids(self.context.get("request"))
            for model, pks in wanted.items():
                memo.visible(model, pks)
        return super().to_representation(rows)


def _checked_target(field):
    """The protected model whose rows ``field`` names and checks per row
    (a restricted relation, or a nested serializer of a protected model),
    else None."""
    if field.write_only:
        return None
    nested = field.child if isinstance(field, serializers.ListSerializer) else field
    if isinstance(nested, serializers.ModelSerializer):
        model = getattr(getattr(nested, "Meta", None), "model", None)
        return model if is_protected(model) else None
    relation = field.child_relation if isinstance(field, ManyRelatedField) else field
    if isinstance(relation, RestrictedRelation) and relation.is_restricted():
        return relation.target_model()
    return None


def _related_pks(rows, field) -> set:
    """The ids ``field`` would name for ``rows``, read without a query:
    foreign-key columns, and many-to-many rows already prefetched."""
    if len(field.source_attrs) != 1:
        return set()
    name = field.source_attrs[0]
    pks: set = set()
    for row in rows:
        try:
            model_field = row._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            return set()
        if model_field.many_to_one or model_field.one_to_one:
            pks.add(getattr(row, model_field.attname, None))
        elif name in getattr(row, "_prefetched_objects_cache", {}):
            pks.update(related.pk for related in row._prefetched_objects_cache[name])
    return pks


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.DateTimeField: DateTimeField,
        models.BooleanField: BooleanField,
        models.IntegerField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.BigIntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.PositiveBigIntegerField: IntegerField,
    }
    serializer_related_field = PrimaryKeyRelatedField

    def get_attribute(self, instance):
        """Nested as a single related object: ``null`` when the reader may
        not see it (decision 0023)."""
        value = super().get_attribute(instance)
        model = getattr(getattr(self, "Meta", None), "model", None)
        if value is None or not is_protected(model) or not isinstance(value, models.Model):
            return value
        return value if visible_ids(self.context.get("request")).sees(model, value.pk) else None

    @classmethod
    def many_init(cls, *args, **kwargs):
        """As DRF's, with :class:`ListSerializer` unless the serializer names its own."""
        meta = getattr(cls, "Meta", None)
        if meta is not None and not hasattr(meta, "list_serializer_class"):
            meta.list_serializer_class = ListSerializer
        return super().many_init(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "nullable": True, "example": "2017-05"})
class PartialDateField(serializers.Field):
    """A date that may be known to the month only (``YYYY-MM``), kept in two
    model fields: the date (first of the month) and its precision
    (:mod:`cdt.core.dates`). Declared with ``source="*"``; reads and writes
    both fields."""

    def __init__(self, *, date_field: str, precision_field: str, **kwargs: Any) -> None:
        self.date_field, self.precision_field = date_field, precision_field
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> str | None:
        return partial_date_iso(getattr(instance, self.date_field), getattr(instance, self.precision_field))

    def run_validation(self, data: Any = empty) -> Any:
        if data is None:  # no date: both fields cleared (``null`` in JSON)
            return {self.date_field: None, self.precision_field: DatePrecision.DAY}
        return super().run_validation(data)

    def to_internal_value(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, str):
            raise serializers.ValidationError(_("Give the date as a string, YYYY-MM-DD or YYYY-MM."))
        try:
            day, precision = partial_date_parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        return {self.date_field: day, self.precision_field: precision}
