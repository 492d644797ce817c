"""The two checks the guidelines ask of every measure: proportionality
(para 13) and attribution (paras 26–27). Read-only; shown when a measure is
proposed and enforced when it is selected (escalation) or agreed
(attribution)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from attribution.selectors import eu_attribution
from cases.models import ProportionalityAssessment
from cdt.security.selectors import protected_queryset
from cdt.security.types import is_active_user

from .choices import AttributionRequirement
from .models import ESCALATION_MAX, MeasureType

#: Without a proportionality assessment, only the first rungs of the ladder are supported.
UNASSESSED_LEVEL = 2


def supported_escalation(case, user=None) -> tuple[int, str]:
    """The highest escalation level the case's latest proportionality
    assessment supports, and why: twice the mean of its seven scores (1–5),
    so a mean of 5 supports the top of the ladder (10) and a mean of 1 only
    awareness raising and dialogue (2).

    With ``user``: from the assessments that user may see (a page shows no
    figure derived from an assessment classified above its reader's
    clearance, decision record 0023). Without: from all of them, for the
    check the service enforces."""
    assessments = case.proportionality_assessments.all()
    if user is not None:
        assessments = protected_queryset(assessments, user)
    assessment = assessments.order_by("-assessed_at", "-id").first()
    if assessment is None:
        return UNASSESSED_LEVEL, _("no proportionality assessment on the case")
    scores = [
        assessment.scope,
        assessment.scale,
        assessment.duration,
        assessment.intensity,
        assessment.complexity,
        assessment.sophistication,
        assessment.impact,
    ]
    mean = sum(scores) / len(scores)
    level = min(ESCALATION_MAX, round(2 * mean))
    return level, _("proportionality assessment of %(date)s, mean score %(mean).1f of 5") % {
        "date": assessment.assessed_at.date().isoformat(),
        "mean": mean,
    }


def escalation_warning(case, measure_type: MeasureType) -> str:
    """Empty when proportionate; else the reason, for the chair to weigh.
    A horizontal act (the framework, its prolongation) responds to no single
    activity: there is nothing whose scale principle 5 would weigh."""
    if case.is_horizontal:
        return ""
    level, basis = supported_escalation(case)
    if measure_type.escalation_level <= level:
        return ""
    return _("Escalation level %(wanted)s exceeds the %(level)s supported (%(basis)s).") % {
        "wanted": measure_type.escalation_level,
        "level": level,
        "basis": basis,
    }


def escalation_basis():
    """The classification of the assessment a measure's stored escalation
    warning was computed from (the latest on the case when the measure was
    proposed), as a subquery to annotate measures with
    (``escalation_basis_classification``; ``None``: there was none)."""
    from django.db.models import OuterRef, Subquery

    return Subquery(
        ProportionalityAssessment.objects.filter(case=OuterRef("case"), assessed_at__lte=OuterRef("proposed_at"))
        .order_by("-assessed_at", "-id")
        .values("classification")[:1]
    )


def warning_for(measure, user) -> str:
    """The measure's stored escalation warning as ``user`` may read it: its
    figures (supported level, mean score, date) come from a proportionality
    assessment; a reader not cleared for that assessment gets the warning
    without them. The measure is visible, so its case is: the assessment,
    a child of the same case, is visible exactly when the reader's
    clearance reaches its classification."""
    if not measure.escalation_warning:
        return ""
    if not hasattr(measure, "escalation_basis_classification"):
        from .models import ResponseMeasure

        measure.escalation_basis_classification = (
            ResponseMeasure.objects.filter(pk=measure.pk).annotate(basis=escalation_basis()).values_list("basis", flat=True).first()
        )
    basis = measure.escalation_basis_classification
    if basis is None or (is_active_user(user) and int(user.effective_clearance()) >= int(basis)):
        return measure.escalation_warning
    return _("Escalation level %(wanted)s exceeds what the case's proportionality assessment supports.") % {
        "wanted": measure.measure_type.escalation_level
    }


def attribution_gap(case, measure_type: MeasureType, actors, user=None) -> str | None:
    """Why a measure cannot be adopted for want of attribution, or ``None``.

    The attribution is the case's coordinated political attribution at EU
    level (``attribution.selectors.eu_attribution``): a concluded
    deliberation with an attributing outcome. It must cover every actor the
    measure concerns (``actors``: a listing of persons linked to two groups
    needs both attributed), and names a State only if the Council did. A
    Member State's national attribution does not count: it is not the EU's."""
    if measure_type.attribution == AttributionRequirement.NONE:
        return None
    actors = list(actors)
    if not actors:
        return _("“%(measure)s” requires attribution: name the actor it concerns.") % {"measure": measure_type.display_name}
    attribution = eu_attribution(case, user)  # with a reader: only an attribution they may see
    covered = set(attribution.attributed_actors.values_list("pk", flat=True)) if attribution is not None else set()
    uncovered = [actor for actor in actors if actor.pk not in covered]
    if uncovered:
        return _(
            "“%(measure)s” requires a coordinated political attribution at EU level covering %(actor)s, which the case does not have."
        ) % {"measure": measure_type.display_name, "actor": ", ".join(actor.name for actor in uncovered)}
    if measure_type.attribution == AttributionRequirement.STATE and (attribution is None or not attribution.attributed_to_state):
        return _("“%(measure)s” requires attribution to a State; the EU's attribution names no State.") % {
            "measure": measure_type.display_name
        }
    return None
