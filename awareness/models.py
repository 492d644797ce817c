"""Shared situational awareness (guidelines section 4): the threat-actor
registry, assessments and briefings, and requests for information.

Assessments are protected objects in their own right (``Marked``: SIAC
and partners' material carries its own classification, TLP, originator and
releasability, independent of the cases it informs). Requests for
information are children of their case.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cdt.directory.models import Organisation
from cdt.security.markings import Classification, Tlp, validate_classification_ceiling
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
        _("external references"),
        default=list,
        blank=True,
        help_text=_('e.g. [{"source": "mitre-attack", "id": "G0007"}]'),
    )
    stix_id = models.CharField(_("STIX id"), max_length=100, blank=True, db_index=True)
    stix_modified = models.DateTimeField(_("STIX version"), null=True, blank=True)
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
        Organisation,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("source"),
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
    stix_id = models.CharField(
        _("STIX id"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("The STIX report this assessment came from, if posted to the feed."),
    )
    stix_modified = models.DateTimeField(_("STIX version"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["releasable_to", "cases", "actors"])
    #: An assessment may reach whoever sees one of the cases it informs.
    distribution_via = "cases"

    class Meta(Marked.Meta):
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        # The dashboard's newest assessments walk it instead of sorting them all (issue 29).
        indexes = [models.Index(fields=["recorded_at"], name="awareness_assessment_recorded")]

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
    answer = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("answer")
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta(MarkedChild.Meta):
        ordering = ["due_on", "id"]
        verbose_name = _("request for information")

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def overdue(self) -> bool:
        return self.answer_id is None and self.due_on < timezone.localdate()


# --- The SIAC feed: STIX 2.1 objects, TAXII collections, ingestions ------------------------------


class FeedClient(models.Model):
    """What an API client posting to the feed (SIAC, CERT-EU, a partner's
    platform) does not say in its bundles: the default classification,
    releasability and need-to-know of what it posts. Set by the secretariat
    per token; a feed token without settings cannot post. STIX carries TLP
    but not EU classification or releasability, hence these defaults."""

    token = models.OneToOneField("accounts.ApiToken", on_delete=models.CASCADE, related_name="feed_client", verbose_name=_("API token"))
    default_classification = models.PositiveSmallIntegerField(
        _("default classification"),
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
        validators=[validate_classification_ceiling],
        help_text=_("Applied to every object; a classification statement marking in the bundle may raise it."),
    )
    default_limite = models.BooleanField(_("LIMITE by default"), default=True)
    default_tlp = models.PositiveSmallIntegerField(
        _("default TLP"),
        choices=Tlp.choices,
        default=Tlp.AMBER,
        help_text=_("For objects that carry no TLP marking."),
    )
    releasable_to_all = models.BooleanField(_("releasable to all"), default=True)
    releasable_to = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("releasable to"))
    shared_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("need-to-know"),
        help_text=_("Organisations that see what this client posts, besides its own and the Council secretariat."),
    )
    shared_with_all_delegations = models.BooleanField(_("shared with every HWPCI delegation"), default=False)

    class Meta:
        verbose_name = _("feed client")

    def __str__(self) -> str:
        return str(self.token)


class TaxiiCollection(models.Model):
    """A TAXII 2.1 collection. Objects posted through TAXII land in the
    collection they were posted to; objects posted to the feed endpoint land
    in the collection whose ``stix_types`` name their type, else in the
    default one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alias = models.SlugField(_("alias"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stix_types = models.JSONField(_("STIX types routed here"), default=list, blank=True)
    is_default = models.BooleanField(_("default collection"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("TAXII collection")

    def __str__(self) -> str:
        return self.title


def taxii_collections_ensure() -> None:
    """The default collections, if there are none (a fresh database is given
    them by a migration; this covers a flushed one)."""
    from importlib import import_module

    import_module("awareness.migrations.0004_taxii_collections").ensure(TaxiiCollection)


class FeedIngestion(models.Model):
    """One bundle posted to the feed (by the REST endpoint or TAXII): who,
    when, what it contained, what came of it. Its id is the TAXII status id
    and the progress URL of an asynchronous ingestion."""

    class Channel(models.TextChoices):
        FEED_API = "feed_api", _("Feed API")
        TAXII = "taxii", _("TAXII")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VALIDATING = "validating", _("Validating")
        WRITING = "writing", _("Writing")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.ForeignKey("accounts.ApiToken", on_delete=models.SET_NULL, null=True, related_name="+")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    collection = models.ForeignKey(TaxiiCollection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    bundle_id = models.CharField(_("bundle"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    object_count = models.PositiveIntegerField(_("objects"), default=0)
    processed_count = models.PositiveIntegerField(_("validated"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    ignored_count = models.PositiveIntegerField(_("ignored (older)"), default=0)
    stored_raw_count = models.PositiveIntegerField(_("stored raw"), default=0)
    outcome = models.JSONField(
        _("outcome"), default=dict, blank=True, help_text=_("Ids per outcome: created, updated, unchanged, ignored, stored raw.")
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    payload = models.JSONField(null=True, blank=True, help_text=_("The bundle, kept until an asynchronous ingestion has run."))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    #: Set (not stored) when the bundle was refused only because it reuses
    #: another producer's ids: the synchronous answer is then 409, not 400.
    conflict = False

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("feed ingestion")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d %H:%M} ({self.object_count} objects)"


class StixObject(Marked):
    """One version of one STIX 2.1 object as posted, kept verbatim: the
    TAXII server serves these, and unsupported types are kept here rather
    than dropped. Each version is a row (``current`` marks the newest), so
    the object's history is its versions. Protected like any record: the
    markings come from the object's marking references and the posting
    client's defaults, the grants from the client's settings."""

    stix_id = models.CharField(_("STIX id"), max_length=100)
    stix_type = models.CharField(_("type"), max_length=60, db_index=True)
    version = models.CharField(_("version"), max_length=40, help_text=_("modified (or created) as posted"))
    modified = models.DateTimeField(_("modified"), null=True, blank=True)
    current = models.BooleanField(_("current version"), default=True)
    supported = models.BooleanField(_("mapped into CDT"), default=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    source_ref = models.CharField(max_length=100, blank=True, db_index=True)
    target_ref = models.CharField(max_length=100, blank=True, db_index=True)
    refs = models.TextField(blank=True, help_text=_("object_refs, space-separated, for notes, opinions and reports"))
    collection = models.ForeignKey(TaxiiCollection, on_delete=models.PROTECT, related_name="stix_objects")
    ingestion = models.ForeignKey(FeedIngestion, on_delete=models.PROTECT, related_name="stix_objects")
    added_at = models.DateTimeField(_("added"), db_index=True)
    raw = models.JSONField(_("STIX"))

    class Meta(Marked.Meta):
        ordering = ["added_at", "id"]
        verbose_name = _("STIX object")
        constraints = [
            *Marked.Meta.constraints,
            models.UniqueConstraint(fields=["stix_id", "version"], name="awareness_stixobject_one_row_per_version"),
        ]
        indexes = [models.Index(fields=["stix_id", "current"])]

    def __str__(self) -> str:
        return f"{self.stix_type} {self.name or self.stix_id}"


class StixObjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(StixObject, on_delete=models.CASCADE)


class StixObjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(StixObject, on_delete=models.CASCADE)
