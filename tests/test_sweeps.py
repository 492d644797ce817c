"""The beat sweeps stay cheap however large the backlog: ``reminders_fire``
runs a fixed number of statements for 10 or 1,000 due reminders, and
``outbox_sweep`` two selects and one task per 500 ids. A per-row
implementation fails the query-count and enqueue-count assertions here."""

from __future__ import annotations

import datetime
import math
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cdt.core.generation import is_generation_callback
from notifications import mail as notification_mail
from notifications.models import (
    REMINDER_EVENT,
    Channel,
    Deadline,
    DeadlineKind,
    Event,
    Mode,
    Notification,
    Reminder,
)
from notifications.outbox import outbox_sweep
from notifications.reminders import reminders_fire

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def in_process_celery():
    """Tasks run in-process even in the lane with a broker (nothing is left
    in Redis); the tests that count what is queued patch ``enqueue``."""
    from cdt.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def due_reminders(
    count: int, *, now: datetime.datetime, case=None, kinds=tuple(DeadlineKind), due_in=HOUR, done: bool = False, start: int = 0
) -> list[Deadline]:
    """``count`` deadlines (kinds in turn) due ``due_in`` from ``now``, each
    with one reminder due a minute before ``now``: two bulk inserts."""
    content_type = ContentType.objects.get_for_model(Case)
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                kind=kinds[i % len(kinds)],
                case=case,
                subject_type=content_type,
                subject_id=10_000_000 + start + i,
                classification=case.classification if case else 0,
                reference=f"REF-{start + i}",
                marking="RESTREINT UE",
                link=f"/cases/{case.pk if case else 0}/",
                due_at=now + due_in,
                done_at=now - HOUR if done else None,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    Reminder.objects.bulk_create([Reminder(deadline=d, remind_at=now - datetime.timedelta(minutes=1)) for d in deadlines], batch_size=500)
    return deadlines


def fire(now, capture_on_commit) -> tuple[int, int, int]:
    """``reminders_fire`` with its on-commit callbacks held back: (events
    written, queries run, callbacks registered)."""
    with capture_on_commit(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        written = reminders_fire(now=now)
    return written, len(queries), len([callback for callback in callbacks if not is_generation_callback(callback)])


@pytest.mark.django_db
def test_reminders_fire_runs_the_same_queries_for_10_and_1000_due(django_capture_on_commit_callbacks):
    now = timezone.now()
    due_reminders(10, now=now)
    small = fire(now, django_capture_on_commit_callbacks)
    later = now + datetime.timedelta(minutes=5)
    due_reminders(1000, now=later, start=10)
    large = fire(later, django_capture_on_commit_callbacks)
    assert small[0] == 10 and large[0] == 1000  # all of them: no cap
    assert small[1] == large[1] <= 4, (small, large)
    assert small[2] == large[2] == 1  # one outbox sweep queued, not a task per event
    assert not Reminder.objects.filter(fired_at=None).exists()
    assert Event.objects.filter(payload__has_key="deadline").count() == 1010


@pytest.mark.django_db
def test_reminder_events_carry_kind_case_and_deadline_and_stale_ones_are_only_marked(cast, open_case, django_capture_on_commit_callbacks):
    case = open_case()
    now = timezone.now()
    live = due_reminders(len(DeadlineKind), now=now, case=case)  # one of each kind
    recent = due_reminders(1, now=now, case=case, due_in=-HOUR / 2, start=100)  # just past: still told
    done = due_reminders(2, now=now, case=case, done=True, start=200)
    stale = due_reminders(2, now=now, case=case, due_in=-2 * HOUR, start=300)  # long past: a late scan stays silent
    future = due_reminders(1, now=now + HOUR, case=case, start=400)  # its reminder is not due yet
    before = set(Event.objects.values_list("pk", flat=True))

    written, _queries, callbacks = fire(now, django_capture_on_commit_callbacks)

    events = {event.payload["deadline"]: event for event in Event.objects.exclude(pk__in=before)}
    assert written == len(events) == len(live) + 1
    assert set(events) == {d.pk for d in live + recent}
    for deadline in live + recent:
        event = events[deadline.pk]
        assert event.kind == REMINDER_EVENT[DeadlineKind(deadline.kind)]
        assert (event.case_id, event.meeting_id, event.subject_type_id, event.subject_id) == (
            case.pk,
            None,
            deadline.subject_type_id,
            deadline.subject_id,
        )
        assert (event.classification, event.reference, event.marking, event.link) == (
            deadline.classification,
            deadline.reference,
            deadline.marking,
            deadline.link,
        )
        assert datetime.datetime.fromisoformat(event.payload["due_at"]) == deadline.due_at
        assert event.actor_id is None and event.dispatched_at is None and event.attempts == 0
        assert now - HOUR < event.created_at <= timezone.now()
    assert {event.kind for event in events.values()} == set(REMINDER_EVENT.values())
    fired = Reminder.objects.filter(deadline__in=live + recent + done + stale)
    assert fired.count() == len(live + recent + done + stale) and all(r.fired_at == now for r in fired)  # all marked
    assert Reminder.objects.get(deadline=future[0]).fired_at is None
    assert callbacks == 1

    with django_capture_on_commit_callbacks(execute=True) as again:
        assert reminders_fire(now=now + datetime.timedelta(minutes=1)) == 0  # each once
    assert not [callback for callback in again if not is_generation_callback(callback)] and Event.objects.exclude(
        pk__in=before
    ).count() == len(events)

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_fire(now=now + HOUR) == 1  # the future one, then its sweep dispatches the events
    reminder = Event.objects.exclude(pk__in=before).get(payload__deadline=future[0].pk)
    assert reminder.dispatched_at is not None
    assert Notification.objects.filter(event=reminder, recipient=cast["other_delegate"], channel=Channel.IN_APP).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True)
