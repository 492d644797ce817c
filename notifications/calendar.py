"""The iCal feed of a user's deadlines and meetings (RFC 5545, written by
the icalendar library). Titles are the kind and the reference, never the
text of a protected object. Every link is on ``CDT_SITE_URL`` (the address
users reach the site at), never the host a request happened to name."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Deadline, DeadlineKind


def site_url(path: str) -> str:
    """``path`` on the site's public address (``CDT_SITE_URL``)."""
    return settings.CDT_SITE_URL.rstrip("/") + path


def feed(*, user, deadlines) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//EU Cyber Diplomacy Toolbox//CDT//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "CDT")
    stamp = timezone.now()
    for deadline in deadlines:
        calendar.add_component(_event(deadline, stamp))
    return calendar.to_ical()


def _event(deadline: Deadline, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"deadline-{deadline.pk}@{settings.CDT_MAIL_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.due_at)
    length = datetime.timedelta(hours=3) if deadline.kind == DeadlineKind.MEETING else datetime.timedelta(minutes=30)
    event.add("dtend", deadline.due_at + length)
    summary = deadline.title if not deadline.marking else f"[{deadline.marking}] {deadline.title}"
    event.add("summary", summary)
    if deadline.link:
        event.add("url", site_url(deadline.link))
    return event
