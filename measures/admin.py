from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin

from .models import ImpactEvaluation, ListedPerson, MeasureTransition, MeasureType, ResponseMeasure, RestrictiveListing


@admin.register(MeasureType)
class MeasureTypeAdmin(SimpleHistoryAdmin):
    """The catalogue: the secretariat maintains it (seeding never overwrites its edits)."""

    list_display = ("name", "escalation_level", "attribution", "restrictive", "deciding_body", "public_by_default", "active")
    list_filter = ("attribution", "restrictive", "active")
    search_fields = ("name", "description", "slug")


class MeasureTransitionInline(admin.TabularInline):
    model = MeasureTransition
    extra = 0
    can_delete = False
    readonly_fields = ("transition", "source", "target", "by", "at", "comment", "reason")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResponseMeasure)
class ResponseMeasureAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    """Measures on cases, as the access rule lets the secretariat see them;
    the lifecycle moves through the application, not here."""

    list_display = ("measure_type", "case", "state", "implemented_on", "classification")
    list_filter = ("state", "measure_type")
    search_fields = ("description", "case__reference")
    readonly_fields = (
        "case",
        "measure_type",
        "state",
        "proposed_by",
        "proposed_on",
        "escalation_warning",
        "override_justification",
        "overridden_by",
        "decision",
        "implementing_actor",
        "implemented_on",
        "ended_on",
    )
    inlines = [MeasureTransitionInline]


class ListedPersonInline(admin.StackedInline):
    model = ListedPerson
    extra = 0
    readonly_fields = ("actors",)  # among the measure's actors: set through the listing service


@admin.register(RestrictiveListing)
class RestrictiveListingAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("measure", "council_decision", "review_on", "renewal_on")
    readonly_fields = ("case", "measure")
    inlines = [ListedPersonInline]


@admin.register(ImpactEvaluation)
class ImpactEvaluationAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("measure", "due_on", "occasion", "effect", "recommendation", "cancelled")
    list_filter = ("occasion", "effect", "cancelled")
    readonly_fields = ("case", "measure", "occasion", "months_after", "due_on", "evaluated_by", "evaluated_at")
