"""The share panel and requests for access, as pages.

The panel is loaded into the case page (htmx, so the case page itself pays
nothing for it) and served alone at ``/cases/<id>/sharing/`` for browsers
without scripts. Every form posts to one view per action, which calls the
service in :mod:`cases.sharing` and answers as the API does: 400 naming the
field, 403 for a role that may not, 404 for a case the user may not see,
409 when the change was already made.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cdt.accounts.roles import Role
from cdt.core.access import AUTHENTICATED, DETAIL, OBJECT, declare_access
from cdt.core.forms import EclFormMixin
from cdt.core.htmx import fragment, is_htmx
from cdt.directory.models import Organisation
from cdt.security.markings import Distribution
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow.http import form_errors_add, page_attempt

from . import access_requests, selectors, sharing
from .models import AccessRequest, AccessScope, Case
from .panels import case_page_url


class ShareForm(EclFormMixin, forms.Form):
    """Widen or narrow: exactly one of the targets."""

    #: Its panel shows its own error summary where htmx swaps it in (includes/error_summary.html).
    error_summary_in_place = True

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Delegation or organisation"),
        queryset=Organisation.objects.order_by("kind", "name"),
        required=False,
        to_field_name="code",
    )
    user = forms.CharField(label=gettext_lazy("Named official (user name)"), required=False, max_length=150)
    hwpci = forms.BooleanField(label=gettext_lazy("The whole of HWPCI"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", "—"), *Role.choices], required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = (cleaned.get("user") or "").strip()
        if username:
            official = sharing.named_official(username)
            if official is None:
                self.add_error("user", _("No such user."))
            cleaned["user"] = official
        else:
            cleaned["user"] = None
        chosen = [name for name in ("organisation", "user", "role") if cleaned.get(name)] + (["hwpci"] if cleaned.get("hwpci") else [])
        if not self.errors and len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose exactly one: a delegation or organisation, a named official, a role, or the whole of HWPCI.")
            )
        return cleaned


class AccessRequestForm(EclFormMixin, forms.Form):
    #: One form among the page's sections: its refusal ("you already asked") is shown on it.
    error_summary_in_place = True
    reference = forms.CharField(
        label=gettext_lazy("Case reference"), max_length=30, help_text=gettext_lazy("e.g. CDT-2026-0001, as on the agenda")
    )
    reason = forms.CharField(label=gettext_lazy("Why you need access"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(EclFormMixin, forms.Form):
    request = forms.IntegerField(label=gettext_lazy("Request"), min_value=1, max_value=2**62, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=[("grant", gettext_lazy("Grant")), ("decline", gettext_lazy("Decline"))]
    )
    scope = forms.ChoiceField(label=gettext_lazy("Access given to"), choices=AccessScope.choices, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)


def _panel_context(request: AuthenticatedHttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    manage = sharing.may_manage_distribution(request.user, case)
    return {
        "case": case,
        "marking": case,
        "lines": sharing.case_access_lines(case),
        "hwpci": case.distribution == Distribution.HWPCI,
        "may_manage": manage,
        "may_distribute_to_hwpci": manage or sharing.may_distribute_to_hwpci(request.user, case),
        "tlp_red": sharing.tlp_needs_names(case),
        "requests": list(access_requests.access_requests_to_decide(request.user, case)) if manage else [],
        "share_form": extra.pop("share_form", None) or ShareForm(),
        "scopes": AccessScope.choices,
        **extra,
    }


def _panel(request: AuthenticatedHttpRequest, case: Case, status: int = 200, **extra: Any) -> HttpResponse:
    """The panel alone for htmx (a refusal swapped in too: ``cdt.core.htmx``), else its page."""
    if is_htmx(request):
        return fragment(request, "cases/includes/sharing_panel.html", _panel_context(request, case, **extra), status=status)
    return render(request, "cases/sharing.html", _panel_context(request, case, **extra), status=status)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id")
def case_sharing(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Who has access now and why; the forms to widen and narrow for those who may."""
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    return _panel(request, case)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def case_share_change(request: AuthenticatedHttpRequest, case_id: int, change: str) -> HttpResponse:
    """``change`` is ``share`` (widen) or ``unshare`` (narrow)."""
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    if change not in ("share", "unshare"):
        raise Http404
    if not sharing.may_change_any_distribution(request.user, case, widen=change == "share"):
        return _panel(
            request, case, status=403, error=_("Only the originator and the Council secretariat change this case's distribution.")
        )
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _panel(request, case, status=400, share_form=form)
    data = form.cleaned_data

    def change_access() -> None:
        if data.get("role"):
            if change == "share":
                raise ValidationError({"role": _("Share with an organisation or a named official, or with HWPCI.")})
            sharing.case_unshare_role(case=case, by=request.user, role=Role(data["role"]), reason=data["reason"])
        else:
            action = sharing.case_share if change == "share" else sharing.case_unshare
            action(
                case=case,
                by=request.user,
                organisation=data.get("organisation"),
                user=data["user"],
                hwpci=bool(data.get("hwpci")),
                reason=data["reason"],
            )

    attempt = page_attempt(change_access)
    if attempt.failed:
        form_errors_add(form, attempt)  # the refusal (403) and the change already made (409) at the top of the form
        return _panel(request, case, status=attempt.status, share_form=form)
    return _done(request, case, _("Access updated.") if change == "share" else _("Access narrowed."))


def _done(request: AuthenticatedHttpRequest, case: Case, notice: str) -> HttpResponse:
    """After a change: the panel again, with the notice in it (htmx), or
    back to the case page with the notice as a message."""
    if is_htmx(request):
        return _panel(request, Case.objects.get(pk=case.pk), notice=notice)
    messages.success(request, notice)
    return redirect(case_page_url(case.pk, "sharing"))


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def case_access_request_decide(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Grant or decline one request (``request`` in the form) on this case."""
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    if not sharing.may_manage_distribution(request.user, case):
        return _panel(request, case, status=403, error=_("Only the originator and the Council secretariat decide requests for this case."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        problems = [f"{form[name].label}: {' '.join(str(error) for error in errors)}" for name, errors in form.errors.items()]
        return _panel(request, case, status=400, error=" ".join(problems))
    data = form.cleaned_data
    access_request = AccessRequest.objects.filter(pk=data["request"], case=case).first()
    if access_request is None:
        return _panel(request, case, status=400, error=_("No such request on this case."))
    attempt = page_attempt(
        lambda: access_requests.access_request_decide(
            request=access_request,
            by=request.user,
            grant=data["decision"] == "grant",
            reason=data["reason"],
            scope=data["scope"] or AccessScope.ORGANISATION,
        )
    )
    if attempt.failed:  # the request's form is plain inputs beside it: the errors go above the panel
        return _panel(request, case, status=attempt.status, error=" ".join(attempt.errors))
    return _done(request, case, _("Request decided; the requester is told."))


@declare_access(AUTHENTICATED)
def access_requests_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for access by reference; your requests; the requests you decide."""
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            attempt = page_attempt(
                lambda: access_requests.access_request_create(
                    by=request.user, reference=form.cleaned_data["reference"], reason=form.cleaned_data["reason"]
                )
            )
            if not attempt.failed:
                messages.success(request, str(access_requests.REQUEST_ANSWER))
                return redirect("access-request-page")
            form_errors_add(form, attempt)  # "you already asked" (409) at the top of the form
            status = attempt.status
    return render(
        request,
        "cases/access_requests.html",
        {
            "form": form,
            "mine": access_requests.access_requests_made_by(request.user)[:50],
            "to_decide": access_requests.access_requests_to_decide(request.user)[:50],
        },
        status=status,
    )
