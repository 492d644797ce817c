from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, **kwargs) -> None:
    from .services import role_groups_ensure

    role_groups_ensure()


class AccountsConfig(AppConfig):
    name = "cdt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Permissions exist only once migrate has run, so the role groups and
        # the secretariat's admin permissions are set up after it.
        post_migrate.connect(_ensure_role_groups, sender=self, dispatch_uid="cdt-role-groups")
