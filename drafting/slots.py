"""Adding and removing entries (options, measures) in the editor without
saving: a drafter who wants a third option should not have to save a
version with two first. The editor's "Add" and "Remove" buttons are plain
submit buttons (they work without script); the posted form comes back with
one more blank entry, or one fewer, and nothing is validated or saved."""

from __future__ import annotations

from typing import Any

from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict

from cdt.core.forms import whole_number

#: The submit buttons' names: ``add_entry`` adds a blank entry, ``remove_entry=<index>`` removes one.
ADD = "add_entry"
REMOVE = "remove_entry"


def slot_request(post: QueryDict) -> bool:
    """Whether the editor's form was posted by "Add" or "Remove" rather than "Save"."""
    return ADD in post or REMOVE in post


def _count(data: QueryDict, key: str) -> int:
    return whole_number(data.get(key, "")) or 0


def slot_data(post: QueryDict, prefix: str, max_num: int) -> QueryDict:
    """The posted data with one more blank entry (never beyond ``max_num``),
    or without the entry at ``remove_entry`` (the later ones move up)."""
    total_key, initial_key = f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"
    total, initial = _count(post, total_key), _count(post, initial_key)
    data = QueryDict(mutable=True)
    removed = whole_number(post.get(REMOVE, "")) if REMOVE in post else None
    if removed is not None and removed >= total:
        removed = None
    marker = f"{prefix}-"
    for key, values in post.lists():
        if key in (ADD, REMOVE):
            continue
        if key.startswith(marker) and key not in (total_key, initial_key):
            index_text, _sep, name = key[len(marker) :].partition("-")
            index = whole_number(index_text)
            if index is not None and name:
                if index == removed or index >= total:
                    continue
                if removed is not None and index > removed:
                    key = f"{marker}{index - 1}-{name}"
        data.setlist(key, values)
    if removed is not None:
        total -= 1
        if removed < initial:
            initial -= 1
    elif ADD in post:
        total = min(total + 1, max_num)
    data[total_key] = str(max(total, 1))  # always one entry to fill in
    data[initial_key] = str(min(initial, total))
    return data


def quiet(form: Any, formset: Any) -> None:
    """Show the posted values without judging them: the drafter has not
    asked to save yet, so no field is marked wrong."""
    form._errors = ErrorDict()
    formset._errors = [ErrorDict() for _entry in formset.forms]
    formset._non_form_errors = ErrorList()
    for entry in formset.forms:
        entry._errors = ErrorDict()


def focus_new_entry(formset: Any, added: bool) -> None:
    """Put the cursor in the entry just added (keyboard and screen-reader
    users land where they asked to write)."""
    if added and formset.forms:
        entry = formset.forms[-1]
        first = next(iter(entry.fields.values()), None)
        if first is not None:
            first.widget.attrs["autofocus"] = True