def test_parallel_scans_skip_the_reminders_another_one_holds():
    now = timezone.now()
    held, free = due_reminders(2, now=now)
    locker = connection.copy(alias="locker")  # a second session: another scan
    locker.connect()
    locker.set_autocommit(False)
    try:
        with locker.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Reminder._meta.db_table} WHERE deadline_id = %s FOR UPDATE", [held.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # a regression that waits for the row fails instead of hanging
        with mock.patch("notifications.reminders.enqueue", return_value=True):
            assert reminders_fire(now=now) == 1  # does not wait for the held row, nor fire it
    finally:
        locker.rollback()
        locker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert Reminder.objects.get(deadline=held).fired_at is None and Reminder.objects.get(deadline=free).fired_at == now
    with mock.patch("notifications.reminders.enqueue", return_value=True):
        assert reminders_fire(now=now) == 1  # released: fired now, once
    assert Event.objects.filter(payload__deadline=held.pk).count() == Event.objects.filter(payload__deadline=free.pk).count() == 1


def outbox(count: int, recipient) -> None:
    """``count`` undispatched events, each with an unsent immediate e-mail."""
    events = Event.objects.bulk_create([Event(kind="case_step", reference=f"REF-{i}", link="/") for i in range(count)], batch_size=500)
    Notification.objects.bulk_create(
        [Notification(event=e, recipient=recipient, channel=Channel.EMAIL, mode=Mode.IMMEDIATE) for e in events], batch_size=500
    )


def sweep() -> tuple[dict, int, dict]:
    """``outbox_sweep`` with ``enqueue`` counted: (result, queries, batches
    queued per task name)."""
    batches: dict[str, list[list[int]]] = {}

    def enqueue(task, ids):
        batches.setdefault(task.name, []).append(ids)
        return True

    with mock.patch("notifications.outbox.enqueue", side_effect=enqueue), CaptureQueriesContext(connection) as queries:
        result = outbox_sweep(grace_seconds=0)
    return result, len(queries), batches


@pytest.mark.django_db
def test_outbox_sweep_runs_the_same_queries_for_10_and_1000_and_queues_batches_of_500(make_user):
    user = make_user("sweep-recipient")
    already = Event.objects.filter(dispatched_at=None).count()
    outbox(10 - already, user)
    small, small_queries, small_batches = sweep()
    outbox(990, user)
    large, large_queries, large_batches = sweep()
    assert small_queries == large_queries == 2, (small_queries, large_queries)
    assert small == {"events": 10, "emails": 10 - already}
    assert large == {"events": 1000, "emails": 1000 - already}
    for result, batches in ((small, small_batches), (large, large_batches)):
        events, emails = batches["notifications.dispatch_events"], batches["notifications.send_notifications"]
        assert len(events) == math.ceil(result["events"] / 500) and len(emails) == math.ceil(result["emails"] / 500)
        assert all(len(batch) <= 500 for batch in events + emails)
    pending = list(Event.objects.filter(dispatched_at=None).order_by("pk").values_list("pk", flat=True))
    assert [pk for batch in large_batches["notifications.dispatch_events"] for pk in batch] == pending


@pytest.mark.django_db
def test_outbox_sweep_stops_queueing_when_the_broker_refuses(make_user):
    outbox(1200, make_user("sweep-recipient"))
    calls = []

    def enqueue(task, ids):
        calls.append(task.name)
        return len(calls) == 1  # the broker goes down after the first batch

    with mock.patch("notifications.outbox.enqueue", side_effect=enqueue):
        assert outbox_sweep(grace_seconds=0) == {"events": 500, "emails": 0}
    assert calls == ["notifications.dispatch_events"] * 2 + ["notifications.send_notifications"]  # one refusal each


@pytest.mark.django_db
def test_a_batch_task_goes_through_every_id_and_raises_the_first_failure(make_user):
    from django.core import mail

    from notifications.tasks import dispatch_events, send_notifications

    users = [make_user(f"batch-{i}") for i in range(3)]
    event = Event.objects.create(kind="case_step", reference="REF-1", link="/")
    rows = Notification.objects.bulk_create([Notification(event=event, recipient=u, channel=Channel.EMAIL) for u in users])
    refused = users[0].email
    real_mail = notification_mail._mail

    def flaky(**message):
        if message["to"] == refused:
            raise OSError("recipient refused")
        real_mail(**message)

    mail.outbox.clear()
    with mock.patch("notifications.mail._mail", side_effect=flaky), pytest.raises(OSError):
        send_notifications([row.pk for row in rows])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users[1:])  # the rest were sent
    assert "recipient refused" in Notification.objects.get(recipient=users[0]).last_error
    assert send_notifications([row.pk for row in rows]) == 1  # the retry sends only what is left
    assert dispatch_events([event.pk]) >= 0 and Event.objects.get(pk=event.pk).dispatched_at is not None
