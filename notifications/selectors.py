"""Access-filtered reads: a user's notifications and deadlines.

Recipients were chosen by the access rule when the event was dispatched;
the lists apply it again, so a notification about a case whose access was
since withdrawn disappears with the case.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import AccessRequest, Case
from cdt.core.generation import kept_count
from cdt.security.access import visible_to
from measures.models import StrategicResponseNote

from .models import Channel, Deadline, Notification


def visible_rows(user, prefix: str = "") -> Q:
    """Rows about a case (or a protected object without a case) the user
    may still see, at a classification the user is cleared for; and rows
    about the user's own requests for access (they name no case)."""
    # Correlated on the row's case: a user's unread rows are few, and a page
    # of the inbox stops after 25, so checking their cases one by one beats
    # building the set of every case the user may see (``make bench``).
    case_visible = Exists(visible_to(Case.objects.filter(pk=OuterRef(f"{prefix}case_id")), user))
    notes = visible_to(StrategicResponseNote.objects.all(), user).values("pk")
    clearance = int(user.effective_clearance())
    return Q(**{f"{prefix}classification__lte": clearance}) & (
        Q(case_visible)
        | Q(**{f"{prefix}case": None, f"{prefix}meeting__isnull": False})
        | Q(
            **{
                f"{prefix}case": None,
                f"{prefix}subject_type": ContentType.objects.get_for_model(StrategicResponseNote),
                f"{prefix}subject_id__in": notes,
            }
        )
        | Q(
            **{
                f"{prefix}case": None,
                f"{prefix}subject_type": ContentType.objects.get_for_model(AccessRequest),
                f"{prefix}subject_id__in": AccessRequest.objects.filter(requested_by=user).values("pk"),
            }
        )
    )


def visible_case_ids(user, case_ids: set[int]) -> set[int]:
    """Which of these cases ``user`` may see now (one query; none asked, none made)."""
    if not case_ids:
        return set()
    return set(visible_to(Case.objects.filter(pk__in=case_ids), user).values_list("pk", flat=True))


def inbox(*, user) -> QuerySet[Notification]:
    """The user's notification centre, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=user, channel=Channel.IN_APP)
        .filter(visible_rows(user, "event__"))
        .select_related("event", "event__case")  # the case's title and step: the row is kept only if its case is visible
        .order_by("-id")
    )


def unread_count(*, user) -> int:
    """The badge on every page: kept until the next committed write (cdt/core/generation.py)."""
    return kept_count(inbox(user=user).filter(read_at=None))


def deadlines(*, user, include_done: bool = False, since: datetime.datetime | None = None) -> QuerySet[Deadline]:
    """The deadlines of what the user may see, soonest first: open ones
    from a day ago on (or everything from ``since``, for the calendar)."""
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    rows = Deadline.objects.filter(visible_rows(user)).select_related("case")  # its title and step, as for notifications
    if not include_done:
        rows = rows.filter(done_at=None)
    since = since or timezone.now() - datetime.timedelta(days=1)
    return rows.filter(due_at__gte=since).order_by("due_at", "id")
