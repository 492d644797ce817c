"""What every draft shares, as abstract models: a concrete kind (an options
note, a strategic response note, a statement) inherits them in its own app
and keeps its own tables: its note, its versions, its comments and its
transition log.

The status machine is django-fsm's: each concrete draft declares its own
field with :func:`note_status_field` and its own copies of the shared
transitions with :func:`note_transitions` (django-fsm binds a transition to
one model's field), and the workflow engine runs them
(:class:`drafting.workflows.DraftWorkflow`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cdt.workflow.records import TransitionRecord
from notifications.models import EventKind

from .choices import NoteStatus
from .permissions import may_draft_note


def note_status_field(choices: Any = NoteStatus.choices) -> FSMField:
    """Each concrete draft declares its own status field: django-fsm collects
    a model's transitions on the field object, and a field inherited from an
    abstract model and then overridden would lose them."""
    return FSMField(_("status"), default=NoteStatus.DRAFT, choices=choices, protected=True)


class NoteLifecycle(models.Model):
    """The latest content and its version number (every save is a version
    row, kept), and the drafter. The status machine comes from
    :func:`note_status_field` and :func:`note_transitions`."""

    title = models.CharField(_("title"), max_length=300)
    version = models.PositiveIntegerField(_("version"), default=1)
    content = models.JSONField(_("content"), default=dict)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def note_transitions() -> tuple[Any, Any, Any]:
    """The draft → circulated → submitted → superseded transitions, made
    afresh for each concrete note: django-fsm binds a transition's metadata
    to one model's field, so two models cannot share the same functions."""

    @transition(
        field="status",
        source=NoteStatus.DRAFT,
        target=NoteStatus.CIRCULATED,
        permission=may_draft_note,
        custom={"label": _("Circulate for comments"), "event": EventKind.NOTE_CIRCULATED},
    )
    def circulate(self: Any, **_: Any) -> None:
        """Side effects: log row; delegates with access may comment."""

    @transition(
        field="status",
        source=[NoteStatus.DRAFT, NoteStatus.CIRCULATED],
        target=NoteStatus.SUBMITTED,
        permission=may_draft_note,
        custom={"label": _("Submit to HWPCI"), "event": EventKind.NOTE_SUBMITTED},
    )
    def submit(self: Any, **_: Any) -> None:
        """Side effects: log row; what the kind does after (an options note
        supersedes the note it revises); satisfies ``open_deliberation``."""
        self.submitted_at = timezone.now()

    @transition(
        field="status",
        source=NoteStatus.SUBMITTED,
        target=NoteStatus.SUPERSEDED,
        permission=may_draft_note,
        custom={"label": _("Mark superseded"), "system": True},
    )
    def supersede(self: Any, **_: Any) -> None:
        """Taken by the system only, when a newer version of the note is
        submitted. Side effects: log row; no event (the submission has one)."""

    return circulate, submit, supersede


class NoteVersionBase(models.Model):
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    title = models.CharField(_("title"), max_length=300)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["number"]


class NoteCommentBase(models.Model):
    """A comment on one section or option of a version ("anchor": e.g.
    ``situation``, ``option-2``, ``recommendation``)."""

    version_number = models.PositiveIntegerField(_("on version"))
    anchor = models.CharField(_("on"), max_length=40)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class NoteTransitionBase(TransitionRecord):
    """The log of a note's steps, in the engine's one shape, with the
    shared statuses as choices. A concrete log adds the ``note`` foreign key
    (``related_name="transitions"``)."""

    source = models.CharField(_("from"), max_length=30, choices=NoteStatus.choices)
    target = models.CharField(_("to"), max_length=30, choices=NoteStatus.choices)

    class Meta(TransitionRecord.Meta):
        abstract = True
