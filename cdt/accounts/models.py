"""Users and API tokens.

A user belongs to one organisation (a Member State delegation or a body),
holds roles as Django groups, and has a security clearance with an expiry
managed by the secretariat.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cdt.directory.models import MemberState, Organisation
from cdt.security.markings import Classification

from .roles import GROUP_NAMES, ROLE_BY_GROUP_NAME, Role


class User(AbstractUser):
    #: Set by the ``pre_save`` receiver in ``apps.py``: whether this save
    #: deactivates the account (an annotation only, not a field).
    _cdt_deactivated: bool
    #: Set by the ``pre_save`` receiver in ``audit.py``: the stored values of
    #: the fields the audit trail follows, to compare after the save.
    _cdt_before: dict[str, Any] | None

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=False,
        related_name="members",
        verbose_name=_("organisation"),
        help_text=_("The delegation or body the user represents."),
    )
    clearance = models.PositiveSmallIntegerField(
        _("security clearance"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    clearance_expires_on = models.DateField(
        _("clearance expires on"), null=True, blank=True, help_text=_("After this date the user is treated as uncleared.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The interface's language after signing in, and the language of the user's e-mails."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        return frozenset(ROLE_BY_GROUP_NAME[name] for name in self.groups.values_list("name", flat=True) if name in ROLE_BY_GROUP_NAME)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role in self.roles]

    def effective_clearance(self, on: datetime.date | None = None) -> Classification:
        """The clearance that counts on ``on``: an expired clearance is none."""
        on = on or timezone.localdate()
        if self.clearance_expires_on is not None and self.clearance_expires_on < on:
            return Classification.UNCLASSIFIED
        return Classification(self.clearance)

    @property
    def member_state(self) -> MemberState | None:
        """The Member State this user represents, if a delegate."""
        organisation = self.organisation  # None without a query when unset
        return organisation.member_state if organisation is not None and organisation.is_delegation else None


class ApiToken(models.Model):
    """A per-client API token. Only a SHA-256 hash of the key is stored: the
    key is shown once when issued and cannot be recovered from the database."""

    #: Set by the ``pre_save`` receiver in ``audit.py``: whether the stored
    #: token was already revoked (None: not looked up).
    _cdt_was_revoked: bool | None

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("client name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…) for {self.user}"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.user.is_active

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Invitation(models.Model):
    """The secretariat's invitation to a new account: the e-mail with a
    one-time link to choose a password (then, where the role needs it, to
    register an authenticator). Only the latest invitation of a user opens
    the first-login page: sending again retires the earlier links, and
    choosing the password uses the link up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user"))
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    #: Why the e-mail could not be handed to the mail server (empty: it was).
    send_error = models.CharField(_("sending failed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation of {self.user} ({self.sent_at:%Y-%m-%d})"

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        """Not yet accepted and not expired."""
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


__all__ = ["ApiToken", "GROUP_NAMES", "Invitation", "Role", "User"]
