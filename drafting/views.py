"""The notes in the browser: the page (sections with comments beside them,
lifecycle, versions), the editor (structured sections; options added,
reordered, removed), the side-by-side comparison. One set of views for
every kind of draft (``drafting``): the attribution app's statements use
them too."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.models import Case
from cdt.core.access import DETAIL, OBJECT, declare_access
from cdt.core.forms import whole_number
from cdt.security.selectors import protected_get, protected_queryset, visible_or_none
from cdt.workflow import TransitionConflict

from . import drafting, notes, permissions, services
from .forms import CommentForm
from .models import NoteStatus, OptionsNote, StrategicResponseNote


def _date(value: str | None):
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({"on": "Give the date as YYYY-MM-DD."})
    return parsed


def draft_get(request, kind: str, note_id: int):
    """A draft of ``kind`` the user may see, or 404."""
    return protected_get(drafting.kind_named(kind).model.objects.all(), request.user, request=request, pk=note_id)


def _urls(kind: drafting.DraftKind, note) -> dict:
    return {
        "page": reverse(f"{kind.url_prefix}-page", args=[note.pk]),
        "edit": reverse(f"{kind.url_prefix}-edit-page", args=[note.pk]),
        "compare": reverse(f"{kind.url_prefix}-compare-page", args=[note.pk]),
        "pdf": reverse(kind.pdf_route, args=[note.pk]),
        "comment": reverse(f"{kind.url_prefix}-act-page", args=[note.pk, "comment"]),
        "revise": reverse(f"{kind.url_prefix}-act-page", args=[note.pk, "revise"]),
    }


def _page(request, kind_name, note, *, comment_form=None, errors=(), status=200):
    kind = drafting.kind_named(kind_name)
    comments = list(note.comments.select_related("author"))
    rows = [
        {"anchor": anchor, "heading": heading, "text": text, "comments": [c for c in comments if c.anchor == anchor]}
        for anchor, heading, text in kind.sections(note.content)
    ]
    model = kind.model
    names = [
        spec.name
        for spec in model._meta.get_field("status").get_all_transitions(model)
        if spec.source == note.status and spec.name != "supersede" and spec.has_perm(note, request.user)
    ]
    transitions = [
        {
            "name": name,
            "label": _transition_label(model, name),
            "input": kind.transition_inputs.get(name, ""),
            "url": reverse(f"{kind.url_prefix}-act-page", args=[note.pk, name]),
        }
        for name in dict.fromkeys(names)
    ]
    context = {
        "note": note,
        "kind": kind_name,
        "draft_kind": kind,
        "rows": rows,
        "marking": note,
        "versions": services.note_versions(note),
        "transitions": transitions,
        "errors": errors,
        "urls": _urls(kind, note),
        "may_edit": permissions.may_draft_note(note, request.user) and note.status in (NoteStatus.DRAFT, NoteStatus.CIRCULATED),
        "may_revise": kind_name == "options"
        and permissions.may_draft_note(note, request.user)
        and note.status == NoteStatus.SUBMITTED
        and not hasattr(note, "superseded_by"),
        "may_comment": permissions.may_comment_note(note, request.user),
        "comment_form": comment_form,
        "log": note.transitions.select_related("by"),
        # The versions before and after, each with its own classification (decision record 0023).
        "revises": visible_or_none(request.user, note.supersedes, within=note.case) if kind_name == "options" else None,
        "revised_by": visible_or_none(request.user, getattr(note, "superseded_by", None), within=note.case)
        if kind_name == "options"
        else None,
    }
    if kind.page_extra is not None:
        context.update(kind.page_extra(request, note))
    return render(request, "measures/note_detail.html", context, status=status)


def _comments_fragment(request, kind_name, note, anchor):
    """The comments beside one section, for htmx to swap in after a comment
    (without htmx the form posts and the page reloads)."""
    kind = drafting.kind_named(kind_name)
    note = type(note).objects.get(pk=note.pk)
    rows = [{"anchor": anchor, "comments": list(note.comments.filter(anchor=anchor).select_related("author"))}]
    return render(
        request,
        "measures/includes/comments.html",
        {"row": rows[0], "urls": _urls(kind, note), "may_comment": permissions.may_comment_note(note, request.user)},
    )


def draft_page(request, kind: str, note_id: int, *, errors=(), status=200):
    return _page(request, kind, draft_get(request, kind, note_id), errors=errors, status=status)


def _transition_label(model, name: str) -> str:
    method = getattr(model, name)
    meta = getattr(method, "_django_fsm", None)
    for spec in meta.transitions.values() if meta else []:
        if spec.custom.get("label"):
            return spec.custom["label"]
    return name


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id")
def options_note_detail(request, note_id: int):
    return _page(request, "options", draft_get(request, "options", note_id))


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id")
def strategic_note_detail(request, note_id: int):
    return _page(request, "strategic", draft_get(request, "strategic", note_id))


def editor(request, kind_name, *, note=None, case=None, create=None):
    """The structured editor of any kind of draft. ``create(form, content)``
    makes the first version when there is no note yet."""
    kind = drafting.kind_named(kind_name)
    if note is not None and not permissions.may_draft_note(note, request.user):
        return HttpResponseForbidden("Only the EEAS edits the draft.")
    setup = kind.editor(request, note=note, case=case)
    form_class, formset_class, prefix = setup["form_class"], setup["formset_class"], setup["prefix"]
    initial = {"title": note.title if note else "", **setup["initial"]}
    # The version the editor started from travels with the form, so a save
    # over somebody else's newer version is refused (optimistic locking).
    base_version = note.version if note is not None else None
    if request.method == "POST":
        form = form_class(request.POST, **setup["form_kwargs"])
        formset = formset_class(request.POST, prefix=prefix) if formset_class else None
        status = 400
        posted_base = request.POST.get("base_version", "")
        if note is not None:
            base_version = whole_number(posted_base)
            if base_version is None:
                form.add_error(None, _("The version you edited is missing: reload the draft."))
        if form.is_valid() and (formset is None or formset.is_valid()):
            content = kind.content_from(form, formset)
            try:
                if note is None:
                    note = create(form, content)
                else:
                    note = services.note_save(
                        by=request.user, note=note, title=form.cleaned_data["title"], content=content, base_version=base_version
                    )
            except PermissionDenied as error:
                return HttpResponseForbidden(str(error))
            except services.VersionConflict as error:
                form.add_error(None, str(error))
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"Version {note.version} saved.")
                return redirect(f"{kind.url_prefix}-page", note.pk)
    else:
        form = form_class(initial=initial, **setup["form_kwargs"])
        formset = formset_class(prefix=prefix, initial=setup["items"]) if formset_class else None
        status = 200
    return render(
        request,
        "measures/note_edit.html",
        {
            "form": form,
            "formset": formset,
            "kind": kind_name,
            "draft_kind": kind,
            "note": note,
            "case": case,
            "marking": note or case,
            "base_version": base_version,
            "items_heading": setup.get("items_heading", ""),
            "item_label": setup.get("item_label", ""),
        },
        status=status,
    )


# Editors are probed by POST in the permission matrix: a reader who may not draft gets 403, not the form.
@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def options_note_new(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    if not permissions.may_draft_note(None, request.user):
        return HttpResponseForbidden("The EEAS drafts options notes.")
    return editor(
        request,
        "options",
        case=case,
        create=lambda form, content: services.options_note_create(
            by=request.user, case=case, title=form.cleaned_data["title"], content=content
        ),
    )


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id", methods=("post",))
def options_note_edit(request, note_id: int):
    return editor(request, "options", note=draft_get(request, "options", note_id))


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id", methods=("post",))
def strategic_note_edit(request, note_id: int):
    return editor(request, "strategic", note=draft_get(request, "strategic", note_id))


def compare_page(request, kind, note_id):
    note = draft_get(request, kind, note_id)
    context = {
        "note": note,
        "kind": kind,
        "marking": note,
        "page_url": reverse(f"{drafting.kind_named(kind).url_prefix}-page", args=[note.pk]),
    }
    versions = {version.number: version for version in services.note_versions(note)}
    try:
        old = versions[int(request.GET.get("from", min(versions)))]
        new = versions[int(request.GET.get("to", max(versions)))]
    except (KeyError, ValueError):
        return render(request, "measures/note_compare.html", {**context, "error": True, "versions": list(versions.values())}, status=400)
    return render(
        request,
        "measures/note_compare.html",
        {
            **context,
            "old": old,
            "new": new,
            "versions": list(versions.values()),
            "rows": notes.compare(old.content, new.content, kind),
        },
    )


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id")
def options_note_compare(request, note_id: int):
    return compare_page(request, "options", note_id)


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id")
def strategic_note_compare(request, note_id: int):
    return compare_page(request, "strategic", note_id)


def act(request, kind, note_id, action):
    """A comment, a revision (options notes) or a lifecycle step, from the page's forms."""
    note = draft_get(request, kind, note_id)
    try:
        if action == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _page(request, kind, note, comment_form=form, errors=["Write the comment."], status=400)
            services.note_comment(by=request.user, note=note, **form.cleaned_data)
            if request.headers.get("HX-Request"):
                return _comments_fragment(request, kind, note, form.cleaned_data["anchor"])
        elif action == "revise":
            if kind != "options":
                raise Http404
            note = services.options_note_revise(by=request.user, note=note)
        else:
            decision = None
            if request.POST.get("decision"):
                from council.models import Decision

                raw = request.POST["decision"].strip()
                if (decision_id := whole_number(raw)) is not None:
                    decision = protected_queryset(Decision.objects.all(), request.user).filter(pk=decision_id).first()
                if decision is None:  # not an id, or not one the user may see: a form error, not a 404
                    raise ValidationError({"decision": _("No such decision.")})
            on = _date(request.POST.get("on"))
            note = services.note_transition(by=request.user, note=note, transition=action, decision=decision, on=on)
    except PermissionDenied as error:
        return _page(request, kind, note, errors=[str(error)], status=403)
    except TransitionConflict as error:
        return _page(request, kind, note, errors=[str(error)], status=409)
    except ValidationError as error:
        return _page(request, kind, note, errors=error.messages, status=400)
    except ValueError:
        raise Http404 from None
    return redirect(f"{drafting.kind_named(kind).url_prefix}-page", note.pk)


@declare_access(OBJECT, model=OptionsNote, kind=DETAIL, lookup="note_id", methods=("post",))
@require_POST
def options_note_act(request, note_id: int, action: str):
    return act(request, "options", note_id, action)


@declare_access(OBJECT, model=StrategicResponseNote, kind=DETAIL, lookup="note_id", methods=("post",))
@require_POST
def strategic_note_act(request, note_id: int, action: str):
    return act(request, "strategic", note_id, action)
