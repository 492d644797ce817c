"""The directory in the admin. Population figures are shown here but never
entered one row at a time: a year is entered whole in the secretariat's
console (``/console/population/``) or over the API, complete or refused, so
no vote is computed on a table that mixes two years."""

from django.contrib import admin

from .models import CouncilBody, MemberState, Organisation, PopulationFigure, PopulationShare, PopulationYear, PresidencyTerm


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PopulationShareInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PopulationShare
    extra = 0
    ordering = ["-year"]
    readonly_fields = ("year", "share_percent")


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ("protocol_order", "code", "name", "iso3166", "member_from", "member_until")
    ordering = ["protocol_order"]
    search_fields = ("code", "name")
    inlines = [PopulationShareInline]


@admin.register(PopulationShare)
class PopulationShareAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The shares of the years known only as percentages (2025), read-only:
    a year's figures are entered whole in the console."""

    list_display = ("member_state", "year", "share_percent")
    list_filter = ("year",)
    list_select_related = ("member_state",)
    search_fields = ("member_state__code", "member_state__name")
    ordering = ["-year", "member_state__protocol_order"]


class PopulationFigureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PopulationFigure
    extra = 0
    readonly_fields = ("member_state", "population")


@admin.register(PopulationYear)
class PopulationYearAdmin(admin.ModelAdmin):
    """Shown here; entered in the console (``/console/population/{year}/``)
    or through the API (``PUT .../population-years/{year}/``), both of
    which refuse an incomplete table."""

    list_display = ("year", "complete", "act", "entered_by", "entered_at")
    readonly_fields = ("year", "complete", "act", "oj_reference", "source", "entered_by", "entered_at")
    inlines = [PopulationFigureInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CouncilBody)
class CouncilBodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "geographical")
    list_filter = ("level", "geographical")
    search_fields = ("code", "name")
    filter_horizontal = ("reports_to",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Delegations, EU bodies and the international partners (partner
    states, international organisations: filter by kind)."""

    list_display = ("code", "short_name", "name", "kind", "member_state", "parent", "in_hwpci_distribution")
    list_filter = ("kind", "in_hwpci_distribution")
    list_select_related = ("member_state", "parent")
    search_fields = ("code", "name", "short_name")
    #: Shown, not edited: ticking it would open every HWPCI-wide case to the
    #: organisation at once. The list is the Council's (decision 0022) and
    #: changes by migration, reviewed like code.
    readonly_fields = ("in_hwpci_distribution",)


@admin.register(PresidencyTerm)
class PresidencyTermAdmin(admin.ModelAdmin):
    list_display = ("member_state", "starts_on", "ends_on")
    list_select_related = ("member_state",)
    search_fields = ("member_state__code", "member_state__name")
    date_hierarchy = "starts_on"
