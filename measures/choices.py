"""The choice sets of the measures catalogue, response measures and the two
notes (as NetBox's ``dcim/choices.py``): the models, the permissions, forms
and API read them from here, so ``permissions.py`` need not import
``models.py``. Choices that belong to one model only stay nested in it
(``ImpactEvaluation.Effect``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureForm(models.TextChoices):
    DIPLOMATIC = "diplomatic", _("Diplomatic")
    POLITICAL = "political", _("Political")
    LEGAL = "legal", _("Legal")
    STRATEGIC_COMMUNICATION = "strategic_communication", _("Strategic communication")
    TECHNICAL = "technical", _("Technical")
    OPERATIONAL = "operational", _("Operational")
    ECONOMIC = "economic", _("Economic")


class MeasureEffect(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive")
    STABILISING = "stabilising", _("Stabilising")
    COOPERATIVE = "cooperative", _("Cooperative")
    NORMATIVE = "normative", _("Normative")
    RESTRICTIVE = "restrictive", _("Restrictive")
    SUPPORTIVE = "supportive", _("Supportive")
    MITIGATIVE = "mitigative", _("Mitigative")


class AttributionRequirement(models.TextChoices):
    NONE = "none", _("No attribution needed")
    STATE = "state", _("Attribution to a State")
    ACTOR = "actor", _("Attribution to a State or a non-State actor")


class Lead(models.TextChoices):
    EEAS = "eeas", _("EEAS")
    HR = "hr", _("High Representative")
    MEMBER_STATES = "member_states", _("Member States")
    COMMISSION = "commission", _("Commission")
    COUNCIL = "council", _("Council")
    EUROPEAN_COUNCIL = "european_council", _("President of the European Council")


class MeasureState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SELECTED = "selected", _("Selected for decision")
    AGREED = "agreed", _("Agreed")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    IMPLEMENTED = "implemented", _("Implemented")
    SUSPENDED = "suspended", _("Suspended")
    LIFTED = "lifted", _("Lifted")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which a measure has been decided and counts in the actor's history.
TAKEN_STATES = (
    MeasureState.AGREED,
    MeasureState.IN_IMPLEMENTATION,
    MeasureState.IMPLEMENTED,
    MeasureState.SUSPENDED,
    MeasureState.LIFTED,
    MeasureState.EXPIRED,
)
