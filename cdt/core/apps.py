from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cdt.core"
    label = "core"
    verbose_name = "Core"
