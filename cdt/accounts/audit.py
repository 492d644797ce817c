"""Who changes whom: every change to an account's security-relevant fields,
roles (group memberships), direct permissions, a role's permissions and API
tokens enters the audit hash chain, however it is made (console, service,
shell, management command). Signals rather than the services, because the
console's user form saves the model directly.

And four eyes: nobody changes their own clearance, roles, organisation,
superuser or staff flag or direct permissions. The console hides those
fields on one's own page (:mod:`cdt.accounts.admin`); the receivers here
refuse such a change from any request that tries it anyway (a service, a
crafted POST), naming the signed-in user as the actor. Without a request
(an operator's shell or command) there is nobody to compare with: those
run with the operator's own authority and are still recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext as _

from cdt.security.audit import audit_record, current_actor, current_request
from cdt.security.models import AuditEntry

from .roles import ORGANISATION_GROUP_PREFIX

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import ApiToken, User

#: The account fields the trail follows (database column names).
TRACKED = ("username", "is_superuser", "is_staff", "is_active", "clearance", "clearance_expires_on", "organisation_id", "password")
#: The ones nobody may change on their own account.
NOT_ON_ONESELF = ("is_superuser", "is_staff", "clearance", "clearance_expires_on", "organisation_id")
_NAMES = {"organisation_id": "organisation"}
_TRACKED_NAMES = {*TRACKED, *_NAMES.values()}


def _record(action: str, target: Model, details: dict[str, Any]) -> None:
    """An entry naming the signed-in user of the request making the change
    (none from a shell or a command) and its address."""
    audit_record(action=action, actor=current_actor(), target=target, details=details, request=current_request())


def _value(field: str, value: Any) -> Any:
    """A value as the trail keeps it: JSON, and never a password hash."""
    if field == "password":
        return "…"
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)  # a Classification member hashes as the number it is stored as
    return value.isoformat() if hasattr(value, "isoformat") else value


def field_label(name: str) -> str:
    """A user field's name as the console shows it."""
    from .models import User

    return str(getattr(User._meta.get_field(name), "verbose_name", name))


def refuse_own_change(what: list[str]) -> None:
    raise PermissionDenied(_("Nobody changes their own %(fields)s: another secretariat member must.") % {"fields": ", ".join(sorted(what))})


# --- Accounts ----------------------------------------------------------------------


