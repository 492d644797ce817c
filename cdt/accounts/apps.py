from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import User


def _ensure_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    from .services import role_groups_ensure

    role_groups_ensure()


def _sync_organisation_group(sender: type[Model], instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # A save naming its fields without the organisation (``last_login`` at
    # each sign-in, the language) cannot have moved the user.
    if update_fields is not None and not {"organisation", "organisation_id"} & set(update_fields):
        return
    if not raw:
        from .services import user_organisation_group_sync

        user_organisation_group_sync(user=instance)


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
        # Who changes whom enters the audit trail (a deactivation also ends
        # every session of the account); nobody changes their own roles.
        from .audit import connect

        connect(user_model, self.get_model("ApiToken"))
