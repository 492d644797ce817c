"""The console's case pages, under ``/console/cases/`` (cdt/urls.py)."""

from django.urls import path

from . import console_views

urlpatterns = [
    path("", console_views.console_cases_page, name="console-cases"),
    path("<int:case_id>/", console_views.console_case_access_page, name="console-case-access"),
]
