"""The secretariat's console pages about cases: find a case, and see who
sees it and why (read-only, with the way to change it). Every view is
:func:`~cdt.accounts.console.secretariat_console`; a case the secretariat
member may not see is 404, as everywhere."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from cdt.accounts.console import secretariat_console
from cdt.core.listing import paginate
from cdt.security.selectors import highest_marking
from cdt.security.types import AuthenticatedHttpRequest

from . import selectors, sharing
from .console import case_audience


@secretariat_console
def console_cases_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cases the secretariat member sees, by reference or title: the
    real register, or the exercise register (never both in one list)."""
    query = request.GET.get("q", "").strip()[:100]
    exercise = request.GET.get("register") == "exercise"
    cases = selectors.case_list(user=request.user, exercise=exercise)
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(title__icontains=query))
    page, querystring = paginate(request, cases)
    return render(
        request,
        "cases/console_cases.html",
        {"page": page, "query": querystring, "q": query, "exercise": exercise, "marking": highest_marking(page.object_list)},
    )


@secretariat_console
def console_case_access_page(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    return render(
        request,
        "cases/console_case_access.html",
        {
            "case": case,
            "marking": case,
            "lines": sharing.case_access_lines(case),
            "audience": case_audience(case),
            "may_manage": sharing.may_manage_distribution(request.user, case),
            "releasable_to": list(case.releasable_to.all()),
        },
    )
