"""The actor page read as a browser reads it (the HTML5 parsing algorithm,
``tinyhtml5``, pinned in constraints.txt): its title is the actor's name,
the timeline's tooltips stay inside the SVG, and no markup of the page
(`<h2>What the feed says</h2>…`) ever shows as text, whatever the actor's
name, its cases' titles or its assessments' titles hold."""

import datetime

import pytest
import tinyhtml5
from django.urls import reverse

from awareness.models import ThreatActor
from awareness.services import assessment_record
from cdt.security.markings import Tlp

from .cases_support import cast, open_case, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db

HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</title><h2>x</h2><svg><title>"


def test_the_actor_page_title_is_the_name_and_no_markup_shows_as_text(cast, open_case, signed_in):
    actor = ThreatActor.objects.create(name=f"Grey Tempest {HOSTILE}", description=f"Seen {HOSTILE} twice.")
    case = open_case(title=f"Wiper {HOSTILE}", suspected_actors=[actor], first_seen=datetime.date(2026, 9, 28))
    assessment_record(
        by=cast["siac"],
        kind="written",
        title=f"SIAC on {HOSTILE}",
        body="All-source.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        actors=[actor],
        shared_with_all_delegations=True,
    )
    for language in ("en", "fr"):
        response = signed_in["delegate"].get(reverse("actor-page", args=[actor.pk]), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        document = tinyhtml5.parse(response.content.decode())
        titles = document.findall(f".//{HTML}title")
        assert len(titles) == 1 and titles[0].text == f"{actor.name} — CDT", [t.text for t in titles]
        head = document.find(f"{HTML}head")
        assert head is not None and head.find(f"{HTML}title") is titles[0]  # the page's title, in the head
        # The timeline's tooltips are SVG titles, inside the drawing.
        tooltips = document.findall(f".//{SVG}svg//{SVG}title")
        assert any(case.reference in (tooltip.text or "") for tooltip in tooltips)
        body = document.find(f"{HTML}body")
        text = "".join(body.itertext())
        assert "<h2" not in text.replace(HOSTILE, "") and "</" not in text.replace(HOSTILE, ""), language
        headings = ["".join(h.itertext()) for h in body.iter(f"{HTML}h2")]
        assert len(headings) >= 4 and not any("<" in heading for heading in headings)  # every h2 is an element
