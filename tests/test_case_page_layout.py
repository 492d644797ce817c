"""The case page's layout: a header whose primary action is the next step
of the nine (with why it is blocked, right there), closing as a confirmed
secondary action, a summary with the latest assessment, and tabs that are
server-rendered links (``?tab=``) so they work and can be bookmarked
without scripts, at the same cost in queries whichever is open."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awareness.factories import AssessmentFactory
from cases.models import CaseState
from cases.panels import TABS, case_page_url
from cdt.security.markings import Distribution

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return html.split('data-testid="case-header"', 1)[1].split("</header>", 1)[0]


def panel(html: str, key: str) -> str:
    """The opening tag of a tab's panel."""
    return re.search(rf'<div class="cdt-tabpanel"[^>]*data-tab-panel="{key}"[^>]*>', html).group(0)


def test_next_step_is_the_primary_action_and_closing_asks_for_confirmation(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])
    head = header(client.get(reverse("case-page", args=[case.pk])).content.decode())
    next_step = head.split('data-testid="next-step"', 1)[1].split("</form>", 1)[0]
    assert 'data-transition="share_awareness"' in next_step and "ecl-button--primary" in next_step
    assert "Next step: Share situational awareness" in head
    # Closing: behind a disclosure, its button a secondary one saying what it does.
    close = head.split('data-testid="close-case"', 1)[1].split("</form>", 1)[0]
    assert 'data-transition="close"' in close and "Confirm: close the case" in close
    assert "ecl-button--primary" not in close
    assert head.index('data-testid="next-step"') < head.index('data-testid="close-case"')


def test_a_blocked_next_step_says_why_in_the_header(client, cast, open_case):
    case = walk_to(open_case(), CaseState.AWARENESS, cast)
    client.force_login(cast["delegate"])
    head = header(client.get(reverse("case-page", args=[case.pk])).content.decode())
    blocked = head.split('data-blocked="explore_response"', 1)[1].split("</p>", 1)[0]
    # The engine's guard says why, where the button would be.
    assert "disabled" in blocked and "No assessment or briefing is linked to this case yet" in blocked
    assert 'data-testid="close-case"' not in head  # a delegate cannot close: no button at all


def test_summary_shows_the_latest_assessment_the_reader_may_see(client, cast, open_case):
    case = open_case()
    siac = {"source": cast["siac"].organisation, "recorded_by": cast["siac"], "distribution": Distribution.HWPCI, "cases": [case]}
    AssessmentFactory(title="First look at the wiper", assessed_on=datetime.date(2026, 11, 1), confidence="low", **siac)
    newer = AssessmentFactory(title="Wiper linked to Grey Tempest", assessed_on=datetime.date(2026, 11, 20), confidence="high", **siac)
    client.force_login(cast["chair"])
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    summary = html.split('data-testid="latest-assessment"', 1)[1].split("</div>", 1)[0]
    assert "Wiper linked to Grey Tempest" in summary and reverse("assessment-page", args=[newer.pk]) in summary
    assert "High confidence" in summary and "20 November 2026" in summary
    assert "First look" not in summary
    assert html.index('data-testid="case-summary"') < html.index('role="tablist"')


def test_tabs_are_links_rendered_by_the_server(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])
    url = reverse("case-page", args=[case.pk])
    html = client.get(url).content.decode()
    tabs = re.findall(r'<a class="ecl-tabs__link[^"]*" role="tab" id="tab-(\w+)" href="\?tab=\1"[^>]*aria-selected="(true|false)"', html)
    assert [key for key, _ in tabs] == [key for key, _ in TABS]  # every app has a section for the chair
    assert dict(tabs)["overview"] == "true" and list(dict(tabs).values()).count("true") == 1
    assert "hidden" not in panel(html, "overview") and "hidden" in panel(html, "council")
    html = client.get(url, {"tab": "council"}).content.decode()
    assert 'id="tab-council" href="?tab=council" aria-controls="panel-council" aria-selected="true"' in html
    assert "hidden" not in panel(html, "council") and "hidden" in panel(html, "overview")
    # Every section is on the page whichever tab is open (links to #sharing, #question-12 find it).
    for testid in ("timeline", "workflow-diagram", "sharing-placeholder", "case-measures", "case-claims", "case-assessments"):
        assert f'data-testid="{testid}"' in html, testid
    # A stale bookmark opens the overview.
    html = client.get(url, {"tab": "nonsense"}).content.decode()
    assert "hidden" not in panel(html, "overview")


def test_links_to_a_section_open_its_tab():
    assert case_page_url(7, "question-12") == "/cases/7/?tab=council#question-12"
    assert case_page_url(7, "sharing") == "/cases/7/?tab=sharing#sharing"
    assert case_page_url(7) == "/cases/7/"


def test_an_assessment_refused_reopens_the_assessments_tab(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])
    response = client.post(reverse("case-proportionality-page", args=[case.pk]), {})
    assert response.status_code == 400
    assert "hidden" not in panel(response.content.decode(), "assessments")


def test_every_tab_costs_the_same_queries(client, cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    client.force_login(cast["chair"])
    url = reverse("case-page", args=[case.pk])
    client.get(url)  # warm per-process caches
    counts = {}
    for key, _label in TABS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"tab": key}).status_code == 200
        counts[key] = len(captured)
    assert len(set(counts.values())) == 1, counts
