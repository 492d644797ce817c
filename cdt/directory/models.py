"""The directory: Member States, Council bodies, organisations and the
rotating Presidency — the reference data every other app points to.

Population shares are kept per year (not one column) because the Council
updates them every year and past decisions must still be recomputable with
the shares that applied when they were taken.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdt.core.languages import in_language


class MemberStateQuerySet(models.QuerySet):
    def members_on(self, day: datetime.date) -> MemberStateQuerySet:
        """The Member States of the Council on ``day``: the EU-28 until 31
        January 2020 (the United Kingdom's withdrawal), the EU-27 after."""
        return self.filter(
            models.Q(member_from__isnull=True) | models.Q(member_from__lte=day),
            models.Q(member_until__isnull=True) | models.Q(member_until__gte=day),
        )

    def current(self) -> MemberStateQuerySet:
        """The Member States today: "the 27"."""
        return self.members_on(timezone.localdate())


class MemberState(models.Model):
    """A Member State of the Union, in the Council's protocol order: the 27
    and, for the records of its time, the United Kingdom (a member until
    31 January 2020). "The Member States" of a question or a vote are those
    on its date (``MemberState.objects.members_on(day)``); today's are
    ``MemberState.objects.current()``."""

    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("Council code; EL for Greece, UK for the United Kingdom."))
    iso3166 = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    protocol_order = models.PositiveSmallIntegerField(_("protocol order"), unique=True)
    member_from = models.DateField(
        _("member from"), null=True, blank=True, help_text=_("Empty: a member throughout the period CDT records (since 2017).")
    )
    member_until = models.DateField(_("member until"), null=True, blank=True, help_text=_("The last day of membership; empty: a member."))

    objects = MemberStateQuerySet.as_manager()

    class Meta:
        ordering = ["protocol_order"]
        verbose_name = _("Member State")
        verbose_name_plural = _("Member States")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (decision 0030)."""
        return in_language(self, "name")

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def is_member_on(self, day: datetime.date) -> bool:
        return (self.member_from is None or self.member_from <= day) and (self.member_until is None or day <= self.member_until)

    def population_share(self, year: int | None = None) -> Decimal | None:
        """The share (percent of EU population) in force in ``year``: the
        latest figure published for that year or before."""
        year = year or timezone.localdate().year
        share = self.population_shares.filter(year__lte=year).order_by("-year").first()
        return share.share_percent if share else None


class PopulationShare(models.Model):
    """A Member State's share of the EU population for one year, as used by
    the Council for qualified-majority and constructive-abstention counts."""

    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="population_shares")
    year = models.PositiveSmallIntegerField(_("year the share applies to"), validators=[MinValueValidator(2000)])
    share_percent = models.DecimalField(
        _("share of EU population (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["-year", "member_state__protocol_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_state", "year"],
                name="one_population_share_per_state_and_year",
                violation_error_message=_("This Member State has a share for this year already."),
            ),
        ]
        verbose_name = _("population share")
        verbose_name_plural = _("population shares")

    def __str__(self) -> str:
        return f"{self.member_state.code} {self.year}: {self.share_percent}%"


class PopulationYear(models.Model):
    """The population figures the Council uses in one calendar year (Rules
    of Procedure art. 11(6) and Annex III, replaced each year by a Council
    Decision): whether CDT holds them complete, the act and the source. A
    vote whose rule needs population is computed only in a complete year.

    The figures are absolute populations (``PopulationFigure``) or, for a
    year known only as percentages (2025, ``member_states.csv``), the
    ``PopulationShare`` rows of that year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    complete = models.BooleanField(
        _("complete"), default=False, help_text=_("Every state that was a member during the year has its figure.")
    )
    act = models.CharField(_("act"), max_length=200, blank=True, help_text=_("e.g. Council Decision (EU, Euratom) 2017/2461"))
    oj_reference = models.CharField(_("Official Journal reference"), max_length=100, blank=True)
    source = models.TextField(_("source"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("population figures of a year")
        verbose_name_plural = _("population figures by year")

    def __str__(self) -> str:
        return f"{self.year} ({_('complete') if self.complete else _('incomplete')})"


class PopulationFigure(models.Model):
    """A Member State's population in a year's table (Annex III)."""

    year = models.ForeignKey(PopulationYear, on_delete=models.CASCADE, related_name="figures", verbose_name=_("year"))
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="population_figures")
    population = models.PositiveBigIntegerField(_("population"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["year", "member_state__protocol_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member_state"],
                name="one_population_figure_per_state_and_year",
                violation_error_message=_("This Member State has a figure for this year already."),
            )
        ]
        verbose_name = _("population figure")

    def __str__(self) -> str:
        return f"{self.member_state.code} {self.year.year}: {self.population}"


class CouncilBody(models.Model):
    """A Council preparatory body or the Council itself."""

    class Level(models.TextChoices):
        COUNCIL = "council", _("Council")
        COMMITTEE = "committee", _("Committee")
        WORKING_PARTY = "working_party", _("Working party")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    acronym_fr = models.CharField(
        _("acronym in French"),
        max_length=20,
        blank=True,
        help_text=_("Where French documents use another one (COPS for PSC); empty: the code."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    reports_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="preparatory_bodies", verbose_name=_("reports to")
    )
    geographical = models.BooleanField(
        _("geographical working party"), default=False, help_text=_("May join HWPCI on cases in its region.")
    )

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("Council body")
        verbose_name_plural = _("Council bodies")

    def __str__(self) -> str:
        return f"{self.acronym} — {self.display_name}"

    @property
    def acronym(self) -> str:
        """How the reader's language abbreviates the body (PSC is COPS in French)."""
        return in_language(self, "acronym", fallback="code")

    @property
    def display_name(self) -> str:
        """The name in the reader's language (decision 0030)."""
        return in_language(self, "name")


class Organisation(models.Model):
    """Any organisation a user belongs to or a record comes from: a Member
    State delegation, the Council secretariat, an EU institution, body or
    agency, an international partner, or a candidate/associated country."""

    class Kind(models.TextChoices):
        DELEGATION = "delegation", _("Member State delegation")
        SECRETARIAT = "secretariat", _("Council secretariat")
        EUIBA = "euiba", _("EU institution, body or agency")
        PARTNER_STATE = "partner_state", _("Like-minded partner state")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        CANDIDATE = "candidate", _("Candidate country")
        POTENTIAL_CANDIDATE = "potential_candidate", _("Potential candidate")
        EEA_EFTA = "eea_efta", _("EFTA country member of the EEA")

    #: Kinds that may align with EU statements (guidelines step 7).
    ALIGNING_KINDS = (Kind.CANDIDATE, Kind.POTENTIAL_CANDIDATE, Kind.EEA_EFTA)

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    short_name_fr = models.CharField(_("short name in French"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    member_state = models.OneToOneField(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegation",
        verbose_name=_("Member State"),
    )
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("part of"))
    in_hwpci_distribution = models.BooleanField(
        _("receives HWPCI documents"),
        default=False,
        help_text=_(
            "Its staff see what is distributed to HWPCI (within the markings): the 27 delegations, the EEAS, SIAC and the secretariat."
        ),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="delegation", member_state__isnull=False))
                | (~models.Q(kind="delegation") & models.Q(member_state__isnull=True)),
                name="delegation_iff_member_state",
                violation_error_message=_(
                    "A Member State delegation names its Member State, and only a delegation does: "
                    "choose the Member State, or another kind of organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The short name (else the name) in the reader's language (decision 0030)."""
        return in_language(self, "short_name") or in_language(self, "name")

    @property
    def full_name(self) -> str:
        """The full name in the reader's language."""
        return in_language(self, "name")

    @property
    def is_delegation(self) -> bool:
        return self.kind == self.Kind.DELEGATION


class PresidencyTermQuerySet(models.QuerySet):
    def holding_on(self, day: datetime.date) -> PresidencyTerm | None:
        return self.filter(starts_on__lte=day, ends_on__gte=day).select_related("member_state").first()


class PresidencyTerm(models.Model):
    """A six-month rotating Presidency of the Council. The chair of HWPCI on
    a date is computed from these rows, never typed."""

    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="presidencies", verbose_name=_("Member State"))
    starts_on = models.DateField(_("starts on"), unique=True)
    ends_on = models.DateField(_("ends on"), unique=True)

    objects = PresidencyTermQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("Presidency term")
        verbose_name_plural = _("Presidency calendar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="presidency_ends_after_start",
                violation_error_message=_("A Presidency term ends after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} ({self.starts_on:%d.%m.%Y} – {self.ends_on:%d.%m.%Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            overlapping = PresidencyTerm.objects.filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(_("This term overlaps %(term)s.") % {"term": overlapping.first()})
