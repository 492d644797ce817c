"""Versioned drafts, written once: options notes, strategic response notes
and (in the attribution app) declarations and statements all keep every
saved version, take comments anchored on a section, compare two versions
side by side, walk draft → circulated → submitted, and print to PDF.

Each kind of draft registers a :class:`DraftKind` saying what differs (its
models, its sections, how its content is validated, what a transition needs
besides the role); the services (``measures.services.note_*``), the pages
(``measures.note_views``), the API (``measures.api.notes.NoteViewSetBase``)
and the PDF dispatch through the registry, so a new kind adds no copy of
that machinery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import Http404

Section = tuple[str, str, str]  # anchor, heading, text


@dataclass(frozen=True)
class DraftKind:
    name: str
    label: str
    model: type
    version_model: type
    comment_model: type
    #: Write the log row of a transition: ``log(note, transition, source, by)``.
    log: Callable
    #: The draft as (anchor, heading, text) rows: shown, commented on and compared.
    sections: Callable[[dict], list[Section]]
    #: Validate content for ``by``: ``clean(content, by) -> dict``; raises ValidationError naming the path.
    clean: Callable
    #: URL names of the pages: ``<url_prefix>-page``, ``-edit-page``, ``-compare-page``, ``-act-page``.
    url_prefix: str
    #: URL name of the API's PDF route.
    pdf_route: str
    #: What a transition needs besides the role: ``prepare(note, transition, by, decision=, on=) -> kwargs``.
    prepare: Callable | None = None
    #: Run inside the transaction after a transition (e.g. supersede the revised note).
    after: Callable | None = None
    #: Every version, oldest first (default: the note's own ``versions``).
    versions: Callable | None = None
    #: The editor: ``(form_class, formset_class or None, prefix)`` and how form data becomes content.
    editor: Callable | None = None
    content_from: Callable | None = None
    #: Extra context for the page and the template that shows it (below the sections).
    page_extra: Callable | None = None
    extra_template: str = ""
    heading_template: str = ""
    transition_inputs: dict = field(default_factory=dict)

    def url(self, note) -> str:
        """The draft's page (links in notifications)."""
        from django.urls import reverse

        return reverse(f"{self.url_prefix}-page", args=[note.pk])

    def anchors(self, content: dict) -> set[str]:
        return {anchor for anchor, _heading, _text in self.sections(content)}

    def all_versions(self, note) -> list:
        if self.versions is not None:
            return self.versions(note)
        return list(note.versions.select_related("saved_by"))


_KINDS: dict[str, DraftKind] = {}


def register(kind: DraftKind) -> DraftKind:
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> DraftKind:
    """The registered kind, or 404 (URLs carry the kind)."""
    try:
        return _KINDS[name]
    except KeyError:
        raise Http404("No such kind of draft.") from None


def kind_of(note) -> DraftKind:
    for kind in _KINDS.values():
        if isinstance(note, kind.model):
            return kind
    raise LookupError(f"{type(note).__name__} is not a registered kind of draft")
