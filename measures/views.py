"""Measures pages: the catalogue, the case-page panel (propose), each
measure (its lifecycle, checks, listing, evaluations), evaluations due."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from awareness import selectors as awareness_selectors
from cases import selectors as case_selectors
from cases.models import Case
from cases.panels import register
from cdt.core.access import AUTHENTICATED, DETAIL, LIST, OBJECT, declare_access
from cdt.core.forms import whole_number
from cdt.core.listing import paginate
from cdt.security.access import can_view_child
from cdt.security.selectors import highest_marking, protected_get, protected_queryset, visible_ids, visible_or_none
from cdt.workflow import transition_options, workflow_for
from cdt.workflow.http import form_errors_add, page_attempt
from council.models import Decision
from drafting import views as drafting_views
from drafting.permissions import may_draft_note

from . import checks, permissions, selectors, services
from .forms import EvaluationForm, MeasureTransitionForm, OverrideForm, ProposeForm, StrategicNoteStartForm
from .models import ImpactEvaluation, ResponseMeasure, StrategicResponseNote
from .note_kinds import STRATEGIC


@declare_access(AUTHENTICATED)
def catalogue(request):
    return render(request, "measures/catalogue.html", {"measure_types": selectors.catalogue()})


@register(tab="measures")
def measures_panel(request, case):
    """Measures on the case page: what was proposed and where it stands, and
    the proposal form for those who may propose."""
    measures = list(selectors.measure_list(user=request.user).filter(case=case).order_by("proposed_at", "id"))
    level, basis = checks.supported_escalation(case, request.user)

    from .models import OptionsNote, StrategicResponseNote

    return "measures/case_panel.html", {
        "options_notes": list(protected_queryset(OptionsNote.objects.filter(case=case), request.user).order_by("-created_at")),
        "strategic_notes": list(
            protected_queryset(StrategicResponseNote.objects.filter(actor__in=case.suspected_actors.all()), request.user)
        ),
        "may_draft": may_draft_note(None, request.user) and case.is_open,
        "measures": measures,
        "supported_level": level,
        "supported_basis": basis,
        "propose_form": ProposeForm() if permissions.may_propose(case, request.user) and case.is_open else None,
    }


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def measure_propose(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    form = ProposeForm(request.POST)
    status = 400
    if form.is_valid():
        attempt = page_attempt(lambda: services.measure_propose(by=request.user, case=case, **form.cleaned_data))
        if attempt.status == 403:  # the proposal form is on the case page: the refusal is shown there
            messages.error(request, " ".join(attempt.errors))
            return redirect("case-page", case_id=case.pk)
        measure = attempt.result
        if not attempt.failed and measure is not None:
            warning = checks.warning_for(measure, request.user)
            if warning:
                messages.warning(request, warning)
            messages.success(request, measure.measure_type.display_name)
            return redirect("measure-page", measure_id=measure.pk)
        form_errors_add(form, attempt)
        status = attempt.status
    return render(request, "measures/propose_error.html", {"case": case, "form": form, "marking": case}, status=status)


def _measure(request, measure_id: int) -> ResponseMeasure:
    return protected_get(selectors.measure_list(user=request.user), request.user, request=request, pk=measure_id)


@declare_access(OBJECT, model=ResponseMeasure, kind=DETAIL, lookup="measure_id")
def measure_detail(request, measure_id: int, errors=None, status=200, override_form=None, evaluation_forms=None):
    measure = _measure(request, measure_id)
    # The steps the reader's role may take from here, each with the guards that stop it now.
    options = [
        {
            "name": option.spec.name,
            "label": option.spec.label,
            "needs": option.spec.needs,
            "blocked_by": option.blocked_by,
            "errors": (errors or {}).get(option.spec.name, []),
        }
        for option in transition_options(measure, request.user)
        if option.spec.may(measure, request.user)
    ]
    evaluations = list(selectors.evaluation_list(user=request.user).filter(measure=measure))
    for evaluation in evaluations:
        evaluation.form = (evaluation_forms or {}).get(evaluation.pk) or EvaluationForm(prefix=f"evaluation-{evaluation.pk}")
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "options": options,
            "marking": measure,
            "history": measure.transitions.select_related("by"),
            "attribution_gap": checks.attribution_gap(measure.case, measure.measure_type, measure.actors.order_by("name"), request.user),
            "override_form": override_form
            or (
                OverrideForm()
                if measure.escalation_warning
                and not measure.override_justification
                and permissions.may_override_escalation(measure, request.user)
                else None
            ),
            # Related objects with their own classification: shown only if the reader may see them (decision record 0023).
            "decision": visible_or_none(request.user, measure.decision, within=measure.case),
            "escalation_warning": checks.warning_for(measure, request.user),
            "listing": visible_or_none(request.user, getattr(measure, "listing", None), within=measure.case)
            if measure.measure_type.restrictive
            else None,
            "evaluations": evaluations,
            "may_evaluate": permissions.may_evaluate(measure, request.user),
            "decisions": [d for d in Decision.objects.filter(case=measure.case, adopted=True) if can_view_child(request.user, d)],
        },
        status=status,
    )


@declare_access(OBJECT, model=ResponseMeasure, kind=DETAIL, lookup="measure_id", methods=("post",))
@require_POST
def measure_transition(request, measure_id: int, transition: str):
    measure = _measure(request, measure_id)
    if transition not in workflow_for(ResponseMeasure).user_steps():
        raise Http404
    form = MeasureTransitionForm(request.POST)
    if not form.is_valid():
        return measure_detail(request, measure_id, errors={transition: [str(e) for e in form.errors.values()]}, status=400)
    data = dict(form.cleaned_data)
    decision = None
    decision_id = data.pop("decision")
    if decision_id:
        decision = Decision.objects.filter(pk=decision_id, case=measure.case).first()  # the cleaned id: "1.0" is 1, not a 500
        if decision is None or not can_view_child(request.user, decision):
            return measure_detail(request, measure_id, errors={transition: ["No such decision."]}, status=400)
    attempt = page_attempt(
        lambda: services.measure_transition(by=request.user, measure=measure, transition=transition, decision=decision, **data)
    )
    if attempt.failed:
        return measure_detail(request, measure_id, errors={transition: attempt.errors}, status=attempt.status)
    return redirect("measure-page", measure_id=measure.pk)


@declare_access(OBJECT, model=ResponseMeasure, kind=DETAIL, lookup="measure_id", methods=("post",))
@require_POST
def measure_override(request, measure_id: int):
    measure = _measure(request, measure_id)
    form = OverrideForm(request.POST)
    status = 400
    if form.is_valid():
        attempt = page_attempt(lambda: services.measure_override_escalation(by=request.user, measure=measure, **form.cleaned_data))
        if not attempt.failed:
            return redirect("measure-page", measure_id=measure.pk)
        form_errors_add(form, attempt)  # a refusal too: 403 with its reason on the form
        status = attempt.status
    return measure_detail(request, measure_id, override_form=form, status=status)


@declare_access(OBJECT, model=ImpactEvaluation, kind=DETAIL, lookup="evaluation_id")
def evaluation_detail(request, evaluation_id: int):
    """One impact evaluation: what it evaluates, when it is due, what was
    recorded, and the form to record it for those who evaluate. The page
    that dashboards, "My deadlines", reminders and the calendar link to
    (404 for a reader who may not see it; its measure is named only if the
    reader may see the measure too, decision 0023)."""
    evaluation = protected_get(selectors.evaluation_list(user=request.user), request.user, request=request, pk=evaluation_id)
    measure = visible_or_none(request.user, evaluation.measure, within=evaluation.case)
    open_ = not evaluation.done and not evaluation.cancelled
    may_record = open_ and measure is not None and permissions.may_evaluate(measure, request.user)
    return render(
        request,
        "measures/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "measure": measure,
            "marking": evaluation,
            "form": EvaluationForm(prefix=f"evaluation-{evaluation.pk}") if may_record else None,
        },
    )


# Declared by its action (POST); a GET only redirects, through the same rule.
@declare_access(OBJECT, model=ImpactEvaluation, kind=DETAIL, lookup="evaluation_id", methods=("post",))
@require_http_methods(["GET", "POST"])
def evaluation_record(request, evaluation_id: int):
    """Record an evaluation (POST). A GET is a link kept from before the
    evaluation had its own page (a reminder, an e-mail, a calendar entry):
    it goes to that page, through the same access rule."""
    evaluation = protected_get(selectors.evaluation_list(user=request.user), request.user, request=request, pk=evaluation_id)
    if request.method != "POST":
        return redirect("evaluation-page", evaluation_id=evaluation.pk)
    form = EvaluationForm(request.POST, prefix=f"evaluation-{evaluation.pk}")
    status = 400
    if form.is_valid():
        attempt = page_attempt(lambda: services.evaluation_record(by=request.user, evaluation=evaluation, **form.cleaned_data))
        if not attempt.failed:
            return redirect("measure-page", measure_id=evaluation.measure_id)
        form_errors_add(form, attempt)
        status = attempt.status
    return measure_detail(request, evaluation.measure_id, evaluation_forms={evaluation.pk: form}, status=status)


@declare_access(OBJECT, model=ImpactEvaluation, kind=LIST)
def evaluation_list(request):
    """Impact evaluations not yet recorded, soonest first (overdue flagged)."""
    from .filters import EvaluationFilter

    evaluation_filter = EvaluationFilter(
        request.GET or None,
        queryset=selectors.evaluation_list(user=request.user).filter(evaluated_at__isnull=True, cancelled=False),
        request=request,
    )
    page, query = paginate(request, evaluation_filter.qs)
    # An evaluation's measure is named only if the reader may see it (decision 0023).
    shown = visible_ids(request).visible(ResponseMeasure, [evaluation.measure_id for evaluation in page.object_list])
    for evaluation in page.object_list:
        evaluation.shown_measure = evaluation.measure if evaluation.measure_id in shown else None
    return render(
        request,
        "measures/evaluation_list.html",
        {"filter": evaluation_filter, "page": page, "query": query, "marking": highest_marking(page.object_list)},
    )


# Editors are probed by POST in the permission matrix: a reader who may not draft gets 403, not the form.
@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def options_note_new(request, case_id: int):
    """The editor of a new options note on a case (the drafting app's editor)."""
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    if not may_draft_note(None, request.user):
        return HttpResponseForbidden("The EEAS drafts options notes.")
    return drafting_views.editor(
        request,
        "options",
        case=case,
        create=lambda form, content: services.options_note_create(
            by=request.user, case=case, title=form.cleaned_data["title"], content=content
        ),
    )


@declare_access(AUTHENTICATED, methods=("get", "post"))
@require_http_methods(["GET", "POST"])
def strategic_note_new(request, actor_id: int):
    """Start the strategic response note on a persistent actor (para 15),
    from the actor's page or from a case about it (``?case=``: the case the
    call came from, which gives the note its first markings and the way
    back). The EEAS only (403); then the note's page, to write the strategy."""
    actor = get_object_or_404(awareness_selectors.actor_list(), pk=actor_id)
    case_id = whole_number(request.GET.get("case", ""))
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request) if case_id is not None else None
    if not may_draft_note(None, request.user):
        return HttpResponseForbidden(gettext("The EEAS drafts strategic response notes."))
    existing = protected_queryset(StrategicResponseNote.objects.filter(actor=actor), request.user).first()
    if existing is not None:
        messages.info(request, gettext("%(actor)s already has a strategic response note: revise it.") % {"actor": actor.name})
        return redirect(STRATEGIC.url(existing))
    status = 200
    if request.method == "POST":
        form = StrategicNoteStartForm(request.POST)
        status = 400
        if form.is_valid():
            attempt = page_attempt(lambda: services.strategic_note_create(by=request.user, actor=actor, content={}, **form.service_input()))
            if attempt.status == 403:
                return HttpResponseForbidden(attempt.errors[0])
            if not attempt.failed and attempt.result is not None:
                messages.success(request, gettext("Strategic response note started. Write the strategy with “Edit”."))
                return redirect(STRATEGIC.url(attempt.result))
            form_errors_add(form, attempt)
            status = attempt.status
    else:
        initial = {"title": gettext("Strategic response note on %(actor)s") % {"actor": actor.name}}
        if case is not None:
            initial.update(classification=case.classification, tlp=case.tlp, limite=case.limite)
        form = StrategicNoteStartForm(initial=initial)
    return render(
        request,
        "measures/strategic_note_new.html",
        {"form": form, "actor": actor, "case": case, "marking": case},
        status=status,
    )
