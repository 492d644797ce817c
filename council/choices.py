"""Enumerations of Council deliberation that are not tied to one model's
state: the kinds of legal act a decision or listing is published as."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalActKind(models.TextChoices):
    """The acts the Council adopts for a Toolbox decision: a restrictive
    measure is a Council Decision (CFSP) under Art. 29 TEU plus a Council
    Regulation under Art. 215 TFEU, and each listing or amendment is an
    implementing act of both."""

    COUNCIL_DECISION_CFSP = "council_decision_cfsp", _("Council Decision (CFSP)")
    COUNCIL_IMPLEMENTING_DECISION_CFSP = "council_implementing_decision_cfsp", _("Council Implementing Decision (CFSP)")
    COUNCIL_REGULATION = "council_regulation", _("Council Regulation (EU)")
    COUNCIL_IMPLEMENTING_REGULATION = "council_implementing_regulation", _("Council Implementing Regulation (EU)")
    COUNCIL_CONCLUSIONS = "council_conclusions", _("Council conclusions")
    OTHER = "other", _("Other act")
