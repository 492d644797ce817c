"""Requests for access to a case.

A user who knows a case's reference (from an agenda, a meeting, a COREU)
asks to be let in. The request is stored whether or not the reference
names a case the user may not see, and whether or not it names a case at
all: the answer never tells which (``case`` is then empty and nobody but
the requester ever sees the row). The originator or the secretariat grant
or decline it, with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")


class AccessScope(models.TextChoices):
    """What a granted request opens: the requester alone (a named official)
    or their whole delegation or body."""

    USER = "user", _("The requester (named official)")
    ORGANISATION = "organisation", _("The requester's delegation or body")


class AccessRequest(models.Model):
    reference = models.CharField(_("case reference"), max_length=30)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests")
    reason = models.TextField(_("why you need access"), max_length=2000)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING)
    scope = models.CharField(_("access given to"), max_length=12, choices=AccessScope.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        default_permissions = ()
        indexes = [models.Index(fields=["case", "status"], name="cases_accessreq_case_status")]
        constraints = [
            # Two tabs or a retried POST: one pending request per requester and reference.
            models.UniqueConstraint(
                fields=["requested_by", "reference"],
                condition=models.Q(status="pending"),
                name="cases_accessreq_one_pending",
                violation_error_message=_("You have asked for access to this case already; the answer is still to come."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.requested_by}"
