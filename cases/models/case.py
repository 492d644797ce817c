"""The case: one track of EU consideration of a response to what step 1
brings to the Council (a malicious cyber activity, a large-scale
cybersecurity incident, a persistent cyber threat or a partner's request),
and the nine-step response process it walks (revised implementing
guidelines 2023, section 5, para 24).

The workflow is the ``state`` field's state machine (django-fsm-2). Each
transition is declared here with the roles that may trigger it
(``permission``) and what it needs (``custom``); its guards are registered
with the engine (``cases/guards.py``). Transitions run only through the
workflow engine (:func:`cdt.workflow.transition_run`, via
:func:`cases.services.case_transition`), which locks the row, checks
permission, guards and input, logs a :class:`CaseTransition` row, audits it
and writes the notification event (``notifications.Event``) of the step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cdt.core.dates import DatePrecision, partial_date_text
from cdt.directory.models import MemberState, Organisation
from cdt.security.models import Marked
from cdt.workflow.records import TransitionRecord

from .. import permissions

if TYPE_CHECKING:
    from cdt.accounts.models import User


def _role_rule(rule: permissions.TransitionRule) -> Callable[[models.Model, Any], bool]:
    """``rule`` as django-fsm's annotation wants a permission: on any model,
    for any user. django-fsm calls it with the case and the requesting user."""
    return rule  # type: ignore[return-value]  # django-fsm's annotation is not generic in the model


class CaseState(models.TextChoices):
    """The nine steps of para 24, in order, and the end of the track."""

    STARTED = "started", _("1 · Start discussions")
    AWARENESS = "awareness", _("2 · Shared situational awareness")
    EXPLORATION = "exploration", _("3 · Exploration of a response")
    DELIBERATION = "deliberation", _("4 · Deliberations")
    DECISION = "decision", _("5 · Decision-making")
    IMPLEMENTATION = "implementation", _("6 · Implementation")
    PARTNER_COOPERATION = "partner_cooperation", _("7 · Cooperation with international partners")
    EVALUATION = "evaluation", _("8 · Evaluation of impact")
    SUSTAINED_ENGAGEMENT = "sustained_engagement", _("9 · Sustained engagement")
    CLOSED = "closed", _("Closed")


OPEN_STATES = [state for state in CaseState if state != CaseState.CLOSED]


class CaseKind(models.TextChoices):
    """What a case responds to. A horizontal act (the cyber sanctions
    framework, its prolongations and amendments, Council conclusions or an
    HR declaration on malicious cyber activities in general) responds to no
    single activity: its steps need no incident-specific awareness or
    options note, but still a decision and its legal acts."""

    MALICIOUS_ACTIVITY = "malicious_activity", _("Malicious cyber activity or large-scale incident (single response)")
    PERSISTENT_THREAT_ACTOR = "persistent_threat_actor", _("Persistent cyber threat actor (sustained strategy)")
    PARTNER_REQUEST = "partner_request", _("Request from an international partner")
    HORIZONTAL_ACT = "horizontal_act", _("Horizontal act (sanctions framework, conclusions or declaration on no single activity)")


#: Kinds that respond to a particular activity, actor or request (all but horizontal acts).
ACTIVITY_KINDS = (CaseKind.MALICIOUS_ACTIVITY, CaseKind.PERSISTENT_THREAT_ACTOR, CaseKind.PARTNER_REQUEST)


class Context(models.TextChoices):
    PEACETIME = "peacetime", _("Peacetime")
    CRISIS = "crisis", _("Crisis")
    ARMED_CONFLICT = "armed_conflict", _("Armed conflict")


class LegalQualification(models.TextChoices):
    NOT_ASSESSED = "", _("Not yet assessed")
    UNFRIENDLY_ACT = "unfriendly_act", _("Unfriendly act")
    INTERNATIONALLY_WRONGFUL_ACT = "internationally_wrongful_act", _("Internationally wrongful act")
    ARMED_ATTACK = "armed_attack", _("Armed attack with a cyber component (UN Charter art. 51)")


class Sector(models.TextChoices):
    """Victims' sectors and kinds of activity named in para 1."""

    CRITICAL_INFRASTRUCTURE = "critical_infrastructure", _("Critical infrastructure")
    SUPPLY_CHAIN = "supply_chain", _("Supply chains")
    GOVERNMENT = "government", _("Government and critical State functions")
    DEMOCRATIC_PROCESSES = "democratic_processes", _("Democratic processes and elections")
    HEALTH = "health", _("Health")
    ENERGY = "energy", _("Energy")
    FINANCE = "finance", _("Finance")
    TRANSPORT = "transport", _("Transport")
    TELECOMMUNICATIONS = "telecommunications", _("Telecommunications")
    DEFENCE = "defence", _("Defence")
    RESEARCH = "research", _("Research and intellectual property")
    PRIVATE_SECTOR = "private_sector", _("Private sector")


