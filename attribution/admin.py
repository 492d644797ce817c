"""The secretariat's console: attribution records as the access rule lets
it see them. Lifecycles move through the application (services), so status
fields are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin

from .models import (
    Alignment,
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    DeliberationTransition,
    PlanTransition,
    Statement,
    StatementTransition,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ConsiderationInline(ReadOnlyInline):
    model = Consideration
    readonly_fields = ("number", "assessment", "rating", "assessed_by", "assessed_at")


class DeliberationTransitionInline(ReadOnlyInline):
    model = DeliberationTransition
    readonly_fields = ("transition", "source", "target", "by", "at")


@admin.register(AttributionClaim)
class AttributionClaimAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("actor", "case", "basis", "party", "member_state", "confidence", "public", "classification")
    list_filter = ("basis", "party", "claim_type", "public")
    search_fields = ("actor__name", "case__reference", "summary")
    readonly_fields = ("case", "recorded_by")


@admin.register(AttributionDeliberation)
class AttributionDeliberationAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("case", "status", "outcome", "outcome_on", "classification")
    list_filter = ("status", "outcome")
    search_fields = ("case__reference", "case__title")
    readonly_fields = (
        "case",
        "status",
        "question",
        "decision",
        "outcome",
        "outcome_on",
        "attributed_to_state",
        "territory_state",
        "member_states_alongside",
        "opened_by",
    )
    inlines = [ConsiderationInline, DeliberationTransitionInline]


class AlignmentInline(ReadOnlyInline):
    model = Alignment
    readonly_fields = ("country", "aligned_on", "recorded_by", "recorded_at")


class StatementTransitionInline(ReadOnlyInline):
    model = StatementTransition
    fields = readonly_fields = ("transition", "source", "target", "by", "at")


@admin.register(Statement)
class StatementAdmin(ProtectedModelAdmin, admin.ModelAdmin):
    list_display = ("title", "case", "statement_type", "status", "version", "published_on", "classification")
    list_filter = ("statement_type", "status")
    search_fields = ("title", "case__reference")
    readonly_fields = ("case", "status", "version", "content", "drafted_by", "decision", "published_on", "submitted_at")
    inlines = [AlignmentInline, StatementTransitionInline]


class PlanTransitionInline(ReadOnlyInline):
    model = PlanTransition
    readonly_fields = ("transition", "source", "target", "by", "at")


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("title", "case", "status", "public", "embargo_until", "classification")
    list_filter = ("status", "public")
    search_fields = ("title", "case__reference")
    readonly_fields = ("case", "status", "drafted_by")
    inlines = [PlanTransitionInline]
