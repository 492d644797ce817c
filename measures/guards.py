"""The workflow guards the measures app provides (registered in ``ready``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases import guards
from drafting.choices import NoteStatus

from .choices import MeasureState


@guards.register("refer_for_decision", "measure_selected")
def a_measure_is_selected(case) -> str | None:
    """Step 4 → 5: HWPCI refers measures, so at least one must be selected."""
    if case.measures.filter(
        state__in=[MeasureState.SELECTED, MeasureState.AGREED, MeasureState.IN_IMPLEMENTATION, MeasureState.IMPLEMENTED]
    ).exists():
        return None
    return _("No measure has been selected for decision.")


@guards.register("evaluate", "measure_implemented")
def a_measure_is_implemented(case) -> str | None:
    """Step 6/7 → 8: there must be an implemented measure to evaluate."""
    if case.measures.filter(
        state__in=[MeasureState.IMPLEMENTED, MeasureState.SUSPENDED, MeasureState.LIFTED, MeasureState.EXPIRED]
    ).exists():
        return None
    return _("No measure has been implemented yet.")


@guards.register("open_deliberation", "note_submitted")
def a_note_is_submitted(case) -> str | None:
    """Step 3 → 4: HWPCI deliberates on an options note, or on the strategic
    response note of an actor the case is about. A horizontal act (the
    framework's prolongation, conclusions) is deliberated on its draft act,
    not on an options note."""
    from .models import StrategicResponseNote

    if case.is_horizontal:
        return None
    if case.options_notes.filter(status=NoteStatus.SUBMITTED).exists():
        return None
    if StrategicResponseNote.objects.filter(
        actor__in=case.suspected_actors.all(), status__in=[NoteStatus.SUBMITTED, NoteStatus.APPROVED]
    ).exists():
        return None
    return _("No options note (or strategic response note on the actor) has been submitted to HWPCI.")
