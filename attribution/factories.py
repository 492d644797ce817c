"""Attribution rows made directly, at a given state, for tests about what
happens there; the demo and the tests of the process walk
:mod:`attribution.services` (:mod:`tests.attribution_support`)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from awareness.factories import ThreatActorFactory
from cases.factories import CaseFactory
from measures.factories import note_first_version

from .choices import BASIS_PARTY, CONSIDERATIONS, Basis, ClaimType, Confidence, StatementType
from .models import (
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    Statement,
    StatementVersion,
)


class AttributionClaimFactory(DjangoModelFactory):
    """A technical claim by an industry source, with high confidence."""

    class Meta:
        model = AttributionClaim

    case = factory.SubFactory(CaseFactory)
    actor = factory.SubFactory(ThreatActorFactory)
    basis = Basis.INDUSTRY
    claim_type = ClaimType.TECHNICAL
    confidence = Confidence.HIGH
    party = factory.LazyAttribute(lambda claim: BASIS_PARTY[claim.basis])
    industry_source = "Fictional Threat Labs"
    recorded_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")


def _considerations(deliberation: AttributionDeliberation, create: bool, extracted: bool | None, **kwargs) -> None:
    """The ten considerations of para 29, as opening the deliberation makes them."""
    if create and extracted is not False:
        Consideration.objects.bulk_create([Consideration(deliberation=deliberation, number=number) for number, _title in CONSIDERATIONS])


class AttributionDeliberationFactory(DjangoModelFactory):
    """An open deliberation on a case, with its ten considerations to assess."""

    class Meta:
        model = AttributionDeliberation
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    opened_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
    considerations = factory.PostGeneration(_considerations)


class StatementFactory(DjangoModelFactory):
    """A draft spokesperson's statement on a case, with its first version."""

    class Meta:
        model = Statement
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    title = "Statement by the spokesperson"
    statement_type = StatementType.SPOKESPERSON
    content = factory.LazyFunction(lambda: {"text": "The EU condemns the activity."})
    drafted_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
    first_version = note_first_version(StatementVersion)


class CommunicationPlanFactory(DjangoModelFactory):
    """A draft communication plan on a case."""

    class Meta:
        model = CommunicationPlan

    case = factory.SubFactory(CaseFactory)
    title = "Communication plan"
    objectives = "Make the response known."
    drafted_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