class ClosureReason(models.TextChoices):
    NO_RESPONSE_AGREED = "no_response_agreed", _("No response agreed")
    CONCLUDED = "concluded", _("Concluded")
    MERGED = "merged", _("Merged into another case")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Case(ConcurrentTransitionMixin, Marked):
    #: Who the next history row is attributed to (django-simple-history reads
    #: it on save; an annotation only, not a field).
    _history_user: User

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=CaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    brought_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases_brought",
        verbose_name=_("brought by"),
        help_text=_("The Member State, the EEAS or the partner that brought the activity to the Council."),
    )
    brought_on = models.DateField(_("brought on"))
    exercise = models.BooleanField(
        _("exercise"), default=False, help_text=_("An exercise case (CDT exercise, EU CyCLES): never mixed with real cases.")
    )
    state = FSMField(_("step"), default=CaseState.STARTED, choices=CaseState.choices, protected=True)

    # Context and legal qualification (paras 9, 23–24, 34–37)
    context = models.CharField(_("context"), max_length=20, choices=Context.choices, default=Context.PEACETIME)
    legal_qualification = models.CharField(
        _("legal qualification under consideration"), max_length=40, choices=LegalQualification.choices, blank=True
    )
    article_42_7_invoked = models.BooleanField(_("Art. 42(7) TEU invoked"), default=False)
    article_222_invoked = models.BooleanField(_("Art. 222 TFEU invoked"), default=False)
    ipcr_activated = models.BooleanField(_("IPCR activated"), default=False)
    hybrid_toolbox_linked = models.BooleanField(_("linked to the Hybrid Toolbox"), default=False)
    fimi_toolbox_linked = models.BooleanField(_("linked to the FIMI Toolbox"), default=False)

    # The malicious activity (paras 1, 12)
    activity_name = models.CharField(_("activity name"), max_length=200, blank=True)
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    first_seen_precision = models.CharField(
        _("first seen: precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    last_seen = models.DateField(_("last seen"), null=True, blank=True)
    last_seen_precision = models.CharField(
        _("last seen: precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    victims = models.TextField(_("victims"), blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    member_states_affected = models.ManyToManyField(
        MemberState, blank=True, related_name="cases_affecting", verbose_name=_("Member States affected")
    )
    origin_territory = models.CharField(
        _("territory of origin"),
        max_length=200,
        blank=True,
        help_text=_("Activity emanating from a State's territory does not by itself make that State responsible (para 12)."),
    )
    transit_territory = models.CharField(_("territory of transit"), max_length=200, blank=True)
    suspected_actors = models.ManyToManyField("awareness.ThreatActor", blank=True, related_name="cases", verbose_name=_("suspected actors"))
    # End of the track
    closure_reason = models.CharField(_("closure reason"), max_length=30, choices=ClosureReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases", verbose_name=_("merged into")
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by"))
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["releasable_to", "member_states_affected", "suspected_actors"])

    field_choices: ClassVar[dict[str, type[models.TextChoices]]] = {"sectors": Sector}  # the JSON list's keys: their labels

    class Meta(Marked.Meta):
        ordering = ["-brought_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["exercise", "state"]), models.Index(fields=["exercise", "-brought_on"])]
        constraints = [
            *Marked.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(first_seen__isnull=True)
                | models.Q(last_seen__isnull=True)
                | models.Q(last_seen__gte=models.F("first_seen")),
                name="cases_case_seen_in_order",
                violation_error_message=_("The activity was last seen on or after the day it was first seen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        super().clean()
        bad = [sector for sector in self.sectors or [] if sector not in Sector.values]
        if bad:
            unknown = ngettext_lazy("Unknown sector: %(bad)s.", "Unknown sectors: %(bad)s.", len(bad))
            raise ValidationError({"sectors": unknown % {"bad": ", ".join(map(str, bad))}})
        if self.first_seen and self.last_seen and self.last_seen < self.first_seen:
            raise ValidationError({"last_seen": _("Last seen cannot be before first seen.")})

    @property
    def first_seen_text(self) -> str:
        """ "March 2024" when the record has no day."""
        return partial_date_text(self.first_seen, self.first_seen_precision)

    @property
    def last_seen_text(self) -> str:
        return partial_date_text(self.last_seen, self.last_seen_precision)

    @property
    def is_horizontal(self) -> bool:
        """A horizontal act responds to no single activity (see :class:`CaseKind`)."""
        return self.kind == CaseKind.HORIZONTAL_ACT

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED

    # --- The workflow -------------------------------------------------------
    # Bodies only change fields of the case; the service does the rest.

    @transition(
        field=state,
        source=CaseState.STARTED,
        target=CaseState.AWARENESS,
        permission=_role_rule(permissions.may_share_awareness),
        custom={"label": _("Share situational awareness")},
    )
    def share_awareness(self, **_: Any) -> None:
        """Step 1 → 2. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.AWARENESS,
        target=CaseState.EXPLORATION,
        permission=_role_rule(permissions.may_explore_response),
        custom={"label": _("Explore a response")},
    )
    def explore_response(self, **_: Any) -> None:
        """Step 2 → 3. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.EXPLORATION,
        target=CaseState.DELIBERATION,
        permission=_role_rule(permissions.may_chair),
        custom={"label": _("Open deliberations")},
    )
    def open_deliberation(self, **_: Any) -> None:
        """Step 3 → 4. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.DELIBERATION,
        target=CaseState.DECISION,
        permission=_role_rule(permissions.may_chair),
        custom={"label": _("Refer for decision")},
    )
    def refer_for_decision(self, **_: Any) -> None:
        """Step 4 → 5. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.DECISION,
        target=CaseState.DELIBERATION,
        permission=_role_rule(permissions.may_chair),
        custom={"label": _("Return to deliberations")},
    )
    def return_to_deliberation(self, **_: Any) -> None:
        """Step 5 → 4. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.DECISION,
        target=CaseState.IMPLEMENTATION,
        permission=_role_rule(permissions.may_implement),
        custom={"label": _("Implement")},
    )
    def implement(self, **_: Any) -> None:
        """Step 5 → 6. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.IMPLEMENTATION,
        target=CaseState.PARTNER_COOPERATION,
        permission=_role_rule(permissions.may_involve_partners),
        custom={"label": _("Involve international partners")},
    )
    def involve_partners(self, **_: Any) -> None:
        """Step 6 → 7. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=[CaseState.IMPLEMENTATION, CaseState.PARTNER_COOPERATION],
        target=CaseState.EVALUATION,
        permission=_role_rule(permissions.may_evaluate),
        custom={"label": _("Evaluate impact")},
    )
    def evaluate(self, **_: Any) -> None:
        """Step 6 or 7 → 8. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.EVALUATION,
        target=CaseState.SUSTAINED_ENGAGEMENT,
        permission=_role_rule(permissions.may_chair),
        custom={"label": _("Sustain engagement")},
    )
    def sustain(self, **_: Any) -> None:
        """Step 8 → 9. Side effects: transition log row, notification event."""

    @transition(
        field=state,
        source=CaseState.SUSTAINED_ENGAGEMENT,
        target=RETURN_VALUE(CaseState.AWARENESS, CaseState.EXPLORATION),
        permission=_role_rule(permissions.may_revisit),
        custom={
            "label": _("Revisit an earlier step"),
            "needs": ("reason", "target"),
            "targets": (CaseState.AWARENESS, CaseState.EXPLORATION),
        },
    )
    def revisit(self, *, target: str, **_: Any) -> str:
        """Step 9 → 2 or 3, with a reason. Side effects: transition log row, notification event."""
        return target

    @transition(
        field=state,
        source=OPEN_STATES,
        target=CaseState.CLOSED,
        permission=_role_rule(permissions.may_close),
        custom={"label": _("Close the case"), "needs": ("reason",), "reasons": ClosureReason.choices},
    )
    def close(self, *, reason: str, merged_into: Case | None = None, **_: Any) -> None:
        """Any open step → closed, with a closure reason (and the case merged
        into). Side effects: transition log row, notification event."""
        self.closure_reason = reason
        self.merged_into = merged_into if reason == ClosureReason.MERGED else None

    @transition(
        field=state,
        source=CaseState.CLOSED,
        target=CaseState.AWARENESS,
        permission=_role_rule(permissions.may_reopen),
        custom={"label": _("Reopen"), "needs": ("reason",)},
    )
    def reopen(self, **_: Any) -> None:
        """Closed → step 2, with a reason. Side effects: transition log row,
        notification event."""
        self.closure_reason = ""
        self.merged_into = None


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseTransition(TransitionRecord):
    """The durable log of the workflow: one row per transition taken (the
    engine's one log shape, :class:`cdt.workflow.records.TransitionRecord`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("from"), max_length=30, choices=CaseState.choices)
    target = models.CharField(_("to"), max_length=30, choices=CaseState.choices)
    #: The case this one was merged into by this step: a relation, not text
    #: in ``reason``, so each reader is shown it only if they may see it.
    #: Kept when the case is reopened (the log keeps what happened); lost
    #: only if that case is deleted.
    merged_into = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("merged into"))
    #: ``merged_into`` as one reader may see it, set by ``cases.selectors.case_history``.
    shown_merged_into: Case | None

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.source} → {self.target}"
