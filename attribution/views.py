"""Attribution pages: the case-page panel, the deliberation (considerations
grid, positions board, claims, outcome), claims per case and per actor,
the new-statement form (the drafting app serves the statement's own pages),
and communication plans. Views parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from awareness.models import ThreatActor
from awareness.selectors import assessment_list
from cases import selectors as case_selectors
from cases.models import Case
from cases.panels import register
from cdt.core.access import DETAIL, LIST, OBJECT, declare_access
from cdt.core.forms import ModelMultipleChoiceField, whole_number
from cdt.core.listing import paginate
from cdt.directory.models import MemberState
from cdt.security.selectors import highest_marking, protected_get, visible_or_none, visible_related
from cdt.workflow import transition_options, workflow_for
from cdt.workflow.http import form_errors_add, page_attempt
from council.selectors import question_list
from council.views import board_context
from drafting.permissions import may_draft_note
from measures.selectors import measure_list

from . import permissions, selectors, services
from .choices import AttributionOption, DeliberationStatus, PlanStatus
from .forms import (
    ClaimForm,
    ConcludeForm,
    ConsiderationCommentForm,
    ConsiderationForm,
    DeliberationOpenForm,
    PlanForm,
    ReferForm,
    StatementCreateForm,
)
from .models import AttributionClaim, AttributionDeliberation, CommunicationPlan

# --- The case-page panel ----------------------------------------------------------------------------------


@register(tab="attribution")
def attribution_panel(request, case: Case):
    """Attribution, statements and communication on the case page."""
    user = request.user
    deliberation = selectors.deliberation_list(user=user).filter(case=case).first()
    return "attribution/case_panel.html", {
        "claims": list(selectors.claim_list(user=user).filter(case=case)),
        "deliberation": deliberation,
        "statements": list(selectors.statement_list(user=user).filter(case=case)),
        "plans": list(selectors.plan_list(user=user).filter(case=case)),
        "open_form": DeliberationOpenForm()
        if deliberation is None
        and case.is_open
        and permissions.may_open_deliberation(user)
        and not AttributionDeliberation.objects.filter(case=case).exists()
        else None,
        "may_claim": case.is_open
        and (
            permissions.may_record_claim(user, basis="technical")
            or permissions.may_record_claim(user, basis="national", member_state=user.member_state)
        ),
        "may_draft": case.is_open and may_draft_note(None, user),
    }


# --- Claims -------------------------------------------------------------------------------------------------


@declare_access(OBJECT, model=AttributionClaim, kind=LIST)
def claim_list(request):
    """Claims on every case the user sees; ``?case=`` and ``?actor=`` give
    the claims per case and per actor, ``?q=`` searches."""
    claims = selectors.claim_list(user=request.user)
    for name in ("case", "actor"):
        if (object_id := whole_number(request.GET.get(name, ""))) is not None:
            claims = claims.filter(**{f"{name}_id": object_id})
    query = request.GET.get("q", "").strip()
    if query:
        claims = claims.filter(
            Q(actor__name__icontains=query)
            | Q(case__title__icontains=query)
            | Q(case__reference__icontains=query)
            | Q(summary__icontains=query)
        )
    page, page_query = paginate(request, claims, per_page=50)
    return render(
        request,
        "attribution/claim_list.html",
        {"page": page, "query": query, "page_query": page_query, "marking": highest_marking(page.object_list)},
    )


@declare_access(OBJECT, model=AttributionClaim, kind=DETAIL, lookup="claim_id")
def claim_detail(request, claim_id: int):
    claim = protected_get(selectors.claim_list(user=request.user), request.user, request=request, pk=claim_id)
    return render(
        request,
        "attribution/claim_detail.html",
        {"claim": claim, "marking": claim, "assessments": assessment_list(user=request.user).filter(attribution_claims=claim)},
    )


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def claim_new(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    assessments = assessment_list(user=request.user).filter(cases=case)
    form = ClaimForm(
        request.POST or None,
        assessments=assessments,
        initial={"member_state": request.user.member_state} if request.method == "GET" else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            attempt = page_attempt(lambda: services.claim_record(by=request.user, case=case, **form.cleaned_data))
            if not attempt.failed:
                messages.success(request, str(attempt.result))
                return redirect("case-page", case_id=case.pk)
            form_errors_add(form, attempt)  # a refusal too: 403 with its reason on the form
            status = attempt.status
    return render(request, "attribution/claim_form.html", {"form": form, "case": case, "marking": case}, status=status)


# --- The deliberation -----------------------------------------------------------------------------------------


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def deliberation_open(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    form = DeliberationOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("case-page", case_id=case.pk)
    attempt = page_attempt(lambda: services.deliberation_open(by=request.user, case=case, **form.cleaned_data))
    if attempt.status == 403:
        return HttpResponseForbidden(" ".join(attempt.errors))
    if attempt.failed or attempt.result is None:
        messages.error(request, " ".join(attempt.errors))  # shown on the case page, where the form is
        return redirect("case-page", case_id=case.pk)
    return redirect("deliberation-page", deliberation_id=attempt.result.pk)


def _claimed_actors(case):
    """The actors an outcome may cover: those with a claim on the case."""
    return ThreatActor.objects.filter(attribution_claims__case=case).distinct().order_by("name")


def _deliberation(request, deliberation_id: int) -> AttributionDeliberation:
    return protected_get(selectors.deliberation_detail(user=request.user), request.user, request=request, pk=deliberation_id)


def _deliberation_page(request, deliberation, *, errors=(), status=200):
    user = request.user
    case = deliberation.case
    claims = list(selectors.claim_list(user=user).filter(case=case))
    question = deliberation.question
    if question is not None:
        question = question_list(user=user, case=case).filter(pk=question.pk).first()
    is_open = deliberation.status == DeliberationStatus.OPEN
    return render(
        request,
        "attribution/deliberation_detail.html",
        {
            "deliberation": deliberation,
            "case": case,
            "marking": deliberation,
            "errors": errors,
            "considerations": list(deliberation.considerations.all()),
            "options_considered": [AttributionOption(value).label for value in deliberation.options_considered],
            "gaps": deliberation.grid_gaps() if is_open else [],
            "claims": [claim for claim in claims if claim.basis != "national"],
            "national": [claim for claim in claims if claim.basis == "national"],
            "board": board_context(request, question) if question is not None else None,
            "may_assess": is_open and permissions.may_assess_considerations(deliberation, user),
            "may_comment": permissions.may_comment_considerations(deliberation, user),
            "options_form": DeliberationOpenForm(
                initial={"options_considered": deliberation.options_considered, "recommended_option": deliberation.recommended_option}
            )
            if is_open and permissions.may_assess_considerations(deliberation, user)
            else None,
            "refer_form": ReferForm() if is_open and permissions.may_refer(deliberation, user) else None,
            "conclude_form": ConcludeForm(actors=_claimed_actors(case))
            if deliberation.status == DeliberationStatus.REFERRED and permissions.may_conclude(deliberation, user)
            else None,
            "statements": list(selectors.statement_list(user=user).filter(case=case)),
            "log": deliberation.transitions.select_related("by"),
        },
        status=status,
    )


@declare_access(OBJECT, model=AttributionDeliberation, kind=DETAIL, lookup="deliberation_id")
def deliberation_detail(request, deliberation_id: int):
    return _deliberation_page(request, _deliberation(request, deliberation_id))


DELIBERATION_ACTIONS = {
    "assess": (ConsiderationForm, services.consideration_assess),
    "comment": (ConsiderationCommentForm, services.consideration_comment),
    "options": (DeliberationOpenForm, services.deliberation_set_options),
    "refer": (ReferForm, services.deliberation_refer),
    "conclude": (ConcludeForm, services.deliberation_conclude),
}


@declare_access(OBJECT, model=AttributionDeliberation, kind=DETAIL, lookup="deliberation_id", methods=("post",))
@require_POST
def deliberation_act(request, deliberation_id: int, action: str):
    deliberation = _deliberation(request, deliberation_id)
    if action not in DELIBERATION_ACTIONS:
        raise Http404
    form_class, service = DELIBERATION_ACTIONS[action]
    form = form_class(request.POST, actors=_claimed_actors(deliberation.case)) if form_class is ConcludeForm else form_class(request.POST)
    if not form.is_valid():
        return _deliberation_page(
            request, deliberation, errors=[f"{field}: {' '.join(problems)}" for field, problems in form.errors.items()], status=400
        )
    attempt = page_attempt(lambda: service(by=request.user, deliberation=deliberation, **form.cleaned_data))
    if attempt.failed:
        return _deliberation_page(request, deliberation, errors=attempt.errors, status=attempt.status)
    return redirect("deliberation-page", deliberation_id=deliberation.pk)


# --- Statements (their pages are the drafting app's) ---------------------------------------------------------


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def statement_new(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    if not may_draft_note(None, request.user):
        return HttpResponseForbidden("The EEAS drafts declarations and statements.")
    form = StatementCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            attempt = page_attempt(
                lambda: services.statement_create(
                    by=request.user,
                    case=case,
                    title=data["title"],
                    statement_type=data["statement_type"],
                    content={"text": data["text"]},
                    partners=data["partners"],
                    deliberation=AttributionDeliberation.objects.filter(case=case).first(),
                )
            )
            if not attempt.failed and attempt.result is not None:
                return redirect("statement-page", attempt.result.pk)
            form_errors_add(form, attempt)
            status = attempt.status
    return render(request, "attribution/statement_new.html", {"form": form, "case": case, "marking": case}, status=status)


# --- Communication plans -------------------------------------------------------------------------------------


def _plan(request, plan_id: int) -> CommunicationPlan:
    return protected_get(selectors.plan_list(user=request.user), request.user, request=request, pk=plan_id)


def _plan_page(request, plan, *, errors=(), status=200):
    user = request.user
    own = user.member_state
    return render(
        request,
        "attribution/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "marking": plan,
            "errors": errors,
            "transitions": [option.spec for option in transition_options(plan, user) if option.available],
            "may_edit": permissions.may_draft_plan(plan, user) and plan.status != PlanStatus.COMPLETED,
            "may_commit": own is not None
            and plan.status != PlanStatus.COMPLETED
            and permissions.may_commit_to_amplify(plan, user, own)
            and own not in plan.amplifying_states.all(),
            "log": plan.transitions.select_related("by"),
            # Only the measures and the statement the reader may see (decision record 0023).
            "measures": visible_related(plan.measures.all(), user).select_related("measure_type").order_by("pk"),
            "statement": visible_or_none(user, plan.statement, within=plan.case),
        },
        status=status,
    )


@declare_access(OBJECT, model=CommunicationPlan, kind=DETAIL, lookup="plan_id")
def plan_detail(request, plan_id: int):
    return _plan_page(request, _plan(request, plan_id))


def _plan_form(request, *, case, plan=None):
    measures = measure_list(user=request.user).filter(case=case)
    statements = selectors.statement_list(user=request.user).filter(case=case)
    initial = {}
    if plan is not None:
        initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
        initial["audiences"] = "\n".join(plan.audiences)
        initial["eu_delegations"] = "\n".join(plan.eu_delegations)
        initial["partners"] = list(plan.partners.all())
        initial["measures"] = list(visible_related(plan.measures.all(), request.user))
        initial["statement"] = visible_or_none(request.user, plan.statement, within=plan.case)
    form = PlanForm(request.POST or None, initial=initial)
    from django import forms as django_forms

    form.fields["measures"] = ModelMultipleChoiceField(
        measures, required=False, label="Measures communicated", initial=initial.get("measures")
    )
    form.fields["statement"] = django_forms.ModelChoiceField(
        statements, required=False, label="Statement", initial=initial.get("statement")
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)

            def save() -> CommunicationPlan:
                if plan is None:
                    return services.plan_create(by=request.user, case=case, **data)
                return services.plan_update(by=request.user, plan=plan, **data)

            attempt = page_attempt(save)
            if not attempt.failed and attempt.result is not None:
                return redirect("plan-page", plan_id=attempt.result.pk)
            form_errors_add(form, attempt)  # a refusal too: 403 with its reason on the form
            status = attempt.status
    return render(request, "attribution/plan_form.html", {"form": form, "case": case, "plan": plan, "marking": plan or case}, status=status)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
def plan_new(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    if not permissions.may_draft_plan(None, request.user):
        return HttpResponseForbidden("The EEAS drafts communication plans.")
    return _plan_form(request, case=case)


@declare_access(OBJECT, model=CommunicationPlan, kind=DETAIL, lookup="plan_id", methods=("post",))
def plan_edit(request, plan_id: int):
    plan = _plan(request, plan_id)
    if not permissions.may_draft_plan(plan, request.user):
        return HttpResponseForbidden("The EEAS edits communication plans.")
    return _plan_form(request, case=plan.case, plan=plan)


@declare_access(OBJECT, model=CommunicationPlan, kind=DETAIL, lookup="plan_id", methods=("post",))
@require_POST
def plan_act(request, plan_id: int, action: str):
    plan = _plan(request, plan_id)

    def commit() -> CommunicationPlan:
        state = MemberState.objects.filter(code=request.POST.get("member_state", "")).first() or request.user.member_state
        if state is None:
            raise ValidationError({"member_state": "Name your Member State."})
        return services.plan_commit(by=request.user, plan=plan, member_state=state)

    if action == "commit":
        attempt = page_attempt(commit)
    elif action in workflow_for(CommunicationPlan).user_steps():
        attempt = page_attempt(lambda: services.plan_transition(by=request.user, plan=plan, transition=action))
    else:
        raise Http404
    if attempt.failed:
        return _plan_page(request, plan, errors=attempt.errors, status=attempt.status)
    return redirect("plan-page", plan_id=plan.pk)
