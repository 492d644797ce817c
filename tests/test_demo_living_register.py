"""The demo shows a living register: after ``seed_demo`` something waits
for every demo role on its home page (a question for the delegations'
positions, a written procedure running, an impact evaluation due, requests
for information for SIAC, a request for access to decide), a restricted
case stays out of the lists of those it is not shared with, the figures
have real durations, and running the command again adds nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from awareness.models import RequestForInformation
from cases.models import AccessRequest, Case, CaseState, CaseTransition
from cases.models.sharing import AccessRequestStatus
from cases.selectors import case_list
from cdt.accounts.models import User
from cdt.security.markings import Distribution
from council.models import Question, WrittenProcedure
from measures.models import ImpactEvaluation
from overview import dashboard
from overview.demo_register import WAITING_QUESTION
from overview.figures import register_figures

pytestmark = pytest.mark.django_db


def rows(user, key):
    for _heading, section in dashboard.panels(user):
        for panel in section:
            if panel.key == key:
                return panel.rows
    raise AssertionError(f"{user.username} has no panel {key}")


def counts():
    return (
        Case.objects.count(),
        Question.objects.count(),
        WrittenProcedure.objects.count(),
        RequestForInformation.objects.count(),
        AccessRequest.objects.count(),
        ImpactEvaluation.objects.count(),
        CaseTransition.objects.count(),
    )


def test_after_seed_demo_every_role_has_work_waiting():
    call_command("seed_demo", stdout=StringIO())
    users = {user.username: user for user in User.objects.all()}
    now, today = timezone.now(), timezone.localdate()
    wiper = Case.objects.get(title="Wiper attack on electricity transmission operators")

    # A question waiting for each demo delegation's position (and the Presidency's).
    waiting = Question.objects.get(case=wiper, text=WAITING_QUESTION)
    for name in ("delegate-de", "delegate-fr", "delegate-ee", "chair-ie"):
        assert wiper.reference in [row.text for row in rows(users[name], "awaiting-position")], name
        assert waiting.positions.get(member_state=users[name].member_state).value == "none"

    # A written procedure running, its deadline ahead: the delegations' countdown, the chair's "closing soon".
    assert WrittenProcedure.objects.filter(status=WrittenProcedure.Status.OPEN, deadline__gt=now).exists()
    procedures = rows(users["delegate-de"], "open-procedures")
    assert procedures and all(row.due > now for row in procedures)
    assert rows(users["chair-ie"], "procedures-closing")

    # An impact evaluation falling due (not overdue) on the EEAS drafter's dashboard.
    due = ImpactEvaluation.objects.filter(evaluated_at=None, cancelled=False, due_on__gte=today).order_by("due_on").first()
    assert due is not None and due.due_on <= today + datetime.timedelta(days=30)
    assert due.case.reference in [row.text for row in rows(users["eeas-drafter"], "evaluations-due")]

    # A restricted case: its recipients see it, the others do not, and France's request for access waits for Estonia.
    restricted = Case.objects.get(distribution=Distribution.RESTRICTED, exercise=False)
    assert case_list(user=users["delegate-ee"]).filter(pk=restricted.pk).exists()
    for name in ("delegate-de", "delegate-fr", "chair-ie"):
        assert not case_list(user=users[name]).filter(pk=restricted.pk).exists(), name
    request = AccessRequest.objects.get(case=restricted, status=AccessRequestStatus.PENDING)
    assert request.requested_by.username == "delegate-fr"
    assert [row.text for row in rows(users["delegate-ee"], "access-requests")] == [request.reference]

    # SIAC: requests for information to answer, its own assessments, its feed's health.
    siac = users["siac-analyst"]
    assert len(rows(siac, "rfis-to-answer")) == 2
    assert rows(siac, "our-assessments")
    (feed,) = rows(siac, "feed-health")
    assert feed.text == "SIAC platform (demo feed)" and "last bundle ingested" in feed.meta

    # The chair has something to move on, the secretariat a feed log; the drafter a case waiting for a note.
    assert rows(users["chair-ie"], "ready-to-move")
    assert rows(users["secretariat"], "feed-log")
    assert rows(users["eeas-drafter"], "cases-waiting-for-note")

    # The record was walked over real days: the figures show time spent at the steps.
    stays = {stay.step: stay for stay in register_figures(users["delegate-de"]).time_per_step}
    for step in (CaseState.STARTED, CaseState.AWARENESS, CaseState.EXPLORATION, CaseState.DELIBERATION):
        assert stays[step].median_days and stays[step].median_days > 0, step

    before = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before  # nothing twice
