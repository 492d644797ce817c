"""A case's own assessments: the proportionality assessment of a response
(principle 5 of the Framework: scope, scale, duration, intensity,
complexity, sophistication and impact, each scored 1-5) and the
significance assessment of the activity. Kept apart from :mod:`.case`,
whose model and state machine fill that module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdt.security.models import MarkedChild

from .case import Case

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCORE = [MinValueValidator(1), MaxValueValidator(5)]
DIMENSIONS = ("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact")


class ProportionalityAssessment(MarkedChild):
    """The seven dimensions of principle 5 (para 13), each scored 1–5 with
    a rationale. A reassessment is a new row; the latest counts."""

    parent_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proportionality_assessments")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)
    scope = models.PositiveSmallIntegerField(_("scope"), validators=SCORE)
    scope_rationale = models.TextField(_("scope: rationale"))
    scale = models.PositiveSmallIntegerField(_("scale"), validators=SCORE)
    scale_rationale = models.TextField(_("scale: rationale"))
    duration = models.PositiveSmallIntegerField(_("duration"), validators=SCORE)
    duration_rationale = models.TextField(_("duration: rationale"))
    intensity = models.PositiveSmallIntegerField(_("intensity"), validators=SCORE)
    intensity_rationale = models.TextField(_("intensity: rationale"))
    complexity = models.PositiveSmallIntegerField(_("complexity"), validators=SCORE)
    complexity_rationale = models.TextField(_("complexity: rationale"))
    sophistication = models.PositiveSmallIntegerField(_("sophistication"), validators=SCORE)
    sophistication_rationale = models.TextField(_("sophistication: rationale"))
    impact = models.PositiveSmallIntegerField(_("impact"), validators=SCORE)
    impact_rationale = models.TextField(_("impact: rationale"))

    class Meta(MarkedChild.Meta):
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("proportionality assessment")
        constraints = [
            *MarkedChild.Meta.constraints,
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{d}__gte": 1, f"{d}__lte": 5}),
                    name=f"cases_proportionality_{d}_1_to_5",
                    violation_error_message=_("Each dimension is scored from 1 to 5."),
                )
                for d in DIMENSIONS
            ],
        ]

    def __str__(self) -> str:
        return f"Proportionality of {self.case_id} at {self.assessed_at:%Y-%m-%d}"

    @property
    def scores(self) -> list[tuple[StrOrPromise, int, str]]:
        return [
            (cast("models.Field[Any, Any]", self._meta.get_field(d)).verbose_name, getattr(self, d), getattr(self, f"{d}_rationale"))
            for d in DIMENSIONS
        ]


#: Art. 3 of Council Regulation (EU) 2019/796, (a) to (g).
SIGNIFICANCE_FACTORS = {
    "a": _(
        "(a) the scope, scale, impact or severity of disruption caused, including to economic and societal "
        "activities, essential services, critical State functions, public order or public safety"
    ),
    "b": _("(b) the number of natural or legal persons, entities or bodies affected"),
    "c": _("(c) the number of Member States concerned"),
    "d": _(
        "(d) the amount of economic loss caused, such as through large-scale theft of funds, economic resources or intellectual property"
    ),
    "e": _("(e) the economic benefit gained by the perpetrator, for himself or for others"),
    "f": _("(f) the amount or nature of data stolen or the scale of data breaches"),
    "g": _("(g) the nature of commercially sensitive data accessed"),
}


class SignificanceAssessment(MarkedChild):
    """Findings on the significant-effect factors (para 11). A reassessment
    is a new row; the latest counts."""

    class Conclusion(models.TextChoices):
        UNDETERMINED = "undetermined", _("Not yet determined")
        SIGNIFICANT = "significant", _("Significant effect")
        POTENTIALLY_SIGNIFICANT = "potentially_significant", _("Potentially significant effect")
        NOT_SIGNIFICANT = "not_significant", _("No significant effect")

    parent_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="significance_assessments")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)
    factor_a = models.TextField(SIGNIFICANCE_FACTORS["a"], blank=True)
    factor_b = models.TextField(SIGNIFICANCE_FACTORS["b"], blank=True)
    factor_c = models.TextField(SIGNIFICANCE_FACTORS["c"], blank=True)
    factor_d = models.TextField(SIGNIFICANCE_FACTORS["d"], blank=True)
    factor_e = models.TextField(SIGNIFICANCE_FACTORS["e"], blank=True)
    factor_f = models.TextField(SIGNIFICANCE_FACTORS["f"], blank=True)
    factor_g = models.TextField(SIGNIFICANCE_FACTORS["g"], blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=30, choices=Conclusion.choices, default=Conclusion.UNDETERMINED)

    class Meta(MarkedChild.Meta):
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("significant-effect assessment")

    def __str__(self) -> str:
        return f"Significance of {self.case_id} at {self.assessed_at:%Y-%m-%d}"

    @property
    def findings(self) -> list[tuple[StrOrPromise, str]]:
        return [(label, getattr(self, f"factor_{letter}")) for letter, label in SIGNIFICANCE_FACTORS.items()]
