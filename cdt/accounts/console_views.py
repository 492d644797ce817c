"""The secretariat's console: its front page and the people in CDT
(onboarding in one form, invitations sent again, accounts closed). Every
view is :func:`~cdt.accounts.console.secretariat_console`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.models import Group
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdt.core.forms import whole_number
from cdt.core.listing import paginate
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow.http import form_errors_add, page_attempt

from .console import secretariat_console
from .console_forms import DeactivateForm, OnboardingForm
from .models import Invitation, User
from .onboarding import invitation_resend, user_deactivate, user_invite
from .roles import ORGANISATION_GROUP_PREFIX, ROLE_BY_GROUP_NAME

#: The people list's status filter: value -> the accounts it keeps (an
#: unusable password starts with "!": no password chosen yet).
STATUSES = {
    "active": Q(is_active=True) & ~Q(password__startswith="!"),
    "invited": Q(is_active=True, password__startswith="!"),
    "deactivated": Q(is_active=False),
}


@secretariat_console
def console_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "console/index.html", {})


def people_queryset(query: str, status: str) -> QuerySet[User]:
    """Accounts with their organisation, roles and latest invitation, in a
    fixed number of queries whatever the page holds."""
    latest = Invitation.objects.filter(user=OuterRef("pk")).order_by("-sent_at", "-pk")
    people = (
        User.objects.select_related("organisation")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.exclude(name__startswith=ORGANISATION_GROUP_PREFIX).order_by("name")))
        .annotate(
            invitation_expires_at=Subquery(latest.values("expires_at")[:1]),
            invitation_accepted_at=Subquery(latest.values("accepted_at")[:1]),
            invitation_send_error=Subquery(latest.values("send_error")[:1]),
        )
        .order_by("last_name", "first_name", "username")
    )
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(organisation__code__iexact=query)
            | Q(organisation__name__icontains=query)
        )
    if status in STATUSES:
        people = people.filter(STATUSES[status])
    return people


@secretariat_console
def people_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    page, querystring = paginate(request, people_queryset(query, status))
    now = timezone.now()
    rows = [PersonRow.of(person, now) for person in page.object_list]
    return render(
        request,
        "console/people.html",
        {"page": page, "rows": rows, "query": querystring, "q": query, "status": status, "statuses": status_choices()},
    )


@dataclass(frozen=True)
class PersonRow:
    """One account in the people list, with its latest invitation."""

    person: User
    role_names: list[str]
    invitation_expires_at: datetime.datetime | None
    invitation_open: bool
    send_failed: bool

    @classmethod
    def of(cls, person: User, now: datetime.datetime) -> PersonRow:
        expires, accepted = getattr(person, "invitation_expires_at", None), getattr(person, "invitation_accepted_at", None)
        return cls(
            person=person,
            role_names=[str(ROLE_BY_GROUP_NAME[group.name].label) for group in person.groups.all() if group.name in ROLE_BY_GROUP_NAME],
            invitation_expires_at=expires,
            invitation_open=expires is not None and accepted is None and expires > now,
            send_failed=bool(getattr(person, "invitation_send_error", "")),
        )


def status_choices() -> list[tuple[str, str]]:
    """The status filter's options, in the request's language."""
    return [("", _("Any")), ("active", _("Active")), ("invited", _("Invited, no password yet")), ("deactivated", _("Deactivated"))]


@secretariat_console
def onboard_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One form: the account, its role and clearance, and the invitation."""
    form = OnboardingForm(request.POST if request.method == "POST" else None)
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        attempt = page_attempt(lambda: user_invite(by=request.user, request=request, **form.cleaned_data))
        if not attempt.failed and attempt.result is not None:
            invited = attempt.result.user
            messages.success(
                request,
                _("%(name)s's account is made; the invitation is on its way to %(email)s (the link works until %(until)s).")
                % {"name": invited.get_full_name(), "email": invited.email, "until": _day(attempt.result.expires_at)},
            )
            return redirect("console-people")
        form_errors_add(form, attempt)
        status = attempt.status
    return render(request, "console/onboard.html", {"form": form}, status=status)


def _day(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _person(user_id: str) -> User:
    pk = whole_number(user_id)
    user = User.objects.select_related("organisation").filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise Http404
    return user


@secretariat_console
@require_POST
def invitation_resend_page(request: AuthenticatedHttpRequest, user_id: str) -> HttpResponse:
    person = _person(user_id)
    attempt = page_attempt(lambda: invitation_resend(by=request.user, user=person, request=request))
    if attempt.failed or attempt.result is None:
        for error in attempt.errors:
            messages.error(request, error)
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(email)s; earlier links no longer work.") % {"email": person.email},
        )
    return redirect("console-people")


@secretariat_console
def deactivate_page(request: AuthenticatedHttpRequest, user_id: str) -> HttpResponse:
    """Close an account, with the reason kept in the audit trail."""
    person = _person(user_id)
    form = DeactivateForm(request.POST if request.method == "POST" else None)
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        attempt = page_attempt(lambda: user_deactivate(by=request.user, user=person, reason=form.cleaned_data["reason"], request=request))
        if not attempt.failed:
            messages.success(request, _("%(name)s's account is deactivated; their sessions have ended.") % {"name": person})
            return redirect("console-people")
        form_errors_add(form, attempt)
        status = attempt.status
    return render(request, "console/deactivate.html", {"form": form, "person": person}, status=status)
