"""Attribution (guidelines §6, paras 26–29), statements and strategic
communication (§7).

* **Claims**: who attributes the activity of a case to which actor, on what
  basis (technical attribution from assessments, a Member State's national
  attribution, a partner's or industry's), of what type, with what
  confidence, publicly or privately. A national attribution is a claim: each
  Member State remains free to attribute, and doing so is not an EU
  attribution.
* **Deliberation**: the Council's deliberation on a coordinated political
  attribution at EU level for one case — the ten considerations of para 29
  assessed and rated by the EEAS and commented by delegates, the options
  considered, the question put to the Council (Member States' positions are
  the council app's), partners joining, and the outcome, which covers named
  actors and is what unlocks measures requiring attribution.
* **Statements**: the declaration or statement text, a kind of draft
  (the ``drafting`` app: versions, comments, comparison and lifecycle
  written once), its publication and the third countries aligning with it.
* **Communication plans**: the strategic communication of a response.

Everything is a child of its case (``MarkedChild``): seen only with it.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from cdt.directory.models import MemberState, Organisation
from cdt.security.models import MarkedChild
from cdt.workflow.records import TransitionRecord
from drafting.models import NoteCommentBase, NoteLifecycle, NoteVersionBase, note_status_field, note_transitions
from notifications.models import EventKind

from . import guards, permissions
from .choices import (
    ATTRIBUTING_OPTIONS,
    BASIS_PARTY,
    CONSIDERATION_TITLES,
    CONSIDERATIONS,
    STATE_ATTRIBUTING_OPTIONS,
    AttributionOption,
    Basis,
    Channel,
    ClaimType,
    Confidence,
    DeliberationStatus,
    Party,
    PlanStatus,
    Rating,
    StatementStatus,
    StatementType,
)

# --- Claims -------------------------------------------------------------------------------------------


class AttributionClaim(MarkedChild):
    """One attribution of the case's activity to one actor of the registry."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attribution_claims")
    actor = models.ForeignKey("awareness.ThreatActor", on_delete=models.PROTECT, related_name="attribution_claims", verbose_name=_("actor"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    claim_type = models.CharField(_("type"), max_length=20, choices=ClaimType.choices)
    confidence = models.CharField(_("confidence"), max_length=20, choices=Confidence.choices)
    party = models.CharField(_("attributing party"), max_length=20, choices=Party.choices)
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Member State attributing")
    )
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner attributing")
    )
    industry_source = models.CharField(_("company or research group"), max_length=200, blank=True)
    public = models.BooleanField(_("public"), default=False, help_text=_("Made publicly (a statement) rather than privately."))
    attributed_to_state = models.CharField(
        _("State named"), max_length=100, blank=True, help_text=_("The State the claim holds responsible, if it names one.")
    )
    made_on = models.DateField(_("made on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=500, blank=True, help_text=_("Public statement, report or COREU reference."))
    summary = models.TextField(_("summary"), blank=True)
    assessments = models.ManyToManyField(
        "awareness.Assessment", blank=True, related_name="attribution_claims", verbose_name=_("assessments it rests on")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["assessments"])

    class Meta(MarkedChild.Meta):
        ordering = ["case", "made_on", "id"]
        verbose_name = _("attribution claim")

    def __str__(self) -> str:
        return f"{self.actor} — {self.get_basis_display()} ({self.attributing_party})"

    @property
    def attributing_party(self) -> str:
        if self.party == Party.MEMBER_STATE and self.member_state_id:
            return self.member_state.display_name
        if self.party == Party.PARTNER and self.partner_id:
            return str(self.partner)
        if self.party == Party.INDUSTRY:
            return self.industry_source
        return str(self.get_party_display())

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        implied = BASIS_PARTY.get(self.basis)
        if implied and self.party != implied:
            errors["party"] = _("A %(basis)s is made by %(party)s.") % {"basis": self.get_basis_display(), "party": implied.label.lower()}
        if self.party == Party.MEMBER_STATE and not self.member_state_id:
            errors["member_state"] = _("Name the Member State.")
        if self.party != Party.MEMBER_STATE and self.member_state_id:
            errors["member_state"] = _("Only a Member State's attribution names a Member State.")
        if self.party == Party.PARTNER and (self.partner_id is None or self.partner.kind not in PARTNER_KINDS):
            errors["partner"] = _("Name the partner (a third country or an international organisation of the directory).")
        if self.party == Party.INDUSTRY and not self.industry_source.strip():
            errors["industry_source"] = _("Name the company or research group.")
        if self.basis == Basis.NATIONAL and self.claim_type != ClaimType.POLITICAL:
            errors["claim_type"] = _("A national attribution is a political decision of the Member State.")
        if errors:
            raise ValidationError(errors)


#: Who may be a partner: any third country or international organisation of
#: the directory (like-minded partner states, international organisations,
#: candidates such as Ukraine, potential candidates, EEA/EFTA countries),
#: never a Member State's delegation, the secretariat or an EU body.
PARTNER_KINDS = tuple(
    kind for kind in Organisation.Kind if kind not in (Organisation.Kind.DELEGATION, Organisation.Kind.SECRETARIAT, Organisation.Kind.EUIBA)
)


# --- The deliberation ------------------------------------------------------------------------------------


class AttributionDeliberation(MarkedChild):
    """The Council's deliberation on a coordinated political attribution at
    EU level for one case. Its transitions run on the workflow engine
    (``attribution.workflows.DeliberationWorkflow``)."""

    parent_field = "case"
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="attribution_deliberation")
    status = FSMField(_("status"), default=DeliberationStatus.OPEN, choices=DeliberationStatus.choices, protected=True)
    options_considered = models.JSONField(_("options considered"), default=list, blank=True)
    recommended_option = models.CharField(_("option the EEAS recommends"), max_length=30, choices=AttributionOption.choices, blank=True)
    question = models.OneToOneField(
        "council.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attribution_deliberation",
        verbose_name=_("question to the Council"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=AttributionOption.choices, blank=True)
    outcome_on = models.DateField(_("date of the outcome"), null=True, blank=True)
    outcome_summary = models.TextField(_("outcome"), blank=True)
    decision = models.ForeignKey(
        "council.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Council decision")
    )
    attributed_actors = models.ManyToManyField(
        "awareness.ThreatActor", blank=True, related_name="eu_attributions", verbose_name=_("actors the attribution covers")
    )
    attributed_to_state = models.CharField(
        _("State the activity is attributed to"),
        max_length=100,
        blank=True,
        help_text=_("Measures requiring attribution to a State need it."),
    )
    territory_state = models.CharField(
        _("State whose territory the activity emanates from"),
        max_length=100,
        blank=True,
        help_text=_("Named by an outcome on activity emanating from a State's territory; it does not attribute the activity to it."),
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("partners joining"))
    member_states_alongside = models.ManyToManyField(
        MemberState,
        blank=True,
        related_name="+",
        verbose_name=_("Member States attributing nationally alongside the EU"),
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["attributed_actors", "partners", "member_states_alongside"])

    class Meta(MarkedChild.Meta):
        ordering = ["-opened_at", "-id"]
        verbose_name = _("attribution deliberation")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_status_display()}"

    @property
    def attributes(self) -> bool:
        return self.status == DeliberationStatus.CONCLUDED and self.outcome in ATTRIBUTING_OPTIONS

    @property
    def attributes_to_state(self) -> bool:
        """Whether the EU holds a State responsible: an attributing outcome
        naming one (never activity merely emanating from its territory)."""
        return self.attributes and self.outcome in STATE_ATTRIBUTING_OPTIONS and bool(self.attributed_to_state)

    # Bodies only set fields; the workflow checks the input, logs, audits and emits the event.

    def grid_gaps(self) -> list[str]:
        """Considerations still without an assessment text or a rating (the page's list)."""
        return [reason for guard in guards.grid(CONSIDERATIONS) if (reason := guard(self, None))]

    @transition(
        field=status,
        source=DeliberationStatus.OPEN,
        target=DeliberationStatus.REFERRED,
        permission=permissions.may_refer,
        custom={
            "label": _("Put the question to the Council"),
            "guards": (*guards.grid(CONSIDERATIONS), guards.claim_recorded),
            "event": EventKind.WORKFLOW_STEP,
        },
    )
    def refer(self, *, question, **_):
        """Records the question put to the Council (every Member State's position starts empty). Side effects: log row, audit, event."""
        self.question = question

    @transition(
        field=status,
        source=DeliberationStatus.REFERRED,
        target=DeliberationStatus.CONCLUDED,
        permission=permissions.may_conclude,
        custom={"label": _("Record the outcome"), "needs": ("outcome",), "event": EventKind.WORKFLOW_STEP},
    )
    def conclude(self, *, outcome, on, summary, state, territory_state, decision, **_):
        """Side effects: the actors, partners and Member States alongside it names (set after), log row, audit, event;
        an attributing outcome unlocks the measures requiring attribution for the actors it covers."""
        self.outcome, self.outcome_on, self.outcome_summary = outcome, on, summary
        self.attributed_to_state, self.territory_state, self.decision = state, territory_state, decision


