from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A protected model used only by the security model's tests, so the rule
    is tested on its own before any domain model uses it."""

    name = "tests.testapp"
    label = "testapp"
