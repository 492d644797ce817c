"""The security model's data: the marking mixin every protected object uses,
and the append-only, hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdt.directory.models import Organisation

from .markings import Classification, Distribution, Tlp, validate_classification_ceiling

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def marking_label(classification: int, limite: bool, tlp: int) -> str:
    """The banner text: classification (if any), LIMITE, TLP."""
    parts: list[str | StrPromise] = [] if classification == Classification.UNCLASSIFIED else [Classification(classification).label]
    if limite:
        parts.append("LIMITE")
    parts.append(Tlp(tlp).label)
    return " · ".join(str(part) for part in parts)


class Classified(models.Model):
    """An EU classification, required, under the accreditation ceiling
    (validator) and never TRÈS SECRET UE (database constraint)."""

    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, validators=[validate_classification_ceiling]
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__lte=int(Classification.SECRET_UE)),
                name="%(app_label)s_%(class)s_never_top_secret",
            ),
        ]


class Marked(Classified):
    """Markings carried by every protected object. None has a default: an
    object cannot be created unmarked.

    Need-to-know grants are guardian object permissions stored in direct
    foreign-key tables that each protected model declares next to itself
    (``<Model>UserObjectPermission`` / ``<Model>GroupObjectPermission``).
    """

    limite = models.BooleanField(_("LIMITE"), help_text=_("Council distribution marking: not for public release."))
    tlp = models.PositiveSmallIntegerField(_("TLP"), choices=Tlp.choices)
    originator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("originator"))
    releasable_to_all = models.BooleanField(
        _("releasable to all"), help_text=_("Releasable to every delegation and body; otherwise only to those listed.")
    )
    releasable_to = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("releasable to"))
    #: Restricted unless a service decides otherwise: an object nobody chose
    #: to circulate reaches only its grant holders (fail closed).
    distribution = models.CharField(
        _("distribution"),
        max_length=20,
        choices=Distribution.choices,
        default=Distribution.RESTRICTED,
        db_default=Distribution.RESTRICTED,  # rows written in bulk (feeds, COPY) are restricted too
    )

    #: The many-to-many field to the (protected) objects whose readers an
    #: object with ``Distribution.WITH_CASES`` reaches; empty: that
    #: distribution is not offered.
    distribution_via: ClassVar[str] = ""

    class Meta(Classified.Meta):
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.distribution == Distribution.WITH_CASES and not self.distribution_via:
            from django.core.exceptions import ValidationError

            raise ValidationError({"distribution": _("A %(model)s cannot follow cases.") % {"model": self._meta.verbose_name}})

    @property
    def marking_label(self) -> str:
        return marking_label(self.classification, self.limite, self.tlp)


class MarkedChild(Classified):
    """A child of a protected object (a comment, a position, a note, an
    attachment). It is never more visible than its parent: a user sees it
    only if they see the parent **and** are cleared for the child's own
    classification, which may be higher than the parent's (narrower) but
    never lower (validated). Children have no grants of their own.

    A concrete child names its parent foreign key in ``parent_field``.
    """

    parent_field: str = ""

    class Meta(Classified.Meta):
        abstract = True

    @property
    def parent(self) -> Marked:
        return getattr(self, self.parent_field)

    def clean(self) -> None:
        super().clean()
        parent_id = getattr(self, f"{self.parent_field}_id", None)
        if parent_id is not None and self.classification is not None:
            parent = self.parent
            if int(self.classification) < int(parent.classification):
                from django.core.exceptions import ValidationError

                raise ValidationError(
                    {
                        "classification": _("A %(child)s cannot be classified below the %(parent)s it belongs to (%(level)s).")
                        % {
                            "child": self._meta.verbose_name,
                            "parent": parent._meta.verbose_name,
                            "level": Classification(int(parent.classification)).label,
                        }
                    }
                )

    @property
    def marking_label(self) -> str:
        """The banner of a child: its own classification and its parent's
        other markings (LIMITE, TLP), which it inherits."""
        return marking_label(self.classification, self.parent.limite, self.parent.tlp)


class AuditRecord(models.Model):
    """What every line of the audit trail says, wherever it is kept: a chained
    :class:`AuditEntry`, a :class:`PendingRead` waiting for the chainer, and
    the console's :class:`AuditTrailLine` over both. One definition, so the
    three cannot drift apart (the view in migration 0003 copies these
    columns one for one)."""

    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)

    class Meta:
        abstract = True


class AuditEntry(AuditRecord):
    """One line of the audit trail. Entries are only ever inserted; each
    carries the hash of the previous one, so ``manage.py verify_audit`` finds
    an edited or deleted row. The application's database role needs INSERT
    and SELECT on this table only (see docs/security-model.md, "Audit trail")."""

    class Action(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        SECOND_FACTOR = "second_factor", _("second factor verified")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("wrong second-factor code")
        LOCKOUT = "lockout", _("account locked out")
        CREATE = "create", _("creation")
        CHANGE = "change", _("change")
        DELETE = "delete", _("deletion")
        TRANSITION = "transition", _("workflow transition")
        GRANT = "grant", _("access granted")
        REVOKE = "revoke", _("access revoked")
        EXPORT = "export", _("export")
        READ = "read", _("read of a classified object")

    id = models.BigAutoField(primary_key=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    #: A read chained after the fact: the id it had in the queue of
    #: :class:`PendingRead` (decision 0032). Unique, so no read is chained
    #: twice; covered by the hash, so the link cannot be edited away.
    pending_id = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.id} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type} {self.object_id}"

    def canonical(self) -> str:
        """The fields the hash covers, in a stable serialisation. ``pending_id``
        only when set: the entries written before reads were queued keep the
        hashes they were chained with."""
        fields = {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "details": self.details,
            "ip_address": self.ip_address,
            "previous_hash": self.previous_hash,
        }
        if self.pending_id is not None:
            fields["pending_id"] = self.pending_id
        return json.dumps(
            fields,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


class AuditHead(models.Model):
    """A single row holding the newest entry's id and hash. Appending locks
    it (a write, or the chainer linking a batch of reads), so concurrent
    writers extend the chain one after another instead of forking it; the
    audit table itself is never updated."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        default_permissions = ()