class Consideration(models.Model):
    """One of the ten considerations of para 29 for a deliberation: the
    EEAS's assessment and rating. Reached only through its deliberation."""

    deliberation = models.ForeignKey(AttributionDeliberation, on_delete=models.CASCADE, related_name="considerations")
    number = models.PositiveSmallIntegerField(_("consideration"))
    assessment = models.TextField(_("assessment"), blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deliberation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "number"], name="attribution_one_row_per_consideration"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=len(CONSIDERATIONS)),
                name="attribution_consideration_number",
                violation_error_message=_("There is no consideration with this number."),
            ),
        ]
        verbose_name = _("consideration")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return str(CONSIDERATION_TITLES.get(self.number, ""))


class ConsiderationComment(models.Model):
    consideration = models.ForeignKey(Consideration, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class DeliberationTransition(TransitionRecord):
    deliberation = models.ForeignKey(AttributionDeliberation, on_delete=models.CASCADE, related_name="transitions")


# --- Statements ------------------------------------------------------------------------------------------


class Statement(NoteLifecycle, MarkedChild):
    """A declaration or statement on a case: drafted by the EEAS with every
    version kept, commented by delegates, agreed, published. ``content``:
    ``{"text": ...}``, paragraphs separated by a blank line (comments anchor
    on a paragraph)."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="statements")
    deliberation = models.ForeignKey(AttributionDeliberation, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements")
    statement_type = models.CharField(_("type"), max_length=30, choices=StatementType.choices)
    status = note_status_field(StatementStatus.choices)
    decision = models.ForeignKey(
        "council.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Council agreement")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("partners joining the statement"))
    circulate, submit, supersede = note_transitions()

    class Meta(MarkedChild.Meta):
        ordering = ["case", "-created_at"]
        verbose_name = _("statement")

    def __str__(self) -> str:
        return self.title

    @transition(
        field="status",
        source=StatementStatus.SUBMITTED,
        target=StatementStatus.PUBLISHED,
        permission=permissions.may_publish,
        custom={"label": _("Record publication"), "needs": ("decision", "on")},
    )
    def publish(self, *, on, decision=None, **_):
        """Needs the date and, for a text the Council agrees, its adopted decision. Side effects: log row; third countries may then align."""
        self.published_on, self.decision = on, decision


class StatementVersion(NoteVersionBase):
    note = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")

    class Meta(NoteVersionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["note", "number"], name="attribution_statement_version_unique")]


class StatementComment(NoteCommentBase):
    note = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="comments")


class StatementTransition(TransitionRecord):
    note = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="transitions")


class Alignment(models.Model):
    """A third country aligning itself with a published statement (a
    candidate, potential candidate or EEA/EFTA country of the directory)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="alignments")
    country = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
        limit_choices_to={"kind__in": Organisation.ALIGNING_KINDS},
    )
    aligned_on = models.DateField(_("aligned on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement", "country__code"]
        constraints = [models.UniqueConstraint(fields=["statement", "country"], name="attribution_one_alignment_per_country")]
        verbose_name = _("alignment")

    def __str__(self) -> str:
        return f"{self.country} aligns ({self.aligned_on})"


# --- Strategic communication -----------------------------------------------------------------------------


class CommunicationPlan(MarkedChild):
    """The strategic communication of a response (§7, paras 30–32):
    objectives, audiences, channels, timing and embargo, lines to take, who
    amplifies (Member States, EU Delegations) and coordination with partners."""

    parent_field = "case"
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="communication_plans")
    title = models.CharField(_("title"), max_length=300)
    objectives = models.TextField(_("objectives"))
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    public = models.BooleanField(_("public communication"), default=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    timing = models.TextField(_("timing"), blank=True)
    embargo_until = models.DateTimeField(_("embargo until"), null=True, blank=True)
    lines_to_take = models.TextField(_("lines to take"), blank=True)
    amplifying_states = models.ManyToManyField(
        MemberState, blank=True, related_name="+", verbose_name=_("Member States committed to amplify")
    )
    eu_delegations = models.JSONField(_("EU Delegations involved"), default=list, blank=True)
    partner_coordination = models.TextField(_("coordination with partners"), blank=True)
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("partners"))
    measures = models.ManyToManyField(
        "measures.ResponseMeasure", blank=True, related_name="communication_plans", verbose_name=_("measures communicated")
    )
    statement = models.ForeignKey(Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="communication_plans")
    status = FSMField(_("status"), default=PlanStatus.DRAFT, choices=PlanStatus.choices, protected=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["amplifying_states", "partners", "measures"])

    #: The choices the JSON list of channels holds (their labels: :func:`cdt.core.labels.label_of`).
    field_choices: ClassVar[dict[str, type[models.TextChoices]]] = {"channels": Channel}

    class Meta(MarkedChild.Meta):
        ordering = ["case", "-created_at"]
        verbose_name = _("strategic communication plan")

    def __str__(self) -> str:
        return self.title

    @transition(
        field=status,
        source=PlanStatus.DRAFT,
        target=PlanStatus.AGREED,
        permission=permissions.may_agree_plan,
        custom={"label": _("Record agreement"), "event": EventKind.WORKFLOW_STEP},
    )
    def agree(self, **_):
        """Side effects: log row, audit, event."""

    @transition(
        field=status,
        source=PlanStatus.AGREED,
        target=PlanStatus.IN_EXECUTION,
        permission=permissions.may_draft_plan,
        custom={"label": _("Start execution"), "event": EventKind.WORKFLOW_STEP},
    )
    def execute(self, **_):
        """Side effects: log row, audit, event."""

    @transition(
        field=status,
        source=PlanStatus.IN_EXECUTION,
        target=PlanStatus.COMPLETED,
        permission=permissions.may_draft_plan,
        custom={"label": _("Record completion"), "event": EventKind.WORKFLOW_STEP},
    )
    def complete(self, **_):
        """Side effects: log row, audit, event."""


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="transitions")
