from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    """The measures catalogue, response measures on a case through
    implementation and impact evaluation, options notes and strategic
    response notes."""

    name = "measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        from . import guards, lifecycle_guards, note_kinds, views  # noqa: F401  (case guards; select and agree; the two notes as drafts; the case-page panel)
        from .workflows import MeasureWorkflow

        MeasureWorkflow.register()
