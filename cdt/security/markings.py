"""Marking scales shared by every protected object and by user clearances.

EU classified information levels follow Council Decision 2013/488/EU, in
ascending order, so comparisons are plain integer comparisons. TLP 2.0
(FIRST) levels are ordered too, each with its own value: AMBER and
AMBER+STRICT are distinct levels (OpenCTI once gave them the same order and
let AMBER holders open AMBER+STRICT material).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    UNCLASSIFIED = 0, _("Unclassified")
    RESTREINT_UE = 1, _("RESTREINT UE/EU RESTRICTED")
    CONFIDENTIEL_UE = 2, _("CONFIDENTIEL UE/EU CONFIDENTIAL")
    SECRET_UE = 3, _("SECRET UE/EU SECRET")
    TRES_SECRET_UE = 4, _("TRÈS SECRET UE/EU TOP SECRET")


class Tlp(models.IntegerChoices):
    CLEAR = 0, "TLP:CLEAR"
    GREEN = 1, "TLP:GREEN"
    AMBER = 2, "TLP:AMBER"
    AMBER_STRICT = 3, "TLP:AMBER+STRICT"
    RED = 4, "TLP:RED"


class Distribution(models.TextChoices):
    """Who is in the loop on an object, before the markings cut in.

    Council documents for HWPCI circulate to every delegation, the
    Presidency, the EEAS, SIAC and the secretariat (guidelines paras 19,
    24): that is the default of a case. Restriction to named recipients is
    the originator's exception (paras 21, 38). An assessment may follow
    the cases it informs instead. Clearance, releasability and TLP apply on
    top of every distribution."""

    HWPCI = "hwpci", _("HWPCI: every delegation, the Presidency, the EEAS, SIAC and the secretariat")
    RESTRICTED = "restricted", _("Restricted to named recipients (originator control)")
    WITH_CASES = "with_cases", _("With the cases it informs")


def tlp_names() -> list[str]:
    """The TLP levels as the API names them ("AMBER_STRICT"): the choice set
    of the schema's TlpEnum, shared by every TLP field (a case's, a feed
    client's default)."""
    return [member.name for member in Tlp]


def classification_names() -> list[str]:
    """The classifications as the API names them ("RESTREINT_UE"): the
    choice set of the schema's ClassificationEnum (drf-spectacular's
    ENUM_NAME_OVERRIDES), shared by every marking and clearance field."""
    return [member.name for member in Classification]


#: The highest level the system may ever hold, whatever the setting says.
ABSOLUTE_CEILING = Classification.SECRET_UE


def max_classification() -> Classification:
    """The level the system is accredited for (``CDT_MAX_CLASSIFICATION``)."""
    configured = Classification[settings.CDT_MAX_CLASSIFICATION]
    return min(configured, ABSOLUTE_CEILING, key=int)


def validate_classification_ceiling(value: int) -> None:
    """Refuse anything above the accreditation ceiling, on every input path
    (model validation is what forms, serializers, the feed and the admin share)."""
    ceiling = max_classification()
    if int(value) > int(ceiling):
        raise ValidationError(
            _("%(level)s is above %(ceiling)s, the highest level this system is accredited for."),
            code="above_ceiling",
            params={"level": Classification(int(value)).label, "ceiling": ceiling.label},
        )
