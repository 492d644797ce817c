from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.accounts.models import ApiToken
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.security.admin import ProtectedModelAdmin, ReadOnlyAdmin

from .models import Assessment, FeedClient, FeedIngestion, StixObject, TaxiiCollection, ThreatActor


@admin.register(ThreatActor)
class ThreatActorAdmin(SimpleHistoryAdmin):
    """The registry is reference data the secretariat maintains."""

    list_display = ("name", "kind", "persistent", "suspected_sponsor", "last_seen")
    list_filter = ("kind", "persistent")
    search_fields = ("name", "aliases", "unit")


@admin.register(Assessment)
class AssessmentAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("title", "kind", "source", "assessed_on", "classification", "tlp")
    list_filter = ("kind", "confidence", "classification", "tlp")
    search_fields = ("title",)
    # The STIX id and version are the feed's: the producer that sent the id owns it (docs/decisions/0024).
    readonly_fields = ("originator", "recorded_by", "stix_id", "stix_modified")
    filter_horizontal = ("cases", "actors", "releasable_to")


class FeedClientForm(forms.ModelForm):
    class Meta:
        model = FeedClient
        fields = [
            "token",
            "default_classification",
            "default_limite",
            "default_tlp",
            "releasable_to_all",
            "shared_with_all_delegations",
            "releasable_to",
            "shared_with",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not token.has_scope(FEEDS_WRITE):
            raise forms.ValidationError(f"This token does not carry the {FEEDS_WRITE} scope.")
        return token

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("releasable_to_all") and not cleaned.get("releasable_to"):
            self.add_error("releasable_to", "Name at least one organisation, or make it releasable to all.")
        return cleaned


@admin.register(FeedClient)
class FeedClientAdmin(admin.ModelAdmin):
    """Per feed token: the classification, releasability and need-to-know
    applied to what that client posts (STIX does not carry them)."""

    list_display = ("token", "default_classification", "default_tlp", "default_limite", "releasable_to_all", "shared_with_all_delegations")
    filter_horizontal = ("releasable_to", "shared_with")
    form = FeedClientForm


@admin.register(TaxiiCollection)
class TaxiiCollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "alias", "is_default", "id")
    readonly_fields = ("id",)


@admin.register(FeedIngestion)
class FeedIngestionAdmin(ReadOnlyAdmin):
    """The feed's log, read-only."""

    list_display = (
        "received_at",
        "posted_by",
        "channel",
        "status",
        "object_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "ignored_count",
        "stored_raw_count",
    )
    list_filter = ("status", "channel")
    exclude = ("payload",)


@admin.register(StixObject)
class StixObjectAdmin(ProtectedModelAdmin):
    list_display = ("stix_id", "stix_type", "name", "version", "current", "supported", "classification", "tlp", "added_at")
    list_filter = ("stix_type", "supported", "current", "tlp")
    search_fields = ("stix_id", "name")
    readonly_fields = [field.name for field in StixObject._meta.fields] + ["releasable_to"]
