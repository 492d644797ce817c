"""The two notes of the measures app as kinds of draft (``drafting``):
options notes (step 3, on one case) and strategic response notes (para 15,
on one persistent actor), each saying only what differs from any draft.
Registered in ``MeasuresConfig.ready``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awareness.selectors import assessment_list
from cdt.security.access import can_view_child
from cdt.security.selectors import visible_or_none
from cdt.workflow import transition_run
from drafting import kinds
from drafting.choices import NoteStatus
from drafting.permissions import may_draft_note

from . import notes, services
from .forms import OptionFormSet, OptionsNoteForm, StrategicMeasureFormSet, StrategicNoteForm
from .models import OptionsNote, OptionsNoteVersion, StrategicResponseNote
from .selectors import evaluation_list


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
        "add_label": _("Add an option"),
        "remove_label": _("Remove this option"),
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
        "add_label": _("Add a measure"),
        "remove_label": _("Remove this measure"),
    }


def strategic_content_from(form, formset) -> dict:
    return {**_fields(form), "measures": _entries(formset)}


def strategic_page_extra(request, note) -> dict:
    """Step 8 feeds the strategy: the evaluations recorded on measures concerning the actor."""
    return {
        "evaluations": list(evaluation_list(user=request.user).filter(measure__actors=note.actor_id, evaluated_at__isnull=False).distinct())
    }


def options_page_extra(request, note) -> dict:
    """The versions before and after, each with its own classification
    (decision record 0023), and whether the note may be revised."""
    return {
        "may_revise": may_draft_note(note, request.user) and note.status == NoteStatus.SUBMITTED and not hasattr(note, "superseded_by"),
        "revises": visible_or_none(request.user, note.supersedes, within=note.case),
        "revised_by": visible_or_none(request.user, getattr(note, "superseded_by", None), within=note.case),
    }


def options_note_versions(note: OptionsNote) -> list:
    """An options note's versions and those of the notes it revises."""
    chain, current = [], note
    while current is not None:
        chain.append(current.pk)
        current = current.supersedes
    return list(OptionsNoteVersion.objects.filter(note_id__in=chain).select_related("saved_by").order_by("number"))


def options_note_after(note, step, by) -> None:
    """Submitting a revision supersedes the note it revises (a step of the
    system's, logged and audited as every step)."""
    if step.name != "submit" or not note.supersedes_id:
        return
    older = OptionsNote.objects.get(pk=note.supersedes_id)
    if older.status == NoteStatus.SUBMITTED:
        transition_run(obj=older, transition="supersede", by=by, system=True)


def strategic_note_input(note, step, by, given) -> dict:
    """Approval needs an adopted Council decision on a case about the actor."""
    if step.name != "approve":
        return {}
    decision = given.get("decision")
    if (
        decision is None
        or not decision.adopted
        or not can_view_child(by, decision)
        or not decision.case.suspected_actors.filter(pk=note.actor_id).exists()
    ):
        raise ValidationError(
            {"decision": gettext("Name an adopted Council decision on a case about %(actor)s.") % {"actor": note.actor.name}}
        )
    return {"decision": decision}


OPTIONS = kinds.register(
    kinds.DraftKind(
        name="options",
        label=_("Options note"),
        model=OptionsNote,
        sections=notes.options_sections,
        clean=notes.options_content_clean,
        editor=options_editor,
        content_from=options_content_from,
        after=options_note_after,
        versions=options_note_versions,
        page_extra=options_page_extra,
        actions={"revise": lambda request, note: services.options_note_revise(by=request.user, note=note)},
    )
)

STRATEGIC = kinds.register(
    kinds.DraftKind(
        name="strategic",
        label=_("Strategic response note"),
        model=StrategicResponseNote,
        sections=notes.strategic_sections,
        clean=notes.strategic_content_clean,
        editor=strategic_editor,
        content_from=strategic_content_from,
        url_name="strategic-note",
        transition_input=strategic_note_input,
        page_extra=strategic_page_extra,
        subject=lambda note: note.actor.name,
    )
)
