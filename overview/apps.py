from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The top floor: what gathers the domain apps into one view (the home
    page's dashboards, search, figures, the demo data). It imports them; none
    of them, nor the ground floor (``cdt``), imports it."""

    name = "overview"
    verbose_name = "Overview"
