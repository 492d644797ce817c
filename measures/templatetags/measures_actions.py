"""The measures app's actions on pages it does not own (the case page), so
those pages include a template rather than import the app."""

from __future__ import annotations

from typing import Any

from django import template

from measures.selectors import strategic_note_candidates

register = template.Library()


@register.simple_tag(takes_context=True)
def strategic_note_actors(context: dict[str, Any], case: Any) -> list[Any]:
    """The actors of ``case`` the reader may start a strategic response note on now."""
    request = context.get("request")
    if request is None or case is None:
        return []
    return strategic_note_candidates(case=case, user=request.user)
