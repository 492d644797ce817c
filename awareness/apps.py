from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Shared situational awareness: threat actors, assessments and
    briefings, requests for information."""

    name = "awareness"
    verbose_name = _("Situational awareness")

    def ready(self) -> None:
        from . import guards, views  # noqa: F401  (the "explore_response" guard; the case-page panel)
