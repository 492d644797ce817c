from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cdt.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .generation import watch_writes

        watch_writes()
