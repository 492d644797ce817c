"""The two notes of the measures app as kinds of draft (``drafting``):
options notes (step 3, on one case) and strategic response notes (para 15,
on one persistent actor). Registered in ``MeasuresConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from awareness.selectors import assessment_list

from . import drafting, notes, services
from .forms import OptionFormSet, OptionsNoteForm, StrategicMeasureFormSet, StrategicNoteForm
from .models import OptionsNote, OptionsNoteComment, OptionsNoteVersion, StrategicNoteComment, StrategicNoteVersion, StrategicResponseNote


def _entries(formset) -> list[dict]:
    """Ordered, undeleted formset rows as content entries (measure types by slug)."""
    ordered = [f.cleaned_data for f in formset.ordered_forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    listed = ordered or [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    entries = []
    for data in listed:
        entry = {key: value for key, value in data.items() if key not in ("ORDER", "DELETE")}
        entry["measure_type"] = entry["measure_type"].slug
        entries.append(entry)
    return entries


def _fields(form) -> dict:
    return {key: value for key, value in form.cleaned_data.items() if key != "title"}


def options_editor(request, *, note=None, case=None) -> dict:
    the_case = case or note.case
    content = note.content if note else {}
    initial = {key: value for key, value in content.items() if key != "options"}
    initial["assessment_refs"] = [str(ref) for ref in content.get("assessment_refs", [])]
    return {
        "form_class": OptionsNoteForm,
        "formset_class": OptionFormSet,
        "prefix": "options",
        "items": content.get("options", []),
        "initial": initial,
        "form_kwargs": {"assessments": list(assessment_list(user=request.user).filter(cases=the_case))},
        "items_heading": _("Options"),
        "item_label": _("Option"),
    }


def options_content_from(form, formset) -> dict:
    data = _fields(form)
    data["assessment_refs"] = [int(ref) for ref in data.get("assessment_refs", [])]
    data["options"] = _entries(formset)
    return data


def strategic_editor(request, *, note=None, case=None) -> dict:
    content = note.content if note else {}
    return {
        "form_class": StrategicNoteForm,
        "formset_class": StrategicMeasureFormSet,
        "prefix": "measures",
        "items": content.get("measures", []),
        "initial": {k: v for k, v in content.items() if k != "measures"},
        "form_kwargs": {},
        "items_heading": _("Measures, in parallel or in sequence"),
        "item_label": _("Measure"),
    }


def strategic_content_from(form, formset) -> dict:
    return {**_fields(form), "measures": _entries(formset)}


def strategic_page_extra(request, note) -> dict:
    """Step 8 feeds the strategy: the evaluations recorded on measures concerning the actor."""
    from .selectors import evaluation_list

    return {"evaluations": list(evaluation_list(user=request.user).filter(measure__actor=note.actor_id, evaluated_at__isnull=False))}


OPTIONS = drafting.register(
    drafting.DraftKind(
        name="options",
        label=_("Options note"),
        model=OptionsNote,
        version_model=OptionsNoteVersion,
        comment_model=OptionsNoteComment,
        log=services.note_log,
        sections=notes.options_sections,
        clean=services.options_content_clean,
        url_prefix="options-note",
        pdf_route="options-note-pdf",
        after=services.options_note_after,
        versions=services.options_note_versions,
        editor=options_editor,
        content_from=options_content_from,
        heading_template="measures/includes/options_heading.html",
    )
)

STRATEGIC = drafting.register(
    drafting.DraftKind(
        name="strategic",
        label=_("Strategic response note"),
        model=StrategicResponseNote,
        version_model=StrategicNoteVersion,
        comment_model=StrategicNoteComment,
        log=services.note_log,
        sections=notes.strategic_sections,
        clean=services.strategic_content_clean,
        url_prefix="strategic-note",
        pdf_route="strategic-response-note-pdf",
        prepare=services.strategic_note_prepare,
        editor=strategic_editor,
        content_from=strategic_content_from,
        page_extra=strategic_page_extra,
        extra_template="measures/includes/strategic_evaluations.html",
        heading_template="measures/includes/strategic_heading.html",
        transition_inputs={"approve": "decision"},
    )
)
