from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cdt.security.grants import organisation_group

from .audit import field_label, refuse_own_change
from .models import ApiToken, User
from .roles import ORGANISATION_GROUP_PREFIX
from .services import api_token_revoke, user_organisation_group_sync

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

    #: Only a superuser sees or sets these: the superuser flag bypasses every
    #: check, and direct permissions bypass the roles.
    SUPERUSER_ONLY = ("is_superuser", "user_permissions")
    #: Nobody edits these on their own account (four eyes): shown, read-only.
    NOT_ON_ONESELF = ("is_superuser", "is_staff", "groups", "user_permissions", "organisation", "clearance", "clearance_expires_on")

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": tuple(field for field in options["fields"] if field not in self.SUPERUSER_ONLY)})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            readonly += tuple(field for field in self.NOT_ON_ONESELF if field not in readonly)
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """A superuser's account is a superuser's to change: otherwise the
        secretariat could set its password and sign in as one."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Roles only: the group of an organisation follows the user's
        organisation (a hand-made membership would be a grant in disguise)."""
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.exclude(name__startswith=ORGANISATION_GROUP_PREFIX)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The form's roles are saved after the user: with the group of the
        user's (possibly new) organisation kept, so the form neither drops
        it nor puts back the one of the organisation just left."""
        user = form.instance
        if "groups" in form.cleaned_data and user.organisation is not None:
            form.cleaned_data["groups"] = [*form.cleaned_data["groups"], organisation_group(user.organisation)]
        super().save_related(request, form, formsets, change)
        user_organisation_group_sync(user=user)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A form never offers these fields to whoever may not change them;
        a POST that carries them anyway is refused, not silently dropped."""
        if request.method == "POST":
            posted = set(request.POST)
            if not request.user.is_superuser and posted & set(self.SUPERUSER_ONLY):
                raise PermissionDenied(_("Only a superuser grants superuser status or direct permissions."))
            own = object_id is not None and str(object_id) == str(request.user.pk)
            if own and posted & set(self.NOT_ON_ONESELF):
                refuse_own_change(sorted(field_label(name) for name in posted & set(self.NOT_ON_ONESELF)))
        return super().changeform_view(request, object_id, form_url, extra_context)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The roles: their permissions are a superuser's to change (a
    secretariat member could otherwise widen the role they hold)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Group | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, "permissions")

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and not request.user.is_superuser and "permissions" in request.POST:
            raise PermissionDenied(_("Only a superuser changes what a role may do."))
        return super().changeform_view(request, object_id, form_url, extra_context)


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
        count = queryset.count()
        self.message_user(
            request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count}, messages.SUCCESS
        )
