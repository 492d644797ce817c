"""Notifications: what happened (events, an outbox), who is told and how
(notifications, one row per event, recipient and channel), what is due
(deadlines and their reminders), and how each user wants to hear of it.

Nothing here holds the text of a protected object: an event carries the
reference, the marking and a link; whoever follows the link goes through
the access rule again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_STEP = "case_step", _("Case moved to another step")
    CASE_SHARED = "case_shared", _("Case shared with you")
    ACCESS_REQUESTED = "access_requested", _("Access to a case requested")
    ACCESS_DECIDED = "access_decided", _("Your access request decided")
    WORKFLOW_STEP = "workflow_step", _("Workflow step (measures, notes, attribution)")
    ASSESSMENT_ADDED = "assessment_added", _("New assessment on a case")
    RFI_OPENED = "rfi_opened", _("Request for information opened")
    RFI_ANSWERED = "rfi_answered", _("Request for information answered")
    NOTE_CIRCULATED = "note_circulated", _("Note circulated for comments")
    NOTE_SUBMITTED = "note_submitted", _("Note submitted")
    POSITION_REQUESTED = "position_requested", _("Position requested")
    PROCEDURE_OPENED = "procedure_opened", _("Written procedure opened")
    PROCEDURE_CLOSED = "procedure_closed", _("Written procedure closed")
    DECISION_ADOPTED = "decision_adopted", _("Decision adopted")
    MEASURE_IMPLEMENTED = "measure_implemented", _("Measure implemented")
    AGENDA_PUBLISHED = "agenda_published", _("Meeting agenda published")
    # Reminders of deadlines (fired by the beat scan).
    PROCEDURE_DEADLINE = "procedure_deadline", _("Written procedure deadline approaching")
    RFI_DUE = "rfi_due", _("Request for information due")
    REVIEW_DUE = "review_due", _("Strategic response note review due")
    EVALUATION_DUE = "evaluation_due", _("Impact evaluation due")
    RENEWAL_DUE = "renewal_due", _("Sanctions renewal due")
    MEETING_SOON = "meeting_soon", _("Meeting approaching")


#: Kinds a user cannot switch off: missing them costs a Member State its say.
MANDATORY_KINDS = frozenset({EventKind.PROCEDURE_OPENED, EventKind.PROCEDURE_DEADLINE, EventKind.POSITION_REQUESTED})


class AboutObject(models.Model):
    """What an event or a deadline is about, and all that may be said of it
    outside CDT: the case (or the meeting), the object itself with its
    classification (for the access rule), its reference, its marking and
    a link. Never the object's text."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey("council.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    reference = models.CharField(_("reference"), max_length=100)
    marking = models.CharField(_("marking"), max_length=100, blank=True)
    link = models.CharField(_("link"), max_length=300)

    class Meta:
        abstract = True

    @property
    def reference_label(self) -> str:
        """The reference as the reader is shown it, in the reader's language:
        the case's reference and the kind of object ("CDT-2026-0003 · impact
        evaluation"), the kind and number of an object outside a case, the
        meeting's body and time. ``reference`` keeps the words of the
        language the change was made in (issue 28: French pages said
        "CDT-2026-0003 · impact evaluation"), so the kind is put back from
        the subject's type (cached per process: no query)."""
        if self.meeting_id is not None or self.subject_type_id is None:
            return self.reference
        model = ContentType.objects.get_for_id(self.subject_type_id).model_class()
        if model is None or model._meta.label == "cases.Case":
            return self.reference
        kind = model._meta.verbose_name
        if self.case_id is not None:
            return f"{self.reference.split(' · ')[0]} · {kind}"
        return f"{capfirst(kind)} #{self.subject_id}"


