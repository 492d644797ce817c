"""Data-migration helpers for the security model (historical models only)."""

from __future__ import annotations

from typing import Any

#: The role group whose view grant meant "every HWPCI delegation" before
#: distributions existed (``GROUP_NAMES[Role.HWPCI_DELEGATE]``, spelt out:
#: a migration must not depend on code that may change).
HWPCI_DELEGATE_GROUP = "HWPCI delegate"


def distribution_from_grants(apps: Any, app_label: str, model_name: str) -> int:
    """Give HWPCI distribution to the rows whose view grant reached every
    HWPCI delegation (a grant to the "HWPCI delegate" group); the others
    stay restricted, their grants untouched. Returns the rows changed.

    What becomes more visible: such a row was seen by every delegate; now
    it is also seen by the EEAS, SIAC and the Council secretariat staff who
    held no grant on it, within its markings (clearance, releasability,
    TLP:RED and AMBER+STRICT keep their limits)."""
    model = apps.get_model(app_label, model_name)
    group_permission = apps.get_model(app_label, f"{model_name}GroupObjectPermission")
    distributed = group_permission.objects.filter(
        group__name=HWPCI_DELEGATE_GROUP, permission__codename=f"view_{model_name.lower()}"
    ).values("content_object_id")
    return model.objects.filter(pk__in=distributed).update(distribution="hwpci")
