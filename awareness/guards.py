"""Awareness guards on the case workflow."""

from django.utils.translation import gettext as _

from cases import guards


@guards.register("explore_response", "situational_awareness_recorded")
def situational_awareness_recorded(case) -> str | None:
    """Exploring a response rests on shared situational awareness (para 13):
    at least one assessment or briefing must be linked to the case. A
    horizontal act responds to no single activity: there is no incident to
    be aware of."""
    if case.is_horizontal or case.assessments.exists():
        return None
    return _("No assessment or briefing is linked to this case yet (shared situational awareness).")
