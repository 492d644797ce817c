"""Production settings served over plain HTTP on 127.0.0.1, with two bare
baseline views added (:mod:`bench.urls`) and a request header that switches
read-auditing off for that request (:mod:`bench.reads`, for the comparison
issue 29 asks for). Everything else (``DEBUG=False``,
WhiteNoise, Redis cache, the middleware stack) is what production runs."""

from cdt.settings.production import *  # noqa: F403
from cdt.settings.production import INSTALLED_APPS, MIDDLEWARE

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # for bench/templates/, and the read-auditing switch (bench/reads.py)
MIDDLEWARE = [*MIDDLEWARE[:-1], "bench.reads.UnauditedReadsMiddleware", MIDDLEWARE[-1]]  # django-axes stays last
