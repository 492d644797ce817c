"""The choice sets of attribution, statements and communication plans (as
NetBox's ``dcim/choices.py``): the models, the permissions, forms and API
read them from here, so ``permissions.py`` need not import ``models.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from drafting.choices import NoteStatus

# --- Claims -------------------------------------------------------------------------------------------


class Basis(models.TextChoices):
    TECHNICAL = "technical", _("Technical attribution (assessments)")
    NATIONAL = "national", _("National attribution by a Member State")
    PARTNER = "partner", _("Attribution by a partner")
    INDUSTRY = "industry", _("Industry attribution")


class ClaimType(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    POLITICAL = "political", _("Political")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class Party(models.TextChoices):
    MEMBER_STATE = "member_state", _("A Member State")
    EU = "eu", _("The EU")
    PARTNER = "partner", _("A partner")
    INDUSTRY = "industry", _("Industry")


#: The attributing party each basis implies.
BASIS_PARTY = {Basis.NATIONAL: Party.MEMBER_STATE, Basis.PARTNER: Party.PARTNER, Basis.INDUSTRY: Party.INDUSTRY}


# --- The deliberation ------------------------------------------------------------------------------------

#: Para 29: what the Council could consider when discussing a coordinated political attribution.
CONSIDERATIONS: list[tuple[int, str]] = [
    (1, _("Desired effect of the political attribution")),
    (2, _("Contribution to the protection of the integrity and security of the EU, its Member States and their citizens and businesses")),
    (3, _("Importance of showing unity within the EU and between its Member States or solidarity with a third party")),
    (
        4,
        _(
            "Contribution to the advancement of responsible state behaviour, including compliance with international law and "
            "respect for voluntary norms"
        ),
    ),
    (5, _("Ability to influence the behaviour of malicious actors in cyberspace")),
    (6, _("Impact on the ongoing work of services such as law enforcement or intelligence services")),
    (7, _("Likelihood and impact of a counter-response by any actor (risk of escalation)")),
    (8, _("Consequences for existing EU external relations, at the international, regional and bilateral levels")),
    (
        9,
        _(
            "Reputation and credibility of the EU (risk of the bystander effect, risk of manipulation, precedence of a malicious "
            "cyber activity)"
        ),
    ),
    (10, _("Predictability and coherence of joint EU responses in previous and/or future cases")),
]


CONSIDERATION_TITLES = dict(CONSIDERATIONS)


class Rating(models.TextChoices):
    SUPPORTS = "supports", _("Supports attribution")
    NEUTRAL = "neutral", _("Neutral")
    AGAINST = "against", _("Against attribution")


class AttributionOption(models.TextChoices):
    NONE = "no_attribution", _("No attribution")
    PRIVATE = "private_communication", _("Private communication (e.g. démarche)")
    PUBLIC = "public_declaration", _("Public attribution by declaration of the High Representative on behalf of the EU")
    WITH_PARTNERS = "with_partners", _("Public attribution together with partners")
    TERRITORIAL = "territorial", _("Activity emanating from a State's territory")
    DESIGNATION = "designation", _("Attribution through designations of persons and entities in a legal act")
    COORDINATED = "coordinated", _("Coordinated exposure or condemnation with partners")


#: Outcomes that are a coordinated political attribution at EU level: each
#: covers the actors it names (what measures requiring attribution to an
#: actor need).
ATTRIBUTING_OPTIONS = (
    AttributionOption.PRIVATE,
    AttributionOption.PUBLIC,
    AttributionOption.WITH_PARTNERS,
    AttributionOption.TERRITORIAL,
    AttributionOption.DESIGNATION,
    AttributionOption.COORDINATED,
)

#: Outcomes that may hold a State responsible (``attributed_to_state``).
#: Saying the activity emanated from a State's territory names the State
#: (``territory_state``) without attributing the activity to it (para 12:
#: due diligence), so it never satisfies a measure requiring attribution
#: to a State.
STATE_ATTRIBUTING_OPTIONS = tuple(option for option in ATTRIBUTING_OPTIONS if option != AttributionOption.TERRITORIAL)

#: Outcomes made together with others: they name at least one partner
#: (with partners) or one partner or Member State attributing alongside
#: (coordinated exposure or condemnation).
WITH_OTHERS_OPTIONS = (AttributionOption.WITH_PARTNERS, AttributionOption.COORDINATED)


class DeliberationStatus(models.TextChoices):
    OPEN = "open", _("Considerations being assessed")
    REFERRED = "referred", _("Before the Council")
    CONCLUDED = "concluded", _("Concluded")


# --- Statements ------------------------------------------------------------------------------------------


class StatementType(models.TextChoices):
    HR_DECLARATION = "hr_declaration", _("Declaration by the High Representative on behalf of the EU")
    COUNCIL_CONCLUSIONS = "council_conclusions", _("Council conclusions")
    SPOKESPERSON = "spokesperson", _("Statement by the spokesperson")
    JOINT = "joint", _("Joint statement with partners")


#: Statements the Council agrees before publication (a spokesperson's statement is the EEAS's own).
AGREED_BY_COUNCIL = (StatementType.HR_DECLARATION, StatementType.COUNCIL_CONCLUSIONS, StatementType.JOINT)


class StatementStatus(models.TextChoices):
    DRAFT = NoteStatus.DRAFT.value, NoteStatus.DRAFT.label
    CIRCULATED = NoteStatus.CIRCULATED.value, NoteStatus.CIRCULATED.label
    SUBMITTED = NoteStatus.SUBMITTED.value, NoteStatus.SUBMITTED.label
    SUPERSEDED = NoteStatus.SUPERSEDED.value, NoteStatus.SUPERSEDED.label
    PUBLISHED = "published", _("Published")


# --- Strategic communication -----------------------------------------------------------------------------


class Channel(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    PRESS_RELEASE = "press_release", _("Press release")
    SOCIAL_MEDIA = "social_media", _("Social media")
    FACTSHEET = "factsheet", _("Factsheet")
    VIDEO = "video", _("Video")
    CONFERENCE = "conference", _("Conference")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    IN_EXECUTION = "in_execution", _("In execution")
    COMPLETED = "completed", _("Completed")
