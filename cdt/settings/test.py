"""Test settings: the embedded default unless the environment selects
PostgreSQL and Redis (the CI's second lane does)."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="cdt-test-key")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The integration tests run a worker process that sends real SMTP to a sink.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")

# A protected model that exists only in tests (tests/testapp): the security
# model is tested on it independently of the domain apps.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.testapp.urls"
