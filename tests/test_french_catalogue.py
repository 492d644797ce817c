"""The French interface is complete: every string the code and templates
mark for translation (model choices included) has a French translation,
none is fuzzy, placeholders match, and the compiled catalogue matches the
source one. The extraction runs on a copy of the tree, so the check sees
exactly what ``makemessages`` would produce from this commit."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{\s*[\w.|:\"']+\s*\}\}")
SKIP = shutil.ignore_patterns(".venv", "node_modules", "staticfiles", ".git", "*.sqlite3", "__pycache__", "tests", "locale")


def key(entry) -> tuple:
    return entry.msgctxt, entry.msgid


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree") / "cdt"
    shutil.copytree(ROOT, tree, ignore=SKIP)
    (tree / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--ignore=tests/*", "--no-location"],
        cwd=tree,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cdt.settings.local"},
    )
    return polib.pofile(str(tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_marked_string_is_in_the_french_catalogue(catalogue, extracted):
    known = {key(entry) for entry in catalogue if not entry.obsolete}
    missing = [entry.msgid for entry in extracted if key(entry) not in known]
    assert not missing, f"{len(missing)} strings lack a French entry (run makemessages -l fr and translate): {missing[:10]}"


def test_every_french_entry_is_translated_and_not_fuzzy(catalogue):
    untranslated = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if not entry.obsolete and "fuzzy" in entry.flags]
    assert not untranslated and not fuzzy, (untranslated[:10], fuzzy[:10])


def test_translations_keep_their_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            if sorted(PLACEHOLDER.findall(entry.msgstr_plural[1])) != expected:
                wrong.append(entry.msgid)
        elif sorted(PLACEHOLDER.findall(entry.msgstr)) != sorted(PLACEHOLDER.findall(entry.msgid)):
            wrong.append(entry.msgid)
    assert not wrong, wrong[:10]


def test_the_compiled_catalogue_is_the_source_one(catalogue):
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = {key(entry): entry.msgstr or entry.msgstr_plural for entry in catalogue if entry.translated() and not entry.obsolete}
    built = {key(entry): entry.msgstr or entry.msgstr_plural for entry in compiled if entry.msgid}
    assert source == built, "run manage.py compilemessages"


@pytest.mark.django_db
def test_main_pages_render_in_french(client, cast, open_case, login_verified):
    """Every main page renders with the French catalogue (a translation
    that broke a template would raise here)."""
    from .cases_support import walk_to

    case = walk_to(open_case(), "deliberation", cast)
    login_verified(client, cast["secretariat"])
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    pages = [
        "/",
        "/cases/",
        f"/cases/{case.pk}/",
        "/council/meetings/",
        "/measures/catalogue/",
        "/measures/evaluations/",
        "/awareness/actors/",
        "/awareness/assessments/",
        "/awareness/requests/",
        "/attribution/claims/",
        "/directory/",
        "/notifications/",
        "/notifications/preferences/",
        "/notifications/deadlines/",
        "/notifications/calendar/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert '<html lang="fr"' in body and "Notifications" in body, page
    assert "Dossiers" in client.get("/cases/").content.decode()
