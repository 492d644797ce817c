"""PDF export of a draft of any kind (WeasyPrint), with the marking banner
at the top and bottom of every page (CSS paged media, so no page escapes it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry

from .kinds import kind_named


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries (Pango) are missing on this machine."""


def note_pdf(*, note: Any, kind: str, user: Any, versions: list[Any], comments: list[Any], request: HttpRequest | None = None) -> bytes:
    """Render what the user sees of the note (the page's own selectors
    decided that) and audit the export."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as error:  # OSError: Pango not installed
        raise PdfUnavailable(str(error)) from error
    draft_kind = kind_named(kind)
    html = render_to_string(
        "drafting/note_pdf.html",
        {
            "note": note,
            "kind": kind,
            "label": draft_kind.label,
            "subject": draft_kind.subject_of(note),
            "sections": draft_kind.sections(note.content),
            "marking": note.marking_label,
            "versions": versions,
            "comments": comments,
            "user": user,
        },
    )
    pdf = weasyprint.HTML(string=html).write_pdf()
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=user,
        target=note,
        request=request,
        details={"format": "pdf", "version": note.version, "marking": note.marking_label},
    )
    return pdf
