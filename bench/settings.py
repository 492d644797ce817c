"""Production settings served over plain HTTP on 127.0.0.1, with two bare
baseline views added (:mod:`bench.urls`). Everything else (``DEBUG=False``,
WhiteNoise, Redis cache, the middleware stack) is what production runs."""

from cdt.settings.production import *  # noqa: F403
from cdt.settings.production import INSTALLED_APPS

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # for bench/templates/
