"""docker-compose.yml, .env.example, the settings and the README agree.

No Docker engine runs on our machines, so the compose file is checked by
reading it: the services exist, run the documented commands, and only set
environment variables the settings actually read.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
README = (ROOT / "README.md").read_text()


def settings_env_names() -> set[str]:
    names = set()
    for path in (ROOT / "cdt" / "settings").glob("*.py"):
        names |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", path.read_text()))
    return names


def env_example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_services_present():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)


def test_commands():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "cdt.wsgi"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "cdt", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "cdt", "beat"]


def test_commands_are_the_ones_the_readme_documents():
    for service in ("web", "worker", "beat"):
        command = " ".join(SERVICES[service]["command"][:4])
        assert command in README, f"README does not show {command!r}"


def test_environment_names_agree_with_settings():
    read_by_settings = settings_env_names() | {"DJANGO_SETTINGS_MODULE"}
    documented = env_example_names()
    assert documented == read_by_settings, (
        f"only in .env.example: {documented - read_by_settings}; only in settings: {read_by_settings - documented}"
    )
    for service in ("web", "worker", "beat"):
        names = set(SERVICES[service]["environment"])
        assert names <= read_by_settings, f"{service} sets unknown variables {names - read_by_settings}"
        assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"} <= names
        assert SERVICES[service]["environment"]["DJANGO_SETTINGS_MODULE"] == "cdt.settings.production"


def test_app_services_point_at_the_compose_database_and_redis():
    environment = SERVICES["web"]["environment"]
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
