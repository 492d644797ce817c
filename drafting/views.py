"""Drafts in the browser: the page (sections with comments beside them,
lifecycle, versions), the editor (structured sections; entries added,
reordered, removed), the side-by-side comparison, and the page's actions.
One set of views for every kind of draft (:mod:`drafting.kinds`);
:func:`drafting.urls.draft_urls` mounts them for a kind."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cdt.core.forms import whole_number
from cdt.core.htmx import fragment, is_htmx
from cdt.security.selectors import protected_get, protected_queryset
from cdt.security.types import AnyUser, AuthenticatedHttpRequest
from cdt.workflow import transition_options, workflow_for
from cdt.workflow.engine import step_of
from cdt.workflow.http import form_errors_add, page_attempt
from council.models import Decision

from . import compare, confirm, services, slots
from .choices import EDITABLE
from .forms import CommentForm
from .kinds import DraftKind, kind_named
from .permissions import may_comment_note, may_draft_note


def draft_get(request: AuthenticatedHttpRequest, kind: str, note_id: int) -> Any:
    """A draft of ``kind`` the user may see, or 404."""
    return protected_get(kind_named(kind).model.objects.all(), request.user, request=request, pk=note_id)


def _urls(kind: DraftKind, note: Any) -> dict[str, str]:
    return {
        "page": kind.url(note),
        "edit": kind.url(note, "edit"),
        "compare": kind.url(note, "compare"),
        "pdf": kind.pdf_url(note),
        "comment": kind.act_url(note, "comment"),
        **{action: kind.act_url(note, action) for action in kind.actions},
    }


def _steps(kind: DraftKind, note: Any, user: AnyUser) -> list[dict[str, Any]]:
    """The steps ``user`` may take now, with the input each asks for (its
    declared ``needs``). A decision is required in the form when it is all
    the step asks for; with a date (a statement's publication) only some
    drafts need it, and the service says which."""
    return [
        {
            "name": option.spec.name,
            "label": option.spec.label,
            "needs": option.spec.needs,
            "decision_required": option.spec.needs == ("decision",),
            "url": kind.act_url(note, option.spec.name),
        }
        for option in transition_options(note, user)
        if option.available
    ]


def draft_page(
    request: AuthenticatedHttpRequest,
    kind_name: str,
    note: Any,
    *,
    comment_form: CommentForm | None = None,
    errors: list[str] | tuple[str, ...] = (),
    status: int = 200,
) -> HttpResponse:
    """The page of a draft (``note``: the draft, or its id)."""
    kind = kind_named(kind_name)
    if not isinstance(note, kind.model):
        note = draft_get(request, kind_name, note)
    comments = list(note.comments.select_related("author"))
    rows = [
        {"anchor": anchor, "heading": heading, "text": text, "comments": [c for c in comments if c.anchor == anchor]}
        for anchor, heading, text in kind.sections(note.content)
    ]
    context = {
        "note": note,
        "kind": kind_name,
        "draft_kind": kind,
        "page_name": f"{kind.page_name}-page",
        "rows": rows,
        "marking": note,
        "versions": services.note_versions(note),
        "transitions": (steps := _steps(kind, note, request.user)),
        "decisions": confirm.decision_choices(note, request.user) if any("decision" in step["needs"] for step in steps) else [],
        "errors": errors,
        "urls": _urls(kind, note),
        "may_edit": may_draft_note(note, request.user) and note.status in EDITABLE,
        "may_comment": may_comment_note(note, request.user),
        "comment_form": comment_form,
        "log": note.transitions.select_related("by"),
    }
    if kind.page_extra is not None:
        context.update(kind.page_extra(request, note))
    return render(request, "drafting/note_detail.html", context, status=status)


def _comments_fragment(
    request: AuthenticatedHttpRequest,
    kind: DraftKind,
    note: Any,
    anchor: str,
    *,
    errors: list[str] | tuple[str, ...] = (),
    text: str = "",
    status: int = 200,
) -> HttpResponse:
    """The comments beside one section, for htmx to swap in after a comment
    (without htmx the form posts and the page reloads). A refused comment
    answers the same fragment with the reason and the text as typed
    (``cdt.core.htmx``)."""
    note = type(note).objects.get(pk=note.pk)
    row = {"anchor": anchor, "comments": list(note.comments.filter(anchor=anchor).select_related("author"))}
    return fragment(
        request,
        "drafting/includes/comments.html",
        {
            "row": row,
            "urls": _urls(kind, note),
            "may_comment": may_comment_note(note, request.user),
            "comment_errors": list(errors),
            "comment_text": text,
        },
        status=status,
    )


def editor(
    request: AuthenticatedHttpRequest,
    kind_name: str,
    *,
    note: Any = None,
    case: Any = None,
    create: Callable[[Any, dict[str, Any]], Any] | None = None,
) -> HttpResponse:
    """The structured editor of any kind of draft. ``create(form, content)``
    makes the first version when there is no note yet."""
    kind = kind_named(kind_name)
    if note is not None and not may_draft_note(note, request.user):
        return HttpResponseForbidden("Only the EEAS edits the draft.")
    setup = kind.editor(request, note=note, case=case)
    form_class, formset_class, prefix = setup["form_class"], setup["formset_class"], setup["prefix"]
    initial = {"title": note.title if note else "", **setup["initial"]}
    # The version the editor started from travels with the form, so a save
    # over somebody else's newer version is refused (optimistic locking).
    base_version = note.version if note is not None else None
    if request.method == "POST" and formset_class and slots.slot_request(request.POST):
        # "Add" or "Remove" an entry: the form again, one entry more or fewer, nothing saved or judged.
        data = slots.slot_data(request.POST, prefix, formset_class.max_num)
        form = form_class(data, **setup["form_kwargs"])
        formset = formset_class(data, prefix=prefix)
        slots.quiet(form, formset)
        slots.focus_new_entry(formset, added=slots.ADD in request.POST)
        base_version = whole_number(request.POST.get("base_version", "")) if note is not None else None
        status = 200
    elif request.method == "POST":
        form = form_class(request.POST, **setup["form_kwargs"])
        formset = formset_class(request.POST, prefix=prefix) if formset_class else None
        status = 400
        if note is not None:
            base_version = whole_number(request.POST.get("base_version", ""))
            if base_version is None:
                form.add_error(None, _("The version you edited is missing: reload the draft."))
        if form.is_valid() and (formset is None or formset.is_valid()):
            content = kind.content_from(form, formset)

            def save() -> Any:
                if note is None:
                    assert create is not None, "a new draft needs its kind's create"
                    return create(form, content)
                return services.note_save(
                    by=request.user, note=note, title=form.cleaned_data["title"], content=content, base_version=base_version
                )

            attempt = page_attempt(save)
            if attempt.status == 403:
                return HttpResponseForbidden(attempt.errors[0])
            if not attempt.failed and attempt.result is not None:
                messages.success(request, f"Version {attempt.result.version} saved.")
                return redirect(kind.url(attempt.result))
            form_errors_add(form, attempt)
            status = attempt.status
    else:
        form = form_class(initial=initial, **setup["form_kwargs"])
        formset = formset_class(prefix=prefix, initial=setup["items"]) if formset_class else None
        status = 200
    return render(
        request,
        "drafting/note_edit.html",
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
            "add_label": setup.get("add_label") or _("Add an entry"),
            "remove_label": setup.get("remove_label") or _("Remove this entry"),
            "may_add": formset is not None and formset.total_form_count() < formset.max_num,
            "add_name": slots.ADD,
            "remove_name": slots.REMOVE,
        },
        status=status,
    )


def compare_page(request: AuthenticatedHttpRequest, kind_name: str, note_id: int) -> HttpResponse:
    kind = kind_named(kind_name)
    note = draft_get(request, kind_name, note_id)
    context = {"note": note, "kind": kind_name, "marking": note, "page_url": kind.url(note)}
    versions = {version.number: version for version in services.note_versions(note)}
    try:
        old = versions[int(request.GET.get("from", min(versions)))]
        new = versions[int(request.GET.get("to", max(versions)))]
    except (KeyError, ValueError):
        return render(request, "drafting/note_compare.html", {**context, "error": True, "versions": list(versions.values())}, status=400)
    return render(
        request,
        "drafting/note_compare.html",
        {**context, "old": old, "new": new, "versions": list(versions.values()), "rows": compare.compare(old.content, new.content, kind)},
    )


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({"on": "Give the date as YYYY-MM-DD."})
    return parsed


def _step_input(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What a step's form posts: a decision (an id among those the user may
    see) and a date."""
    decision = None
    if request.POST.get("decision"):
        raw = request.POST["decision"].strip()
        if (decision_id := whole_number(raw)) is not None:
            decision = protected_queryset(Decision.objects.all(), request.user).filter(pk=decision_id).first()
        if decision is None:  # not an id, or not one the user may see: a form error, not a 404
            raise ValidationError({"decision": _("No such decision.")})
    return {"decision": decision, "on": _date(request.POST.get("on"))}


def act(request: AuthenticatedHttpRequest, kind_name: str, note_id: int, action: str) -> HttpResponse:
    """A comment, one of the kind's own actions (revise an options note,
    record an alignment with a statement) or a lifecycle step, from the
    page's forms; then the page again (or, on an error, with it). A GET of
    a lifecycle step is its confirmation page (:mod:`drafting.confirm`);
    a posted ``version`` other than the current one is refused (409)."""
    kind = kind_named(kind_name)
    note = draft_get(request, kind_name, note_id)
    if request.method == "GET":
        if action == "comment" or action in kind.actions:
            return HttpResponseNotAllowed(["POST"])
        return confirm.confirm_page(
            request, kind, note, action, refused=lambda errors, status: draft_page(request, kind_name, note, errors=errors, status=status)
        )
    if action == "comment":
        form = CommentForm(request.POST)
        # Over htmx a refusal answers the one section's comments with the
        # reason; a section that does not exist has no place to show it.
        in_place = is_htmx(request) and request.POST.get("anchor", "") in kind.anchors(note.content)
        if not form.is_valid():
            if in_place:
                return _comments_fragment(request, kind, note, request.POST["anchor"], errors=[_("Write the comment.")], status=400)
            return draft_page(request, kind_name, note, comment_form=form, errors=[_("Write the comment.")], status=400)
        attempt = page_attempt(lambda: services.note_comment(by=request.user, note=note, **form.cleaned_data))
        if in_place:
            return _comments_fragment(
                request,
                kind,
                note,
                form.cleaned_data["anchor"],
                errors=attempt.errors,
                text=form.cleaned_data["text"] if attempt.failed else "",
                status=attempt.status,
            )
    elif action in kind.actions:
        attempt = page_attempt(lambda: kind.actions[action](request, note))
    else:
        try:
            step_of(workflow_for(note), action)
        except ValueError:
            raise Http404 from None
        confirmed = whole_number(request.POST.get("version", "")) if "version" in request.POST else None
        if "version" in request.POST and confirmed != note.version:
            # Confirmed on a version since replaced: what the confirmation said is no longer what would happen.
            stale = _("The draft changed since you confirmed (now version %(version)s): check it and confirm again.") % {
                "version": note.version
            }
            return draft_page(request, kind_name, note, errors=[stale], status=409)
        attempt = page_attempt(lambda: services.note_transition(by=request.user, note=note, transition=action, **_step_input(request)))
    if attempt.failed:
        return draft_page(request, kind_name, note, errors=attempt.errors, status=attempt.status)
    return redirect(kind.url(attempt.result if action in kind.actions else note))
