from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin

from .models import Assessment, ThreatActor


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
    readonly_fields = ("originator", "recorded_by")
    filter_horizontal = ("cases", "actors", "releasable_to")
