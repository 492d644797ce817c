"""Statements as a kind of draft (``measures.drafting``): versions,
comments, comparison, lifecycle pages, API and PDF come from the measures
app; this module says only what differs. Registered in ``ready``."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from measures import drafting

from . import services
from .choices import StatementStatus
from .forms import AlignmentForm, StatementForm
from .models import Statement, StatementComment, StatementVersion

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def statement_sections(content: dict) -> list[drafting.Section]:
    """One row per paragraph: delegates comment on a paragraph, as on a Council text."""
    paragraphs = [paragraph.strip() for paragraph in _PARAGRAPH_BREAK.split(content.get("text", "")) if paragraph.strip()]
    return [(f"para-{index}", f"¶ {index}", paragraph) for index, paragraph in enumerate(paragraphs, start=1)]


def statement_editor(request, *, note=None, case=None) -> dict:
    return {
        "form_class": StatementForm,
        "formset_class": None,
        "prefix": "",
        "items": [],
        "initial": {"text": (note.content if note else {}).get("text", "")},
        "form_kwargs": {},
    }


def statement_content_from(form, formset) -> dict:
    return {"text": form.cleaned_data["text"]}


def statement_page_extra(request, note) -> dict:
    from . import permissions

    may_align = permissions.may_record_alignment(note, request.user) and note.status == StatementStatus.PUBLISHED
    return {
        "alignments": list(note.alignments.select_related("country")),
        "partners": list(note.partners.all()),
        "alignment_form": AlignmentForm(statement=note) if may_align else None,
    }


STATEMENT = drafting.register(
    drafting.DraftKind(
        name="statement",
        label=_("Statement"),
        model=Statement,
        version_model=StatementVersion,
        comment_model=StatementComment,
        log=services.statement_log,
        sections=statement_sections,
        clean=services.statement_content_clean,
        url_prefix="statement",
        pdf_route="statement-pdf",
        prepare=services.statement_prepare,
        editor=statement_editor,
        content_from=statement_content_from,
        page_extra=statement_page_extra,
        extra_template="attribution/includes/statement_extra.html",
        heading_template="attribution/includes/statement_heading.html",
        transition_inputs={"publish": "decision on"},
    )
)
