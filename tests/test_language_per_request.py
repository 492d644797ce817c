"""Every page speaks the language of its request, whatever was asked before
in the same process (issue 28): labels built once at import or class level
kept the language of the first request after start-up ("Inconnu/Oui/Non"
and "(décroissant)" on English pages, "(descending)" on French ones), and
text written once into the database kept the language of the change
("CDT-2026-0003 · impact evaluation" on French pages).

The demo register is rendered page by page in French, then English, then
French again (and the reverse), in one process, and each page is searched
for the other language's words:

* every string of the French catalogue whose translation differs, long
  enough to be unambiguous (a fragment of two words or more, at least 12
  letters; a whole text or option that is exactly such a string, however
  short: "Oui", "No");
* the reference data's names in the other language (Member States,
  Council bodies, organisations, the measures catalogue);
* month abbreviations of the other language, and the wrong French ones
  ("Déc", "Jui").

What users typed is not the interface: a sentinel that occurs in the
register's own text (demo titles and summaries are English) is not looked
for, so the check is on the interface alone.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from tests.worlds import shared_world

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{[\w.]*\}")
#: Tables whose text is the interface's (reference data with French twins, and
#: the notification rows whose references are re-labelled when shown), not users' words.
INTERFACE_TABLES = {"directory", "notifications"}
ENGLISH_MONTHS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
WRONG_FRENCH_MONTHS = re.compile(r"\b\d{1,2} (Jan|Fév|Mar|Avr|Mai|Jui|Aoû|Sep|Oct|Nov|Déc)\b")
FRENCH_MONTHS = re.compile(r"\b\d{1,2} (janv\.|févr\.|mars|avr\.|avril|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.|décembre|janvier)\b")


@dataclass
class Sentinels:
    """Words that must not appear on a page of one language: ``fragments``
    anywhere in its text, ``whole`` as a whole text or attribute."""

    fragments: set[str] = field(default_factory=set)
    whole: set[str] = field(default_factory=set)
    #: Short reference names (a state, a body): as a word in any text of the
    #: page ("Position de Germany") that users did not write (``written``).
    words: set[str] = field(default_factory=set)
    written: str = ""


def _fragments(text: str) -> list[str]:
    parts = (re.sub(r"\s+", " ", part).strip(" :.,;()—-\u00a0\u202f") for part in PLACEHOLDER.split(text))
    return [part for part in parts if len(part) >= 12 and " " in part]


def catalogue_sentinels() -> dict[str, Sentinels]:
    """From the French catalogue: what an English page must not show (the
    French), and what a French page must not show (the English)."""
    english, french = Sentinels(), Sentinels()
    all_english, all_french = set(), set()
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, "")), (entry.msgid_plural, entry.msgstr_plural.get(1, ""))]
        for msgid, msgstr in pairs:
            all_english.add(msgid)
            all_french.add(msgstr)
            if not msgstr or msgid == msgstr:
                continue
            english.fragments.update(_fragments(msgid))
            french.fragments.update(_fragments(msgstr))
            if not PLACEHOLDER.search(msgid):
                english.whole.add(msgid.strip())
                french.whole.add(msgstr.strip())
    # A string both languages use (a name, a code, "Description") proves nothing.
    joined_english, joined_french = " | ".join(all_english), " | ".join(all_french)
    english.fragments = {text for text in english.fragments if text not in joined_french}
    french.fragments = {text for text in french.fragments if text not in joined_english}
    english.whole -= all_french
    french.whole -= all_english
    return {"fr": english, "en": french}  # page language → what it must not contain


def reference_sentinels() -> dict[str, Sentinels]:
    """The reference data's names: English on French pages, French on English ones."""
    on_french, on_english = Sentinels(), Sentinels()
    for model, fields in (
        (apps.get_model("directory", "MemberState"), ("name",)),
        (apps.get_model("directory", "CouncilBody"), ("name",)),
        (apps.get_model("directory", "Organisation"), ("name", "short_name")),
        (apps.get_model("measures", "MeasureType"), ("name", "description", "legal_basis")),
    ):
        for row in model.objects.all():
            codes = {getattr(row, "code", None), getattr(row, "slug", None)}  # identifiers, shown as they are
            for name in fields:
                english, french = getattr(row, name), getattr(row, f"{name}_fr")
                if english in codes or french in codes:
                    continue
                if english and french and english != french and english not in french and french not in english:
                    (on_french.fragments if len(english) >= 12 else on_french.whole).add(english)
                    (on_english.fragments if len(french) >= 12 else on_english.whole).add(french)
                    if model._meta.model_name in ("memberstate", "councilbody") and len(english) < 12:
                        on_french.words.add(english)
                        on_english.words.add(french)
    return {"fr": on_french, "en": on_english}


