"""Awareness pages: the threat-actor registry, assessments (list with
filters, page with marking banners), requests for information."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from cases.panels import register
from cases.selectors import case_get, case_list
from cdt.core.access import AUTHENTICATED, DETAIL, LIST, OBJECT, declare_access
from cdt.core.forms import whole_number
from cdt.core.listing import paginate
from cdt.security.selectors import highest_marking, protected_get
from cdt.workflow.http import form_errors_add, page_attempt

from . import selectors, services
from .filters import AssessmentFilter
from .forms import AssessmentForm, recordable_kinds
from .models import Assessment, RequestForInformation


@declare_access(AUTHENTICATED)
def actor_list(request):
    from .filters import ActorFilter

    actor_filter = ActorFilter(request.GET or None, queryset=selectors.actor_list(), request=request)
    page, query = paginate(request, actor_filter.qs)
    return render(request, "awareness/actor_list.html", {"filter": actor_filter, "page": page, "query": query})


@declare_access(OBJECT, model=Assessment, kind=LIST)
def assessment_list(request):
    assessment_filter = AssessmentFilter(request.GET or None, queryset=selectors.assessment_list(user=request.user), request=request)

    page, query = paginate(request, assessment_filter.qs)
    return render(
        request,
        "awareness/assessment_list.html",
        {
            "filter": assessment_filter,
            "page": page,
            "query": query,
            "marking": highest_marking(page.object_list),
            "may_record": bool(recordable_kinds(request.user)),
        },
    )


@declare_access(OBJECT, model=Assessment, kind=DETAIL, lookup="assessment_id")
def assessment_detail(request, assessment_id: int):
    assessment = protected_get(
        Assessment.objects.select_related("source", "originator", "recorded_by"), request.user, request=request, pk=assessment_id
    )

    return render(
        request,
        "awareness/assessment_detail.html",
        {
            "assessment": assessment,
            "marking": assessment,
            "cases": case_list(user=request.user).filter(assessments=assessment),
            "actors": assessment.actors.all(),
            "commentary": selectors.stix_commentary(stix_id=assessment.stix_id, user=request.user) if assessment.stix_id else [],
        },
    )


@declare_access(OBJECT, model=RequestForInformation, kind=LIST)
def rfi_list(request):
    from .filters import RfiFilter

    rfi_filter = RfiFilter(
        request.GET or None,
        queryset=selectors.rfi_list(user=request.user).select_related("case", "addressed_to", "answer").order_by("answer", "due_on", "id"),
        request=request,
    )
    page, query = paginate(request, rfi_filter.qs)
    rfis = list(page.object_list)
    return render(
        request,
        "awareness/rfi_list.html",
        {
            "filter": rfi_filter,
            "page": page,
            "query": query,
            "rfis": rfis,
            "marking": highest_marking(rfis),
            "visible_answers": visible_answers(request.user, rfis),
        },
    )


def visible_answers(user, rfis) -> set[int]:
    """The answers (assessments) among ``rfis`` the user may see: a request
    on a visible case may be answered by an assessment they may not."""
    ids = [rfi.answer_id for rfi in rfis if rfi.answer_id]
    return set(selectors.assessment_list(user=user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


@register(tab="assessments", summary="awareness/case_summary.html")
def awareness_panel(request, case):
    """Situational awareness on the case page: the assessments linked to it
    that the user may see, and its requests for information."""
    rfis = list(selectors.rfi_list(user=request.user).filter(case=case))
    assessments = list(selectors.assessment_list(user=request.user).filter(cases=case))
    return "awareness/case_panel.html", {
        "assessments": assessments,
        # The case page's summary: the latest the reader may see, from the same list (no query of its own).
        "latest": max(assessments, key=lambda assessment: (assessment.assessed_on, assessment.pk), default=None),
        "rfis": rfis,
        "visible_answers": visible_answers(request.user, rfis),
        "may_record": case.is_open and bool(recordable_kinds(request.user)),
    }


@declare_access(AUTHENTICATED)
def feed_ingestion_list(request):
    """The feed-ingestion log: who posted what, the counts, the errors. The
    secretariat sees all of it; a feed client's user their own."""
    from .filters import FeedIngestionFilter

    feed_filter = FeedIngestionFilter(
        request.GET or None, queryset=selectors.feed_ingestion_list(user=request.user).defer("outcome", "payload"), request=request
    )
    page, query = paginate(request, feed_filter.qs)
    return render(request, "awareness/feed_log.html", {"filter": feed_filter, "page": page, "query": query})


@declare_access(AUTHENTICATED)
def feed_ingestion_detail(request, ingestion_id):
    ingestion = get_object_or_404(selectors.feed_ingestion_list(user=request.user), pk=ingestion_id)
    return render(request, "awareness/feed_ingestion.html", {"ingestion": ingestion})


@declare_access(AUTHENTICATED, methods=("get", "post"))
@require_http_methods(["GET", "POST"])
def assessment_new(request):
    """Record an assessment or briefing from a page (SIAC's all-source
    assessments, a Member State's or an EUIBA's contribution), through the
    API's service: the same checks, the same grants. ``?case=`` names the
    case it informs (404 if the reader may not see it). Who may not record
    any kind of assessment: 403."""
    kinds = recordable_kinds(request.user)
    if not kinds:
        return HttpResponseForbidden(gettext("You may not record assessments."))
    case_id = whole_number(request.GET.get("case", ""))
    case = case_get(user=request.user, pk=case_id, request=request) if case_id is not None else None
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST, user=request.user)
        status = 400
        if form.is_valid():
            attempt = page_attempt(lambda: services.assessment_record(by=request.user, **form.service_input()))
            if attempt.status == 403:
                return HttpResponseForbidden(attempt.errors[0])
            if not attempt.failed and attempt.result is not None:
                messages.success(request, gettext("Assessment recorded."))
                return redirect("assessment-page", assessment_id=attempt.result.pk)
            form_errors_add(form, attempt)
            status = attempt.status
    else:
        initial: dict = {}
        if case is not None:
            initial = {"cases": [case.pk], "classification": case.classification, "tlp": case.tlp, "limite": case.limite}
        form = AssessmentForm(initial=initial, user=request.user)
    return render(request, "awareness/assessment_new.html", {"form": form, "case": case, "marking": case}, status=status)
