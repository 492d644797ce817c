"""Marking scales shared by every protected object and by user clearances.

EU classified information levels follow Council Decision 2013/488/EU, in
ascending order, so comparisons are plain integer comparisons.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    UNCLASSIFIED = 0, _("Unclassified")
    RESTREINT_UE = 1, _("RESTREINT UE/EU RESTRICTED")
    CONFIDENTIEL_UE = 2, _("CONFIDENTIEL UE/EU CONFIDENTIAL")
    SECRET_UE = 3, _("SECRET UE/EU SECRET")
    TRES_SECRET_UE = 4, _("TRÈS SECRET UE/EU TOP SECRET")