class PendingRead(AuditRecord):
    """A read of classified objects, recorded without the chain's lock and
    waiting for the chainer to link it into the chain (decision 0032).

    Reading is one INSERT here, so readers never queue behind each other
    for :class:`AuditHead`. The chainer copies each row, in id order, into
    an :class:`AuditEntry` (its ``pending_id`` naming the row) and deletes
    the row in the same transaction: this table holds only the reads not
    yet chained, a few seconds' worth. ``verify_audit`` names one that
    waited too long (a stalled chainer) or one already chained."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"pending read #{self.id} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.object_type} {self.object_id}"


class AuditTrailLine(AuditRecord):
    """One line of the audit trail as the console lists it: a chained
    :class:`AuditEntry`, or a :class:`PendingRead` not chained yet. A
    database view (migration 0003), so a search for who read a case finds
    a read the moment it is recorded, and the lines keep their order when
    the chainer links the queue: the chain by position, then the queue by
    id, which is where the chainer will put it. Read-only."""

    #: The entry's id, or minus the pending read's id (a line's key changes
    #: when its read is chained).
    key = models.BigIntegerField(primary_key=True)
    position = models.BigIntegerField(_("position in the chain"), null=True)
    pending_id = models.BigIntegerField(_("queued as"), null=True)
    #: A view's column: no constraint, and nothing to delete with the user.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=AuditEntry.Action.choices)

    class Meta:
        managed = False
        db_table = "security_audittrail"
        ordering = [models.F("position").asc(nulls_last=True), "pending_id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        default_permissions = ()

    def __str__(self) -> str:
        where = f"#{self.position}" if self.position is not None else f"pending read #{self.pending_id}"
        return f"{where} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type} {self.object_id}"
