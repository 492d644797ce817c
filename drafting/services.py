"""Writes on any kind of draft: its first version, saving a new version
(optimistic locking), comments on a section, the lifecycle steps (through
the workflow engine), and reading every version. Creating a draft is the
kind's own service (what it is about differs); it ends with
:func:`note_start`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cdt.security.types import AnyUser
from cdt.workflow import TransitionConflict, transition_run

from .choices import EDITABLE, NoteStatus
from .kinds import kind_of
from .permissions import may_comment_note, may_draft_note


def note_start(*, by: AnyUser, note: Any, how: str = "create") -> None:
    """Keep the version a new draft starts from and log its start (``how``:
    ``create``, or ``revise`` for a revision continuing an older note's
    numbering). Runs in the creating service's transaction."""
    kind = kind_of(note)
    with transaction.atomic():
        kind.version_model.objects.create(note=note, number=note.version, content=note.content, title=note.title, saved_by=by)
        kind.log_model.objects.create(note=note, transition=how, source=NoteStatus.DRAFT, target=NoteStatus.DRAFT, by=by)


class VersionConflict(TransitionConflict):
    """Somebody saved the draft since the version the editor started from
    (answered 409, like any conflict): saving anyway would silently drop
    their version's changes from the current text."""


def note_save(*, by: AnyUser, note: Any, title: str, content: dict[str, Any], base_version: int | None = None) -> Any:
    """Save a new version of a draft (any kind) that is still a draft or
    circulated; every version is kept. ``base_version`` is the version the
    editor started from: if another drafter has saved since, nothing is
    written and :class:`VersionConflict` says who (optimistic locking; the
    browser editor always sends it, API clients should)."""
    kind = kind_of(note)
    if not may_draft_note(note, by):
        raise PermissionDenied(_("Only the EEAS edits the draft."))
    content = kind.clean(content, by)
    with transaction.atomic():
        note = type(note).objects.select_for_update().get(pk=note.pk)
        if base_version is not None and int(base_version) != note.version:
            latest = kind.version_model.objects.filter(note=note, number=note.version).select_related("saved_by").first()
            raise VersionConflict(
                _(
                    "You edited version %(base)s, but version %(current)s was saved meanwhile by %(who)s. "
                    "Nothing was saved: reload the draft and make your changes again."
                )
                % {
                    "base": base_version,
                    "current": note.version,
                    "who": latest.saved_by.get_full_name() or latest.saved_by.username if latest else "—",
                }
            )
        if note.status not in EDITABLE:
            raise ValidationError({"content": _("A submitted draft is not edited: revise it (a new version supersedes it).")})
        note.version += 1
        note.title, note.content = title, content
        note.save(update_fields=["version", "title", "content", "updated_at"])
        kind.version_model.objects.create(note=note, number=note.version, content=content, title=title, saved_by=by)
    return note


def note_transition(*, by: AnyUser, note: Any, transition: str, **given: Any) -> Any:
    """Take a step in a draft's lifecycle (any kind): circulate, submit, and
    what the kind adds (the Council's approval of a strategic response note
    with ``decision=``, the publication of a statement with ``on=`` and
    ``decision=``). The engine locks, checks (409, 403, 400), logs, audits
    and records the event; the kind's ``after`` runs in the same
    transaction. Returns the draft as saved."""
    return transition_run(obj=note, transition=transition, by=by, **given).obj


def note_comment(*, by: AnyUser, note: Any, anchor: str, text: str) -> Any:
    """A comment on one section (option, paragraph) of the current version."""
    kind = kind_of(note)
    if not may_comment_note(note, by):
        raise PermissionDenied(_("Delegates with access comment on a circulated or submitted draft."))
    if anchor not in kind.anchors(note.content):
        raise ValidationError({"anchor": _("No such section or option in this version.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the comment.")})
    return kind.comment_model.objects.create(note=note, version_number=note.version, anchor=anchor, text=text.strip(), author=by)


def note_versions(note: Any) -> list[Any]:
    """Every version of a draft, oldest first."""
    return kind_of(note).all_versions(note)
