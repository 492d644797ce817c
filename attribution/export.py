"""What attribution adds to an actor's STIX export (``awareness.export``):
the EU's published attributions of the actor, as STIX reports.

Only what was **published** leaves CDT: a declaration or statement whose
publication is recorded, on a deliberation whose attribution covers the
actor, that the user may see. Its text was made public by the act of
publishing, so it goes out as TLP:CLEAR whatever the marking of the case
behind it, with what the attribution said in public (its outcome, the State
held responsible or whose territory the activity emanates from, the
partners and the Member States attributing alongside); nothing else of the
deliberation (considerations, positions, claims) is exported."""

from __future__ import annotations

import uuid

from awareness import stix
from awareness.export import CDT_IDENTITY_ID, actor_stix_id
from cdt.security.markings import Tlp
from cdt.security.selectors import protected_queryset

from .choices import ATTRIBUTING_OPTIONS, DeliberationStatus, StatementStatus
from .models import AttributionDeliberation, Statement


def _outcome_properties(statement: Statement, deliberation: AttributionDeliberation) -> dict:
    """What the published attribution says, as CDT's custom properties:
    which outcome, the State held responsible (only when the EU holds one
    responsible: activity emanating from a State's territory is reported
    apart, as not attributing to it), the partners joining (the
    deliberation's and the statement's) and the Member States attributing
    nationally alongside the EU. Empty ones are left out."""
    partners = {organisation.code: organisation.name for organisation in [*deliberation.partners.all(), *statement.partners.all()]}
    properties = {
        "x_cdt_outcome": deliberation.outcome,
        "x_cdt_attributed_to_state": deliberation.attributed_to_state if deliberation.attributes_to_state else "",
        "x_cdt_territory_state": deliberation.territory_state,
        "x_cdt_partners": sorted(partners.values()),
        "x_cdt_member_states_alongside": sorted(state.code for state in deliberation.member_states_alongside.all()),
    }
    return {name: value for name, value in properties.items() if value}


def published_attributions(actor, user) -> list[dict]:
    statements = (
        protected_queryset(
            Statement.objects.filter(
                status=StatementStatus.PUBLISHED,
                deliberation__status=DeliberationStatus.CONCLUDED,
                deliberation__outcome__in=ATTRIBUTING_OPTIONS,
                deliberation__attributed_actors=actor,
            ),
            user,
        )
        .select_related("deliberation")
        .prefetch_related("partners", "deliberation__partners", "deliberation__member_states_alongside")
    )

    actor_id = actor_stix_id(actor)
    reports = []
    for statement in statements:
        deliberation = statement.deliberation
        stamp = stix.stix_timestamp(statement.updated_at)
        reports.append(
            {
                "type": "report",
                "spec_version": stix.SPEC_VERSION,
                "id": f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/statements/{statement.pk}')}",
                "created": stamp,
                "modified": stamp,
                "created_by_ref": CDT_IDENTITY_ID,
                "name": statement.title,
                "description": statement.content.get("text", ""),
                "published": f"{statement.published_on.isoformat()}T00:00:00Z",
                "report_types": ["threat-actor"],
                "labels": ["eu-attribution", statement.statement_type, deliberation.outcome],
                "object_refs": [actor_id],
                "object_marking_refs": [stix.TLP_2_IDS[Tlp.CLEAR]],
                **_outcome_properties(statement, deliberation),
            }
        )
    return reports
