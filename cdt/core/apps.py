from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cdt.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Before any migration runs: ``migrate`` spent over half its time in
        # django-fsm's receivers (cdt/workflow/historical.py).
        # late import: an app's ready() is where models may first be imported
        from cdt.workflow.historical import historical_fsm_fields_collect_once

        from .generation import watch_writes

        historical_fsm_fields_collect_once()
        watch_writes()
