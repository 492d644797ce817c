"""Data-migration helpers for the security model (historical models only)."""

from __future__ import annotations

from typing import Any

#: The role group whose view grant meant "every HWPCI delegation" before
#: distributions existed (``GROUP_NAMES[Role.HWPCI_DELEGATE]``, spelt out:
#: a migration must not depend on code that may change).
HWPCI_DELEGATE_GROUP = "HWPCI delegate"


def distribution_from_grants(apps: Any, app_label: str, model_name: str) -> int:
    """Give HWPCI distribution to the rows whose view grant reached every
    HWPCI delegation (a grant to the "HWPCI delegate" group) and drop that
    grant, which the distribution replaces (kept, it would survive the
    originator restricting the row); the others stay restricted, their
    grants untouched. Returns the rows changed.

    What becomes more visible: such a row was seen by every delegate; now
    it is also seen by every other user of an organisation that receives
    HWPCI documents (the EEAS, SIAC, the Council secretariat, and delegation
    staff without the delegate role) who held no grant on it, within its
    markings (clearance, releasability, TLP:RED and AMBER+STRICT keep their
    limits)."""
    model = apps.get_model(app_label, model_name)
    grants = _role_grants(apps, app_label, model_name)
    changed = model.objects.filter(pk__in=grants.values("content_object_id")).update(distribution="hwpci")
    grants.delete()
    return changed


def grants_from_distribution(apps: Any, app_label: str, model_name: str) -> int:
    """The reverse: give every HWPCI-wide row back its grant to the "HWPCI
    delegate" group (the field itself is then removed)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    model = apps.get_model(app_label, model_name)
    group_permission = apps.get_model(app_label, f"{model_name}GroupObjectPermission")
    group = Group.objects.filter(name=HWPCI_DELEGATE_GROUP).first()
    permission = Permission.objects.filter(codename=f"view_{model_name.lower()}", content_type__app_label=app_label).first()
    if group is None or permission is None:
        return 0
    rows = model.objects.filter(distribution="hwpci").values_list("pk", flat=True)
    group_permission.objects.bulk_create(
        [group_permission(content_object_id=pk, group=group, permission=permission) for pk in rows], ignore_conflicts=True
    )
    return len(rows)


def _role_grants(apps: Any, app_label: str, model_name: str) -> Any:
    group_permission = apps.get_model(app_label, f"{model_name}GroupObjectPermission")
    return group_permission.objects.filter(group__name=HWPCI_DELEGATE_GROUP, permission__codename=f"view_{model_name.lower()}")
