"""E-mails: one immediate e-mail sent at most once
(:func:`notification_send`), and the daily digest of the digest-mode ones
(:func:`digests_send`). They carry the reference, the marking and a link,
never the text of a protected object."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import Channel, Digest, Event, Mode, Notification


def _mail(*, subject: str, body: str, to: str, message_id: str) -> None:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers={"Message-ID": message_id})
    message.send(fail_silently=False)


def email_subject(event: Event) -> str:
    marking = f"[{event.marking}] " if event.marking else ""
    return f"CDT {marking}{event.reference_label}: {event.get_kind_display()}"


def notification_send(*, notification_id: int) -> bool:
    """Send one immediate e-mail, at most once: the row is locked while the
    mail is handed over and marked sent in the same transaction."""
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "recipient")
            .filter(pk=notification_id, channel=Channel.EMAIL)
            .first()
        )
        if notification is None or notification.sent_at is not None or notification.mode != Mode.IMMEDIATE:
            return False
        event, recipient = notification.event, notification.recipient
        # In the recipient's language, not the worker's (nor the language of
        # the request that made the change).
        with translation.override(recipient.language):
            subject = email_subject(event)
            body = render_to_string(
                "notifications/email.txt",
                {
                    "events": [event],
                    "recipient": recipient,
                    "site": settings.CDT_SITE_URL,
                },
            )
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
            .select_related("event")
            .filter(recipient_id=user_id, channel=Channel.EMAIL, mode=Mode.DIGEST, sent_at=None)
            .order_by("id")
        )
        if not waiting:
            return 0
        recipient = get_user_model().objects.get(pk=user_id)
        with translation.override(recipient.language):
            body = render_to_string(
                "notifications/email.txt",
                {
                    "events": [n.event for n in waiting],
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
