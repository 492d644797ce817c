"""Shared situational awareness (guidelines section 4): the threat-actor
registry, assessments and briefings, and requests for information.

Assessments are protected objects in their own right (``Marked``: SIAC
and partners' material carries its own classification, TLP, originator and
releasability, independent of the cases it informs). Requests for
information are children of their case.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cdt.directory.models import Organisation
from cdt.security.models import Marked, MarkedChild


class ThreatActor(models.Model):
    """A threat actor, state or non-state: the registry cases and strategic
    response notes point to. Reference data for the secretariat and SIAC;
    what is said *about* an actor (assessments, attributions) is protected
    where it is recorded."""

    class Kind(models.TextChoices):
        STATE = "state", _("State actor")
        STATE_SPONSORED = "state_sponsored", _("State-sponsored group")
        NON_STATE = "non_state", _("Non-state actor")
        UNKNOWN = "unknown", _("Unknown")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    persistent = models.BooleanField(_("persistent threat actor"), default=False)
    aliases = models.JSONField(_("aliases"), default=list, blank=True, help_text=_("e.g. APT28, Fancy Bear, GRU unit 26165"))
    suspected_sponsor = models.CharField(_("suspected sponsoring State"), max_length=100, blank=True)
    unit = models.CharField(_("unit or agency (where public)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    last_seen = models.DateField(_("last seen"), null=True, blank=True)
    external_references = models.JSONField(
        _("external references"), default=list, blank=True, help_text=_('e.g. [{"source": "mitre-attack", "id": "G0007"}]'),
    )
    stix_id = models.CharField(_("STIX id"), max_length=100, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("threat actor")
        verbose_name_plural = _("threat actors")

    def __str__(self) -> str:
        return self.name


class Assessment(Marked):
    """An assessment or briefing: SIAC's all-source assessments, ENISA or
    CERT-EU reports, EU-CyCLONe severity information, a Member State's or a
    partner's contribution, a record of an oral briefing."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("Written assessment")
        ORAL_BRIEFING = "oral_briefing", _("Record of an oral briefing")
        THREAT_LANDSCAPE = "threat_landscape", _("Threat-landscape report")
        SEVERITY = "severity", _("Severity information (EU-CyCLONe)")

    class Confidence(models.TextChoices):
        LOW = "low", _("Low confidence")
        MODERATE = "moderate", _("Moderate confidence")
        HIGH = "high", _("High confidence")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("source"),
        help_text=_("SIAC, ENISA, CERT-EU, Europol, EU-CyCLONe, a Member State, a partner…"),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.MODERATE)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="assessments", verbose_name=_("cases"))
    actors = models.ManyToManyField(ThreatActor, blank=True, related_name="assessments", verbose_name=_("threat actors"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["releasable_to", "cases", "actors"])

    class Meta(Marked.Meta):
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")

    def __str__(self) -> str:
        return self.title


class AssessmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assessment, on_delete=models.CASCADE)


class AssessmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assessment, on_delete=models.CASCADE)


class RequestForInformation(MarkedChild):
    """A delegate or the chair asks SIAC (or another contributor) for an
    assessment on a case by a date; answered by linking an assessment."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="requests_for_information")
    addressed_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to"))
    question = models.TextField(_("request"))
    due_on = models.DateField(_("due on"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("answer"))
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta(MarkedChild.Meta):
        ordering = ["due_on", "id"]
        verbose_name = _("request for information")

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def overdue(self) -> bool:
        return self.answer_id is None and self.due_on < timezone.localdate()
