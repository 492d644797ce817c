from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    """Attribution claims and the Council's deliberation on a coordinated
    political attribution, declarations and statements with their
    alignments, strategic communication plans."""

    name = "attribution"
    verbose_name = _("Attribution")

    def ready(self) -> None:
        # late import: apps.py loads before any model; ready() is where an app may import another's modules.
        from awareness.export import CONTRIBUTORS

        from . import draft_kinds, views  # noqa: F401  (statements as drafts; the case-page panel)
        from .export import published_attributions
        from .workflows import DeliberationWorkflow, PlanWorkflow

        DeliberationWorkflow.register()
        PlanWorkflow.register()

        if published_attributions not in CONTRIBUTORS:
            CONTRIBUTORS.append(published_attributions)
