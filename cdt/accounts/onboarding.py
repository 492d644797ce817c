"""Onboarding from the secretariat's console: one form makes the account
(name, e-mail, organisation, role, clearance), and an invitation e-mail
carries a one-time link to a first-login page where the new user chooses a
password, then registers an authenticator when their role or clearance
needs one. The secretariat sends an invitation again when it expired, and
deactivates an account.

The account is made without a usable password: nobody, the secretariat
included, ever knows it. The link's token is Django's password-reset token
(an HMAC of the account's state), bound to the latest invitation: choosing
the password uses it up, a new invitation retires the earlier links, and it
expires with the invitation (``PASSWORD_RESET_TIMEOUT``, three days by
default). Each step is an entry in the audit trail, besides the entries the
account's own changes make (``cdt.accounts.audit``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from cdt.directory.models import Organisation
from cdt.security.audit import audit_record
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry

from .models import Invitation, User
from .roles import ONBOARDING_ROLES, ROLE_PLACES, Role, is_secretariat, role_fits_organisation
from .services import role_groups_ensure

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, salted apart and bound to the user's
    latest invitation and active flag as well as to the password (which the
    first login sets, using the token up)."""

    key_salt = "cdt.accounts.onboarding.InvitationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        latest = Invitation.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
        return f"{super()._make_hash_value(user, timestamp)}{latest}{getattr(user, 'is_active', False)}"


invitation_tokens = InvitationTokenGenerator()


def invitation_validity() -> datetime.timedelta:
    """How long an invitation's link works: as long as the token does."""
    return datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def invitation_link(user: User) -> str:
    """The first-login address on the site's public address (never the request's host)."""
    path = reverse("invitation-accept", args=[urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)])
    return settings.CDT_SITE_URL.rstrip("/") + path


def _require_secretariat(by: User) -> None:
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the Council secretariat onboards users."))


def user_invite(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation,
    role: Role | str,
    clearance: int = Classification.UNCLASSIFIED,
    clearance_expires_on: datetime.date | None = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> Invitation:
    """Make the account of a new user with ``role`` (and the roles it brings,
    :data:`~cdt.accounts.roles.ONBOARDING_ROLES`) in ``organisation`` and
    invite them. The username is the e-mail address. Refused, naming the
    field: a role the console does not grant, a role held elsewhere than
    ``organisation``, an address already in use, a clearance without its
    expiry or with an expiry in the past."""
    _require_secretariat(by)
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    if role not in ONBOARDING_ROLES:
        errors["role"] = [_("The console does not grant this role.")]
    elif not role_fits_organisation(Role(role), organisation):
        errors["organisation"] = [str(ROLE_PLACES[Role(role)])]
    if email_in_use(email):
        errors["email"] = [_("An account with this e-mail address exists already.")]
    errors.update(clearance_errors(clearance, clearance_expires_on))
    if errors:
        raise ValidationError(errors)
    roles = ONBOARDING_ROLES[Role(role)]
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            organisation=organisation,
            clearance=clearance,
            clearance_expires_on=clearance_expires_on,
            is_staff=Role.SECRETARIAT in roles,  # the secretariat's console and admin; never a box to tick
            is_active=True,
        )
        if language and hasattr(user, "language"):
            setattr(user, "language", language)  # noqa: B010  (a field another change adds)
        user.set_unusable_password()
        user.full_clean()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # another member of the secretariat onboarded the same address since the check
            raise ValidationError({"email": [_("An account with this e-mail address exists already.")]}) from None
        groups = role_groups_ensure()
        user.groups.add(*(groups[held] for held in roles))
        invitation = _invitation_send(by=by, user=user, request=request, first=True)
    return invitation


def email_in_use(email: str) -> bool:
    """Whether an account has this address, as its e-mail or sign-in name."""
    email = email.strip()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def clearance_errors(clearance: int, expires_on: datetime.date | None) -> dict[str, list[str]]:
    """A clearance is recorded with the day it ends, never already ended."""
    if clearance not in Classification.values:
        return {"clearance": [_("Choose a clearance from the list.")]}
    if expires_on is not None and expires_on < timezone.localdate():
        return {"clearance_expires_on": [_("This date is in the past: a clearance is recorded until a day still to come.")]}
    if clearance > Classification.UNCLASSIFIED and expires_on is None:
        return {"clearance_expires_on": [_("Give the day the clearance expires.")]}
    return {}


