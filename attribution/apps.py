from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    """Attribution deliberations and statements (filled by the attribution issue)."""

    name = "attribution"
    verbose_name = _("Attribution")
