"""Walk a case's attribution through the services, as the Council would:
claims, the deliberation with every consideration assessed, the question
put and decided, the outcome recorded."""

from __future__ import annotations

from attribution import services
from attribution.choices import Basis, ClaimType, Confidence, Rating
from cdt.directory.models import MemberState
from council.models import PositionValue
from council.services import decision_record, position_set


def claim(cast, case, actor, *, basis=Basis.INDUSTRY, by="eeas", **extra):
    defaults = {"industry_source": "Fictional Threat Labs"} if basis == Basis.INDUSTRY else {}
    return services.claim_record(
        by=cast[by],
        case=case,
        actor=actor,
        basis=basis,
        claim_type=extra.pop("claim_type", ClaimType.TECHNICAL),
        confidence=extra.pop("confidence", Confidence.HIGH),
        **{**defaults, **extra},
    )


def assess_all(cast, deliberation, *, skip=()):
    for number in range(1, 11):
        if number not in skip:
            services.consideration_assess(
                by=cast["eeas"],
                deliberation=deliberation,
                number=number,
                assessment=f"Assessment of consideration {number}.",
                rating=Rating.SUPPORTS,
            )


def referred(cast, case, actors):
    """A deliberation before the Council, with a claim per actor."""
    for actor in actors:
        if not case.attribution_claims.filter(actor=actor).exists():
            claim(cast, case, actor)
    deliberation = services.deliberation_open(by=cast["chair"], case=case, options_considered=["no_attribution", "public_declaration"])
    assess_all(cast, deliberation)
    return services.deliberation_refer(by=cast["chair"], deliberation=deliberation)


def decide(cast, deliberation, value=PositionValue.SUPPORT, decided_on=None):
    for state in MemberState.objects.current():
        position_set(by=cast["chair"], question=deliberation.question, member_state=state, value=value)
    return decision_record(by=cast["chair"], question=deliberation.question, decided_on=decided_on)


def attribute(cast, case, actors, *, state="", outcome="public_declaration"):
    """A concluded EU attribution of the case covering ``actors``."""
    deliberation = referred(cast, case, actors)
    decide(cast, deliberation)
    return services.deliberation_conclude(
        by=cast["chair"], deliberation=deliberation, outcome=outcome, actors=actors, attributed_to_state=state
    )
