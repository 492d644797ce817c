"""E-mails: one immediate e-mail sent at most once
(:func:`notification_send`), and the daily digest of the digest-mode ones
(:func:`digests_send`). They carry the reference, the marking, the case's
step and a link, never the text of a protected object: a case's title only
when its markings let it leave CDT (:func:`title_may_leave`), and nothing
of a case the recipient may no longer see (checked when the mail is sent,
which may be a day after the event, for a digest)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from cdt.security.markings import Classification, Tlp

from .models import Channel, Digest, Event, Mode, Notification
from .selectors import visible_case_ids

#: Why a notification's e-mail was not sent (kept on the row).
WITHDRAWN = "not sent: access to the case withdrawn since the event"


@dataclass(frozen=True)
class MailedEvent:
    """An event as one recipient's e-mail may tell it."""

    event: Event
    #: The case's step now ("" when the event is about no case, or about
    #: one the recipient may no longer see).
    step: str = ""
    #: The case's title, only when it may leave CDT (see :func:`title_may_leave`).
    title: str = ""
    #: The case is named but its title stays in CDT.
    title_withheld: bool = False
    #: The recipient may no longer see the event's case: nothing is sent.
    withdrawn: bool = False


def title_may_leave(case) -> bool:
    """Whether a case's title may travel by e-mail: unclassified, not
    LIMITE (Council documents not for public release stay in CDT) and
    TLP:CLEAR or GREEN. Otherwise the e-mail names the case by reference."""
    return int(case.classification) == Classification.UNCLASSIFIED and not case.limite and int(case.tlp) <= Tlp.GREEN


def mailed_events(events: list[Event], recipient) -> list[MailedEvent]:
    """``events`` as ``recipient``'s e-mail may tell them (their cases read
    with the events; the access rule in one query, whatever their number)."""
    visible = visible_case_ids(recipient, {event.case_id for event in events if event.case_id is not None})
    mailed = []
    for event in events:
        case = event.case
        if case is None:
            mailed.append(MailedEvent(event))
        elif case.pk not in visible:
            mailed.append(MailedEvent(event, withdrawn=True))
        elif title_may_leave(case):
            mailed.append(MailedEvent(event, str(case.get_state_display()), " ".join(case.title.split())))
        else:
            mailed.append(MailedEvent(event, str(case.get_state_display()), title_withheld=True))
    return mailed


def _mail(*, subject: str, body: str, to: str, message_id: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers={"Message-ID": message_id})
    message.send(fail_silently=False)


def email_subject(mailed: MailedEvent) -> str:
    event = mailed.event
    marking = f"[{event.marking}] " if event.marking else ""
    title = f" “{mailed.title}”" if mailed.title else ""
    step = f" ({mailed.step})" if mailed.step else ""
    return f"CDT {marking}{event.reference_label}{title}{step}: {event.get_kind_display()}"


def notification_send(*, notification_id: int) -> bool:
    """Send one immediate e-mail, at most once: the row is locked while the
    mail is handed over and marked sent in the same transaction."""
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "event__case", "recipient")
            .filter(pk=notification_id, channel=Channel.EMAIL)
            .first()
        )
        if notification is None or notification.sent_at is not None or notification.mode != Mode.IMMEDIATE:
            return False
        recipient = notification.recipient
        # In the recipient's language, not the worker's (nor the language of
        # the request that made the change).
        with translation.override(recipient.language):
            (mailed,) = mailed_events([notification.event], recipient)
            if mailed.withdrawn:  # access withdrawn since the event: the e-mail would tell of a case no longer shared
                notification.sent_at, notification.last_error = timezone.now(), WITHDRAWN
                notification.save(update_fields=["sent_at", "last_error"])
                return False
            body = render_to_string(
                "notifications/email.txt",
                {
                    "events": [mailed],
                    "recipient": recipient,
                    "site": settings.CDT_SITE_URL,
                },
            )
            subject = email_subject(mailed)
        notification.attempts += 1
        try:
            _mail(subject=subject, body=body, to=recipient.email, message_id=notification.message_id)
        except Exception as error:  # noqa: BLE001 — recorded, then raised for Celery's retry
            failure = error
            notification.last_error = f"{type(error).__name__}: {error}"[:300]
            notification.save(update_fields=["attempts", "last_error"])
        else:
            notification.sent_at = timezone.now()
            notification.save(update_fields=["sent_at", "attempts"])
    if failure is not None:
        raise failure
    return True


def digests_send(*, day: datetime.date | None = None) -> int:
    """One digest e-mail per user with digest-mode e-mails waiting; each
    in its own transaction, at most once a day per user."""
    day = day or timezone.localdate()
    users = (
        Notification.objects.filter(channel=Channel.EMAIL, mode=Mode.DIGEST, sent_at=None).values_list("recipient_id", flat=True).distinct()
    )
    sent = 0
    for user_id in list(users):
        sent += digest_send(user_id=user_id, day=day)
    return sent


def digest_send(*, user_id: int, day: datetime.date) -> int:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(recipient_id=user_id, day=day)
        digest = Digest.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None:
            return 0
        waiting = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("event", "event__case")
            .filter(recipient_id=user_id, channel=Channel.EMAIL, mode=Mode.DIGEST, sent_at=None)
            .order_by("id")
        )
        if not waiting:
            return 0
        recipient = get_user_model().objects.get(pk=user_id)
        with translation.override(recipient.language):
            mailed = mailed_events([n.event for n in waiting], recipient)
            withdrawn = [n.pk for n, told in zip(waiting, mailed, strict=True) if told.withdrawn]
            if withdrawn:  # access withdrawn since the event: left out, and not waiting any more
                Notification.objects.filter(pk__in=withdrawn).update(sent_at=timezone.now(), last_error=WITHDRAWN)
                waiting = [n for n, told in zip(waiting, mailed, strict=True) if not told.withdrawn]
                mailed = [told for told in mailed if not told.withdrawn]
                if not waiting:
                    return 0
            body = render_to_string(
                "notifications/email.txt",
                {
                    "events": mailed,
                    "recipient": recipient,
                    "site": settings.CDT_SITE_URL,
                    "digest": True,
                },
            )
            subject = ngettext(
                "CDT daily digest, %(day)s: %(count)d notification",
                "CDT daily digest, %(day)s: %(count)d notifications",
                len(waiting),
            ) % {"day": day.isoformat(), "count": len(waiting)}
        _mail(subject=subject, body=body, to=recipient.email, message_id=digest.message_id)
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(sent_at=now, digest=digest)
        digest.sent_at = now
        digest.save(update_fields=["sent_at"])
    return 1
