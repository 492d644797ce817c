"""Writes on accounts: role groups, demo accounts, API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.directory.models import Organisation
from cdt.security.audit import audit_record
from cdt.security.grants import organisation_group
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry

from .models import ApiToken, User
from .roles import GROUP_NAMES, ORGANISATION_GROUP_PREFIX, SECRETARIAT_MODEL_PERMISSIONS, Role
from .scopes import SCOPES

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def role_groups_ensure() -> dict[Role, Group]:
    """Create one group per role and give the secretariat its admin-console
    permissions on reference data and accounts. Idempotent."""
    with transaction.atomic():
        # One read for the groups that exist (every call after the first).
        existing = {group.name: group for group in Group.objects.filter(name__in=GROUP_NAMES.values())}
        groups = {role: existing.get(name) or Group.objects.get_or_create(name=name)[0] for role, name in GROUP_NAMES.items()}
        wanted = Permission.objects.none()
        for app_label, models in SECRETARIAT_MODEL_PERMISSIONS.items():
            wanted |= Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        # The roles as the code defines them, written through the table (no
        # m2m signal): a deployment, not a change anyone made, so it is not
        # an audit entry; a change made later by hand is.
        secretariat = groups[Role.SECRETARIAT]
        through = Group.permissions.through
        through.objects.bulk_create(
            [through(group_id=secretariat.pk, permission_id=pk) for pk in wanted.values_list("pk", flat=True)], ignore_conflicts=True
        )
    return groups


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user: User, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a token; return it and its key, which is never stored in clear."""
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValidationError({"scopes": f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}"})
    if not scopes:
        raise ValidationError({"scopes": "a token needs at least one scope"})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_prefix=key[:8], key_hash=hash_api_key(key), scopes=scopes, expires_at=expires_at
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_upsert(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation,
    roles: Iterable[Role],
    clearance: Classification = Classification.UNCLASSIFIED,
    clearance_expires_on: datetime.date | None = None,
    is_staff: bool = False,
) -> tuple[User, bool]:
    """Create or update an account with exactly these roles (used by the demo
    seed and by operators' scripts). Returns the user and whether it was new."""
    with transaction.atomic():
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "organisation": organisation,
                "clearance": clearance,
                "clearance_expires_on": clearance_expires_on,
                "is_staff": is_staff,
                "is_active": True,
                "password": make_password(password),  # one save, one audit entry
            },
        )
        groups = role_groups_ensure()
        # The roles and the own organisation's group in one change: a
        # membership kept is neither removed nor added again (nor audited
        # twice), and any other organisation's group goes.
        own = [organisation_group(organisation)] if organisation is not None else []
        user.groups.set([*(groups[role] for role in roles), *own])
    return user, created


def user_organisation_group_sync(*, user: User) -> None:
    """Keep the user in exactly the group of their own organisation, so a
    whole-delegation grant reaches its members and nobody who has left."""
    stale = user.groups.filter(name__startswith=ORGANISATION_GROUP_PREFIX)
    organisation = user.organisation  # None without a query when unset
    if organisation is None:
        user.groups.remove(*stale)
        return
    own = organisation_group(organisation)
    user.groups.remove(*stale.exclude(pk=own.pk))
    user.groups.add(own)


# --- Second factor ----------------------------------------------------------


def user_language_set(*, user: User, language: str) -> User:
    """The user's language: the interface's after signing in, and their
    e-mails' (``notifications.mail``). Only a language of ``LANGUAGES``."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def second_factor_enrolment(*, user: User) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator device, created on
    first call: its key is shown once on the enrolment page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def second_factor_confirm(*, request: HttpRequest, user: User, otp_token: str) -> bool:
    """Confirm the pending device with a first code and verify the session
    with it. Audited either way."""
    from django_otp import login as otp_login

    device = second_factor_enrolment(user=user)
    with transaction.atomic():
        if not device.verify_token(otp_token):
            audit_record(action=AuditEntry.Action.SECOND_FACTOR_FAILED, actor=user, request=request, details={"stage": "enrolment"})
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice = type(device)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(action=AuditEntry.Action.SECOND_FACTOR, actor=user, request=request, details={"stage": "enrolment"})
    otp_login(request, device)
    return True


def second_factor_verify(*, request: HttpRequest, user: User, otp_token: str) -> bool:
    """Verify a code against the user's confirmed devices (django-otp
    throttles repeated failures per device). Audited either way."""
    from django_otp import login as otp_login
    from django_otp import match_token

    device = match_token(user, otp_token)
    if device is None:
        audit_record(action=AuditEntry.Action.SECOND_FACTOR_FAILED, actor=user, request=request)
        return False
    otp_login(request, device)
    audit_record(action=AuditEntry.Action.SECOND_FACTOR, actor=user, request=request)
    return True


def second_factor_register(*, user: User, key_hex: str, name: str = "Authenticator app") -> TOTPDevice:
    """Register a confirmed TOTP device with a known key, replacing the
    user's devices (the demo seed; an operator restoring a device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=name, key=key_hex, confirmed=True)


# --- Sessions ---------------------------------------------------------------


def user_sessions_end(*, user: User) -> int:
    """Delete every live session of ``user``; return how many. Sessions are
    in the database (Django's default engine), so they are found by decoding
    the live ones: a few hundred at most for this user base."""
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
