"""No stored key in what a reader sees: the main pages of the demo world
(every case page and what it links to) show labels, never the keys they
are stored as (``critical_infrastructure``, ``constructive_abstention``,
``hr-statement``), and history lines read as words ("Created", "Share
situational awareness (1 · Start discussions → 2 · …)")."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from cdt.accounts.models import User
from cdt.core.labels import label_of
from cdt.workflow.registry import _WORKFLOWS
from measures.models import MeasureType

pytestmark = pytest.mark.django_db

#: Words of the pages that legitimately look like keys.
ALLOWED = {
    "issue_token",  # the management command the profile page names
    "confidence-building",  # a word of the catalogue's prose ("confidence-building measures"), also a code
}
#: What the crawl follows from the case pages (one level): the objects of a case.
FOLLOWED = re.compile(r"^/(measures|attribution|council|awareness)/[\w-]+/\d+/$|^/measures/\d+/$|^/measures/catalogue/$")


class VisibleText(HTMLParser):
    """The text a reader sees (not scripts, styles or attributes), and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style")
        self.links += [value for name, value in attrs if tag == "a" and name == "href" and value]

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    text = re.sub(r"\s+", " ", "".join(parser.parts))
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses are not keys
    return text, parser.links


def stored_keys() -> set[str]:
    """Every choice key of the project's models that reads as a key (with an
    underscore or a hyphen), the transitions' names, the catalogue's codes."""
    keys = set(MeasureType.objects.values_list("slug", flat=True))
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "contenttypes", "sessions", "guardian", "axes", "otp_totp"}:
            continue
        for field in model._meta.get_fields():
            keys |= {str(value) for value, _label in getattr(field, "flatchoices", None) or ()}
        for choices in getattr(model, "field_choices", {}).values():
            keys |= set(choices.values)
    for workflow in _WORKFLOWS.values():
        keys |= set(workflow.steps())
    return {key for key in keys if re.fullmatch(r"[a-z]+([_-][a-z]+)+", key)}


def test_label_of_reads_choices_json_lists_and_unknown_keys():
    assert label_of("cases.Case", "sectors", ["critical_infrastructure"]) == ["Critical infrastructure"]
    assert label_of("council.Position", "value", "none") == "No position yet"
    assert label_of("measures.MeasureType", "leads", ["member_states"]) == ["Member States"]
    assert label_of("cases.Case", "sectors", ["withdrawn_sector"]) == ["Withdrawn sector"]  # never the key


def test_demo_pages_show_labels_not_stored_keys(client):
    call_command("seed_demo", stdout=StringIO())
    keys = stored_keys()
    assert {"critical_infrastructure", "constructive_abstention", "hr-statement", "share_awareness"} <= keys
    found: dict[str, set[str]] = {}
    histories: list[str] = []
    for username in ("chair-ie", "eeas-drafter"):
        client.force_login(User.objects.get(username=username))
        _text, links = visible(client.get("/cases/").content.decode())
        queue = ["/", "/cases/", "/measures/catalogue/", *(link for link in links if re.fullmatch(r"/cases/\d+/", link))]
        seen: set[str] = set()
        while queue:
            path = queue.pop(0).split("#")[0]
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            text, links = visible(html)
            tokens = set(re.findall(r"\b[a-z]+(?:[_-][a-z]+)+\b|\bdemarche\b", text)) - ALLOWED  # the catalogue says "Démarche"
            for token in tokens:
                if token in keys or "_" in token or token == "demarche":
                    found.setdefault(token, set()).add(path)
            histories += re.findall(r'<ol (?:class="cdt-timeline" )?data-testid="(?:history|timeline)">(.*?)</ol>', html, re.S)
            if re.fullmatch(r"/cases/\d+/", path):
                queue += [link for link in links if FOLLOWED.match(link)]
        assert len(seen) > 8, seen
    assert found == {}, found
    lines = [visible(history)[0] for history in histories]
    assert lines and any("Created" in line for line in lines)
    assert not any(re.search(r"\((\w+) → \1\)", line) for line in lines), lines  # no "create (draft → draft)"
    assert any("Share situational awareness (1 · Start discussions → 2 · Shared situational awareness)" in line for line in lines)
