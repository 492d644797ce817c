"""Measures (guidelines section 3): the catalogue of measure types, the
response measures proposed and taken on a case through implementation, the
listings of restrictive measures, and impact evaluations (step 8).

The catalogue is reference data the secretariat edits. Everything recorded
on a case is a child of the case (``MarkedChild``): seen only by those who
see the case, at the case's classification or higher.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cdt.core.languages import in_language
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.models import Marked, MarkedChild
from cdt.workflow.records import TransitionRecord
from council.models import VotingRule
from drafting.choices import NoteStatus
from drafting.models import NoteCommentBase, NoteLifecycle, NoteTransitionBase, NoteVersionBase, note_status_field, note_transitions
from notifications.models import EventKind

from . import permissions
from .choices import AttributionRequirement, Lead, MeasureEffect, MeasureForm, MeasureState

#: Escalation levels run from 1 (awareness raising, dialogue) to 10 (sectoral sanctions): para 16's gradual approach.
ESCALATION_MIN, ESCALATION_MAX = 1, 10


class MeasureType(models.Model):
    """One entry of the catalogue: a kind of measure the Council may take."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_fr = models.TextField(_("description in French"), blank=True)
    forms = models.JSONField(_("forms"), default=list, help_text=_("Diplomatic, political, legal, … (para 14)"))
    effects = models.JSONField(_("intended effects"), default=list, help_text=_("Preventive, stabilising, … (para 14)"))
    attribution = models.CharField(
        _("requires attribution"), max_length=10, choices=AttributionRequirement.choices, default=AttributionRequirement.NONE
    )
    deciding_body = models.ForeignKey(
        CouncilBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("usual deciding body")
    )
    voting_rule = models.CharField(_("voting rule"), max_length=40, blank=True, help_text=_("blank: no Council vote (e.g. an HR act)"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    legal_basis_fr = models.CharField(_("legal basis in French"), max_length=300, blank=True)
    leads = models.JSONField(_("typical lead"), default=list)
    public_by_default = models.BooleanField(_("public by default"), default=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"),
        help_text=_("1 (awareness raising, dialogue) to 10 (sectoral sanctions): the gradual approach of para 16."),
    )
    restrictive = models.BooleanField(_("restrictive measure (carries a listing)"), default=False)
    source = models.CharField(_("named in"), max_length=200, blank=True)
    active = models.BooleanField(_("in the catalogue"), default=True)
    history = HistoricalRecords()

    #: The choices the JSON list fields and the free voting rule hold (read by
    #: :func:`cdt.core.labels.label_of` to show their labels, and by ``clean``).
    field_choices: ClassVar[dict[str, type[models.TextChoices]]] = {
        "forms": MeasureForm,
        "effects": MeasureEffect,
        "leads": Lead,
        "voting_rule": VotingRule,
    }

    class Meta:
        ordering = ["escalation_level", "name"]
        verbose_name = _("measure type")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(escalation_level__gte=ESCALATION_MIN, escalation_level__lte=ESCALATION_MAX),
                name="measures_measuretype_escalation_in_range",
                violation_error_message=_("The escalation level is a whole number from 1 to 10."),  # ESCALATION_MIN, ESCALATION_MAX
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (decision 0030)."""
        return in_language(self, "name")

    @property
    def display_description(self) -> str:
        """The description in the reader's language."""
        return in_language(self, "description")

    @property
    def display_legal_basis(self) -> str:
        """The legal basis as the reader's language cites it."""
        return in_language(self, "legal_basis")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("forms", "effects", "leads"):
            choices = self.field_choices[name]
            unknown = [value for value in getattr(self, name) or [] if value not in choices.values]
            if unknown:
                errors[name] = _("Unknown: %(values)s.") % {"values": ", ".join(map(str, unknown))}
        if errors:
            raise ValidationError(errors)


class ResponseMeasure(MarkedChild):
    """A measure on a case, from proposal to its end. Transitions run only
    through the workflow engine (``measures.workflows.MeasureWorkflow``,
    taken by ``measures.services.measure_transition``: locked, logged,
    audited, with their event)."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="measures")
    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="uses", verbose_name=_("measure"))
    # Several: a listing names persons linked to several actors, a statement may name several groups.
    actors = models.ManyToManyField(
        "awareness.ThreatActor", through="MeasureActor", blank=True, related_name="measures", verbose_name=_("actors concerned")
    )
    description = models.TextField(_("description"))
    rationale = models.TextField(_("rationale"), blank=True)
    state = FSMField(_("state"), default=MeasureState.PROPOSED, choices=MeasureState.choices, protected=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)  # when it was recorded
    # When it was proposed: the record of a past measure is entered later (issue 27).
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    escalation_warning = models.TextField(
        _("escalation warning"), blank=True, help_text=_("Set when the level exceeds what the proportionality assessment supports.")
    )
    override_justification = models.TextField(_("chair's justification for going beyond the warning"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.ForeignKey("council.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="measures")
    implementing_actor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("implementing actor")
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(MarkedChild.Meta):
        ordering = ["case", "proposed_at", "id"]
        verbose_name = _("response measure")

    def __str__(self) -> str:
        return f"{self.measure_type} — {self.get_state_display()}"

    # Bodies change fields of the measure only; the engine checks the guards and input, logs, audits
    # and emits the event; MeasureWorkflow.after schedules or cancels evaluations.

    @transition(
        field=state,
        source=MeasureState.PROPOSED,
        target=MeasureState.SELECTED,
        permission=permissions.may_select,
        custom={"label": _("Select for decision")},  # guard: measures.lifecycle_guards.escalation_overridden
    )
    def select(self, **_):
        """Refused while an escalation warning stands without the chair's
        override. Side effects: log row; counts for the case's ``refer_for_decision`` guard."""

    @transition(
        field=state,
        source=MeasureState.SELECTED,
        target=MeasureState.AGREED,
        permission=permissions.may_record_agreement,
        custom={"label": _("Record agreement"), "needs": ("decision",)},  # guard: lifecycle_guards.attribution_covers
    )
    def agree(self, *, decision, **_):
        """Needs an adopted decision on the same case and, for a measure that
        requires it, the EU's attribution covering every one of its actors. Side effects: log row."""
        self.decision = decision

    @transition(
        field=state,
        source=MeasureState.AGREED,
        target=MeasureState.IN_IMPLEMENTATION,
        permission=permissions.may_implement,
        custom={"label": _("Start implementation"), "needs": ("implementing_actor",)},
    )
    def start_implementation(self, *, implementing_actor, **_):
        """Side effects: log row."""
        self.implementing_actor = implementing_actor

    @transition(
        field=state,
        source=MeasureState.IN_IMPLEMENTATION,
        target=MeasureState.IMPLEMENTED,
        permission=permissions.may_implement,
        custom={"label": _("Record implementation"), "needs": ("on",), "event": EventKind.MEASURE_IMPLEMENTED},
    )
    def complete(self, *, on, **_):
        """Side effects: log row; impact evaluations scheduled; ``measure_implemented`` event;
        counts for the ``evaluate`` guard."""
        self.implemented_on = on

    @transition(
        field=state,
        source=MeasureState.IMPLEMENTED,
        target=MeasureState.SUSPENDED,
        permission=permissions.may_record_agreement,
        custom={"label": _("Suspend"), "needs": ("reason",)},
    )
    def suspend(self, **_):
        """Side effects: log row."""

    @transition(
        field=state,
        source=MeasureState.SUSPENDED,
        target=MeasureState.IMPLEMENTED,
        permission=permissions.may_record_agreement,
        custom={"label": _("Resume"), "needs": ("reason",), "event": EventKind.MEASURE_IMPLEMENTED},
    )
    def resume(self, **_):
        """Side effects: log row; ``measure_implemented`` event (it is implemented again)."""

    @transition(
        field=state,
        source=[MeasureState.IMPLEMENTED, MeasureState.SUSPENDED],
        target=MeasureState.LIFTED,
        permission=permissions.may_record_agreement,
        custom={"label": _("Lift"), "needs": ("reason", "on")},
    )
    def lift(self, *, on, **_):
        """Side effects: log row; open evaluations cancelled."""
        self.ended_on = on

    @transition(
        field=state,
        source=[MeasureState.IMPLEMENTED, MeasureState.SUSPENDED],
        target=MeasureState.EXPIRED,
        permission=permissions.may_record_agreement,
        custom={"label": _("Record expiry"), "needs": ("on",)},
    )
    def expire(self, *, on, **_):
        """Side effects: log row; open evaluations cancelled."""
        self.ended_on = on

    @transition(
        field=state,
        source=[MeasureState.PROPOSED, MeasureState.SELECTED],
        target=MeasureState.WITHDRAWN,
        permission=permissions.may_withdraw,
        custom={"label": _("Withdraw"), "needs": ("reason",)},
    )
    def withdraw(self, **_):
        """Side effects: log row."""


class MeasureActor(models.Model):
    """An actor a measure concerns. Its own table so that an actor named by a
    measure cannot be deleted from the registry (as when it was one
    foreign key), while a measure's rows go with it."""

    measure = models.ForeignKey(ResponseMeasure, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey("awareness.ThreatActor", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("actor concerned")
        constraints = [models.UniqueConstraint(fields=["measure", "actor"], name="measures_measureactor_unique")]


class MeasureTransition(TransitionRecord):
    """The log of a measure's lifecycle: one row per transition (the
    engine's one log shape), and the proposal's row."""

    measure = models.ForeignKey(ResponseMeasure, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("from"), max_length=30, choices=MeasureState.choices)
    target = models.CharField(_("to"), max_length=30, choices=MeasureState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("measure transition")


class RestrictiveListing(MarkedChild):
    """The listing a restrictive measure carries under the cyber sanctions
    regime: the legal acts and the regime's review and renewal dates."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="listings")
    measure = models.OneToOneField(ResponseMeasure, on_delete=models.CASCADE, related_name="listing")
    council_decision = models.CharField(
        _("Council decision"),
        max_length=200,
        blank=True,
        help_text=_("implementing Decision (CFSP) 2019/797, e.g. Council Decision (CFSP) 2020/1127"),
    )
    council_regulation = models.CharField(
        _("Council regulation"),
        max_length=200,
        blank=True,
        help_text=_("implementing Regulation (EU) 2019/796, e.g. Implementing Regulation (EU) 2020/1125"),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    renewal_on = models.DateField(_("renewal date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(MarkedChild.Meta):
        verbose_name = _("listing")


class ListedPerson(models.Model):
    """A natural or legal person, entity or body listed (asset freeze, and
    travel ban for natural persons). Read only through its listing."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ENTITY = "entity", _("Entity or body")

    listing = models.ForeignKey(RestrictiveListing, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    identifying_information = models.TextField(_("identifying information"), blank=True)
    function = models.CharField(_("function"), max_length=300, blank=True)
    statement_of_reasons = models.TextField(_("statement of reasons"))
    # Among the listing's measure's actors (``measures.services.listing_set``): the attribution a
    # listing needs covers every actor its measure concerns, so every actor a listed person is linked to.
    actors = models.ManyToManyField("awareness.ThreatActor", blank=True, related_name="listed_persons", verbose_name=_("linked actors"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["listing", "id"]
        verbose_name = _("listed person or entity")


class ImpactEvaluation(MarkedChild):
    """A due (and, once recorded, done) evaluation of an implemented measure:
    rows are created when the measure is implemented and before each renewal
    of a listing; the notifications issue turns due rows into reminders."""

    class Effect(models.TextChoices):
        NONE = "none", _("No effect")
        LIMITED = "limited", _("Limited")
        SIGNIFICANT = "significant", _("Significant")
        COUNTER_PRODUCTIVE = "counter_productive", _("Counter-productive")

    class Recommendation(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        ESCALATE = "escalate", _("Escalate")
        DE_ESCALATE = "de_escalate", _("De-escalate")
        LIFT = "lift", _("Lift")

    class Occasion(models.TextChoices):
        INTERVAL = "interval", _("Months after implementation")
        RENEWAL = "renewal", _("Before renewal")

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evaluations")
    measure = models.ForeignKey(ResponseMeasure, on_delete=models.CASCADE, related_name="evaluations")
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    months_after = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("due on"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    observed_change = models.TextField(_("observed change in the actor's behaviour"), blank=True)
    indicators = models.TextField(_("indicators"), blank=True)
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta(MarkedChild.Meta):
        ordering = ["due_on", "id"]
        verbose_name = _("impact evaluation")
        constraints = [
            *MarkedChild.Meta.constraints,
            models.UniqueConstraint(fields=["measure", "occasion", "due_on"], name="measures_one_evaluation_per_due_date"),
        ]

    @property
    def done(self) -> bool:
        return self.evaluated_at is not None


# --- The two notes: options notes and strategic response notes (revised implementing guidelines 2023, paras 15 and 24, step 3) ---


class OptionsNote(NoteLifecycle, MarkedChild):
    """Step 3, swift single response: the EEAS's options for HWPCI on one
    case. ``content``: situation, assessment references, options (each a
    measure type, rationale, expected effect, risks, legal considerations,
    communication, attribution needed, proportionality remark) and the
    recommendation. A revision after submission is a new note that
    supersedes the old one."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="options_notes")
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by")
    status = note_status_field()
    circulate, submit, supersede = note_transitions()

    class Meta(MarkedChild.Meta):
        ordering = ["case", "-created_at"]
        verbose_name = _("options note")

    def __str__(self) -> str:
        return self.title


class StrategicResponseNote(NoteLifecycle, Marked):
    """Para 15: the Council's living strategy towards one persistent threat
    actor, across every case about it. A protected object of its own (not a
    child of one case). ``content``: short-term effects, longer-term
    objectives, risk assessment and scenarios, geographic strategy, the
    actor's perspective, measures in parallel or in sequence with their
    triggers and levels, monitoring indicators, review date."""

    actor = models.OneToOneField("awareness.ThreatActor", on_delete=models.PROTECT, related_name="strategic_response_note")
    approval = models.ForeignKey(
        "council.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Council approval")
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    status = note_status_field()
    circulate, submit, supersede = note_transitions()

    class Meta(Marked.Meta):
        ordering = ["actor__name"]
        verbose_name = _("strategic response note")

    def __str__(self) -> str:
        return self.title

    @transition(
        field="status",
        source=NoteStatus.SUBMITTED,
        target=NoteStatus.APPROVED,
        permission=permissions.may_record_note_approval,
        custom={"label": _("Record Council approval"), "needs": ("decision",)},
    )
    def approve(self, *, decision, **_):
        """Needs an adopted decision on a case about the actor. Side effects: log row."""
        self.approval = decision


class StrategicResponseNoteUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(StrategicResponseNote, on_delete=models.CASCADE)


class StrategicResponseNoteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(StrategicResponseNote, on_delete=models.CASCADE)


class OptionsNoteVersion(NoteVersionBase):
    note = models.ForeignKey(OptionsNote, on_delete=models.CASCADE, related_name="versions")

    class Meta(NoteVersionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["note", "number"], name="measures_options_note_version_unique")]


class StrategicNoteVersion(NoteVersionBase):
    note = models.ForeignKey(StrategicResponseNote, on_delete=models.CASCADE, related_name="versions")

    class Meta(NoteVersionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["note", "number"], name="measures_strategic_note_version_unique")]


class OptionsNoteComment(NoteCommentBase):
    note = models.ForeignKey(OptionsNote, on_delete=models.CASCADE, related_name="comments")


class StrategicNoteComment(NoteCommentBase):
    note = models.ForeignKey(StrategicResponseNote, on_delete=models.CASCADE, related_name="comments")


class OptionsNoteTransition(NoteTransitionBase):
    """The log of an options note's lifecycle (the engine's one shape)."""

    note = models.ForeignKey(OptionsNote, on_delete=models.CASCADE, related_name="transitions")


class StrategicNoteTransition(NoteTransitionBase):
    """The log of a strategic response note's lifecycle."""

    note = models.ForeignKey(StrategicResponseNote, on_delete=models.CASCADE, related_name="transitions")
