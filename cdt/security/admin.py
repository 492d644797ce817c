from django.contrib import admin

from .models import AuditEntry
from .selectors import protected_queryset, protected_read_record


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log shown in the console: nobody adds, changes or deletes rows."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is read-only everywhere, the console included."""

    list_display = ("id", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]


class ProtectedModelAdmin(admin.ModelAdmin):
    """Admin for a protected model (or a child of one). Access follows the
    one rule, never model-level permissions (nobody holds those on protected
    models): the secretariat sees in the console exactly what its grants let
    it see; an object outside them is reported as not existing."""

    def _is_secretariat(self, request) -> bool:
        from cdt.accounts.roles import Role

        return request.user.is_active and request.user.is_staff and request.user.has_role(Role.SECRETARIAT)

    def get_queryset(self, request):
        return protected_queryset(super().get_queryset(request), request.user)

    def has_module_permission(self, request) -> bool:
        return self._is_secretariat(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not self._is_secretariat(request):
            return False
        return obj is None or self._can(request.user, obj, "view")

    def has_change_permission(self, request, obj=None) -> bool:
        if not self._is_secretariat(request):
            return False
        return obj is None or self._can(request.user, obj, "change")

    def has_add_permission(self, request) -> bool:
        return False  # created through the application's services, which grant access

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # protected records are kept; the audit trail refers to them

    @staticmethod
    def _can(user, obj, action: str) -> bool:
        # Decided on the stored row, not on ``obj``: after a rejected POST the
        # admin passes the instance with the submitted (invalid) markings.
        if obj.pk is None:
            return False
        return protected_queryset(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()

    def _visible_or_404(self, request, object_id) -> None:
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # simple-history would fall back to the last historical version of an
        # object the user cannot see, and answer 403; we answer as for a
        # non-existent object.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True  # history is a record; changes go through the services

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "context_data", None) and response.context_data.get("original"):
            protected_read_record(obj=response.context_data["original"], user=request.user, request=request, via="admin")
        return response
