from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    """Council deliberation and decision-making (steps 4 and 5): meetings,
    questions and Member State positions, voting rules, decisions, written
    and silence procedures."""

    name = "council"
    verbose_name = _("Council deliberation and decisions")

    def ready(self) -> None:
        from . import guards, views  # noqa: F401  (the "implement" guard; the case-page panel)
        from .workflows import QuestionWorkflow, WrittenProcedureWorkflow

        QuestionWorkflow.register()
        WrittenProcedureWorkflow.register()
