"""The one way to show a deadline: the date and time in the user's
language, and how long is left (or how long ago it passed) in words, so
urgency is never told by colour alone."""

from django import template
from django.utils import timezone

from cdt.core import labels

register = template.Library()


@register.inclusion_tag("includes/deadline.html")
def deadline(due, done=None):
    return {"due": due, "done": done, "overdue": done is None and due is not None and due < timezone.now()}


@register.filter
def label_of(value, field):
    """``{{ case.sectors|label_of:"cases.Case.sectors"|join:", " }}``: the
    label(s) of a stored key (or list of keys) of ``app_label.Model.field``
    (:func:`cdt.core.labels.label_of`, the one place keys become words)."""
    app_label, model_name, field_name = field.split(".")
    return labels.label_of(f"{app_label}.{model_name}", field_name, value)
