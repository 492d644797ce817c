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
from cdt.security.access import can_view_child
from cdt.security.markings import Tlp
from cdt.security.selectors import protected_queryset

from .choices import ATTRIBUTING_OPTIONS, AttributionOption, DeliberationStatus, StatementStatus
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
                # The deliberation's outcome, partners and States go out with the statement: only if the user sees it too.
                deliberation__in=protected_queryset(AttributionDeliberation.objects.all(), user).values("pk"),
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
    covered = {statement.deliberation_id for statement in statements}
    return reports + _designations(actor, user, actor_id, exclude=covered)


def _designations(actor, user, actor_id: str, *, exclude: set[int]) -> list[dict]:
    """An attribution through designations is published by its legal act in
    the Official Journal, not by a statement: a concluded designation whose
    adopted decision records an act with its OJ reference goes out as a
    report (the act's number, CELEX and OJ reference; nothing of the
    deliberation). The decision must be one the user may see."""
    deliberations = (
        protected_queryset(
            AttributionDeliberation.objects.filter(
                status=DeliberationStatus.CONCLUDED, outcome=AttributionOption.DESIGNATION, attributed_actors=actor
            ).exclude(pk__in=exclude),
            user,
        )
        .select_related("decision")
        .prefetch_related("decision__legal_acts", "partners", "member_states_alongside")
    )
    reports = []
    for deliberation in deliberations:
        decision = deliberation.decision
        if decision is None or not decision.adopted or not can_view_child(user, decision):
            continue
        acts = [act for act in decision.legal_acts.all() if act.oj_reference]
        if not acts:
            continue
        published = min(act.adopted_on for act in acts)
        stamp = stix.stix_timestamp(decision.recorded_at)
        reports.append(
            {
                "type": "report",
                "spec_version": stix.SPEC_VERSION,
                "id": f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'https://cdt.consilium.europa.eu/designations/{deliberation.pk}')}",
                "created": stamp,
                "modified": stamp,
                "created_by_ref": CDT_IDENTITY_ID,
                "name": "; ".join(f"{act.get_kind_display()} {act.number}" for act in acts),
                "description": "; ".join(f"{act.get_kind_display()} {act.number} ({act.oj_reference})" for act in acts),
                "published": f"{published.isoformat()}T00:00:00Z",
                "report_types": ["threat-actor"],
                "labels": ["eu-attribution", "legal-act", deliberation.outcome],
                "object_refs": [actor_id],
                "object_marking_refs": [stix.TLP_2_IDS[Tlp.CLEAR]],
                "external_references": [
                    {
                        "source_name": "EUR-Lex",
                        "external_id": act.celex,
                        "url": f"https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{act.celex}",
                    }
                    for act in acts
                    if act.celex
                ],
                **{
                    name: value
                    for name, value in {
                        "x_cdt_outcome": deliberation.outcome,
                        "x_cdt_partners": sorted(partner.name for partner in deliberation.partners.all()),
                        "x_cdt_member_states_alongside": sorted(state.code for state in deliberation.member_states_alongside.all()),
                    }.items()
                    if value
                },
            }
        )
    return reports
