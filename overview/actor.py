"""A threat actor's dossier: the EU's responses concerning the actor as one
dated chronology, as the user may see them.

A response is dated by when it happened, not when it was recorded: a
measure by its implementation or, before that, the adoption of its
decision; a listing by the adoption of its legal act; a statement by its
publication; an attribution by the date of the Council's outcome. A date
taken from a decision the user may not see is not shown (decision record
0023): the entry then stands undated at the end.

Each kind is one query (the page's cost does not grow with the actor's
history); exercise cases never appear.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from attribution.choices import ATTRIBUTING_OPTIONS, DeliberationStatus, StatementStatus
from attribution.selectors import deliberation_list, statement_list
from cases.models import Case
from cdt.core.charts import Timeline, timeline
from cdt.security.selectors import visible_or_none
from measures.selectors import actor_measures


@dataclass(frozen=True)
class ActorResponse:
    """One entry of the chronology."""

    on: datetime.date | None
    kind: str  # "attribution", "statement", "measure" or "listing"
    kind_label: str
    title: str
    detail: str
    url: str
    case: Case
    source: Any  # the protected row (marking, audit)


#: Same-day entries read in the order the process runs: attribution, then what follows from it.
KIND_ORDER = {"attribution": 0, "statement": 1, "measure": 2, "listing": 3}


def actor_responses(*, actor, user) -> list[ActorResponse]:
    """The EU's responses concerning ``actor`` that ``user`` may see, oldest
    first (undated ones last)."""
    responses = [*_attributions(actor, user), *_statements(actor, user), *_measures_and_listings(actor, user)]
    return sorted(responses, key=lambda entry: (entry.on is None, entry.on or datetime.date.min, KIND_ORDER[entry.kind]))


def _attributions(actor, user) -> list[ActorResponse]:
    deliberations = (
        deliberation_list(user=user)
        .prefetch_related(None)
        .filter(status=DeliberationStatus.CONCLUDED, outcome__in=ATTRIBUTING_OPTIONS, attributed_actors=actor, case__exercise=False)
    )
    return [
        ActorResponse(
            on=deliberation.outcome_on,
            kind="attribution",
            kind_label=_("Attribution"),
            title=deliberation.get_outcome_display(),
            detail=deliberation.attributed_to_state,
            url=reverse("deliberation-page", args=[deliberation.pk]),
            case=deliberation.case,
            source=deliberation,
        )
        for deliberation in deliberations
    ]


def _statements(actor, user) -> list[ActorResponse]:
    """Published statements on a case about the actor: one naming it as a
    suspect, or whose EU attribution covers it."""
    statements = (
        statement_list(user=user)
        .prefetch_related(None)
        .filter(status=StatementStatus.PUBLISHED, case__exercise=False)
        .filter(
            Q(case__suspected_actors=actor)
            # an attribution covering the actor counts only if the user sees that deliberation
            | Q(
                case__attribution_deliberation__attributed_actors=actor,
                case__attribution_deliberation__in=deliberation_list(user=user).values("pk"),
            )
        )
        .distinct()
    )
    return [
        ActorResponse(
            on=statement.published_on,
            kind="statement",
            kind_label=statement.get_statement_type_display(),
            title=statement.title,
            detail="",
            url=reverse("statement-page", args=[statement.pk]),
            case=statement.case,
            source=statement,
        )
        for statement in statements
    ]


def _measures_and_listings(actor, user) -> list[ActorResponse]:
    responses = []
    for measure in actor_measures(actor=actor, user=user).select_related("listing"):
        decision = visible_or_none(user, measure.decision, within=measure.case)
        adopted_on = decision.decided_on if decision is not None and decision.adopted else None
        url = reverse("measure-page", args=[measure.pk])
        responses.append(
            ActorResponse(
                on=measure.implemented_on or adopted_on,
                kind="measure",
                kind_label=_("Measure"),
                title=measure.measure_type.display_name,
                detail=measure.get_state_display(),
                url=url,
                case=measure.case,
                source=measure,
            )
        )
        listing = getattr(measure, "listing", None)
        if listing is not None and listing.case_id == measure.case_id:
            listing.case = measure.case  # already read: its marking needs no query of its own
        listing = visible_or_none(user, listing, within=measure.case)
        if listing is not None:
            responses.append(
                ActorResponse(
                    on=adopted_on or measure.implemented_on,
                    kind="listing",
                    kind_label=_("Listing"),
                    title=_("Listing under the cyber sanctions regime"),
                    detail="; ".join(act for act in (listing.council_decision, listing.council_regulation) if act),
                    url=url,
                    case=measure.case,
                    source=listing,
                )
            )
    return responses


def actor_timeline(*, actor, cases, responses: list[ActorResponse]) -> Timeline | None:
    """An actor's incidents (cases, by first sighting or date brought) and
    the EU's dated responses, on one axis."""
    return timeline(
        key="actor-timeline",
        title=_("Incidents and responses over time"),
        description=_("Circles above the line are incidents attributed or linked to %(actor)s; diamonds below are the EU's responses.")
        % {"actor": actor.name},
        incidents=[
            (case.first_seen or case.brought_on, f"{case.reference} — {case.title}", reverse("case-page", args=[case.pk])) for case in cases
        ],
        responses=[(entry.on, f"{entry.kind_label} — {entry.title}", entry.url) for entry in responses if entry.on],
    )
