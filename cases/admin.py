"""Cases in the secretariat's console: under the same access rule as
everywhere (``ProtectedModelAdmin``), with field-level history. The
workflow step is read-only here: transitions run through the case page or
the API, which check roles and guards and log them."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin

from .models import Case, CaseTransition


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0
    can_delete = False
    fields = ("at", "transition", "source", "target", "by", "reason", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True  # shown only inside a case the admin already let the user see


@admin.register(Case)
class CaseAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("reference", "title", "kind", "state", "exercise", "brought_by", "brought_on", "classification", "tlp")
    list_filter = ("state", "kind", "exercise", "classification", "tlp")
    search_fields = ("reference", "title", "activity_name")
    readonly_fields = ("reference", "state", "originator", "created_by", "created_at", "updated_at", "closure_reason", "merged_into")
    filter_horizontal = ("member_states_affected", "suspected_actors", "releasable_to")
    inlines = [CaseTransitionInline]
