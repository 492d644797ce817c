"""The one place a stored key becomes the words a reader sees.

Choices are stored as keys (``critical_infrastructure``,
``constructive_abstention``); pages show their labels, in the reader's
language. A field's labels are its choices; a JSON list field that holds
choices (a measure type's forms, a plan's channels) names them in its
model's ``field_choices``. A key without a label (a value entered before
its choice was withdrawn) reads as words, never as the key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def choice_labels(model: type[Model], field_name: str) -> dict[str, StrOrPromise]:
    """The labels of a field's stored keys, by key."""
    declared = getattr(model, "field_choices", {}).get(field_name)
    if declared is not None:
        return {str(value): label for value, label in declared.choices}
    field: Any = model._meta.get_field(field_name)
    choices = field.flatchoices or getattr(getattr(field, "base_field", None), "flatchoices", None) or ()
    return {str(value): label for value, label in choices}


def as_words(key: str) -> str:
    """A key with no label, as words: ``in_execution`` reads "In execution"."""
    return key.replace("_", " ").replace("-", " ").capitalize()


def label_of(model: type[Model] | str, field_name: str, value: Any) -> Any:
    """The label of ``value`` stored in ``model.field_name`` (a list of
    labels for a list of keys). ``model`` may be named ``app_label.Model``."""
    if isinstance(model, str):
        model = apps.get_model(model)
    labels = choice_labels(model, field_name)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [labels.get(str(key), as_words(str(key))) for key in value]
    if value is None or value == "":
        return ""
    return labels.get(str(value), as_words(str(value)))
