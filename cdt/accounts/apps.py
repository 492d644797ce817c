from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import User


def _ensure_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    from .services import role_groups_ensure

    role_groups_ensure()


def _sync_organisation_group(sender: type[Model], instance: User, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from .services import user_organisation_group_sync

        user_organisation_group_sync(user=instance)


def _remember_active(sender: type[User], instance: User, raw: bool = False, **kwargs: Any) -> None:
    """Note whether this save deactivates the account."""
    if raw or instance.pk is None:
        instance._cdt_deactivated = False
        return
    was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance._cdt_deactivated = bool(was_active) and not instance.is_active


def _end_sessions_of_deactivated(sender: type[Model], instance: User, raw: bool = False, **kwargs: Any) -> None:
    """A deactivated account loses every session at once, however it was
    deactivated (admin, script, service); its API tokens stop working
    because they check ``is_active`` on every request."""
    if raw or not getattr(instance, "_cdt_deactivated", False):
        return
    from cdt.security.audit import audit_record
    from cdt.security.models import AuditEntry

    from .services import user_sessions_end

    ended = user_sessions_end(user=instance)
    audit_record(action=AuditEntry.Action.CHANGE, target=instance, details={"is_active": False, "sessions_ended": ended})
    instance._cdt_deactivated = False


class AccountsConfig(AppConfig):
    name = "cdt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Permissions exist only once migrate has run, so the role groups and
        # the secretariat's admin permissions are set up after it.
        post_migrate.connect(_ensure_role_groups, sender=self, dispatch_uid="cdt-role-groups")
        # An organisation changed in the admin moves the user between groups.
        user_model = self.get_model("User")
        post_save.connect(_sync_organisation_group, sender=user_model, dispatch_uid="cdt-organisation-group")
        pre_save.connect(_remember_active, sender=user_model, dispatch_uid="cdt-remember-active")
        post_save.connect(_end_sessions_of_deactivated, sender=user_model, dispatch_uid="cdt-end-sessions")
