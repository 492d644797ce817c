"""SIAC's own panels: the requests for information its organisation has to
answer, its latest assessments and the health of its feed clients, each
through the access rule and no one else's."""

import datetime

import pytest
from django.utils import timezone

from awareness.models import FeedIngestion
from awareness.services import assessment_record, rfi_ask
from cdt.accounts.services import api_token_issue
from cdt.directory.models import Organisation
from cdt.security.markings import Tlp
from overview import dashboard

from .cases_support import cast, open_case, signed_in  # noqa: F401
from .stix_support import feed_token  # noqa: F401

pytestmark = pytest.mark.django_db


def rows(user, key):
    for _heading, section in dashboard.panels(user):
        for panel in section:
            if panel.key == key:
                return panel.rows
    raise AssertionError(f"no panel {key}")


def assess(cast, case, title, **fields):
    return assessment_record(
        by=cast["siac"],
        kind="written",
        title=title,
        body="All-source.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        shared_with_all_delegations=True,
        **fields,
    )


def test_requests_for_information_addressed_to_siac_soonest_first(cast, open_case):
    case, other = open_case(title="Wiper"), open_case(title="Phishing")
    today = timezone.localdate()
    later = rfi_ask(
        by=cast["delegate"],
        case=case,
        addressed_to=Organisation.objects.get(code="SIAC"),
        question="Which C2?",
        due_on=today + datetime.timedelta(days=9),
    )
    sooner = rfi_ask(
        by=cast["other_delegate"],
        case=other,
        addressed_to=Organisation.objects.get(code="SIAC"),
        question="Since when?",
        due_on=today + datetime.timedelta(days=2),
    )
    rfi_ask(by=cast["delegate"], case=case, addressed_to=Organisation.objects.get(code="CERT-EU"), question="Not SIAC's", due_on=today)
    shown = rows(cast["siac"], "rfis-to-answer")
    assert [row.text for row in shown] == [other.reference, case.reference]
    assert shown[0].meta.startswith("Since when?") and "due" in shown[0].meta and shown[0].source == sooner
    assert "Not SIAC's" not in " ".join(row.meta for row in shown) and shown[1].source == later
    assert "rfis-to-answer" not in {panel.key for _h, section in dashboard.panels(cast["delegate"]) for panel in section}


def test_siac_sees_its_own_latest_assessments(cast, open_case):
    case = open_case()
    mine = assess(cast, case, "SIAC on the wiper")
    assessment_record(
        by=cast["siac"],
        kind="written",
        title="Older SIAC briefing",
        body="Briefing.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[],
        shared_with_all_delegations=True,
    )
    shown = rows(cast["siac"], "our-assessments")
    assert [row.text for row in shown] == ["Older SIAC briefing", "SIAC on the wiper"]  # newest recorded first
    assert "informs 1 case" in shown[1].meta and shown[1].source == mine


def test_feed_health_shows_the_last_bundle_and_rejections(cast, feed_token):
    token, _key = feed_token
    now = timezone.now()
    complete = FeedIngestion.objects.create(token=token, posted_by=cast["siac"], channel="feed_api", status="complete", object_count=3)
    failed = FeedIngestion.objects.create(token=token, posted_by=cast["siac"], channel="taxii", status="failed")
    old_failure = FeedIngestion.objects.create(token=token, posted_by=cast["siac"], channel="taxii", status="failed")
    FeedIngestion.objects.filter(pk=complete.pk).update(received_at=now - datetime.timedelta(hours=5))
    FeedIngestion.objects.filter(pk=failed.pk).update(received_at=now - datetime.timedelta(hours=1))
    FeedIngestion.objects.filter(pk=old_failure.pk).update(received_at=now - datetime.timedelta(days=30))
    others, _key = api_token_issue(user=cast["delegate"], name="Someone else's client", scopes=["read"])
    (row,) = rows(cast["siac"], "feed-health")  # not the delegate's client
    assert row.text == "SIAC platform"
    assert "last bundle ingested" in row.meta and "1 bundle rejected in the last 7 days" in row.meta
    assert row.url == "/awareness/feed/?status=failed"
    FeedIngestion.objects.filter(status="failed").delete()
    (row,) = rows(cast["siac"], "feed-health")
    assert "rejected" not in row.meta and row.url == "/awareness/feed/"
    assert others.pk


def test_the_siac_home_page_shows_its_panels(cast, open_case, signed_in, feed_token):
    case = open_case()
    assess(cast, case, "SIAC on the wiper")
    html = signed_in["siac"].get("/").content.decode()
    for key in ("rfis-to-answer", "our-assessments", "feed-health"):
        assert f'data-testid="panel-{key}"' in html, key
    assert "SIAC on the wiper" in html and "SIAC platform" in html
