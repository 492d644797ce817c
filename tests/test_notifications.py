"""Notifications: recipients by the access rule, preferences and digests,
no protected text in e-mails, deadlines and reminders, the iCal feed, the
notification centre. Celery runs in-process here; on-commit callbacks are
executed with ``django_capture_on_commit_callbacks``."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from awareness.services import rfi_ask
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.access import can_view, can_view_child
from cdt.security.markings import Classification
from council import services as council_services
from notifications import selectors, services
from notifications.mail import digests_send, notification_send
from notifications.models import (
    Channel,
    Deadline,
    DeadlineKind,
    Event,
    EventKind,
    Mode,
    Notification,
    Preference,
    Reminder,
)
from notifications.outbox import event_dispatch, outbox_sweep
from notifications.reminders import reminders_fire

from .cases_support import walk_to

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def in_process_celery():
    """These tests run the tasks in-process even in the lane with a broker
    (the real worker is test_notification_delivery's business)."""
    from cdt.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def told(event: Event, channel: str = Channel.IN_APP) -> set:
    return set(Notification.objects.filter(event=event, channel=channel).values_list("recipient__username", flat=True))


def last(kind: str) -> Event:
    return Event.objects.filter(kind=kind).latest("id")


@pytest.fixture
def lapsed(make_user):
    """A German delegate whose clearance has expired."""
    return make_user("delegate-de-lapsed", "DE", clearance_expires_on=datetime.date(2020, 1, 1))


def test_recipients_are_exactly_the_users_who_may_see_the_case(cast, open_case, lapsed, django_capture_on_commit_callbacks):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "awareness", cast)
    event = last(EventKind.CASE_STEP)
    expected = {user.username for user in User.objects.all() if can_view(user, case) and user != cast["chair"]}
    assert told(event) == expected == told(event, Channel.EMAIL)
    assert {"delegate-de", "delegate-fr", "gsc-staff", "eeas-staff", "siac-analyst"} <= expected
    assert "delegate-hu" not in expected and "delegate-de-lapsed" not in expected and "chair-ie" not in expected
    assert event.dispatched_at is not None


