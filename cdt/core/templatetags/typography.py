"""Punctuation as each language writes it, for the colons templates put
after a translated label (``{% translate "Reference" %}{% colon %}``):
French puts a non-breaking space before ":" (and ";", "!", "?"), English
none. A built-in library (``TEMPLATES`` ``builtins``): no ``{% load %}``."""

from django import template

from cdt.core.languages import active_language

register = template.Library()

#: What goes before a high punctuation mark, per language.
SPACE_BEFORE = {"fr": "\u00a0"}


@register.simple_tag
def colon() -> str:
    """A colon after a label, with the space the active language wants before it."""
    return SPACE_BEFORE.get(active_language(), "") + ":"


@register.simple_tag
def question_mark() -> str:
    """A question mark after words the template does not translate itself
    (a step's label: "Circuler ?"), spaced as the active language wants."""
    return SPACE_BEFORE.get(active_language(), "") + "?"
