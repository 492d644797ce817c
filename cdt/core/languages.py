"""Reference data in the reader's language (decision 0030).

Names that come from the database (Member States, Council bodies,
organisations, the measures catalogue) cannot go through gettext: the
secretariat edits them in the console. Each such field has a twin per
language other than the default, ``name`` and ``name_fr``, filled by the
reference-data loaders and editable beside the English one. A page reads
the twin of the active language when it is filled, the default otherwise,
so a name the secretariat has not translated yet shows in English, never
blank.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation


def active_language() -> str:
    """The active language's base code ("fr" for "fr-be"), the default when none is active."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def other_languages() -> list[str]:
    """The languages that have twin columns: every one in ``LANGUAGES`` but the default."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def in_language(instance: models.Model, field: str, *, fallback: str | None = None, language: str | None = None) -> str:
    """``instance.<field>`` in ``language`` (the active one by default):
    its ``<field>_<language>`` twin when the model has one and it is
    filled, else the field itself (or ``fallback``, another field, for a
    twin without an English column: a body's French acronym, else its code)."""
    language = language or active_language()
    if language != settings.LANGUAGE_CODE:
        translated = getattr(instance, f"{field}_{language}", "")
        if translated:
            return translated
    return getattr(instance, fallback or field)
