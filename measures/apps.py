from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    """Measures catalogue, options notes and strategic response notes (filled by the measures issue)."""

    name = "measures"
    verbose_name = _("Measures")
