"""The form routes of the secretariat's console and of the first login
through an invitation, in the table of tests/hostile_forms_routes.py.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cdt.directory.models import MemberState

from .hostile_forms_support import FormRoute, Ids, _org

PASSWORD = "a-first-long-password-2027"


def _onboarding(w):
    return {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "email": "aino.virtanen@formin.example.fi",
        "organisation": _org("FI")(w),
        "role": "hwpci_delegate",
        "clearance": "1",
        "clearance_expires_on": (timezone.localdate() + datetime.timedelta(days=400)).strftime("%d/%m/%Y"),
    }


def _figures_2021(w):
    states = MemberState.objects.members_on(datetime.date(2021, 6, 1))
    return {
        **{f"figure_{state.code}": str(5_000_000 + state.protocol_order) for state in states},
        "act": "Council Decision (EU, Euratom) 2020/2030",
        "oj_reference": "OJ L 419, 11.12.2020",
        "source": "Annex III of the Rules of Procedure",
    }


def _first_login(w):
    from cdt.accounts.onboarding import invitation_link

    return "/" + invitation_link(w.invitation.user).split("/", 3)[3]


ROUTES = [
    FormRoute(
        "console-onboard",
        "secretariat",
        lambda w: "/console/people/new/",
        _onboarding,
        text=("first_name", "last_name", "email"),
        limits={"first_name": 150, "last_name": 150, "email": 150},
        dates=("clearance_expires_on",),
        ids={"organisation": Ids(valid=_org("FI"))},
        choices=("role", "clearance"),
        pages=lambda w, response: ["/console/people/?status=invited"],
        shown=("first_name", "last_name"),
    ),
    FormRoute(
        "console-deactivate",
        "secretariat",
        lambda w: f"/console/people/{w.cast['outsider'].pk}/deactivate/",
        lambda w: {"reason": "Left the delegation."},
        text=("reason",),
        limits={"reason": 500},
    ),
    FormRoute(
        "console-population-year",
        "secretariat",
        lambda w: "/console/population/2021/",
        _figures_2021,
        text=("act", "oj_reference", "source", "figure_DE"),
        limits={"act": 200, "oj_reference": 100, "source": 2000},
        pages=lambda w, response: ["/console/population/"],
        shown=("act",),
    ),
    FormRoute(
        "invitation-accept",
        "anonymous",
        _first_login,
        lambda w: {"new_password1": PASSWORD, "new_password2": PASSWORD},
        text=("new_password1", "new_password2"),
        fresh_client=True,
    ),
]
