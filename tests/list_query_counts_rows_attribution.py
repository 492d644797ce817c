"""Rows for the lists of attribution (claims, deliberations, statements,
communication plans), in bulk.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from attribution.choices import Basis, Party, StatementType
from attribution.models import (
    Alignment,
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    ConsiderationComment,
    Statement,
)

from .list_query_counts_rows_cases import make_cases
from .list_query_counts_rows_measures import make_measures
from .list_query_counts_support import CHILD, World, link


def make_claims(world: World, n: int) -> None:
    kinds = [
        dict(basis=Basis.INDUSTRY, party=Party.INDUSTRY, industry_source="Fictional Threat Labs"),
        dict(basis=Basis.NATIONAL, party=Party.MEMBER_STATE, member_state=world.states["DE"]),
        dict(basis=Basis.PARTNER, party=Party.PARTNER, partner=world.orgs["US"]),
    ]
    claims = AttributionClaim.objects.bulk_create(
        [
            AttributionClaim(
                case=world.case,
                actor=world.actor,
                claim_type="technical",
                confidence="high",
                summary=f"Load claim {i}",
                recorded_by=world.cast["eeas"],
                **kinds[i % 3],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(AttributionClaim.assessments, [(claim, world.assessment) for claim in claims])


def make_deliberations(world: World, n: int) -> None:
    """One deliberation per case (one-to-one), with considerations and comments."""
    deliberations = AttributionDeliberation.objects.bulk_create(
        [
            AttributionDeliberation(case=case, opened_by=world.cast["chair"], options_considered=["no_attribution"], **CHILD)
            for case in make_cases(world, n)
        ],
        batch_size=1000,
    )
    considerations = Consideration.objects.bulk_create(
        [
            Consideration(
                deliberation=deliberation,
                number=number,
                assessment="Bulk.",
                rating="supports",
                assessed_by=world.cast["eeas"],
                assessed_at=timezone.now(),
            )
            for deliberation in deliberations
            for number in (1, 2)
        ],
        batch_size=2000,
    )
    ConsiderationComment.objects.bulk_create(
        [
            ConsiderationComment(
                consideration=consideration, text="Bulk comment.", author=world.cast["delegate"], member_state=world.states["DE"]
            )
            for consideration in considerations
        ],
        batch_size=2000,
    )
    link(AttributionDeliberation.attributed_actors, [(deliberation, world.actor) for deliberation in deliberations])
    link(AttributionDeliberation.partners, [(deliberation, world.orgs["US"]) for deliberation in deliberations])


def make_statements(world: World, n: int) -> None:
    statements = Statement.objects.bulk_create(
        [
            Statement(
                case=world.case,
                title=f"Load statement {i}",
                statement_type=StatementType.JOINT,
                content={"text": "Bulk."},
                drafted_by=world.cast["eeas"],
                **CHILD,
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(Statement.partners, [(statement, world.orgs["US"]) for statement in statements])
    Alignment.objects.bulk_create(
        [
            Alignment(statement=statement, country=world.orgs["AL"], aligned_on=datetime.date(2026, 11, 3), recorded_by=world.cast["eeas"])
            for statement in statements
        ],
        batch_size=1000,
    )


def make_plans(world: World, n: int) -> None:
    if "measure" not in world.store:
        world.store["measure"] = make_measures(world, 1)[0]
    plans = CommunicationPlan.objects.bulk_create(
        [
            CommunicationPlan(case=world.case, title=f"Load plan {i}", objectives="Bulk.", drafted_by=world.cast["eeas"], **CHILD)
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    link(CommunicationPlan.amplifying_states, [(plan, world.states["DE"]) for plan in plans])
    link(CommunicationPlan.partners, [(plan, world.orgs["US"]) for plan in plans])
    link(CommunicationPlan.measures, [(plan, world.store["measure"]) for plan in plans])
