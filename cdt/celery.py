"""The Celery application.

In the embedded mode (no broker configured) settings make every task run
in-process and eagerly, so ``make run`` needs neither Redis nor a worker.
In the production-like mode the same code talks to Redis, a worker and beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdt.settings.local")

app = Celery("cdt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
