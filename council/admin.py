"""The secretariat's console: meetings and agendas (reference-like, edited
here), and questions, decisions and written procedures under the access
rule, read-only (they change through the services: positions, closing)."""

from django.contrib import admin

from cases.models import Case
from cdt.security.access import visible_to
from cdt.security.admin import ProtectedModelAdmin

from .models import AgendaItem, Decision, LegalAct, Meeting, Question, WrittenProcedure


class VisibleAgendaItems:
    """Agenda items about a case the user may not see are left out, and an
    item can only be put on a case the user sees."""

    def get_queryset(self, request):
        from .selectors import visible_agenda_items

        return visible_agenda_items(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case":
            kwargs["queryset"] = visible_to(Case.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgendaItemInline(VisibleAgendaItems, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "title", "case", "conclusions", "follow_up", "next_steps")
    raw_id_fields = ("case",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "body", "title", "chaired_by")
    list_filter = ("body",)
    list_select_related = ("body", "chaired_by")
    search_fields = ("title", "location", "body__code", "body__name")
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AgendaItem)
class AgendaItemAdmin(VisibleAgendaItems, admin.ModelAdmin):
    """Agendas across meetings, searchable; edited with their meeting."""

    list_display = ("meeting", "order", "title", "case")
    list_filter = ("meeting__body",)
    list_select_related = ("meeting__body", "case")
    search_fields = ("title", "conclusions", "meeting__title", "case__reference")
    raw_id_fields = ("case",)


class ReadOnlyProtectedAdmin(ProtectedModelAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnlyProtectedAdmin):
    list_display = ("text", "case", "voting_rule", "status", "put_at")
    list_filter = ("status", "voting_rule")


class LegalActInline(admin.TabularInline):
    """The decision's acts, shown with it (read-only: the API and the services write them)."""

    model = LegalAct
    extra = 0
    fields = ("kind", "number", "celex", "oj_reference", "title", "adopted_on")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyProtectedAdmin):
    inlines = (LegalActInline,)
    list_display = ("case", "procedure", "adopted", "decided_on", "legal_act")
    list_filter = ("procedure", "adopted")


@admin.register(WrittenProcedure)
class WrittenProcedureAdmin(ReadOnlyProtectedAdmin):
    list_display = ("question", "kind", "deadline", "status")
    list_filter = ("kind", "status")
