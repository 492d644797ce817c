"""One way to draw a form field with the Europa Component Library's markup,
whatever form it comes from (a CDT form, a list's filter form, Django's own).

``templates/includes/field.html`` asks :func:`ecl_field` how to draw a bound
field and :func:`error_summary` lists, at the top of every page, the fields
whose input was refused. Every widget gets ECL's class here, at render time,
so a form that never went through :class:`cdt.core.forms.EclFormMixin` (a
django-filter form) is drawn the same way.

ECL's checkbox and radio inputs are visually hidden: the visible box is a
``<span>`` inside the input's ``<label>``, so the input must never be drawn
without that label (it then showed no box, and its click area covered the
fields below). A several-choice ``<select multiple>`` (two rows high in ECL's
style, and Ctrl-click to pick a second item) is drawn as a group of
checkboxes instead: it posts the same ``name=value`` pairs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import format_html

register = template.Library()

#: Past this many choices a group of checkboxes or radios is laid out in
#: columns, and past the second number it scrolls inside a box of its own.
COLUMNS_FROM = 8
SCROLL_FROM = 30


@dataclass
class EclField:
    """What ``includes/field.html`` needs to draw one field."""

    kind: str  # "checkbox", "choices", "radios", "select", "textarea" or "input"
    control: str = ""
    options: list[BoundWidget] = dataclass_field(default_factory=list)
    help_id: str = ""
    error_id: str = ""
    first_id: str = ""
    layout: str = ""


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.SelectMultiple):
        return "choices"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


CLASSES = {
    "checkbox": "ecl-checkbox__input",
    "choices": "ecl-checkbox__input",
    "radios": "ecl-radio__input",
    "select": "ecl-select",
    "textarea": "ecl-text-area ecl-text-area--l",
    "input": "ecl-text-input ecl-text-input--l",
}


def _aria(bound: BoundField, help_id: str, error_id: str) -> dict[str, str]:
    attrs = {}
    described = " ".join(part for part in (error_id, help_id) if part)
    if described:
        attrs["aria-describedby"] = described
    if bound.errors:
        attrs["aria-invalid"] = "true"
    return attrs


@register.simple_tag
def ecl_field(bound: BoundField) -> EclField:
    widget = bound.field.widget
    kind = "input" if widget.is_hidden else _kind(widget)
    auto_id = bound.auto_id or f"id_{bound.html_name}"
    help_id = f"{auto_id}_helptext" if bound.help_text else ""
    error_id = f"{auto_id}_error" if bound.errors else ""
    css = CLASSES[kind]
    # A form's own classes stay; ECL's are decided here (EclFormMixin's would repeat or contradict them).
    own = [
        name for name in widget.attrs.get("class", "").split() if not name.startswith("ecl-") and name not in ("cdt-check", "cdt-choices")
    ]
    extra = {"class": " ".join([css, *own]) if kind in ("select", "textarea", "input") else css}
    drawn = EclField(kind=kind, help_id=help_id, error_id=error_id, first_id=auto_id)
    if kind in ("choices", "radios"):
        # A group is described on its fieldset; its options carry only their class.
        kept = {key: value for key, value in widget.attrs.items() if key not in ("class", "id", "aria-describedby", "aria-invalid")}
        if isinstance(widget, forms.RadioSelect):
            group = copy.copy(widget)
            group.attrs = kept
        else:  # a <select multiple>: the same choices as checkboxes
            group = forms.CheckboxSelectMultiple(attrs=kept, choices=widget.choices)
        attrs: dict[str, Any] = {"class": css, "id": auto_id}
        if bound.errors:
            attrs["aria-invalid"] = "true"
        if bound.field.required and kind == "radios":
            attrs["required"] = True
        value = bound.value()
        data = group.subwidgets(bound.html_name, group.format_value(value), attrs)
        drawn.options = [BoundWidget(group, option, bound.form.renderer) for option in data]
        if drawn.options:
            drawn.first_id = drawn.options[0].id_for_label
        count = len(drawn.options)
        drawn.layout = "scroll" if count >= SCROLL_FROM else "columns" if count >= COLUMNS_FROM else ""
        return drawn
    if kind == "input" and getattr(widget, "input_type", "") in ("date", "time", "datetime-local", "number"):
        extra["class"] = extra["class"].replace("ecl-text-input--l", "ecl-text-input--s")
    if bound.errors and kind in ("textarea", "input"):
        extra["class"] += " ecl-text-area--invalid" if kind == "textarea" else " ecl-text-input--invalid"
    extra.update(_aria(bound, help_id, error_id))
    drawn.control = bound.as_widget(attrs=extra)
    return drawn


def _target(bound: BoundField) -> str:
    """The id a link to ``bound`` jumps to: the control, or a group's first box."""
    if bound.is_hidden:
        return ""
    auto_id = bound.auto_id or f"id_{bound.html_name}"
    if _kind(bound.field.widget) in ("choices", "radios"):
        return f"{auto_id}_0"
    return auto_id


@dataclass
class Problem:
    label: str
    message: str
    target: str = ""


def _forms_in(value: Any) -> list[forms.BaseForm]:
    if isinstance(value, forms.BaseForm):
        return [value]
    if isinstance(value, forms.BaseFormSet):
        return list(value.forms)
    return []


@register.simple_tag(takes_context=True)
def error_summary(context: template.Context) -> list[Problem]:
    """Every refused input of the forms the page shows, in their order:
    the field's label, the reason and the id to jump to (the field, or the
    first box of a group). Forms are found among the page's context
    variables, so a form page needs nothing of its own to get the summary.
    A form whose fragment shows its own summary in place (a panel htmx
    swaps in) says so with ``error_summary_in_place = True`` on its class,
    and is left out here so that the page does not list it twice."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        if isinstance(value, forms.BaseFormSet) and value.is_bound and id(value) not in seen:
            seen.add(id(value))  # a formset's own errors (too many entries, none at all): before its forms'
            problems += [Problem(label="", message=str(message)) for message in value.non_form_errors()]
        for form in _forms_in(value):
            # Only a form the view has already checked: the summary never
            # runs a form's validation itself.
            if id(form) in seen or not form.is_bound or form._errors is None or getattr(form, "error_summary_in_place", False):
                continue
            seen.add(id(form))
            problems += [Problem(label="", message=str(message)) for message in form.non_field_errors()]
            for bound in form:
                problems += [Problem(label=str(bound.label), message=str(message), target=_target(bound)) for message in bound.errors]
    return problems


@register.simple_tag
def ecl_icon(sprite: str, name: str, size: str = "s", extra: str = "") -> str:
    """An ECL icon from its sprite (a file of our origin: the CSP allows it)."""
    return format_html(
        '<svg class="ecl-icon ecl-icon--{} {}" focusable="false" aria-hidden="true"><use href="{}#{}"></use></svg>',
        size,
        extra,
        sprite,
        name,
    )
