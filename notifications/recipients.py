"""Who is told of an event: the access rule read the other way round.

The users who may see the case (:func:`~cdt.security.access.viewers_of`),
and, where the event is about an object with markings of its own, who may
see that object too, cleared for the event's classification. A kind may
narrow that audience further (a request for information goes to the
organisation it is addressed to), never widen it. The actor is not told
of their own act.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from cdt.security.access import cleared_for, viewers_of
from cdt.security.models import Marked

from .models import Event, EventKind


def audience(event: Event) -> QuerySet:
    users = get_user_model().objects.filter(is_active=True)
    if event.kind == EventKind.ACCESS_DECIDED:
        # About a request, not a case the requester may not see: told to
        # the requester alone; the event names the request, never the case.
        return users.filter(pk=event.payload.get("requester")).order_by("pk")
    if event.case_id is not None:
        users = viewers_of(event.case, users)
    subject = event.subject if event.subject_type_id else None
    if isinstance(subject, Marked) and subject != event.case:
        users = viewers_of(subject, users)
    if event.case_id is None and not isinstance(subject, Marked) and event.meeting_id is None:
        return users.none()  # nothing to hang the rule on: tell nobody rather than everybody
    users = users.filter(cleared_for(event.classification))
    if event.kind == EventKind.POSITION_REQUESTED:
        users = users.filter(organisation__member_state__isnull=False)
    elif event.kind == EventKind.RFI_OPENED and event.payload.get("addressed_to"):
        users = users.filter(organisation_id=event.payload["addressed_to"])
    elif event.kind == EventKind.CASE_SHARED:
        users = users.filter(pk__in=event.payload.get("gained", []))  # those who gained access, and still have it
    elif event.kind == EventKind.ACCESS_REQUESTED and event.case_id is not None:
        users = users.filter(pk__in=viewers_of(event.case, action="change").values("pk"))  # those who may decide
    if event.actor_id is not None:
        users = users.exclude(pk=event.actor_id)
    return users.order_by("pk")
