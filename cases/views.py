"""Case pages: the list, opening a case, the case page with its workflow,
transitions and assessments. Views parse, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdt.core.access import AUTHENTICATED, DETAIL, LIST, OBJECT, declare_access
from cdt.core.listing import paginate
from cdt.security.kept import kept_page
from cdt.security.selectors import highest_marking, protected_queryset
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow.http import form_errors_add, page_attempt

from . import selectors, services
from .filters import CaseFilter
from .forms import CaseForm, ProportionalityForm, SignificanceForm, TransitionForm
from .models import Case, ProportionalityAssessment, SignificanceAssessment
from .panels import panels_for, tab_of, tabs_for
from .permissions import may_assess, may_open_case
from .workflow import case_steps, transition_options, transitions, workflow_diagram

EXERCISE_SESSION_KEY = "cdt_exercise_mode"
PAGE_SIZE = 25


def exercise_mode(request: HttpRequest) -> bool:
    return bool(request.session.get(EXERCISE_SESSION_KEY, False))


@declare_access(OBJECT, model=Case, kind=LIST)
@kept_page
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    exercise = exercise_mode(request)
    case_filter = CaseFilter(request.GET or None, queryset=selectors.case_list(user=request.user, exercise=exercise), request=request)
    page, query = paginate(request, case_filter.qs, per_page=PAGE_SIZE)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "exercise": exercise,
            "query": query,
            "marking": highest_marking(page.object_list),
            "may_open": may_open_case(request.user),
        },
    )


@declare_access(AUTHENTICATED)
@require_POST
def exercise_mode_toggle(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch between real cases and exercise cases (never both at once)."""
    request.session[EXERCISE_SESSION_KEY] = not exercise_mode(request)
    return redirect("case-list-page")


@declare_access(AUTHENTICATED)
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_open_case(request.user):
        return HttpResponseForbidden(_("Only HWPCI delegates, the EEAS and the partner liaison open cases."))
    form = CaseForm(request.POST or None, initial={"exercise": exercise_mode(request)}, user=request.user)
    status = 400 if form.errors else 200  # none on an unbound form (a GET)
    if request.method == "POST" and form.is_valid():
        attempt = page_attempt(lambda: services.case_open(by=request.user, **form.cleaned_data))
        if not attempt.failed and attempt.result is not None:
            messages.success(request, _("Case %(reference)s opened.") % {"reference": attempt.result.reference})
            return redirect("case-page", case_id=attempt.result.pk)
        form_errors_add(form, attempt)
        status = attempt.status
    return render(request, "cases/case_form.html", {"form": form}, status=status)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id")
@kept_page
def case_detail(
    request: AuthenticatedHttpRequest,
    case_id: int,
    proportionality_form: ProportionalityForm | None = None,
    significance_form: SignificanceForm | None = None,
    transition_errors: dict[str, list[Any]] | None = None,  # messages (strings or ValidationErrors) by transition
    status: int = 200,
    tab: str | None = None,
) -> HttpResponse:
    """The case page: a header with the step and what to do next, a summary,
    then tabs (``?tab=``; every tab is rendered, the others hidden, so a
    link to any section works and the page costs the same whichever is open)."""
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    history = selectors.case_history(case=case, user=request.user)
    proportionality = list(selectors.proportionality_history(case=case, user=request.user))
    significance = list(selectors.significance_history(case=case, user=request.user))
    options = transition_options(case, request.user)
    taken = {(entry.source, entry.target) for entry in history}
    visited = {entry.source for entry in history}
    assess = may_assess(request.user)
    latest_proportionality = proportionality[0] if proportionality else None
    latest_significance = significance[0] if significance else None
    panels = panels_for(request, case)
    active = tab_of(tab or request.GET.get("tab"))
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "marking": case,
            "history": history,
            # The case it was merged into, only if the reader may see it (decision record 0023).
            "merged_into": case.merged_into
            if case.merged_into_id in selectors.visible_case_ids(request.user, {case.merged_into_id})
            else None,
            "options": options,
            "steps": case_steps(options, case.state),
            "transition_errors": transition_errors or {},
            "diagram": workflow_diagram(case=case, user=request.user, taken=taken, visited=visited, exercise=exercise_mode(request)),
            "proportionality": latest_proportionality,
            "proportionality_count": len(proportionality),
            "significance": latest_significance,
            "significance_count": len(significance),
            "may_assess": assess,
            "proportionality_form": proportionality_form
            or (ProportionalityForm(initial=_initial(latest_proportionality, ProportionalityForm)) if assess else None),
            "significance_form": significance_form
            or (SignificanceForm(initial=_initial(latest_significance, SignificanceForm)) if assess else None),
            "tabs": tabs_for(active, panels),
            "active_tab": active,
            "summaries": [panel for panel in panels if panel.summary],
        },
        status=status,
    )


def _initial(
    assessment: ProportionalityAssessment | SignificanceAssessment | None, form_class: type[forms.ModelForm[Any]]
) -> dict[str, Any]:
    """A reassessment form starts from the latest assessment's values."""
    from django.forms.models import model_to_dict

    return model_to_dict(assessment, fields=form_class._meta.fields) if assessment is not None else {}


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def case_transition(request: AuthenticatedHttpRequest, case_id: int, transition: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    if transition not in transitions():
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():  # an invalid field is refused, never silently dropped
        return case_detail(
            request, case_id, transition_errors={transition: [e for errors in form.errors.values() for e in errors]}, status=400
        )
    data = form.cleaned_data
    merged_into = None
    if data.get("merged_into"):
        # Among the cases the user may see: an invisible one answers exactly as an unknown one.
        merged_into = protected_queryset(Case.objects.filter(reference=data["merged_into"].strip()), request.user).first()
        if merged_into is None:
            return case_detail(
                request, case_id, transition_errors={transition: [_("No such case: %(ref)s.") % {"ref": data["merged_into"]}]}, status=400
            )
    attempt = page_attempt(
        lambda: services.case_transition(
            case=case,
            by=request.user,
            transition=transition,
            comment=data.get("comment", ""),
            reason=data.get("reason", ""),
            target=data.get("target") or None,
            merged_into=merged_into,
        )
    )
    if attempt.failed or attempt.result is None:
        return case_detail(request, case_id, transition_errors={transition: attempt.errors}, status=attempt.status)
    outcome = attempt.result
    messages.success(request, _("The case is now at “%(state)s”.") % {"state": outcome.case.get_state_display()})
    return redirect("case-page", case_id=case.pk)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def case_assess_proportionality(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _assess(request, case_id, ProportionalityForm, services.proportionality_assess, "proportionality_form")


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def case_assess_significance(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    return _assess(request, case_id, SignificanceForm, services.significance_assess, "significance_form")


def _assess(
    request: AuthenticatedHttpRequest,
    case_id: int,
    form_class: type[ProportionalityForm] | type[SignificanceForm],
    assess: Callable[..., object],
    form_name: str,
) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_id, request=request)
    if not may_assess(request.user):
        return HttpResponseForbidden(_("You may read but not record assessments."))
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        attempt = page_attempt(lambda: assess(case=case, by=request.user, **form.cleaned_data))
        if not attempt.failed:
            messages.success(request, _("Assessment recorded."))
            return redirect("case-page", case_id=case.pk)
        form_errors_add(form, attempt)
        status = attempt.status
    bound: dict[str, Any] = {form_name: form}
    return case_detail(request, case_id, status=status, tab="assessments", **bound)
