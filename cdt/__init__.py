"""CDT: case management for the EU Cyber Diplomacy Toolbox.

The Celery app is imported here so that ``@shared_task`` binds to it whenever
Django starts (web, worker, beat or tests).
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
