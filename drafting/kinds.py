"""Kinds of draft, each declared once with only what differs.

Options notes, strategic response notes (the measures app) and declarations
and statements (the attribution app) all keep every saved version, take
comments anchored on a section, compare two versions side by side, walk
draft → circulated → submitted on the workflow engine, and print to PDF.
A kind registers a :class:`DraftKind` naming its model, how its content is
cut into sections and validated, its editor, and the few steps or pages it
adds; the rest is derived:

* its versions, comments and log tables: the model's ``versions``,
  ``comments`` and ``transitions`` relations;
* its workflow: a :class:`drafting.workflows.DraftWorkflow` for the model,
  registered with the engine by :func:`register`;
* its pages' URL names: ``<url_name>-page``, ``-edit-page``,
  ``-compare-page``, ``-act-page`` (:func:`drafting.urls.draft_urls`), where
  ``url_name`` is the model's name in kebab case unless the kind says
  otherwise; its API's PDF route: ``<model-name>-pdf``;
* its templates: ``<app>/includes/<name>_heading.html`` above the text and,
  if it exists, ``<app>/includes/<name>_extra.html`` below it;
* the input a step asks for on the page: the step's declared ``needs``.

Services (:mod:`drafting.services`), pages (:mod:`drafting.views`), the API
(:class:`drafting.api.views.NoteViewSetBase`) and the PDF read the registry,
so a new kind adds no copy of that machinery."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import Http404
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse

from .workflows import DraftWorkflow

Section = tuple[str, str, str]  # anchor, heading, text


def kebab(name: str) -> str:
    """``StrategicResponseNote`` → ``strategic-response-note``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


@dataclass(frozen=True, eq=False)
class DraftKind:
    #: The kind's name in the registry and the API (``options``, ``statement``).
    name: str
    label: Any
    #: The concrete draft: inherits ``drafting.models.NoteLifecycle`` and has
    #: ``versions``, ``comments`` and ``transitions`` relations.
    model: type[Any]
    #: The draft as (anchor, heading, text) rows: shown, commented on and compared.
    sections: Callable[[dict[str, Any]], list[Section]]
    #: Validate content for ``by``: ``clean(content, by) -> dict``; raises ValidationError naming the path.
    clean: Callable[[Any, Any], dict[str, Any]]
    #: The editor: ``editor(request, note=, case=)`` gives the form and formset
    #: classes and their initial data; ``content_from(form, formset)`` the content.
    editor: Callable[..., dict[str, Any]]
    content_from: Callable[[Any, Any], dict[str, Any]]
    #: Only where the pages' URL names differ from the model's name in kebab case.
    url_name: str = ""
    #: The input of the steps the kind adds: ``transition_input(note, step, by, given) -> body``;
    #: raises ValidationError naming the field.
    transition_input: Callable[..., dict[str, Any]] | None = None
    #: In the transition's transaction, after it: ``after(note, step, by)``.
    after: Callable[..., None] | None = None
    #: Every version, oldest first (default: the note's own).
    versions: Callable[[Any], list[Any]] | None = None
    #: Extra context of the page: ``page_extra(request, note) -> dict``.
    page_extra: Callable[[Any, Any], dict[str, Any]] | None = None
    #: Page actions besides comments and steps: ``action(request, note) -> note`` (then the page of that note).
    actions: dict[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    #: The line under the title of the PDF (default: the case).
    subject: Callable[[Any], str] | None = None

    # --- Derived ---------------------------------------------------------------------

    def relation(self, name: str) -> type[Any]:
        return self.model._meta.get_field(name).related_model  # a relation: a model class

    @property
    def version_model(self) -> type[Any]:
        return self.relation("versions")

    @property
    def comment_model(self) -> type[Any]:
        return self.relation("comments")

    @property
    def log_model(self) -> type[Any]:
        return self.relation("transitions")

    @property
    def page_name(self) -> str:
        return self.url_name or kebab(self.model.__name__)

    def url(self, note: Any, page: str = "") -> str:
        """The draft's page (``page``: ``edit``, ``compare``), also the link of its notifications."""
        return reverse(f"{self.page_name}-{page + '-' if page else ''}page", args=[note.pk])

    def act_url(self, note: Any, action: str) -> str:
        return reverse(f"{self.page_name}-act-page", args=[note.pk, action])

    def pdf_url(self, note: Any) -> str:
        return reverse(f"{kebab(self.model.__name__)}-pdf", args=[note.pk])

    @cached_property
    def heading_template(self) -> str:
        return f"{self.model._meta.app_label}/includes/{self.name}_heading.html"

    @cached_property
    def extra_template(self) -> str:
        """The kind's block below the text, if it has one."""
        name = f"{self.model._meta.app_label}/includes/{self.name}_extra.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            return ""
        return name

    def anchors(self, content: dict[str, Any]) -> set[str]:
        return {anchor for anchor, _heading, _text in self.sections(content)}

    def all_versions(self, note: Any) -> list[Any]:
        if self.versions is not None:
            return self.versions(note)
        return list(note.versions.select_related("saved_by"))

    def subject_of(self, note: Any) -> str:
        if self.subject is not None:
            return self.subject(note)
        return f"{note.case.reference} {note.case.title}"


_KINDS: dict[str, DraftKind] = {}


def register(kind: DraftKind) -> DraftKind:
    """Add a kind, and its workflow to the engine's (once)."""
    if kind.name not in _KINDS:
        DraftWorkflow.for_kind(kind).register()
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> DraftKind:
    """The registered kind, or 404 (URLs carry the kind)."""
    try:
        return _KINDS[name]
    except KeyError:
        raise Http404("No such kind of draft.") from None


def kind_of(note: Any) -> DraftKind:
    for kind in _KINDS.values():
        if isinstance(note, kind.model):
            return kind
    raise LookupError(f"{type(note).__name__} is not a registered kind of draft")
