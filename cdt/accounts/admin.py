from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .services import api_token_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "organisation", "clearance", "clearance_expires_on", "is_active")
    list_filter = ("organisation__kind", "groups", "clearance", "is_active", "is_staff")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "organisation__code", "organisation__name")
    autocomplete_fields = ("organisation",)
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("CDT"), {"fields": ("organisation", "clearance", "clearance_expires_on")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("CDT"), {"fields": ("first_name", "last_name", "email", "organisation", "groups")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with ``manage.py issue_token`` (the key is shown
    once); the console lists and revokes them."""

    list_display = ("name", "user", "key_prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "key_prefix")
    readonly_fields = ("user", "name", "key_prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": queryset.count()}, messages.SUCCESS)
