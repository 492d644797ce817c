"""Directory pages: who is who in the process, for every logged-in user."""

from django.shortcuts import render
from django.utils import timezone

from cdt.core.access import AUTHENTICATED, declare_access

from . import selectors
from .models import Organisation


@declare_access(AUTHENTICATED)
def directory_index(request):
    year = timezone.localdate().year
    states = list(selectors.member_state_list().current())
    rows = []
    for state in states:
        shares = [share for share in state.population_shares.all() if share.year <= year]
        current = max(shares, key=lambda share: share.year) if shares else None
        rows.append({"state": state, "share": current})
    today = selectors.presidency_on()
    organisations = selectors.organisation_list().exclude(kind=Organisation.Kind.DELEGATION)
    return render(
        request,
        "directory/index.html",
        {
            "member_state_rows": rows,
            "share_total": sum((row["share"].share_percent for row in rows if row["share"]), start=0),
            "presidency_today": today,
            "presidency_calendar": selectors.presidency_calendar(),
            "council_bodies": selectors.council_body_list(),
            "organisations": organisations,
        },
    )
