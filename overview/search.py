"""Search across cases, assessments, threat actors, options notes,
strategic response notes and statements: one box, every result through the
same access-filtered selectors as the lists (what a user may not see is
never found, nor counted).

On PostgreSQL, full-text search (``websearch`` syntax: words, "phrases",
-exclusions; English stemming) ranked by relevance; on SQLite, every word
must appear in one of the fields (case-insensitive), newest first.

The classified results a search returns are audited by :func:`search`
itself, one entry per search naming them, so the page and the API (and any
later caller) cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from attribution.models import Statement
from awareness import selectors as awareness
from cases import selectors as cases
from cdt.core.languages import active_language
from cdt.security.selectors import protected_list_record, protected_queryset
from measures.models import OptionsNote, StrategicResponseNote

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    queryset: Callable  # (user) -> access-filtered QuerySet
    fields: tuple[str, ...]
    title: Callable  # (obj) -> str
    url: Callable  # (obj) -> str
    order: tuple[str, ...] = ("-id",)


def _sources() -> list[Source]:
    return [
        Source(
            "case",
            _("Cases"),
            lambda user: cases.case_list(user=user),
            ("reference", "title", "summary", "activity_name"),
            lambda case: f"{case.reference} — {case.title}",
            lambda case: reverse("case-page", args=[case.pk]),
        ),
        Source(
            "assessment",
            _("Assessments"),
            lambda user: awareness.assessment_list(user=user),
            ("title", "body"),
            lambda assessment: assessment.title,
            lambda assessment: reverse("assessment-page", args=[assessment.pk]),
        ),
        Source(
            "actor",
            _("Threat actors"),
            lambda user: awareness.actor_list(),
            ("name", "aliases", "description"),
            lambda actor: actor.name,
            lambda actor: reverse("actor-page", args=[actor.pk]),
        ),
        Source(
            "options_note",
            _("Options notes"),
            lambda user: protected_queryset(OptionsNote.objects.select_related("case"), user),
            ("title", "content"),
            lambda note: f"{note.case.reference} — {note.title} (v{note.version})",
            lambda note: reverse("options-note-page", args=[note.pk]),
        ),
        Source(
            "strategic_note",
            _("Strategic response notes"),
            lambda user: protected_queryset(StrategicResponseNote.objects.all(), user),
            ("title", "content"),
            lambda note: note.title,
            lambda note: reverse("strategic-note-page", args=[note.pk]),
        ),
        Source(
            "statement",
            _("Statements and declarations"),
            lambda user: protected_queryset(Statement.objects.select_related("case"), user),
            ("title", "content"),
            lambda statement: f"{statement.case.reference} — {statement.title}",
            lambda statement: reverse("statement-page", args=[statement.pk]),
        ),
    ]


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    marking: str
    obj: object


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit]
    more: bool


#: PostgreSQL's text search configuration of each interface language.
SEARCH_CONFIGURATIONS = {"en": "english", "fr": "french"}


def search_configurations() -> list[str]:
    """The configurations a search matches in: the reader's language's
    first (it ranks), then the others. Records are written in English or
    in French whatever the reader's language, so each is matched with
    both stemmers: "attaques" finds "attaque", "attacks" finds "attack"."""
    first = SEARCH_CONFIGURATIONS.get(active_language(), "english")
    return [first, *(config for config in SEARCH_CONFIGURATIONS.values() if config != first)]


def _matching(queryset: QuerySet, fields: tuple[str, ...], query: str, order: tuple[str, ...]) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        texts = [Cast(field, TextField()) for field in fields]
        matches, ranked = Q(), None
        for number, config in enumerate(search_configurations()):
            vector = SearchVector(*texts, config=config)
            search = SearchQuery(query, search_type="websearch", config=config)
            queryset = queryset.annotate(**{f"search_vector_{number}": vector})
            matches |= Q(**{f"search_vector_{number}": search})
            if ranked is None:
                ranked = SearchRank(vector, search)
        # The match operator decides (in any language); the rank, in the
        # reader's language, only orders (ts_rank is never 0, even without a match).
        return queryset.filter(matches).annotate(search_rank=ranked).order_by("-search_rank", *order)
    words = [word for word in query.split() if word]
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by(*order)


def search(*, user, query: str, kinds: set[str] | None = None, limit: int = 10, request=None, via: str = "search") -> list[Group]:
    """At most ``limit`` results per kind (one query per kind), each kind
    saying whether there are more. The classified results are audited (one
    entry for the whole search; ``request`` adds the path and address)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query or not user.is_authenticated:
        return []
    groups = []
    for source in _sources():
        if kinds and source.kind not in kinds:
            continue
        found = list(_matching(source.queryset(user), source.fields, query, source.order)[: limit + 1])
        hits = [Hit(source.kind, source.title(obj), source.url(obj), getattr(obj, "marking_label", ""), obj) for obj in found[:limit]]
        if hits:
            groups.append(Group(source.kind, str(source.label), hits, len(found) > limit))
    protected_list_record(objects=[hit.obj for group in groups for hit in group.hits], user=user, request=request, via=via)
    return groups


def kinds() -> list[tuple[str, str]]:
    return [(source.kind, source.label) for source in _sources()]
