"""Settings switch by environment only, and production settings pass Django's
deployment checks. Each case runs in a fresh interpreter so module-level
settings are evaluated under the given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], "
    "'debug': s.DEBUG, 'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0)}))"
)
CONFIG_NAMES = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CDT_SITE_URL",
)


def run(settings_module: str, code: str | None = None, args: list[str] | None = None, **env_vars) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_NAMES}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **env_vars)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def probe(settings_module: str, **env_vars) -> dict:
    result = run(settings_module, PROBE, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults():
    values = probe("cdt.settings.local")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["cache"].endswith("LocMemCache")
    assert values["debug"] is True


def test_production_like_mode_by_environment_only():
    values = probe(
        "cdt.settings.local",
        DATABASE_URL="postgres://cdt:secret@db.example:5432/cdt",
        REDIS_URL="redis://cache.example:6379/0",
        CELERY_BROKER_URL="redis://cache.example:6379/1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "cdt"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/1"
    assert values["cache"].endswith("RedisCache")


def test_redis_url_alone_is_the_broker_too():
    values = probe("cdt.settings.local", REDIS_URL="redis://cache.example:6379/0")
    assert values["eager"] is False and values["broker"] == "redis://cache.example:6379/0"


def test_production_refuses_to_start_without_a_secret_key():
    result = run("cdt.settings.production", PROBE, ALLOWED_HOSTS="cdt.example.eu")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION_ENV = {
    "SECRET_KEY": "x8#kq2!vz7@pl4^rm9&tn1*wb6(yc3)hd5_jf0-ug8+ei2=os7~ax4",
    "ALLOWED_HOSTS": "cdt.example.eu",
    "CDT_SITE_URL": "https://cdt.example.eu",
}


def test_production_refuses_to_start_without_the_site_address():
    """Links in e-mails and the calendar feed (case references, markings)
    went to the base default, the development port, when a deployment left
    ``CDT_SITE_URL`` unset (issue 25)."""
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "CDT_SITE_URL"}
    result = run("cdt.settings.production", PROBE, **env)
    assert result.returncode != 0
    assert "CDT_SITE_URL" in result.stderr
    site = run(
        "cdt.settings.production",
        "import django; django.setup(); from django.conf import settings; print(settings.CDT_SITE_URL)",
        **PRODUCTION_ENV,
    )
    assert site.returncode == 0 and site.stdout.strip().splitlines()[-1] == "https://cdt.example.eu", site.stderr


def test_production_settings_are_hardened():
    values = probe("cdt.settings.production", **PRODUCTION_ENV)
    assert values["debug"] is False
    assert values["hsts"] >= 31536000


def test_check_deploy_passes_on_production_settings():
    result = run("cdt.settings.production", args=["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("broken", [{"SECURE_HSTS_SECONDS": "0"}, {"SECURE_SSL_REDIRECT": "false"}])
def test_check_deploy_would_catch_a_weakened_production(broken):
    """The deploy check above can fail: weakening a setting makes it fail."""
    result = run("cdt.settings.production", args=["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV, **broken)
    assert result.returncode != 0
