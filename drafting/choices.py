"""The statuses every draft shares. A kind adds its own on a choices class
of its own (a statement's ``published``), keeping these values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated for comments")
    SUBMITTED = "submitted", _("Submitted to HWPCI")
    SUPERSEDED = "superseded", _("Superseded")
    APPROVED = "approved", _("Approved by the Council")


#: The statuses in which the text is still edited (every save a new version).
EDITABLE = (NoteStatus.DRAFT, NoteStatus.CIRCULATED)
