"""Council deliberation and decision-making (guidelines para 24, steps 4
and 5): meetings and their agendas, questions put to the Council for a
case with each Member State's position, decisions and written procedures.

Questions, decisions and written procedures are children of their case
(``MarkedChild``): visible only with it. Meetings are not protected (the
calendar of HWPCI is not secret); their agenda items are filtered by the
case they concern.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from cases.models import Case
from cdt.directory.models import CouncilBody, MemberState
from cdt.security.models import MarkedChild
from cdt.workflow.records import TransitionRecord
from council.reasons import Reason

from . import legal_acts, permissions
from .choices import LegalActKind
from .voting import Rule, Stance

__all__ = ["LegalActKind"]  # re-exported: council.models.LegalActKind is the kind of a LegalAct


class VotingRule(models.TextChoices):
    UNANIMITY = Rule.UNANIMITY.value, _("Unanimity (Art. 31(1) TEU)")
    QUALIFIED_MAJORITY = Rule.QUALIFIED_MAJORITY.value, _("Qualified majority (Art. 16(4) TEU)")
    REINFORCED_QUALIFIED_MAJORITY = (
        Rule.REINFORCED_QUALIFIED_MAJORITY.value,
        _("Reinforced qualified majority (Art. 238(2) TFEU: not on a proposal from the Commission or the HR)"),
    )
    SIMPLE_MAJORITY = Rule.SIMPLE_MAJORITY.value, _("Simple majority (procedural questions)")


class PositionValue(models.TextChoices):
    NONE = Stance.NONE.value, _("No position yet")
    SUPPORT = Stance.SUPPORT.value, _("Support")
    OBJECTION = Stance.OBJECTION.value, _("Objection")
    ABSTENTION = Stance.ABSTENTION.value, _("Abstention")
    CONSTRUCTIVE_ABSTENTION = Stance.CONSTRUCTIVE_ABSTENTION.value, _("Constructive abstention (Art. 31(1) TEU)")
    SCRUTINY_RESERVE = Stance.SCRUTINY_RESERVE.value, _("Scrutiny reserve")


class Meeting(models.Model):
    body = models.ForeignKey(CouncilBody, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body"))
    starts_at = models.DateTimeField(_("date and time"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, default="Justus Lipsius, Brussels")
    chaired_by = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chaired by"),
        help_text=_("For HWPCI, the Member State holding the Presidency on the day (set automatically)."),
    )
    agenda_published_at = models.DateTimeField(_("agenda published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")

    def __str__(self) -> str:
        return f"{self.body.acronym} {date_format(timezone.localtime(self.starts_at), 'SHORT_DATE_FORMAT')}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("item"), default=1)
    title = models.CharField(_("title"), max_length=300)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items")
    conclusions = models.TextField(_("conclusions"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Question(FSMModelMixin, MarkedChild):
    """A question put to the Council for a case ("adopt the options in note
    X", "coordinated political attribution", "listing of persons Y"), on
    which each Member State takes a position. Its status moves only through
    the workflow engine (``council.workflows.QuestionWorkflow``); the
    mixin lets ``refresh_from_db`` reload the protected field."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    parent_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    voting_rule = models.CharField(_("voting rule"), max_length=40, choices=VotingRule.choices, default=VotingRule.UNANIMITY)
    body = models.ForeignKey(CouncilBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("deciding body"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True)
    put_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    put_on = models.DateField(
        _("put on"),
        default=timezone.localdate,
        help_text=_("The day the question was put to the Council (a past day when the record is entered later)."),
    )
    put_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(MarkedChild.Meta):
        ordering = ["-put_at", "-id"]
        verbose_name = _("question to the Council")
        # The dashboard's newest open questions walk it instead of sorting them all (issue 29).
        indexes = [models.Index(fields=["put_at"], name="council_question_put_at")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.DECIDED,
        permission=permissions.may_decide,
        custom={"label": _("Record the decision")},
    )
    def decide(self, **_):
        """Taken by ``council.services`` with the decision it records, in the
        same transaction: by the chair or the secretariat after a meeting, or
        by the system when a written procedure closes at its deadline.
        Side effects: log row, audit entry; the positions are frozen."""


class QuestionTransition(TransitionRecord):
    """The log of a question's status: one row per transition."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("from"), max_length=30, choices=Question.Status.choices)
    target = models.CharField(_("to"), max_length=30, choices=Question.Status.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("question transition")


class Position(models.Model):
    """One Member State's position on a question. Reached only through its
    question (and so its case); every change is kept in the history."""

    class Reserve(models.TextChoices):
        NONE = "", _("—")
        PARLIAMENTARY = "parliamentary", _("Parliamentary scrutiny reserve")
        GENERAL = "general", _("General scrutiny reserve")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="positions")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("position"), max_length=30, choices=PositionValue.choices, default=PositionValue.NONE)
    reserve = models.CharField(_("reserve"), max_length=20, choices=Reserve.choices, blank=True)
    declaration = models.TextField(
        _("declaration"),
        blank=True,
        help_text=_("The formal declaration qualifying a constructive abstention."),
    )
    stated_orally = models.BooleanField(_("stated orally in a meeting"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member_state__protocol_order"]
        constraints = [models.UniqueConstraint(fields=["question", "member_state"], name="council_one_position_per_state")]
        verbose_name = _("Member State position")

    def __str__(self) -> str:
        return f"{self.member_state.code}: {self.value}"


class Procedure(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WRITTEN = "written", _("Written procedure")
    SILENCE = "silence", _("Simplified written procedure (silence procedure)")
    HR_ACT = "hr_act", _("HR discretionary act in CFSP")


class Decision(MarkedChild):
    """The record of a decision on a case: computed from the positions at
    closing time (or an HR discretionary act, with no question)."""

    parent_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    question = models.OneToOneField(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="decision")
    body = models.ForeignKey(CouncilBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    voting_rule = models.CharField(_("voting rule"), max_length=40, choices=VotingRule.choices, blank=True)
    adopted = models.BooleanField(_("adopted"))
    #: The outcome in English words (the API's and the search's); the page reads ``display_explanation``.
    explanation = models.TextField(_("outcome"))
    #: A vote's reason as key and figures (``council.reasons``): shown in the reader's language. Empty for an HR act.
    explanation_reason = models.JSONField(_("outcome (key and figures)"), default=dict, blank=True)
    tally = models.JSONField(_("tally at closing"), default=dict, blank=True)
    legal_act = models.CharField(
        _("legal act (note)"),
        max_length=300,
        blank=True,
        help_text=_(
            "A free-text reference, kept as typed; the acts themselves (number, CELEX, Official Journal) are the decision's legal acts."
        ),
    )
    decided_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(MarkedChild.Meta):
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")

    def __str__(self) -> str:
        return f"{self.get_procedure_display()}: {'adopted' if self.adopted else 'not adopted'}"

    @property
    def display_explanation(self) -> str:
        """The outcome in the reader's language, built when shown from the
        reason kept at closing; the text as entered for an HR act."""
        reason = Reason.from_record(self.explanation_reason)
        return str(reason) if reason is not None else self.explanation


class LegalAct(models.Model):
    """One act a decision is published as: a decision or listing usually
    has several (a Council Decision (CFSP) and its implementing
    Regulation), each with its number, CELEX identifier and Official
    Journal reference. Reached only through its decision (and so its case)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="legal_acts", verbose_name=_("decision"))
    kind = models.CharField(_("kind of act"), max_length=40, choices=LegalActKind.choices)
    number = models.CharField(_("number"), max_length=20, validators=[legal_acts.validate_number], help_text=_("e.g. 2020/1127"))
    celex = models.CharField(
        _("CELEX number"), max_length=20, blank=True, validators=[legal_acts.validate_celex], help_text=_("e.g. 32020D1127")
    )
    oj_reference = models.CharField(
        _("Official Journal reference"), max_length=100, blank=True, help_text=_("e.g. OJ L 246, 30.7.2020, p. 12")
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    adopted_on = models.DateField(_("adopted on"))

    class Meta:
        ordering = ["adopted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind", "number"], name="council_one_legal_act_per_kind_and_number")]
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class WrittenProcedure(FSMModelMixin, MarkedChild):
    """A written procedure (Council Rules of Procedure art. 12, via COREU)
    on a question, closed at its deadline by the periodic closer through
    the workflow engine (``council.workflows.WrittenProcedureWorkflow``)."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Written procedure (every Member State replies)")
        SILENCE = "silence", _("Simplified written procedure (silence procedure)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    parent_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="written_procedures")
    question = models.OneToOneField(Question, on_delete=models.PROTECT, related_name="written_procedure")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    coreu_reference = models.CharField(_("COREU reference"), max_length=100, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="written_procedure")

    class Meta(MarkedChild.Meta):
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = _("written procedure")

    def __str__(self) -> str:
        return _("%(kind)s until %(deadline)s") % {
            "kind": self.get_kind_display(),
            "deadline": date_format(timezone.localtime(self.deadline), "SHORT_DATETIME_FORMAT"),
        }

    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.CLOSED,
        custom={"label": _("Close at the deadline"), "system": True},
    )
    def close(self, *, decision: Decision, at: datetime.datetime, **_):
        """Taken by the system only (the beat's closer), once the deadline
        has passed, with the decision computed from the positions then.
        Side effects: log row, audit entry, ``procedure_closed`` event; the
        procedure's deadline reminder is done."""
        self.decision = decision
        self.closed_at = at


class WrittenProcedureTransition(TransitionRecord):
    """The log of a written procedure's status (``by`` is empty: the system closes it)."""

    procedure = models.ForeignKey(WrittenProcedure, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("from"), max_length=30, choices=WrittenProcedure.Status.choices)
    target = models.CharField(_("to"), max_length=30, choices=WrittenProcedure.Status.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("written procedure transition")
