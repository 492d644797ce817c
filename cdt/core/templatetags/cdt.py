"""The one way to show a deadline: the date and time in the user's
language, and how long is left (or how long ago it passed) in words, so
urgency is never told by colour alone."""

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("includes/deadline.html")
def deadline(due, done=None):
    return {"due": due, "done": done, "overdue": done is None and due is not None and due < timezone.now()}
