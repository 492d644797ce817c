"""French typography (issue 28): a space before ":", ";", "!" and "?".

In the catalogue the French strings carry it (non-breaking, or narrow
non-breaking); a template that puts a colon after a translated label puts
it with ``{% colon %}``, which adds the space in French only."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
#: A high punctuation mark glued to the word before it, at a word's end (not "TLP:AMBER", "10:00", "https:").
GLUED = re.compile(r"(?<=[^\s\u00a0\u202f(\[«\"])([:;!?])(?=\s|$)")
#: A colon typed in a template right after a translated label.
#: A colon (or ; ! ?) typed after a translated label or a variable: it needs ``{% colon %}`` (or ``{% question_mark %}``).
COLON_AFTER_LABEL = re.compile(r"\{% (?:translate [^%]+|endblocktranslate) %\}[:;!?]|\}\}[:?](?= |<|$)", re.MULTILINE)
#: Inside a translated block the punctuation is the translator's (the msgstr is checked above).
TRANSLATED_BLOCK = re.compile(r"\{% blocktranslate.*?(?=\{% endblocktranslate %\})", re.DOTALL)


def test_french_strings_have_a_space_before_high_punctuation():
    glued = []
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        glued += [text for text in texts if GLUED.search(text)]
    assert not glued, glued[:10]


def test_templates_put_a_colon_after_a_label_with_the_colon_tag():
    found = []
    for path in [*ROOT.glob("templates/**/*.*"), *ROOT.glob("*/templates/**/*.*"), *ROOT.glob("cdt/*/templates/**/*.*")]:
        if path.suffix in (".html", ".txt"):
            found += [
                f"{path.relative_to(ROOT)}: {match.group()}"
                for match in COLON_AFTER_LABEL.finditer(TRANSLATED_BLOCK.sub("", path.read_text()))
            ]
    assert not found, found[:10]


def test_the_colon_tag_follows_the_language():
    template = Template('{% load i18n %}{% translate "Reference" %}{% colon %} X')
    with translation.override("fr"):
        assert template.render(Context()) == "Référence\u00a0: X"
    with translation.override("en"):
        assert template.render(Context()) == "Reference: X"
