"""Front-end assets the shell references exist (installed from npm), and the
French interface is wired."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

BASE = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()


@pytest.mark.parametrize("asset", re.findall(r"{% static '([^']+)' %}", BASE))
def test_every_asset_in_the_shell_exists(asset):
    assert finders.find(asset), f"{asset} not found: run `npm ci` (make setup)"


def test_front_end_packages_are_pinned():
    import json

    package = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    assert package["dependencies"]["@ecl/preset-eu"] == "4.11.0"
    assert re.fullmatch(r"2\.\d+\.\d+", package["dependencies"]["htmx.org"])


def test_no_inline_script_in_the_shell():
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", BASE)


@pytest.mark.django_db
def test_french_login_page(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert '<html lang="fr"' in body
    assert "Se connecter" in body


@pytest.mark.django_db
def test_language_switch_is_remembered(client, delegate):
    client.force_login(delegate)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert "Dossiers" in body and "Présidence du Conseil" in body


@pytest.mark.django_db
def test_navigation_and_marked_current_page(client, delegate, secretariat_user, login_verified):
    client.force_login(delegate)
    body = client.get(reverse("directory")).content.decode()
    for label in ("Cases", "Measures", "Attribution", "Awareness"):
        assert label in body
    assert 'aria-current="page">Directory' in body
    assert "/admin/" not in body
    login_verified(client, secretariat_user)
    assert 'href="/console/"' in client.get(reverse("home")).content.decode()  # its console, which leads to the admin
    assert 'href="/admin/"' in client.get(reverse("console-index")).content.decode()
