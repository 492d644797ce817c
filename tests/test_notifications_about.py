"""A notification says what it is about: the case's reference, title and
step, in the notification centre and on the dashboard. E-mail carries the
step, and the title only when the case's markings let it leave CDT; and
neither for a case the recipient may no longer see when the mail goes out
(a digest leaves up to a day after the event)."""

from __future__ import annotations

import pytest
from django.core import mail

from cdt.directory.models import Organisation
from cdt.security.grants import access_revoke, organisation_group
from cdt.security.markings import Classification, Tlp
from notifications import services
from notifications.mail import digests_send, title_may_leave
from notifications.models import EventKind, Mode

from .cases_support import cast, open_case, signed_in, walk_to  # noqa: F401

pytestmark = pytest.mark.django_db

AWARENESS = "2 · Shared situational awareness"


@pytest.fixture(autouse=True)
def in_process_celery():
    from cdt.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_the_centre_and_the_dashboard_name_the_case_title_and_step(cast, open_case, signed_in, django_capture_on_commit_callbacks):
    case = open_case(title="Wiper attack on the Baltic grid")
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "awareness", cast)
    client = signed_in["other_delegate"]
    for url in ("/notifications/", "/"):
        html = client.get(url).content.decode()
        assert case.reference in html and "Wiper attack on the Baltic grid" in html, url
        assert f"now at {AWARENESS}" in html, url
    # Withdrawn access: neither the row nor anything of the case is left on either page.
    access_revoke(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    for url in ("/notifications/", "/"):
        html = client.get(url).content.decode()
        assert "Baltic grid" not in html and case.reference not in html, url
    assert "Baltic grid" not in signed_in["outsider"].get("/notifications/").content.decode()


def test_an_email_names_the_step_and_a_title_only_when_its_markings_allow(cast, open_case, django_capture_on_commit_callbacks):
    marked = open_case(title="Operation NIGHTJAR")  # RESTREINT UE, LIMITE, TLP:AMBER
    public = open_case(title="DDoS against public websites", classification=Classification.UNCLASSIFIED, limite=False, tlp=Tlp.GREEN)
    assert not title_may_leave(marked) and title_may_leave(public)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(marked, "awareness", cast)
        walk_to(public, "awareness", cast)
    to_france = [message for message in mail.outbox if message.to == [cast["other_delegate"].email] and "moved" in message.subject]
    about_marked = next(message for message in to_france if marked.reference in message.subject)
    about_public = next(message for message in to_france if public.reference in message.subject)
    assert AWARENESS in about_marked.subject and AWARENESS in about_marked.body
    assert "NIGHTJAR" not in about_marked.subject + about_marked.body
    assert "in CDT only" in about_marked.body
    assert "“DDoS against public websites”" in about_public.subject and AWARENESS in about_public.subject
    assert "Title: DDoS against public websites" in about_public.body


def test_a_digest_says_nothing_of_a_case_the_recipient_lost_access_to(cast, open_case, django_capture_on_commit_callbacks):
    services.preferences_set(user=cast["other_delegate"], modes={EventKind.CASE_STEP: Mode.DIGEST})
    public = open_case(title="DDoS against public websites", classification=Classification.UNCLASSIFIED, limite=False, tlp=Tlp.GREEN)
    kept = open_case(title="Phishing of ministries", classification=Classification.UNCLASSIFIED, limite=False, tlp=Tlp.CLEAR)
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(public, "awareness", cast)
        walk_to(kept, "awareness", cast)
    access_revoke(target=public, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    mail.outbox.clear()
    assert digests_send() >= 1
    (digest,) = [message for message in mail.outbox if message.to == [cast["other_delegate"].email]]
    assert "Title: Phishing of ministries" in digest.body and AWARENESS in digest.body
    assert "DDoS against public websites" not in digest.body and public.reference not in digest.body  # left out altogether
    assert digest.body.count("Step now") == 1 and "1 notification since the last digest" in digest.body
