"""Directory pages: who is who in the process, for every logged-in user."""

from django.shortcuts import render
from django.utils import timezone

from cdt.core.access import AUTHENTICATED, declare_access

from . import selectors
from .models import MemberState, Organisation


@declare_access(AUTHENTICATED)
def directory_index(request):
    states = list(MemberState.objects.current().order_by("protocol_order"))
    # One year's figures for every state (the latest complete year), never a mix of years.
    population = selectors.population_in_force(timezone.localdate(), [state.pk for state in states])
    rows = [{"state": state, "share": population.percent(state.pk) if population else None} for state in states]
    today = selectors.presidency_on()
    organisations = selectors.organisation_list().exclude(kind=Organisation.Kind.DELEGATION)
    return render(
        request,
        "directory/index.html",
        {
            "member_state_rows": rows,
            "share_total": sum((row["share"] for row in rows if row["share"] is not None), start=0),
            "share_year": population.year if population else None,
            "presidency_today": today,
            "presidency_calendar": selectors.presidency_calendar(),
            "council_bodies": selectors.council_body_list(),
            "organisations": organisations,
        },
    )
