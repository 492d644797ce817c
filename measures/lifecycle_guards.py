"""The guards of a response measure's own transitions, ``select`` and
``agree``: the two checks the guidelines ask of every measure, enforced by
the workflow engine and shown with the buttons. Registered with the engine
when the app is ready (``MeasuresConfig.ready``): they read the EU's
attribution (attribution app), which itself reads measures' models, so the
model cannot import them.

Each takes the user because its wording depends on who reads it: a reader
not cleared for the proportionality assessment behind an escalation warning,
or for the EU attribution, gets no figure or relation derived from it
(decision record 0023). ``user`` is ``None`` for a check made for nobody in
particular; the stored warning is then given whole.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cdt.security.types import AnyUser
from cdt.workflow import guard

from . import checks
from .models import ResponseMeasure


@guard(ResponseMeasure, "select", "escalation_overridden")
def escalation_overridden(measure: ResponseMeasure, user: AnyUser) -> str | None:
    """``select``: a measure beyond what the proportionality assessment
    supports goes to the Council only once the chair has gone beyond the
    warning with a recorded justification."""
    if not measure.escalation_warning or measure.override_justification:
        return None
    warning = checks.warning_for(measure, user) if user is not None else measure.escalation_warning
    return warning + " " + _("The chair may go beyond it with a recorded justification.")


@guard(ResponseMeasure, "agree", "attribution_covers")
def attribution_covers(measure: ResponseMeasure, user: AnyUser) -> str | None:
    """``agree``: a measure that requires attribution is agreed only with
    the EU's coordinated attribution covering every actor it concerns (paras 26–27)."""
    return checks.attribution_gap(measure.case, measure.measure_type, measure.actors.order_by("name"), user)
