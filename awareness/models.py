"""Shared situational awareness (guidelines section 4).

For now only the suspected actors that cases point to; the awareness issue
grows this into the threat-actor registry, assessments and the SIAC feed.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreatActor(models.Model):
    """A suspected actor, state or non-state. Kept minimal here: the
    situational-awareness registry builds on this relation."""

    class Kind(models.TextChoices):
        STATE = "state", _("State actor")
        STATE_SPONSORED = "state_sponsored", _("State-sponsored group")
        NON_STATE = "non_state", _("Non-state actor")
        UNKNOWN = "unknown", _("Unknown")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    persistent = models.BooleanField(_("persistent threat actor"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("threat actor")
        verbose_name_plural = _("threat actors")

    def __str__(self) -> str:
        return self.name
