"""Granting and revoking need-to-know (writes, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model
from guardian.shortcuts import assign_perm, remove_perm

from cdt.accounts.roles import ORGANISATION_GROUP_PREFIX
from cdt.directory.models import Organisation

from .access import codename
from .audit import audit_record
from .models import AuditEntry
from .types import AnyUser

if TYPE_CHECKING:
    from cdt.accounts.models import User

#: ``guardian.shortcuts.assign_perm`` or ``remove_perm``.
PermissionChange = Callable[[str, Any, Model], Any]


def organisation_group(organisation: Organisation) -> Group:
    """The group of everyone in ``organisation``: the target of a
    whole-delegation (or whole-body) grant."""
    group, _ = Group.objects.get_or_create(name=f"{ORGANISATION_GROUP_PREFIX}{organisation.code}")
    return group


def _access_change(
    *,
    audit_action: str,
    change: PermissionChange,
    target: Model,
    by: AnyUser,
    user: User | None,
    group: Group | None,
    action: str,
    reason: str = "",
) -> None:
    if (user is None) == (group is None):
        raise ValueError("exactly one user or one group")
    with transaction.atomic():
        change(codename(type(target), action), user or group, target)
        audit_record(
            action=audit_action,
            actor=by,
            target=target,
            details={
                "permission": action,
                "user": user.username if user else None,
                "group": group.name if group else None,
                **({"reason": reason} if reason else {}),
            },
        )


def access_grant(
    *, target: Model, by: AnyUser, user: User | None = None, group: Group | None = None, action: str = "view", reason: str = ""
) -> None:
    """Grant ``action`` on ``target`` to one user (a named recipient) or a group."""
    _access_change(
        audit_action=AuditEntry.Action.GRANT, change=assign_perm, target=target, by=by, user=user, group=group, action=action, reason=reason
    )


def access_revoke(
    *, target: Model, by: AnyUser, user: User | None = None, group: Group | None = None, action: str = "view", reason: str = ""
) -> None:
    """Withdraw a grant made by :func:`access_grant`."""
    _access_change(
        audit_action=AuditEntry.Action.REVOKE,
        change=remove_perm,
        target=target,
        by=by,
        user=user,
        group=group,
        action=action,
        reason=reason,
    )
