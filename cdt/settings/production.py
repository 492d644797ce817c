"""Production settings: DEBUG off, secret from the environment (required),
HTTPS-only cookies and HSTS. ``manage.py check --deploy --fail-level WARNING``
passes with these (a test runs it)."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuses to start without it
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Links in e-mails and the calendar feed (case references, markings): the
# address users reach the site at. No default: the base default is the
# development port, which no deployment should send links to.
CDT_SITE_URL = env.str("CDT_SITE_URL")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# gunicorn serves static files itself through WhiteNoise (after SecurityMiddleware).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
