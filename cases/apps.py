from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases and the nine-step response process (filled by the cases issue)."""

    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from .workflow import CaseWorkflow

        CaseWorkflow.register()