class Event(AboutObject):
    """The outbox: one row per thing worth telling, written in the same
    transaction as the change it reports (so a rollback leaves no event and
    a commit never loses one). Recipients are computed when it is
    dispatched, with the access rule; ``dispatched_at`` is set once every
    recipient's notification rows exist."""

    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    # Not indexed: the outbox sweep finds pending events by ``notif_event_pending``
    # and nothing else filters on it; every event paid for the index (issue 29).
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["dispatched_at", "id"], name="notif_event_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.reference_label}"


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Off")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Notification centre")
    EMAIL = "email", _("E-mail")


class Notification(models.Model):
    """One event told to one recipient on one channel: the unique key makes
    delivery at most once however often a task runs; the sweeper makes it
    at least once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    digest = models.ForeignKey("Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "channel"], name="notification_once_per_channel"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox"),
            models.Index(fields=["channel", "sent_at", "mode"], name="notif_outgoing"),
        ]

    @property
    def message_id(self) -> str:
        """Stable across retries, so a relay or mail client can drop the
        copy a crash between hand-over and commit could cause."""
        return f"<notification-{self.pk}@{settings.CDT_MAIL_DOMAIN}>"


class Digest(models.Model):
    """One daily digest e-mail to one user: the unique key keeps a rerun of
    the digest task from sending a second one."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]

    @property
    def message_id(self) -> str:
        return f"<digest-{self.pk}@{settings.CDT_MAIL_DOMAIN}>"


class Preference(models.Model):
    """How one user wants to hear of one kind of event (immediately when no
    row says otherwise)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            models.CheckConstraint(
                condition=~(models.Q(mode="off") & models.Q(kind__in=sorted(MANDATORY_KINDS))),
                name="preference_mandatory_not_off",
                violation_error_message=_("This notification cannot be turned off: choose immediately or in the daily digest."),
            ),
        ]


class DeadlineKind(models.TextChoices):
    PROCEDURE = "procedure", _("Written procedure deadline")
    RFI = "rfi", _("Request for information due")
    REVIEW = "review", _("Strategic response note review")
    EVALUATION = "evaluation", _("Impact evaluation due")
    RENEWAL = "renewal", _("Sanctions renewal")
    MEETING = "meeting", _("Meeting")


#: The reminder event each kind of deadline fires.
REMINDER_EVENT = {
    DeadlineKind.PROCEDURE: EventKind.PROCEDURE_DEADLINE,
    DeadlineKind.RFI: EventKind.RFI_DUE,
    DeadlineKind.REVIEW: EventKind.REVIEW_DUE,
    DeadlineKind.EVALUATION: EventKind.EVALUATION_DUE,
    DeadlineKind.RENEWAL: EventKind.RENEWAL_DUE,
    DeadlineKind.MEETING: EventKind.MEETING_SOON,
}


class Deadline(AboutObject):
    """Something due at a time, kept in step with the object it belongs to
    by that object's services. Visible exactly to those who may see the
    object (same fields as an event: case, subject, classification)."""

    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("deadline")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind"], name="deadline_once_per_subject"),
        ]
        indexes = [models.Index(fields=["done_at", "due_at"], name="notif_deadline_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.reference_label}"

    @property
    def title(self) -> str:
        """What a calendar or a reminder may say: the kind and the reference,
        never the object's own text."""
        return f"{self.get_kind_display()} — {self.reference_label}"


class Reminder(models.Model):
    """A reminder of a deadline at a time; the beat scan fires the due ones
    (each once: ``fired_at`` is set in the transaction that writes its
    event). Rows, not delayed Celery tasks: Redis would redeliver a task
    delayed past its visibility timeout."""

    # No index of its own: the unique constraint below starts with it (a
    # second index cost the reminder sweep 100,000 needless inserts, issue 29).
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    remind_at = models.DateTimeField(_("remind at"))
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)

    class Meta:
        ordering = ["remind_at", "id"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["deadline", "remind_at"], name="reminder_once_per_time")]
        indexes = [models.Index(fields=["fired_at", "remind_at"], name="notif_reminder_due")]


class CalendarFeed(models.Model):
    """A user's secret iCal address. Only a hash of the token is stored;
    revoking deletes the row, and issuing a new one replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
