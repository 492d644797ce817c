"""The baselines: the least a page or an API list of 25 cases can cost in
this stack (same middleware, same database, same table, same row count),
without access filtering, filters, layout or DRF. Served only by the
bench's URL configuration, never by the product's."""

from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from cases.models import Case
from cdt.accounts.authentication import ApiTokenAuthentication
from cdt.core.access import PUBLIC, declare_access

ROWS = 25


def _cases():
    """The first page of the case list without the access rule: real cases, newest first."""
    return Case.objects.filter(exercise=False).select_related("brought_by").order_by("-brought_on", "-id")[:ROWS]


@declare_access(PUBLIC)
def baseline_page(request):
    return render(request, "bench/baseline.html", {"cases": _cases()})


@declare_access(PUBLIC)
def baseline_api(request):
    """The API's own way in (the token, looked up by its hash) is a cost of
    any API answer, as the session is of any page: it is paid here too."""
    try:
        signed_in = ApiTokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        signed_in = None
    if signed_in is None:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    rows = [
        {
            "id": case.pk,
            "reference": case.reference,
            "title": case.title,
            "state": case.state,
            "brought_by": case.brought_by.code,
            "brought_on": case.brought_on.isoformat(),
        }
        for case in _cases()
    ]
    return JsonResponse({"count": len(rows), "results": rows})
