"""The confirmation before a draft's step: circulating a note, submitting it
to HWPCI, recording its approval or publishing a statement each tell people
and change what may be done with the text, so the page's button first shows
what will happen and who will be told, and only the confirmation posts
(a page of its own: it works without script). The step's endpoint is the
same as before (POST), for the API and for any client that posts directly."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cdt.security.selectors import protected_queryset
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow import transition_options, workflow_for
from council.models import Decision
from notifications.models import EventKind
from notifications.recipients import audience
from notifications.services import event_build

from .kinds import DraftKind

#: What each shared step does, beyond its change of status.
CONSEQUENCES = {
    "circulate": lambda: _(
        "Delegates and Commission services with access may then comment beside each section. You can still edit the text: "
        "each save is a new version, and comments stay with the version they were made on."
    ),
    "submit": lambda: _(
        "The text goes to HWPCI as this version stands and can no longer be edited: a change then needs a revision. "
        "HWPCI deliberates on a submitted note (step 4)."
    ),
}


def who_is_told(note: Any, kind: DraftKind, step: Any, user: Any) -> tuple[int, list[tuple[str, int]]]:
    """How many people the step's notification reaches, by organisation: the
    audience the engine's event will have (the access rule read the other way
    round), computed now without writing the event."""
    event = event_build(
        kind=step.event or EventKind.WORKFLOW_STEP, subject=note, actor=user, link=kind.url(note), payload={"transition": step.name}
    )
    rows = (
        audience(event)
        .order_by()
        .values("organisation__code", "organisation__short_name", "organisation__name")
        .annotate(people=Count("pk"))
        .order_by("organisation__name")
    )
    by_organisation = [
        (row["organisation__short_name"] or row["organisation__name"] or row["organisation__code"] or "—", row["people"]) for row in rows
    ]
    return sum(people for _name, people in by_organisation), by_organisation


def decision_choices(note: Any, user: Any) -> list[Decision]:
    """The Council decisions a step may rest on, for a select (a person
    chooses a decision by its date and outcome, never types an id): those
    ``user`` may see, on the draft's case (or on the cases about its
    actor), newest first."""
    decisions = protected_queryset(Decision.objects.select_related("body"), user)
    if getattr(note, "case_id", None) is not None:
        decisions = decisions.filter(case_id=note.case_id)
    elif getattr(note, "actor_id", None) is not None:  # a strategic note: the decisions on cases about its actor
        decisions = decisions.filter(case__suspected_actors=note.actor_id).distinct()
    return list(decisions.order_by("-decided_on", "-id")[:50])


def confirm_page(request: AuthenticatedHttpRequest, kind: DraftKind, note: Any, action: str, *, refused: Any) -> HttpResponse:
    """The confirmation of step ``action`` (404 if the draft has no such step
    from its status); ``refused(errors, status)`` renders the draft's page
    with the reason when the user may not take it now."""
    option = next((option for option in transition_options(note, request.user) if option.spec.name == action), None)
    if option is None:
        raise Http404
    if not option.available:
        may = option.spec.may(note, request.user)
        return refused(list(option.blocked_by), 400 if may else 403)
    step = option.spec
    statuses = dict(type(note)._meta.get_field(workflow_for(note).field_name).choices)
    told, organisations = who_is_told(note, kind, step, request.user)
    consequence = CONSEQUENCES.get(action)
    return render(
        request,
        "drafting/note_confirm.html",
        {
            "note": note,
            "kind": kind.name,
            "draft_kind": kind,
            "marking": note,
            "step": step,
            "source": note.get_status_display(),
            "target": ", ".join(str(statuses.get(target, target)) for target in step.targets),
            "consequence": consequence() if consequence else "",
            "told": told,
            "organisations": organisations,
            "decision": request.GET.get("decision", ""),
            "decisions": decision_choices(note, request.user) if "decision" in step.needs else [],
            "on": request.GET.get("on", ""),
            "decision_required": step.needs == ("decision",),
            "url": kind.act_url(note, action),
            "page": kind.url(note),
        },
    )
