"""What attribution adds to an actor's STIX export (``awareness.export``):
the EU's published attributions of the actor, as STIX reports.

Only what was **published** leaves CDT: a declaration or statement whose
publication is recorded, on a deliberation whose attribution covers the
actor, that the user may see. Its text was made public by the act of
publishing, so it goes out as TLP:CLEAR whatever the marking of the case
behind it; nothing of the deliberation itself (considerations, positions,
claims) is exported."""

from __future__ import annotations

import uuid

from awareness import stix
from awareness.export import CDT_IDENTITY_ID, actor_stix_id
from cdt.security.markings import Tlp
from cdt.security.selectors import protected_queryset

from .choices import ATTRIBUTING_OPTIONS, DeliberationStatus, StatementStatus
from .models import Statement


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
        .prefetch_related("partners")
    )

    actor_id = actor_stix_id(actor)
    reports = []
    for statement in statements:
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
                "labels": ["eu-attribution", statement.statement_type],
                "object_refs": [actor_id],
                "object_marking_refs": [stix.TLP_2_IDS[Tlp.CLEAR]],
            }
        )
    return reports