def user_before_save(sender: type[User], instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """Remember the stored values of the tracked fields (one query, and none
    for a save that touches none of them, such as ``last_login``), and
    refuse a change of one's own protected fields."""
    instance._cdt_before = None
    instance._cdt_deactivated = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & _TRACKED_NAMES:
        return
    before = sender.objects.filter(pk=instance.pk).values(*TRACKED).first()
    if before is None:
        return
    instance._cdt_before = before
    instance._cdt_deactivated = bool(before["is_active"]) and not instance.is_active
    actor = current_actor()
    if actor is not None and actor.pk == instance.pk:
        changed = [field_label(_NAMES.get(f, f)) for f in NOT_ON_ONESELF if before[f] != getattr(instance, f)]
        if changed:
            refuse_own_change(changed)


def user_after_save(sender: type[User], instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """One entry per save that changed something tracked: the old and new
    values (the password only as changed). A deactivation also ends every
    session of the account at once, recorded in the same entry."""
    if raw:
        return
    if created:
        values = {_NAMES.get(f, f): _value(f, getattr(instance, f)) for f in TRACKED if f != "password"}
        _record(AuditEntry.Action.CREATE, instance, {"values": values})
        return
    before = getattr(instance, "_cdt_before", None)
    if before is None:
        return
    changes = {
        _NAMES.get(f, f): [_value(f, before[f]), _value(f, getattr(instance, f))] for f in TRACKED if before[f] != getattr(instance, f)
    }
    instance._cdt_before = None
    if not changes:
        return
    details: dict[str, Any] = {"changes": changes}
    if getattr(instance, "_cdt_deactivated", False):
        from .services import user_sessions_end

        details["sessions_ended"] = user_sessions_end(user=instance)
        instance._cdt_deactivated = False
    _record(AuditEntry.Action.CHANGE, instance, details)


def user_deleted(sender: type[User], instance: User, **kwargs: Any) -> None:
    _record(AuditEntry.Action.DELETE, instance, {"username": instance.username})


# --- Roles and permissions (many-to-many) ------------------------------------------


def _names(model: type[Model], pks: set[Any] | None) -> list[str]:
    from django.contrib.auth.models import Group, Permission

    if not pks:
        return []
    if model is Permission:
        return sorted(
            f"{app}.{code}" for app, code in Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
        )
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(str(user) for user in model._default_manager.filter(pk__in=pks))


def _membership_changed(relation: str, *, instance: Model, action: str, reverse: bool, model: type[Model], pk_set: set[Any] | None) -> None:
    """A change of ``user.groups`` or ``user.user_permissions``, from either
    side (``user.groups.add(g)`` or ``group.user_set.add(u)``)."""
    from django.contrib.auth.models import Group

    if action == "pre_clear":  # the rows about to go, for the entry after
        pk_set = set(getattr(instance, "user_set" if reverse else relation).values_list("pk", flat=True))
        setattr(instance, "_cdt_cleared", pk_set)  # noqa: B010  (any model: not a declared attribute)
    if action in ("pre_add", "pre_remove", "pre_clear"):
        actor = current_actor()
        users = set(pk_set or ()) if reverse else {instance.pk}
        if actor is None or actor.pk not in users:
            return
        related = {instance.pk} if reverse else set(pk_set or ())
        if relation == "groups":
            # The group of one's own organisation follows the organisation
            # (kept in step on every save): not a role anyone chose.
            related = set(
                Group.objects.filter(pk__in=related).exclude(name__startswith=ORGANISATION_GROUP_PREFIX).values_list("pk", flat=True)
            )
        if related:
            refuse_own_change([_("roles") if relation == "groups" else _("permissions")])
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_cdt_cleared", set())
    if action not in ("post_add", "post_remove", "post_clear") or not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    _record(AuditEntry.Action.CHANGE, instance, {"relation": relation, verb: _names(model, pk_set)})


def user_groups_changed(sender: Any, instance: Model, action: str, reverse: bool, model: type[Model], pk_set: Any, **kwargs: Any) -> None:
    _membership_changed("groups", instance=instance, action=action, reverse=reverse, model=model, pk_set=pk_set)


def user_permissions_changed(
    sender: Any, instance: Model, action: str, reverse: bool, model: type[Model], pk_set: Any, **kwargs: Any
) -> None:
    _membership_changed("user_permissions", instance=instance, action=action, reverse=reverse, model=model, pk_set=pk_set)


def group_permissions_changed(
    sender: Any, instance: Model, action: str, reverse: bool, model: type[Model], pk_set: Any, **kwargs: Any
) -> None:
    """What a role may do (the group's permissions): recorded, from either side."""
    if action == "pre_clear":
        cleared = set(getattr(instance, "permissions" if not reverse else "group_set").values_list("pk", flat=True))
        setattr(instance, "_cdt_cleared", cleared)  # noqa: B010  (any model: not a declared attribute)
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_cdt_cleared", set())
    if action not in ("post_add", "post_remove", "post_clear") or not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    _record(AuditEntry.Action.CHANGE, instance, {"relation": "permissions", verb: _names(model, pk_set)})


# --- API tokens ----------------------------------------------------------------------


def token_before_save(sender: type[ApiToken], instance: ApiToken, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    instance._cdt_was_revoked = None
    if raw or instance.pk is None or (update_fields is not None and "revoked_at" not in update_fields):
        return
    instance._cdt_was_revoked = sender.objects.filter(pk=instance.pk).values_list("revoked_at", flat=True).first() is not None


def token_after_save(sender: type[ApiToken], instance: ApiToken, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Issued and revoked tokens (never the key; its prefix names it)."""
    if raw:
        return
    details: dict[str, Any] = {"user": instance.user.username, "name": instance.name, "key_prefix": instance.key_prefix}
    if created:
        details["scopes"] = list(instance.scopes)
        _record(AuditEntry.Action.CREATE, instance, details)
    elif getattr(instance, "_cdt_was_revoked", None) is False and instance.revoked_at is not None:
        _record(AuditEntry.Action.REVOKE, instance, details)


def token_deleted(sender: type[ApiToken], instance: ApiToken, **kwargs: Any) -> None:
    _record(AuditEntry.Action.DELETE, instance, {"user_id": instance.user_id, "name": instance.name, "key_prefix": instance.key_prefix})


def connect(user_model: type[Model], token_model: type[Model]) -> None:
    from django.contrib.auth.models import Group

    pre_save.connect(user_before_save, sender=user_model, dispatch_uid="cdt-user-before-save")
    post_save.connect(user_after_save, sender=user_model, dispatch_uid="cdt-user-after-save")
    post_delete.connect(user_deleted, sender=user_model, dispatch_uid="cdt-user-deleted")
    m2m_changed.connect(user_groups_changed, sender=user_model.groups.through, dispatch_uid="cdt-user-groups")  # type: ignore[attr-defined]
    m2m_changed.connect(
        user_permissions_changed,
        sender=user_model.user_permissions.through,  # type: ignore[attr-defined]
        dispatch_uid="cdt-user-permissions",
    )
    m2m_changed.connect(group_permissions_changed, sender=Group.permissions.through, dispatch_uid="cdt-group-permissions")
    pre_save.connect(token_before_save, sender=token_model, dispatch_uid="cdt-token-before-save")
    post_save.connect(token_after_save, sender=token_model, dispatch_uid="cdt-token-after-save")
    post_delete.connect(token_deleted, sender=token_model, dispatch_uid="cdt-token-deleted")
