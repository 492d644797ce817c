"""The notes in the browser: the page (sections with comments beside them,
lifecycle, versions), the editor (structured sections; options added,
reordered, removed), the side-by-side comparison. One set of views for both
notes, told apart by ``kind``."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from awareness.selectors import assessment_list
from cases import selectors as case_selectors
from cases.models import Case
from cases.services import TransitionConflict
from cdt.core.access import DETAIL, OBJECT, declare_access
from cdt.security.selectors import protected_get, protected_queryset

from . import notes, permissions, services
from .selectors import evaluation_list
from .forms import CommentForm, OptionFormSet, OptionsNoteForm, StrategicMeasureFormSet, StrategicNoteForm
from .models import NoteStatus, OptionsNote, StrategicResponseNote

MODELS = {"options": OptionsNote, "strategic": StrategicResponseNote}


def _note(request, kind: str, note_id: int):
    if kind not in MODELS:
        raise Http404
    return protected_get(MODELS[kind].objects.all(), request.user, request=request, pk=note_id)


def _page(request, kind, note, *, comment_form=None, errors=(), status=200):
    comments = list(note.comments.select_related("author"))
    rows = [{"anchor": anchor, "heading": heading, "text": text, "comments": [c for c in comments if c.anchor == anchor]}
            for anchor, heading, text in notes.sections(note.content, kind)]
    model = MODELS[kind]
    options = [spec.name for spec in model._meta.get_field("status").get_all_transitions(model)
               if spec.source == note.status and spec.name != "supersede" and spec.has_perm(note, request.user)]
    return render(request, "measures/note_detail.html", {
        "note": note, "kind": kind, "rows": rows, "marking": note, "versions": services.note_versions(note),
        "transitions": list(dict.fromkeys(options)), "errors": errors,
        "may_edit": permissions.may_draft_note(note, request.user) and note.status in (NoteStatus.DRAFT, NoteStatus.CIRCULATED),
        "may_revise": kind == "options" and permissions.may_draft_note(note, request.user) and note.status == NoteStatus.SUBMITTED
        and not hasattr(note, "superseded_by"),
        "may_comment": permissions.may_comment_note(note, request.user), "comment_form": comment_form,
        "log": note.transitions.select_related("by"),
        # Step 8 feeds the strategy: the evaluations recorded on measures concerning the actor.
        "evaluations": list(evaluation_list(user=request.user).filter(measure__actor=note.actor_id, evaluated_at__isnull=False))
        if kind == "strategic" else [],
    }, status=status)


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id")
def options_note_detail(request, note_id: int):
    return _page(request, "options", _note(request, "options", note_id))


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id")
def strategic_note_detail(request, note_id: int):
    return _page(request, "strategic", _note(request, "strategic", note_id))


def _content_from(kind, form, formset) -> dict:
    ordered = [f.cleaned_data for f in formset.ordered_forms if f.cleaned_data and not f.cleaned_data.get("DELETE")] \
        if formset.can_order else []
    listed = ordered or [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    entries = []
    for data in listed:
        entry = {key: value for key, value in data.items() if key not in ("ORDER", "DELETE")}
        entry["measure_type"] = entry["measure_type"].slug
        entries.append(entry)
    data = {key: value for key, value in form.cleaned_data.items() if key != "title"}
    if kind == "options":
        data["assessment_refs"] = [int(ref) for ref in data.get("assessment_refs", [])]
        data["options"] = entries
    else:
        data["measures"] = entries
    return data


def _editor(request, kind, *, note=None, case=None):
    if note is not None and not permissions.may_draft_note(note, request.user):
        return HttpResponseForbidden("Only the EEAS edits the note.")
    if kind == "options":
        the_case = case or note.case
        assessments = list(assessment_list(user=request.user).filter(cases=the_case))
        form_class, formset_class, prefix, items_key = OptionsNoteForm, OptionFormSet, "options", "options"
        extra = {"assessments": assessments}
    else:
        form_class, formset_class, prefix, items_key = StrategicNoteForm, StrategicMeasureFormSet, "measures", "measures"
        extra = {}
    content = note.content if note else {}
    initial = {"title": note.title if note else "", **{k: v for k, v in content.items() if k not in ("options", "measures")}}
    if kind == "options":
        initial["assessment_refs"] = [str(ref) for ref in content.get("assessment_refs", [])]
    if request.method == "POST":
        form, formset = form_class(request.POST, **extra), formset_class(request.POST, prefix=prefix)
        if form.is_valid() and formset.is_valid():
            content = _content_from(kind, form, formset)
            try:
                if note is None:
                    note = services.options_note_create(by=request.user, case=case, title=form.cleaned_data["title"], content=content)
                else:
                    note = services.note_save(by=request.user, note=note, title=form.cleaned_data["title"], content=content)
            except PermissionDenied as error:
                return HttpResponseForbidden(str(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"Version {note.version} saved.")
                return redirect(f"{kind}-note-page", note_id=note.pk)
        status = 400
    else:
        form = form_class(initial=initial, **extra)
        formset = formset_class(prefix=prefix, initial=content.get(items_key, []))
        status = 200
    return render(request, "measures/note_edit.html", {
        "form": form, "formset": formset, "kind": kind, "note": note, "case": case, "marking": note or case,
    }, status=status)


# Editors are probed by POST in the permission matrix: a reader who may not draft gets 403, not the form.
@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def options_note_new(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    if not permissions.may_draft_note(None, request.user):
        return HttpResponseForbidden("The EEAS drafts options notes.")
    return _editor(request, "options", case=case)


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id", methods=("post",))
def options_note_edit(request, note_id: int):
    return _editor(request, "options", note=_note(request, "options", note_id))


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id", methods=("post",))
def strategic_note_edit(request, note_id: int):
    return _editor(request, "strategic", note=_note(request, "strategic", note_id))


def _compare(request, kind, note_id):
    note = _note(request, kind, note_id)
    versions = {version.number: version for version in services.note_versions(note)}
    try:
        old = versions[int(request.GET.get("from", min(versions)))]
        new = versions[int(request.GET.get("to", max(versions)))]
    except (KeyError, ValueError):
        return render(request, "measures/note_compare.html", {"note": note, "kind": kind, "marking": note, "error": True,
                                                               "versions": list(versions.values())}, status=400)
    return render(request, "measures/note_compare.html", {
        "note": note, "kind": kind, "marking": note, "old": old, "new": new, "versions": list(versions.values()),
        "rows": notes.compare(old.content, new.content, kind),
    })


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id")
def options_note_compare(request, note_id: int):
    return _compare(request, "options", note_id)


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id")
def strategic_note_compare(request, note_id: int):
    return _compare(request, "strategic", note_id)


def _act(request, kind, note_id, action):
    note = _note(request, kind, note_id)
    try:
        if action == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _page(request, kind, note, comment_form=form, errors=["Write the comment."], status=400)
            services.note_comment(by=request.user, note=note, **form.cleaned_data)
        elif action == "revise":
            note = services.options_note_revise(by=request.user, note=note)
        else:
            decision = None
            if request.POST.get("decision"):
                from council.models import Decision

                decision = protected_queryset(Decision.objects.all(), request.user).filter(pk=request.POST["decision"]).first()
            note = services.note_transition(by=request.user, note=note, transition=action, decision=decision)
    except PermissionDenied as error:
        return _page(request, kind, note, errors=[str(error)], status=403)
    except TransitionConflict as error:
        return _page(request, kind, note, errors=[str(error)], status=409)
    except ValidationError as error:
        return _page(request, kind, note, errors=error.messages, status=400)
    except ValueError:
        raise Http404
    return redirect(f"{kind}-note-page", note_id=note.pk)


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id", methods=("post",))
@require_POST
def options_note_act(request, note_id: int, action: str):
    return _act(request, "options", note_id, action)


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id", methods=("post",))
@require_POST
def strategic_note_act(request, note_id: int, action: str):
    return _act(request, "strategic", note_id, action)
