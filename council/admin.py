"""The secretariat's console: meetings and agendas (reference-like, edited
here), and questions, decisions and written procedures under the access
rule, read-only (they change through the services: positions, closing)."""
from django.contrib import admin

from cdt.security.admin import ProtectedModelAdmin

from .models import AgendaItem, Decision, Meeting, Question, WrittenProcedure


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "title", "case", "conclusions", "follow_up", "next_steps")
    raw_id_fields = ("case",)

    def get_queryset(self, request):
        from .selectors import visible_agenda_items

        return visible_agenda_items(user=request.user)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "body", "title", "chaired_by")
    list_filter = ("body",)
    inlines = [AgendaItemInline]
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyProtectedAdmin(ProtectedModelAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnlyProtectedAdmin):
    list_display = ("text", "case", "voting_rule", "status", "put_at")
    list_filter = ("status", "voting_rule")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyProtectedAdmin):
    list_display = ("case", "procedure", "adopted", "decided_on", "legal_act")
    list_filter = ("procedure", "adopted")


@admin.register(WrittenProcedure)
class WrittenProcedureAdmin(ReadOnlyProtectedAdmin):
    list_display = ("question", "kind", "deadline", "status")
    list_filter = ("kind", "status")