def test_a_child_event_needs_clearance_for_the_child(cast, open_case, make_user, django_capture_on_commit_callbacks):
    case = open_case(classification=Classification.UNCLASSIFIED)
    make_user("delegate-de-uncleared", "DE", clearance=Classification.UNCLASSIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        question = council_services.question_put(
            by=cast["chair"],
            case=case,
            text="Q",
            voting_rule="unanimity",
            body=CouncilBody.objects.get(code="PSC"),
            classification=Classification.RESTREINT_UE,
        )
    event = last(EventKind.POSITION_REQUESTED)
    expected = {
        user.username
        for user in User.objects.all()
        if can_view_child(user, question) and user.member_state is not None and user != cast["chair"]
    }
    assert told(event) == expected
    assert "delegate-de" in expected and "delegate-de-uncleared" not in expected
    assert "eeas-staff" not in told(event)  # positions are requested from Member States


def test_a_request_for_information_is_told_to_the_organisation_asked(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        rfi_ask(
            by=cast["delegate"],
            case=case,
            addressed_to=Organisation.objects.get(code="SIAC"),
            question="Who is behind it?",
            due_on=timezone.localdate() + datetime.timedelta(days=5),
        )
    assert told(last(EventKind.RFI_OPENED)) == {"siac-analyst"}


def test_emails_carry_reference_marking_and_link_never_protected_text(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case(title="Operation NIGHTJAR against Ministry X", summary="Secret detail: implant in the VPN concentrators.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "exploration", cast)  # also records a SIAC assessment with its own title and body
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ("NIGHTJAR", "Ministry X", "VPN concentrators", "SIAC assessment", "All-source assessment"):
            assert secret not in text, (secret, message.subject)
        assert case.reference in text and "RESTREINT UE" in message.subject
        assert f"/cases/{case.pk}/" in message.body
        assert message.extra_headers["Message-ID"].startswith("<notification-")


def test_preferences_off_digest_and_immediate(cast, open_case, django_capture_on_commit_callbacks):
    services.preferences_set(user=cast["delegate"], modes={EventKind.CASE_STEP: Mode.OFF})
    services.preferences_set(user=cast["other_delegate"], modes={EventKind.CASE_STEP: Mode.DIGEST})
    case = open_case()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "exploration", cast)  # two steps
    steps = Event.objects.filter(kind=EventKind.CASE_STEP)
    assert steps.count() == 2
    assert not Notification.objects.filter(event__in=steps, recipient=cast["delegate"]).exists()
    digest_rows = Notification.objects.filter(event__in=steps, recipient=cast["other_delegate"], channel=Channel.EMAIL)
    assert digest_rows.count() == 2 and all(row.mode == Mode.DIGEST and row.sent_at is None for row in digest_rows)
    assert Notification.objects.filter(event__in=steps, recipient=cast["other_delegate"], channel=Channel.IN_APP).count() == 2
    assert not [m for m in mail.outbox if m.to == [cast["other_delegate"].email] and "moved" in m.subject]
    assert [m for m in mail.outbox if m.to == [cast["eeas"].email] and "moved" in m.subject]  # immediate by default
    mail.outbox.clear()
    assert digests_send() >= 1
    digest = [m for m in mail.outbox if m.to == [cast["other_delegate"].email]]
    assert len(digest) == 1 and digest[0].body.count(case.reference) >= 2 and "digest" in digest[0].subject
    assert "Wiper attack" not in digest[0].body  # the case's title is not in the digest either
    assert all(row.sent_at for row in digest_rows.all())
    mail.outbox.clear()
    assert digests_send() == 0 and not mail.outbox  # nothing twice


def test_mandatory_notifications_cannot_be_switched_off(cast, client):
    with pytest.raises(ValidationError) as error:
        services.preferences_set(user=cast["delegate"], modes={EventKind.CASE_STEP: Mode.DIGEST, EventKind.PROCEDURE_DEADLINE: Mode.OFF})
    assert EventKind.PROCEDURE_DEADLINE in error.value.message_dict
    assert not Preference.objects.exists()  # all or nothing
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(user=cast["delegate"], kind=EventKind.PROCEDURE_OPENED, mode=Mode.OFF)
    client.force_login(cast["delegate"])
    form = dict.fromkeys(EventKind.values, Mode.IMMEDIATE)
    response = client.post("/notifications/preferences/", {**form, EventKind.POSITION_REQUESTED: Mode.OFF})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Preference.objects.exists()
    response = client.post("/notifications/preferences/", {**form, EventKind.CASE_STEP: Mode.DIGEST})
    assert response.status_code == 302
    assert Preference.objects.get(user=cast["delegate"], kind=EventKind.CASE_STEP).mode == Mode.DIGEST


def test_dispatch_and_send_are_idempotent(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "awareness", cast)
    event = last(EventKind.CASE_STEP)
    rows = Notification.objects.filter(event=event).count()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_dispatch(event_id=event.pk) == 0
        for notification in Notification.objects.filter(event=event, channel=Channel.EMAIL):
            assert notification_send(notification_id=notification.pk) is False
    assert Notification.objects.filter(event=event).count() == rows and len(mail.outbox) == sent


def test_the_outbox_keeps_events_when_the_broker_is_down(cast, open_case, django_capture_on_commit_callbacks):
    from notifications.tasks import dispatch_event

    case = open_case()
    with (
        mock.patch.object(dispatch_event, "apply_async", side_effect=ConnectionRefusedError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        walk_to(case, "exploration", cast)
    pending = Event.objects.filter(dispatched_at=None)
    assert pending.filter(kind=EventKind.CASE_STEP).count() == 2 and not Notification.objects.exists()
    waiting = pending.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(grace_seconds=3600)["events"] == 0  # too recent: left to the on-commit task
        assert outbox_sweep(grace_seconds=0)["events"] == waiting
    assert not Event.objects.filter(dispatched_at=None).exists()
    assert Notification.objects.filter(event__kind=EventKind.CASE_STEP, channel=Channel.EMAIL, sent_at=None).count() == 0


def test_a_failed_email_is_recorded_and_sent_again_by_the_sweeper(cast, open_case, django_capture_on_commit_callbacks):
    with mock.patch("notifications.mail._mail", side_effect=OSError("relay down")), django_capture_on_commit_callbacks(execute=True):
        walk_to(open_case(), "awareness", cast)
    unsent = Notification.objects.filter(channel=Channel.EMAIL, sent_at=None)
    assert unsent.exists() and all("relay down" in row.last_error and row.attempts >= 1 for row in unsent)
    mail.outbox.clear()
    count = unsent.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(grace_seconds=0)["emails"] == count
    assert len(mail.outbox) == count and not Notification.objects.filter(channel=Channel.EMAIL, sent_at=None).exists()
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == count


def procedure(cast, case, hours: float):
    question = council_services.question_put(
        by=cast["chair"], case=case, text="Adopt", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
    )
    return council_services.written_procedure_open(
        by=cast["chair"], question=question, kind="silence", deadline=timezone.now() + datetime.timedelta(hours=hours)
    )


def test_written_procedure_reminders_fire_24_and_2_hours_before_each_once(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    wp = procedure(cast, case, hours=30)
    deadline = Deadline.objects.get(kind=DeadlineKind.PROCEDURE, subject_id=wp.pk)
    assert deadline.due_at == wp.deadline
    assert [r.remind_at for r in deadline.reminders.all()] == [
        wp.deadline - datetime.timedelta(hours=24),
        wp.deadline - datetime.timedelta(hours=2),
    ]
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_fire(now=now + datetime.timedelta(hours=5)) == 0
        assert reminders_fire(now=now + datetime.timedelta(hours=6, minutes=1)) == 1
        assert reminders_fire(now=now + datetime.timedelta(hours=6, minutes=2)) == 0
    reminder = last(EventKind.PROCEDURE_DEADLINE)
    assert reminder.case == case and reminder.link == f"/council/written-procedures/{wp.pk}/"
    assert "delegate-fr" in told(reminder) and "delegate-hu" not in told(reminder)
    council_services.written_procedures_close_due(now=wp.deadline + datetime.timedelta(seconds=1))
    assert Deadline.objects.get(pk=deadline.pk).done_at is not None
    assert reminders_fire(now=wp.deadline - datetime.timedelta(hours=1)) == 0  # met: the 2-hour one stays silent
    assert Event.objects.filter(kind=EventKind.PROCEDURE_CLOSED).count() == 1


def test_deadlines_of_requests_evaluations_renewals_reviews_and_meetings(cast, open_case):
    from measures.models import ImpactEvaluation
    from measures.services import evaluations_schedule

    case = open_case()
    due = timezone.localdate() + datetime.timedelta(days=10)
    rfi = rfi_ask(by=cast["delegate"], case=case, addressed_to=Organisation.objects.get(code="SIAC"), question="Q", due_on=due)
    deadline = Deadline.objects.get(kind=DeadlineKind.RFI, subject_id=rfi.pk)
    assert timezone.localtime(deadline.due_at).date() == due and timezone.localtime(deadline.due_at).hour == 18
    assert deadline.reminders.count() == 2
    walk_to(case, "evaluation", cast)
    evaluations = ImpactEvaluation.objects.filter(case=case)
    assert evaluations.exists()
    assert Deadline.objects.filter(kind=DeadlineKind.EVALUATION).count() == evaluations.count()
    assert evaluations_schedule(measure=evaluations.first().measure) == []  # idempotent: no new rows or deadlines
    meeting = council_services.meeting_schedule(
        by=cast["chair"], body=CouncilBody.objects.get(code="HWPCI"), starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    assert Deadline.objects.get(kind=DeadlineKind.MEETING, meeting=meeting).reminders.count() == 1
    kinds = {d.kind for d in selectors.deadlines(user=cast["other_delegate"])}
    assert {DeadlineKind.RFI, DeadlineKind.EVALUATION, DeadlineKind.MEETING} <= kinds
    outsider = {d.kind for d in selectors.deadlines(user=cast["outsider"])}
    assert outsider == {DeadlineKind.MEETING}  # meetings are for everyone; the case's deadlines are not


def test_a_reminder_fires_the_event_of_its_kind(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    rfi = rfi_ask(
        by=cast["delegate"],
        case=case,
        addressed_to=Organisation.objects.get(code="SIAC"),
        question="Q",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    first = Reminder.objects.filter(deadline__subject_id=rfi.pk, deadline__kind=DeadlineKind.RFI).first()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_fire(now=first.remind_at) == 1
    assert last(EventKind.RFI_DUE).payload["deadline"] == first.deadline_id


def test_calendar_feed_shows_only_what_the_user_may_see_and_can_be_revoked(client, cast, open_case):
    case = open_case(title="Operation NIGHTJAR")
    wp = procedure(cast, case, hours=30)
    token = services.calendar_feed_issue(user=cast["other_delegate"])
    response = client.get(f"/notifications/calendar/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(component["summary"]) for component in calendar.walk("VEVENT")]
    assert any(case.reference in summary and "Written procedure" in summary for summary in summaries)
    assert "NIGHTJAR" not in response.content.decode()
    urls = [str(component["url"]) for component in calendar.walk("VEVENT")]
    assert any(url.endswith(f"/council/written-procedures/{wp.pk}/") for url in urls)
    outsider_token = services.calendar_feed_issue(user=cast["outsider"])
    assert case.reference not in client.get(f"/notifications/calendar/{outsider_token}.ics").content.decode()
    replacement = services.calendar_feed_issue(user=cast["other_delegate"])
    assert client.get(f"/notifications/calendar/{token}.ics").status_code == 404
    assert client.get(f"/notifications/calendar/{replacement}.ics").status_code == 200
    services.calendar_feed_revoke(user=cast["other_delegate"])
    assert client.get(f"/notifications/calendar/{replacement}.ics").status_code == 404
    assert client.get("/notifications/calendar/not-a-token.ics").status_code == 404


def test_calendar_settings_page_issues_once_and_revokes(client, cast):
    client.force_login(cast["delegate"])
    page = client.post("/notifications/calendar/", {"action": "issue"}).content.decode()
    assert "/notifications/calendar/" in page and ".ics" in page
    assert "calendar-url" not in client.get("/notifications/calendar/").content.decode()  # shown once
    assert client.post("/notifications/calendar/", {"action": "revoke"}).status_code == 302
    assert client.post("/notifications/calendar/", {"action": "other"}).status_code == 400


def test_every_kind_of_event_is_produced_by_its_service(cast, open_case, django_capture_on_commit_callbacks):
    from attribution.services import deliberation_open
    from awareness.models import Assessment
    from awareness.services import rfi_answer
    from drafting.services import note_transition
    from measures.models import MeasureType, RestrictiveListing
    from measures.services import listing_set, measure_propose, options_note_create

    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "evaluation", cast)
        rfi = rfi_ask(
            by=cast["delegate"],
            case=case,
            addressed_to=Organisation.objects.get(code="SIAC"),
            question="Q",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )
        rfi_answer(by=cast["siac"], rfi=rfi, assessment=Assessment.objects.filter(cases=case).first())
        note = options_note_create(
            by=cast["eeas"],
            case=case,
            title="Second options note",
            content={"situation": "S.", "options": [{"measure_type": "demarche", "rationale": "R."}], "recommendation": "1."},
        )
        note_transition(by=cast["eeas"], note=note, transition="circulate")
        wp = procedure(cast, case, hours=1)
        council_services.written_procedures_close_due(now=wp.deadline + datetime.timedelta(seconds=1))
        meeting = council_services.meeting_schedule(
            by=cast["chair"], body=CouncilBody.objects.get(code="HWPCI"), starts_at=timezone.now() + datetime.timedelta(days=2)
        )
        council_services.agenda_item_add(by=cast["chair"], meeting=meeting, title="Item", case=case)
        council_services.meeting_agenda_publish(by=cast["chair"], meeting=meeting)
        deliberation_open(by=cast["eeas"], case=case)
    produced = set(Event.objects.values_list("kind", flat=True))
    immediate = {
        EventKind.CASE_OPENED,
        EventKind.CASE_STEP,
        EventKind.WORKFLOW_STEP,
        EventKind.ASSESSMENT_ADDED,
        EventKind.RFI_OPENED,
        EventKind.RFI_ANSWERED,
        EventKind.NOTE_CIRCULATED,
        EventKind.NOTE_SUBMITTED,
        EventKind.POSITION_REQUESTED,
        EventKind.PROCEDURE_OPENED,
        EventKind.PROCEDURE_CLOSED,
        EventKind.DECISION_ADOPTED,
        EventKind.MEASURE_IMPLEMENTED,
        EventKind.AGENDA_PUBLISHED,
    }
    assert immediate <= produced, immediate - produced
    agenda = last(EventKind.AGENDA_PUBLISHED)
    assert agenda.link == f"/council/meetings/{meeting.pk}/" and "delegate-hu" in told(agenda)  # meetings are for everyone
    assert Deadline.objects.get(kind=DeadlineKind.RFI, subject_id=rfi.pk).done_at is not None
    measure = measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"), description="Listing."
    )
    listing_set(
        by=cast["chair"],
        measure=measure,
        renewal_on=timezone.localdate() + datetime.timedelta(days=90),
        entries=[{"kind": "person", "name": "A. Person", "statement_of_reasons": "Reasons."}],
    )
    listing = RestrictiveListing.objects.get(measure=measure)
    assert Deadline.objects.get(kind=DeadlineKind.RENEWAL, subject_id=listing.pk).reminders.count() == 3


def test_notification_centre_badge_filters_and_mark_read(client, cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "exploration", cast)
    client.force_login(cast["other_delegate"])
    unread = selectors.unread_count(user=cast["other_delegate"])
    assert unread >= 3
    home = client.get("/").content.decode()
    assert f'data-count="{unread}"' in home and 'data-testid="my-notifications"' in home and case.reference in home
    page = client.get("/notifications/", {"kind": EventKind.CASE_STEP}).content.decode()
    assert page.count("data-object-id=") == 2
    one = Notification.objects.filter(recipient=cast["other_delegate"], channel=Channel.IN_APP).first()
    response = client.post("/notifications/read/", {"id": one.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'data-count="{unread - 1}"' in response.content.decode()
    assert client.post("/notifications/read/", {"id": "x"}).status_code == 400
    other = Notification.objects.filter(recipient=cast["eeas"], channel=Channel.IN_APP).first()
    client.post("/notifications/read/", {"id": other.pk})
    assert Notification.objects.get(pk=other.pk).read_at is None  # someone else's: untouched
    assert client.post("/notifications/read/").status_code == 302
    assert selectors.unread_count(user=cast["other_delegate"]) == 0


def test_mark_read_follows_only_a_same_site_next(client, cast):
    """An attacker's link must not turn the notification centre into an open
    redirect: ``next`` pointing at another host falls back to the centre."""
    client.force_login(cast["other_delegate"])
    assert client.post("/notifications/read/", {"next": "/cases/"})["Location"] == "/cases/"
    for hostile in ("https://evil.example/", "//evil.example/x", "https:evil.example"):
        assert client.post("/notifications/read/", {"next": hostile})["Location"] == "/notifications/"


def test_a_notification_disappears_when_access_to_its_case_is_withdrawn(cast, open_case, django_capture_on_commit_callbacks):
    from cdt.security.grants import access_revoke, organisation_group

    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "awareness", cast)
    assert selectors.inbox(user=cast["other_delegate"]).filter(event__case=case).exists()
    access_revoke(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    assert not selectors.inbox(user=cast["other_delegate"]).filter(event__case=case).exists()
    assert selectors.unread_count(user=cast["other_delegate"]) == 0


def test_notification_api_lists_own_rows_in_constant_queries(
    client, cast, open_case, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "deliberation", cast)
    client.force_login(cast["other_delegate"])
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/notifications/").json()
    assert body["count"] >= 4 and {row["reference"] for row in body["results"]} >= {case.reference}
    assert all("Wiper" not in str(row) for row in body["results"])
    response = client.post("/api/v1/notifications/mark-read/", {"ids": ["x"]}, content_type="application/json")
    assert response.status_code == 400 and "ids" in response.json()
    response = client.post("/api/v1/notifications/mark-read/", {}, content_type="application/json")
    assert response.json() == {"marked": body["count"], "unread": 0}
    procedure(cast, case, hours=30)
    with django_assert_max_num_queries(8):
        deadlines = client.get("/api/v1/deadlines/").json()
    assert [row["kind"] for row in deadlines["results"]] == ["procedure"]


def test_the_admin_lists_only_events_about_what_the_staff_user_may_see(
    client, cast, open_case, make_user, login_verified, django_capture_on_commit_callbacks
):
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(case, "awareness", cast)
    outsider_staff = make_user("staff-hu", "HU", is_staff=True)  # a console account without need-to-know on the case
    outsider_staff.is_superuser = True  # every model permission: only the access rule can hide the row
    outsider_staff.save()
    login_verified(client, outsider_staff)
    page = client.get("/admin/notifications/event/").content.decode()
    assert case.reference not in page
    login_verified(client, cast["secretariat"])
    cast["secretariat"].is_superuser = True
    cast["secretariat"].save()
    assert case.reference in client.get("/admin/notifications/event/").content.decode()