def register_text() -> tuple[str, set[str]]:
    """Everything users wrote into the register (demo titles, summaries,
    notes, names of people), where a sentinel may legitimately appear: as
    one text, and as the set of whole values."""
    chunks: list[str] = []
    for model in apps.get_models():
        if model._meta.app_label in INTERFACE_TABLES or model._meta.label in ("measures.MeasureType", "measures.HistoricalMeasureType"):
            continue
        text_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        if text_fields:
            for values in model._base_manager.values_list(*text_fields):
                chunks.extend(str(value) for value in values if value)
    return "\n".join(chunks), {chunk.strip() for chunk in chunks}


TAG = re.compile(r"<[^>]+>")
ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')


def visible(body: str) -> tuple[str, set[str]]:
    """A page's text as read (tags out, entities decoded, spaces folded),
    and its whole texts: each text between tags, each option, each
    label-like attribute."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    wholes = {html.unescape(value).strip() for value in ATTRIBUTE.findall(body)}
    wholes |= {html.unescape(piece).strip() for piece in TAG.split(body)}
    text = re.sub(r"\s+", " ", html.unescape(TAG.sub(" ", body))).replace("\u00a0", " ").replace("\u202f", " ")
    return text, {re.sub(r"\s+", " ", whole) for whole in wholes if whole}


@dataclass
class Register:
    pages: list[tuple[str, str]]  # (username, URL)
    sentinels: dict[str, Sentinels]


def _build() -> Register:
    from cases.models import Case
    from council.models import Meeting, Question, WrittenProcedure
    from measures.models import ResponseMeasure

    call_command("seed_demo", stdout=io.StringIO())
    delegate = "delegate-de"
    pages = [
        (delegate, reverse("home")),
        ("chair-ie", reverse("home")),
        ("eeas-drafter", reverse("home")),
        (delegate, reverse("case-list-page") + "?state=deliberation&sort=-brought_on&member_state=DE"),
        (delegate, reverse("measure-catalogue-page")),
        (delegate, reverse("evaluation-list-page") + "?overdue=true&sort=-due_on"),
        (delegate, reverse("meeting-list-page") + "?sort=-starts_at"),
        (delegate, reverse("actor-list-page") + "?persistent=true&sort=-name"),
        (delegate, reverse("notification-list-page")),
        (delegate, reverse("deadline-list-page")),
        (delegate, reverse("figures-page")),
        (delegate, reverse("directory")),
        (delegate, reverse("profile")),
    ]
    from cdt.accounts.models import User
    from cdt.security.selectors import protected_queryset

    reader = User.objects.get(username=delegate)
    for case in protected_queryset(Case.objects.order_by("pk"), reader)[:4]:
        pages.append((delegate, reverse("case-page", args=[case.pk])))
    for measure in protected_queryset(ResponseMeasure.objects.order_by("pk"), reader)[:2]:
        pages.append((delegate, reverse("measure-page", args=[measure.pk])))
    for question in protected_queryset(Question.objects.order_by("pk"), reader)[:1]:
        pages.append((delegate, reverse("question-board-page", args=[question.pk])))
    for procedure in WrittenProcedure.objects.filter(question__in=protected_queryset(Question.objects.all(), reader))[:1]:
        pages.append((delegate, reverse("written-procedure-page", args=[procedure.pk])))
    for meeting in Meeting.objects.order_by("pk")[:1]:
        pages.append((delegate, reverse("meeting-page", args=[meeting.pk])))
    # The pages issue 28 added or changed: the case's tabs, an evaluation, notes and a step's confirmation, the actors.
    from awareness.models import Assessment, ThreatActor
    from measures.models import ImpactEvaluation, OptionsNote, StrategicResponseNote

    for case in protected_queryset(Case.objects.filter(state="deliberation").order_by("pk"), reader)[:1]:
        pages += [
            (delegate, reverse("case-page", args=[case.pk]) + f"?tab={tab}") for tab in ("assessments", "measures", "council", "history")
        ]
    for evaluation in protected_queryset(ImpactEvaluation.objects.order_by("pk"), reader)[:1]:
        pages.append((delegate, reverse("evaluation-page", args=[evaluation.pk])))
    drafter = User.objects.get(username="eeas-drafter")
    for note in protected_queryset(OptionsNote.objects.order_by("pk"), drafter)[:2]:
        pages.append(("eeas-drafter", reverse("options-note-page", args=[note.pk])))
    for note in protected_queryset(OptionsNote.objects.filter(status="draft").order_by("pk"), drafter)[:1]:
        pages.append(("eeas-drafter", reverse("options-note-page", args=[note.pk]) + "circulate/"))
    for note in protected_queryset(StrategicResponseNote.objects.order_by("pk"), drafter)[:1]:
        pages.append(("eeas-drafter", reverse("strategic-note-page", args=[note.pk])))
    for actor in ThreatActor.objects.filter(persistent=True).order_by("pk")[:1]:
        pages.append(("eeas-drafter", reverse("actor-page", args=[actor.pk])))
    for assessment in protected_queryset(Assessment.objects.order_by("pk"), reader)[:1]:
        pages.append((delegate, reverse("assessment-page", args=[assessment.pk])))

    written, written_values = register_text()
    # Codes are identifiers, shown as they are in every language ("EEAS" in the directory's code column).
    written_values |= {
        code
        for name in ("MemberState", "CouncilBody", "Organisation")
        for code in apps.get_model("directory", name).objects.values_list("code", flat=True)
    }
    sentinels = catalogue_sentinels()
    for language, more in reference_sentinels().items():
        sentinels[language].fragments |= more.fragments
        sentinels[language].whole |= more.whole
        sentinels[language].words |= more.words
    for found in sentinels.values():
        found.fragments = {text for text in found.fragments if text not in written}
        found.whole -= written_values
        found.written = written
    return Register(pages=pages, sentinels=sentinels)


@pytest.fixture(scope="module")
def register(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, _build) as built:
        yield built


def foreign_words(body: str, language: str, sentinels: Sentinels) -> list[str]:
    text, wholes = visible(body)
    found = sorted(fragment for fragment in sentinels.fragments if fragment in text)
    found += sorted(whole for whole in wholes & sentinels.whole)
    found += sorted(
        word
        for word in sentinels.words
        if any(
            re.search(rf"\b{re.escape(word)}\b", whole) and whole.strip("“”«»\"' ") not in sentinels.written
            for whole in wholes
            if word in whole
        )
    )
    if language == "fr":
        found += [match.group() for match in ENGLISH_MONTHS.finditer(text)]
        found += [match.group() for match in WRONG_FRENCH_MONTHS.finditer(text)]
    else:
        found += [match.group() for match in FRENCH_MONTHS.finditer(text)]
    return found


def render_all(client, register: Register, order: tuple[str, ...]) -> dict[str, list[str]]:
    from cdt.accounts.models import User

    problems: dict[str, list[str]] = {}
    signed_in = None
    for language in order:
        for username, url in register.pages:
            if username != signed_in:
                client.force_login(User.objects.get(username=username))
                signed_in = username
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (url, response.status_code)
            assert response.headers["Content-Language"] == language
            found = foreign_words(response.content.decode(), language, register.sentinels[language])
            if found:
                problems[f"{language} {username} {url}"] = found[:12]
    return problems


def test_the_sentinels_are_many_and_known_words_among_them(register):
    """The check looks for real words: the frozen labels of issue 28 and
    the reference names are among them."""
    on_english, on_french = register.sentinels["en"], register.sentinels["fr"]
    assert len(on_english.fragments) > 300 and len(on_french.fragments) > 300
    assert {"Inconnu", "Oui", "Non"} <= on_english.whole and {"Unknown", "Yes", "No"} <= on_french.whole
    assert "Allemagne" in on_english.whole and "Political and Security Committee" in on_french.fragments


def test_french_then_english_then_french(client, register):
    assert render_all(client, register, ("fr", "en", "fr")) == {}


def test_english_then_french_then_english(client, register):
    assert render_all(client, register, ("en", "fr", "en")) == {}


def test_the_check_catches_the_other_language(register):
    english_page = '<select><option value="">Inconnu</option><option value="true">Oui</option></select><p>Allemagne</p>'
    assert foreign_words(english_page, "en", register.sentinels["en"]) == ["Allemagne", "Inconnu", "Oui", "Allemagne"]
    french_page = "<p>Délai : 7 Déc 2026, 8 Jul 2027</p><p>Political and Security Committee</p><label>Position de Germany</label>"
    assert foreign_words(french_page, "fr", register.sentinels["fr"]) == ["Political and Security Committee", "Germany", "8 Jul", "7 Déc"]


def test_filter_labels_made_in_one_language_show_in_another():
    """The building blocks themselves: an ordering filter and a yes/no
    widget made while French is active (as a FilterSet class is, once, on
    the first request) read in English on an English page."""
    from django.utils import translation

    from cdt.core.api.filters import BooleanWidget, OrderingFilter

    with translation.override("fr"):
        ordering = OrderingFilter(fields=(("due_on", "due_on"),), field_labels={"due_on": translation.gettext_lazy("due date")})
        widget = BooleanWidget()
    with translation.override("en"):
        assert [str(label) for _value, label in ordering.extra["choices"]] == ["due date", "due date (descending)"]
        assert [str(label) for _value, label in widget.choices] == ["Unknown", "Yes", "No"]
    with translation.override("fr"):
        assert [str(label) for _value, label in widget.choices] == ["Inconnu", "Oui", "Non"]
        assert str(ordering.extra["choices"][1][1]).endswith("(décroissant)")
