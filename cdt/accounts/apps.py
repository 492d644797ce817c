from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, **kwargs) -> None:
    from .services import role_groups_ensure

    role_groups_ensure()


def _sync_organisation_group(sender, instance, raw=False, **kwargs) -> None:
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
        post_save.connect(_sync_organisation_group, sender=self.get_model("User"), dispatch_uid="cdt-organisation-group")
