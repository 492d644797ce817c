from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Shared situational awareness: threat actors, assessments, the SIAC feed (filled by the awareness issue)."""

    name = "awareness"
    verbose_name = _("Situational awareness")
