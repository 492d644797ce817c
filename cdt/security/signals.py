"""Audit of authentication events."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .audit import audit_record
from .models import AuditEntry
from .types import AnyUser


@receiver(user_logged_in, dispatch_uid="cdt-audit-login")
def audit_login(sender: object, request: HttpRequest | None, user: AnyUser, **kwargs: Any) -> None:
    audit_record(action=AuditEntry.Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="cdt-audit-logout")
def audit_logout(sender: object, request: HttpRequest | None, user: AnyUser, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditEntry.Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="cdt-audit-login-failed")
def audit_login_failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # The password is never recorded; the username tried is.
    audit_record(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor_name=str(credentials.get("username", ""))[:150],
        request=request,
        details={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out, dispatch_uid="cdt-audit-lockout")
def audit_lockout(
    sender: object, request: HttpRequest | None, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit_record(
        action=AuditEntry.Action.LOCKOUT,
        actor_name=str(username or "")[:150],
        request=request,
        details={"username": str(username or "")[:150]},
    )


@receiver(post_create_historical_record, dispatch_uid="cdt-audit-history")
def audit_history(sender: object, instance: Model, history_instance: Any, **kwargs: Any) -> None:
    """Every creation, change and deletion of a model with field-level
    history (django-simple-history) also enters the audit trail, with the
    names of the fields that changed (the values stay in the history
    table, where the access rule still applies)."""
    kind = history_instance.history_type
    action = {"+": AuditEntry.Action.CREATE, "~": AuditEntry.Action.CHANGE, "-": AuditEntry.Action.DELETE}[kind]
    details: dict[str, Any] = {"history_id": history_instance.pk}
    if kind == "~":
        previous = history_instance.prev_record
        if previous is not None:
            details["fields"] = sorted(change.field for change in history_instance.diff_against(previous).changes)
    user = history_instance.history_user
    audit_record(action=action, actor=user, target=instance, details=details, request=getattr(HistoricalRecords.context, "request", None))
