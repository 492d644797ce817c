"""Who may write and comment on any draft. The steps a kind adds (the
Council's approval of a strategic response note, the publication of a
statement) carry their own rule in the kind's app."""

from __future__ import annotations

from typing import Any

from cdt.accounts.roles import Role, is_delegate, is_eeas

from .choices import NoteStatus


def may_draft_note(note: Any, user: Any) -> bool:
    """The EEAS drafts every kind (Commission contributors add input through comments)."""
    return is_eeas(user)


def may_comment_note(note: Any, user: Any) -> bool:
    """Delegates with access comment while the draft is circulated or submitted; the EEAS answers."""
    return (
        is_delegate(user) or is_eeas(user) or bool(user and user.is_authenticated and user.has_role(Role.COMMISSION_CONTRIBUTOR))
    ) and note.status in (NoteStatus.CIRCULATED, NoteStatus.SUBMITTED)
