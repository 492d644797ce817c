"""Every link on the dashboards, "My deadlines" and the calendar feed
answers 200 for the user who sees it (issue 28: the links to impact
evaluations pointed at a POST-only route and answered an empty 405).
An impact evaluation has its own page, behind the access rule."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import CaseState
from cdt.directory.models import CouncilBody
from council.services import question_put, written_procedure_open
from measures.models import ImpactEvaluation
from notifications.models import Deadline, DeadlineKind
from notifications.services import calendar_feed_issue

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

ROLES = ("delegate", "other_delegate", "chair", "eeas", "secretariat", "siac", "outsider")


def _links(html: str) -> set[str]:
    """The site's own addresses among the page's links (fragments dropped)."""
    found = set()
    for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
        path = href.split("#", 1)[0].replace("&amp;", "&")
        if path.startswith("/") and not path.startswith(settings.STATIC_URL):
            found.add(path)
    return found


def _feed_links(body: str) -> set[str]:
    """The paths of the calendar's URL properties (lines may be folded)."""
    unfolded = body.replace("\r\n ", "")
    return {urlsplit(line[len("URL:") :].strip()).path for line in unfolded.splitlines() if line.startswith("URL:")}


@pytest.fixture
def register(cast, open_case):
    """A case at the evaluation step, its evaluations due within the
    dashboard's 30 days (the first), and a question under a silence procedure."""
    case = walk_to(open_case(), CaseState.EVALUATION, cast)
    soon = timezone.localdate() + datetime.timedelta(days=5)
    first = ImpactEvaluation.objects.filter(case=case).order_by("due_on", "id").first()
    ImpactEvaluation.objects.filter(pk=first.pk).update(due_on=soon)
    question = question_put(
        by=cast["chair"], case=case, text="Agree the statement?", voting_rule="unanimity", body=CouncilBody.objects.get(code="HWPCI")
    )
    written_procedure_open(
        by=cast["chair"],
        question=question,
        kind="silence",
        deadline=timezone.now() + datetime.timedelta(days=2),
        coreu_reference="CFSP/SEC/1/26",
    )
    assert Deadline.objects.filter(kind=DeadlineKind.EVALUATION).exists()
    return case


def test_every_link_on_the_dashboard_deadlines_and_calendar_answers(register, signed_in, client):
    evaluation_links = 0
    for role in ROLES:
        browser = signed_in[role]
        links = _links(browser.get("/").content.decode()) | _links(browser.get("/notifications/deadlines/").content.decode())
        token = calendar_feed_issue(user=signed_in.cast[role])
        feed = client.get(f"/notifications/calendar/{token}.ics")
        assert feed.status_code == 200
        links |= _feed_links(feed.content.decode())
        evaluation_links += sum("/measures/evaluations/" in link for link in links)
        for link in sorted(links):
            status = browser.get(link).status_code
            assert status == 200, f"{role}: {link} answers {status}"
    assert evaluation_links  # the evaluations were among the links crawled


def test_an_evaluation_has_its_own_page_behind_the_access_rule(register, signed_in):
    evaluation = ImpactEvaluation.objects.filter(case=register).order_by("due_on", "id").first()
    page = signed_in["eeas"].get(f"/measures/evaluations/{evaluation.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and register.reference in html
    assert 'data-testid="evaluation-form"' in html  # the EEAS records evaluations
    assert 'data-testid="evaluation-form"' not in signed_in["delegate"].get(f"/measures/evaluations/{evaluation.pk}/").content.decode()
    hidden = signed_in["outsider"].get(f"/measures/evaluations/{evaluation.pk}/")
    assert hidden.status_code == 404 and register.reference not in hidden.content.decode()
    # A link kept from before (a reminder, an e-mail) goes to the page, through the same rule.
    old = signed_in["delegate"].get(f"/measures/evaluations/{evaluation.pk}/record/")
    assert old.status_code == 302 and old["Location"] == f"/measures/evaluations/{evaluation.pk}/"
    assert signed_in["outsider"].get(f"/measures/evaluations/{evaluation.pk}/record/").status_code == 404
    # The link every deadline keeps is the page.
    assert Deadline.objects.get(kind=DeadlineKind.EVALUATION, subject_id=evaluation.pk).link == f"/measures/evaluations/{evaluation.pk}/"
