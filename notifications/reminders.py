"""Reminders fired: every due reminder of an open deadline becomes its event,
in a fixed number of statements whatever the backlog (one on PostgreSQL,
its rows locked ``SKIP LOCKED``; an insert and an update on SQLite), and
one outbox sweep dispatches them."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from cdt.core.queueing import enqueue

from .models import REMINDER_EVENT, AboutObject, Deadline, Event, Reminder

#: A reminder found this long after its deadline is not sent (a late scan,
#: after an outage, does not send stale reminders).
REMINDER_STALE_AFTER = datetime.timedelta(hours=1)

#: PostgreSQL: lock the due reminders (skipping those a parallel scan holds),
#: mark them fired, and hand their deadlines to the insert below: one statement.
_FIRE_DUE_POSTGRESQL = """
WITH due AS (
    SELECT {reminder_pk} FROM {reminder} WHERE {fired_at} IS NULL AND {remind_at} <= %(now)s
    FOR UPDATE SKIP LOCKED
), fired AS (
    UPDATE {reminder} r SET {fired_at} = %(now)s FROM due WHERE r.{reminder_pk} = due.{reminder_pk}
    RETURNING r.{reminder_deadline}
)
"""

#: The events of the reminders in ``{fired}`` whose deadline is open and not long past.
_INSERT_REMINDER_EVENTS = """
INSERT INTO {event} ({event_columns})
SELECT {event_values}
FROM {fired} r JOIN {deadline} d ON d.{deadline_pk} = r.{reminder_deadline}
WHERE d.{done_at} IS NULL AND d.{due_at} > %(stale)s {and_due}
"""


def _reminder_sql() -> tuple[dict[str, str], dict[str, str]]:
    """The quoted names the reminder statements use, and the value of each
    event column from the deadline ``d``: what :func:`event_build` would
    give it (what the deadline says of its object, the reminder kind of its
    kind, the deadline and its date as payload) and the defaults Django
    would otherwise apply (raw SQL applies none)."""
    qn = connection.ops.quote_name

    def column(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    names = {
        "reminder": qn(Reminder._meta.db_table),
        "deadline": qn(Deadline._meta.db_table),
        "event": qn(Event._meta.db_table),
        "reminder_pk": column(Reminder, "id"),
        "reminder_deadline": column(Reminder, "deadline"),
        "fired_at": column(Reminder, "fired_at"),
        "remind_at": column(Reminder, "remind_at"),
        "deadline_pk": column(Deadline, "id"),
        "done_at": column(Deadline, "done_at"),
        "due_at": column(Deadline, "due_at"),
    }
    deadline_id, due_at = f"d.{names['deadline_pk']}", f"d.{names['due_at']}"
    if connection.vendor == "postgresql":  # a timestamptz in JSON is ISO 8601 (the session is in UTC)
        payload = f"jsonb_build_object('deadline', {deadline_id}, 'due_at', {due_at})"
    else:  # SQLite stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC
        payload = f"json_object('deadline', {deadline_id}, 'due_at', replace({due_at}, ' ', 'T') || '+00:00')"
    kind = " ".join(f"WHEN %(deadline_kind_{i})s THEN %(event_kind_{i})s" for i in range(len(REMINDER_EVENT)))
    values = {
        **{column(Event, f.name): f"d.{column(Deadline, f.name)}" for f in AboutObject._meta.local_fields},
        column(Event, "kind"): f"CASE d.{column(Deadline, 'kind')} {kind} END",
        column(Event, "payload"): payload,
        column(Event, "actor"): "NULL",
        column(Event, "created_at"): "%(created_at)s",
        column(Event, "dispatched_at"): "NULL",
        column(Event, "attempts"): "0",
    }
    return names, values


def reminders_fire(*, now: datetime.datetime | None = None) -> int:
    """Fire every due reminder, each once, in one transaction of a fixed
    number of statements however many are due (a backlog of 100,000 after
    an outage is one sweep, not 700,000 queries): mark them fired, write
    the event of each whose deadline is open and not long past (a late
    scan does not send stale reminders), and on commit queue one outbox
    sweep instead of a task per event. Returns how many events it wrote.

    PostgreSQL: one statement, the due rows locked ``SKIP LOCKED``, so
    parallel scans never fire the same reminder. SQLite has no row locks
    but one writer at a time: the insert takes the write lock, and the
    update that follows (same condition) marks exactly the rows it read."""
    from .tasks import sweep_outbox

    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "now": adapt(now),
        "stale": adapt(now - REMINDER_STALE_AFTER),
        "created_at": adapt(timezone.now()),  # as auto_now_add would: the clock the outbox sweep compares with
    }
    for i, (deadline_kind, event_kind) in enumerate(REMINDER_EVENT.items()):
        params[f"deadline_kind_{i}"], params[f"event_kind_{i}"] = deadline_kind.value, event_kind.value
    names, values = _reminder_sql()
    insert = partial(_INSERT_REMINDER_EVENTS.format, **names, event_columns=", ".join(values), event_values=", ".join(values.values()))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_FIRE_DUE_POSTGRESQL.format(**names) + insert(fired="fired", and_due=""), params)
            written = cursor.rowcount
        else:
            due = "AND r.{fired_at} IS NULL AND r.{remind_at} <= %(now)s".format(**names)
            cursor.execute(insert(fired=names["reminder"], and_due=due), params)
            written = cursor.rowcount
            Reminder.objects.filter(fired_at=None, remind_at__lte=now).update(fired_at=now)
        if written:
            transaction.on_commit(lambda: enqueue(sweep_outbox, 0))
    return written
