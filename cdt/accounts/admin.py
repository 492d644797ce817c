from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .services import api_token_revoke

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ClearanceExpiryFilter(admin.SimpleListFilter):
    """Whose clearance to renew: an expired clearance counts as none (the
    access rule treats the user as uncleared), so the secretariat chases
    renewals before the date."""

    title = _("clearance expires")
    parameter_name = "clearance_expires"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> Iterable[tuple[str, StrOrPromise]]:
        return [
            ("expired", _("Expired")),
            ("30", _("Within 30 days")),
            ("90", _("Within 90 days")),
            ("later", _("Later")),
            ("never", _("No expiry date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        in_days = {"30": 30, "90": 90}
        value = self.value()
        if value == "expired":
            return queryset.filter(clearance_expires_on__lt=today)
        if value in in_days:
            return queryset.filter(clearance_expires_on__range=(today, today + datetime.timedelta(days=in_days[value])))
        if value == "later":
            return queryset.filter(clearance_expires_on__gt=today + datetime.timedelta(days=90))
        if value == "never":
            return queryset.filter(clearance_expires_on__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "organisation", "clearance", "clearance_expires_on", "is_active")
    list_filter = ("organisation__kind", "groups", "clearance", ClearanceExpiryFilter, "is_active", "is_staff")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "organisation__code", "organisation__name")
    autocomplete_fields = ("organisation",)
    # Django's UserAdmin.fieldsets is a tuple; the stubs give it any ModelAdmin's optional type.
    fieldsets = DjangoUserAdmin.fieldsets + (  # type: ignore[operator]
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": queryset.count()}, messages.SUCCESS)
