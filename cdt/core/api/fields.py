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

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS

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


class SlugRelatedField(_NoBlank, serializers.SlugRelatedField):
    pass


class PrimaryKeyRelatedField(_NoBlank, serializers.PrimaryKeyRelatedField):
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