def invitation_resend(*, by: User, user: User, request: HttpRequest | None = None) -> Invitation:
    """A new invitation (the earlier links stop working) to a user who has
    not chosen a password yet."""
    _require_secretariat(by)
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    if user.has_usable_password():
        raise ValidationError({"user": _("This user has chosen a password already: there is nothing to accept.")})
    with transaction.atomic():
        return _invitation_send(by=by, user=user, request=request, first=False)


def _invitation_send(*, by: User, user: User, request: HttpRequest | None, first: bool) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(user=user, sent_at=now, expires_at=now + invitation_validity(), sent_by=by)
    audit_record(
        action=AuditEntry.Action.CREATE,
        actor=by,
        target=invitation,
        request=request,
        details={"user": user.username, "expires_at": invitation.expires_at.isoformat(), "again": not first},
    )
    transaction.on_commit(lambda: invitation_mail_send(invitation_id=invitation.pk))
    return invitation


def invitation_mail_send(*, invitation_id: int) -> bool:
    """Hand the invitation to the mail server, in the invitee's language
    where the account has one. A failure is kept on the invitation (the
    console shows it, and the secretariat sends again), never raised into
    the request that already committed the account."""
    invitation = Invitation.objects.select_related("user", "sent_by").get(pk=invitation_id)
    user = invitation.user
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"user": user, "link": invitation_link(user), "invitation": invitation, "site": settings.CDT_SITE_URL}
        subject = _("Your account on CDT, the Cyber Diplomacy Toolbox")
        body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    except Exception as error:  # noqa: BLE001 — any mail failure: kept on the row, shown in the console
        logger.warning("invitation %s to %s not sent: %s", invitation.pk, user.username, error)
        Invitation.objects.filter(pk=invitation.pk).update(send_error=f"{type(error).__name__}: {error}"[:300])
        return False
    if invitation.send_error:
        Invitation.objects.filter(pk=invitation.pk).update(send_error="")
    return True


def invitation_for_link(uidb64: str, token: str) -> tuple[User, Invitation] | None:
    """The account and its open invitation a first-login link names, or
    None: a bad link, a link of an earlier invitation, an expired or used
    one, or a deactivated account all answer the same."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not -(2**63) <= pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password() or not invitation_tokens.check_token(user, token):
        return None
    invitation = user.invitations.first()
    if invitation is None or not invitation.is_open():
        return None
    return user, invitation


def invitation_accept(*, uidb64: str, token: str, password: str, request: HttpRequest | None = None) -> User:
    """Set the first password through the link, once: the invitation row is
    locked, so two submissions of the same link set one password."""
    with transaction.atomic():
        found = invitation_for_link(uidb64, token)
        if found is None:
            raise ValidationError(_("This invitation link has expired or was used already. Ask the Council secretariat for a new one."))
        user, invitation = found
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation link has expired or was used already. Ask the Council secretariat for a new one."))
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(action=AuditEntry.Action.CHANGE, actor=user, target=invitation, request=request, details={"accepted": True})
    return user


def user_deactivate(*, by: User, user: User, reason: str, request: HttpRequest | None = None) -> User:
    """Close an account: its sessions end at once and its API tokens stop
    working (``cdt.accounts.audit``); its open invitation link too. Nobody
    closes their own account, and a superuser's is a superuser's to close."""
    _require_secretariat(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account is closed: the reason is kept in the audit trail.")})
    if user.pk == by.pk:
        raise PermissionDenied(_("Nobody deactivates their own account: another secretariat member must."))
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied(_("A superuser's account is a superuser's to deactivate."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise ValidationError({"user": _("This account is deactivated already.")})
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action=AuditEntry.Action.CHANGE, actor=by, target=user, request=request, details={"deactivated": True, "reason": reason}
        )
    return user
