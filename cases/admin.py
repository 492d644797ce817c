"""Cases in the secretariat's console: under the same access rule as
everywhere (``ProtectedModelAdmin``), with field-level history. The
workflow step is read-only in the form: transitions run as changelist
actions through the same service as the case page and the API, which
checks roles and guards and logs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow import TransitionConflict, TransitionGuardFailed

from .models import Case, CaseTransition
from .services import case_transition
from .workflow import transitions


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = ("at", "transition", "source", "target", "by", "reason", "comment")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only inside a case the admin already let the user see


@admin.register(Case)
class CaseAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("reference", "title", "kind", "state", "exercise", "brought_by", "brought_on", "classification", "tlp")
    list_filter = ("state", "kind", "exercise", "classification", "tlp")
    search_fields = ("reference", "title", "activity_name")
    readonly_fields = ("reference", "state", "originator", "created_by", "created_at", "updated_at", "closure_reason", "merged_into")
    filter_horizontal = ("member_states_affected", "suspected_actors", "releasable_to")
    inlines = [CaseTransitionInline]
    list_select_related = ("brought_by",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """One action per transition that needs no input (a reason, a target
        step or a closure reason need the case page's form)."""
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            # The lazy labels of the model, not the specs' (read once, in one language).
            labels = {item.name: item.custom.get("label", item.name) for item in Case._meta.get_field("state").get_all_transitions(Case)}
            for spec in transitions().values():
                if not spec.needs and not spec.reasons:
                    name = f"transition_{spec.name}"
                    actions[name] = (self._transition_action(spec.name), name, labels[spec.name])
        return actions

    @staticmethod
    def _transition_action(transition: str) -> Callable[[CaseAdmin, AuthenticatedHttpRequest, QuerySet[Case]], None]:
        def run(modeladmin: CaseAdmin, request: AuthenticatedHttpRequest, queryset: QuerySet[Case]) -> None:
            moved = 0
            for case in queryset:
                try:
                    case_transition(case=case, by=request.user, transition=transition)
                except (ValueError, PermissionDenied, TransitionConflict, TransitionGuardFailed, ValidationError) as error:
                    reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                    modeladmin.message_user(request, f"{case.reference}: {reason}", messages.ERROR)
                else:
                    moved += 1
            if moved:
                modeladmin.message_user(
                    request,
                    gettext("%(count)d %(items)s moved on.") % {"count": moved, "items": model_ngettext(modeladmin.opts, moved)},
                    messages.SUCCESS,
                )

        return run
