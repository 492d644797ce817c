"""Statements as a kind of draft (the ``drafting`` app): versions,
comments, comparison, lifecycle, pages, API and PDF are the drafting app's;
this module says only what differs: the text cut into paragraphs, the
editor, publication (its date and, for a text the Council agrees, its
decision) and the third countries aligning. Registered in ``ready``."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cdt.security.access import can_view_child
from drafting import kinds

from . import permissions
from .choices import AGREED_BY_COUNCIL, StatementStatus
from .dates import date_problem
from .forms import AlignmentForm, StatementForm
from .models import Statement
from .services import alignment_record, statement_content_clean

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def statement_sections(content: dict) -> list[kinds.Section]:
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


def statement_input(statement: Statement, step, by, given) -> dict:
    """Publication needs its date and, for a text the Council agrees (HR
    declaration, Council conclusions, joint statement), the adopted decision
    on the case that agreed it."""
    if step.name != "publish":
        return {}
    decision, on = given.get("decision"), given.get("on")
    errors = {}
    if on is None:
        errors["on"] = gettext("Give the date of publication.")
    elif problem := date_problem(on, case=statement.case):
        errors["on"] = problem  # a past publication is entered afterwards; never a future one or one before the case
    if statement.statement_type in AGREED_BY_COUNCIL:
        if decision is None or not decision.adopted or decision.case_id != statement.case_id or not can_view_child(by, decision):
            errors["decision"] = gettext("Name the adopted Council decision on this case that agreed the text.")
    elif decision is not None and (decision.case_id != statement.case_id or not can_view_child(by, decision)):
        errors["decision"] = gettext("No such decision on this case.")
    if errors:
        raise ValidationError(errors)
    return {"on": on, "decision": decision}


def statement_page_extra(request, note) -> dict:
    may_align = permissions.may_record_alignment(note, request.user) and note.status == StatementStatus.PUBLISHED
    return {
        "alignments": list(note.alignments.select_related("country")),
        "partners": list(note.partners.all()),
        "alignment_form": AlignmentForm(statement=note) if may_align else None,
    }


def statement_align(request, statement: Statement) -> Statement:
    """The page's alignment form: a third country aligns with the published statement."""
    form = AlignmentForm(request.POST, statement=statement)
    if not form.is_valid():
        raise ValidationError(dict(form.errors.items()))
    alignment_record(by=request.user, statement=statement, **form.cleaned_data)
    return statement


STATEMENT = kinds.register(
    kinds.DraftKind(
        name="statement",
        label=_("Statement"),
        model=Statement,
        sections=statement_sections,
        clean=statement_content_clean,
        editor=statement_editor,
        content_from=statement_content_from,
        transition_input=statement_input,
        page_extra=statement_page_extra,
        actions={"align": statement_align},
    )
)
