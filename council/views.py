"""Council pages: the positions boards on the case page (htmx), meetings
with their agendas, written procedures with their countdown, and the
chair's and secretariat's forms (question, decision, procedure, HR act)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.models import Case
from cases.panels import case_page_url, register
from cdt.core.access import AUTHENTICATED, DETAIL, OBJECT, declare_access
from cdt.core.htmx import fragment, is_htmx
from cdt.core.listing import paginate
from cdt.directory.models import MemberState
from cdt.security.kept import kept_page
from cdt.security.selectors import protected_get, visible_or_none
from cdt.workflow.http import Attempt, page_attempt

from . import permissions, selectors, services
from .forms import DecisionForm, HrActForm, PositionForm, QuestionForm, WrittenProcedureForm
from .models import Question, WrittenProcedure


def board_context(request, question: Question) -> dict:
    board = selectors.question_board(question, request.user)
    user = request.user
    editable = {
        position.member_state_id
        for position in board.positions
        if question.is_open and (permissions.may_set_position(user, position.member_state) or permissions.may_record_oral_position(user))
    }
    own = user.member_state.pk if getattr(user, "member_state", None) else None
    return {
        "board": board,
        "question": question,
        "editable": editable,
        "own_state": own,
        "position_form": PositionForm(),
        "may_decide": question.is_open and permissions.may_record_decision(user),
    }


@register(tab="council")
def council_panel(request, case: Case):
    """The Council section of the case page: each question with its board."""
    questions = list(
        selectors.question_list(user=request.user, case=case)
        .select_related("written_procedure", "decision")
        .prefetch_related("decision__legal_acts")
    )
    user = request.user
    boards = [board_context(request, question) for question in questions]
    may_decide, may_open = permissions.may_record_decision(user), permissions.may_open_written_procedure(user)
    for item in boards:
        # The question's decision and written procedure have their own
        # classification: shown only to a reader cleared for them.
        question = item["question"]
        item["decision"] = visible_or_none(user, getattr(question, "decision", None), within=case)
        item["procedure"] = visible_or_none(user, getattr(question, "written_procedure", None), within=case)
        # One pair of forms per open question, each with its own ids, so
        # every label points at its own question's field.
        question_id = question.pk
        item["decision_form"] = DecisionForm(auto_id=f"id_q{question_id}_%s") if may_decide else None
        # Once a state has objected a silence procedure would fail at once (and is refused): offer the ordinary one.
        broken = item["board"].outcome.counts.get("objection", 0) > 0
        initial = {"kind": WrittenProcedure.Kind.ORDINARY} if broken else None
        item["procedure_form"] = WrittenProcedureForm(auto_id=f"id_q{question_id}_%s", initial=initial) if may_open else None
    return "council/case_panel.html", {
        "case": case,
        "boards": boards,
        "decisions": list(selectors.decision_list(user=user).filter(case=case, question__isnull=True).prefetch_related("legal_acts")),
        "question_form": QuestionForm(initial={"body": selectors.deciding_body_default(case)})
        if permissions.may_put_question(user)
        else None,
        "procedure_form": WrittenProcedureForm() if permissions.may_open_written_procedure(user) else None,
        "decision_form": DecisionForm() if permissions.may_record_decision(user) else None,
        "hr_act_form": HrActForm() if permissions.may_record_hr_act(user) else None,
    }


def _back(case_id: int):
    return redirect(case_page_url(case_id, "council"))


def _failed(request, attempt: Attempt) -> bool:
    """Show a refused service call's errors (the role, the state, the input)
    as a message on the page the view goes back to."""
    if attempt.failed:
        messages.error(request, " ".join(attempt.errors))
    return attempt.failed


@declare_access(OBJECT, model=Question, kind=DETAIL, lookup="question_id")
@kept_page
def question_board(request, question_id: int):
    """The board alone (htmx refresh)."""
    question = selectors.question_get(user=request.user, pk=question_id, request=request)
    return render(request, "council/board.html", board_context(request, question))


@declare_access(OBJECT, model=Question, kind=DETAIL, lookup="question_id", methods=("post",))
@require_POST
def position_set(request, question_id: int, member_state: str):
    """Set one state's position. Over htmx the board answers, refused or
    not: a refusal (400 for the input, 403 for the role, 409 for the state)
    is the board again with the reason in its error summary and the state's
    row as it was submitted (``cdt.core.htmx``), so nothing is lost."""
    question = selectors.question_get(user=request.user, pk=question_id, request=request)
    state = get_object_or_404(MemberState, code=member_state)
    form = PositionForm(request.POST)
    status = 200
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        attempt = page_attempt(lambda: services.position_set(by=request.user, question=question, member_state=state, **form.cleaned_data))
        if attempt.failed:
            status = attempt.status
            errors = attempt.field_errors or {"value": attempt.errors}
    else:
        status, errors = 400, {name: [str(error) for error in field_errors] for name, field_errors in form.errors.items()}
    messages_shown = [message for field_errors in errors.values() for message in field_errors]
    if is_htmx(request):
        retry = {"state": state.pk, "data": request.POST, "errors": errors} if errors else None
        return fragment(
            request,
            "council/board.html",
            {**board_context(request, question), "board_errors": messages_shown, "board_retry": retry},
            status=status,
        )
    if errors:
        messages.error(request, " ".join(messages_shown))  # without htmx: back to the case page, the error shown there
    return _back(question.case_id)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def question_put(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    form = QuestionForm(request.POST)
    if form.is_valid():
        if not _failed(request, page_attempt(lambda: services.question_put(by=request.user, case=case, **form.cleaned_data))):
            messages.success(request, _("Question put to the Council."))
    else:
        messages.error(request, _("The question needs a text, a voting rule and a body."))
    return _back(case.pk)


@declare_access(OBJECT, model=Question, kind=DETAIL, lookup="question_id", methods=("post",))
@require_POST
def decision_record(request, question_id: int):
    question = selectors.question_get(user=request.user, pk=question_id, request=request)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # refused, never recorded without the invalid field
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return _back(question.case_id)
    attempt = page_attempt(
        lambda: services.decision_record(by=request.user, question=question, legal_act=form.cleaned_data.get("legal_act", ""))
    )
    if not _failed(request, attempt) and attempt.result is not None:
        messages.success(request, attempt.result.explanation)
    return _back(question.case_id)


@declare_access(OBJECT, model=Question, kind=DETAIL, lookup="question_id", methods=("post",))
@require_POST
def written_procedure_open(request, question_id: int):
    question = selectors.question_get(user=request.user, pk=question_id, request=request)
    form = WrittenProcedureForm(request.POST)
    if form.is_valid():
        attempt = page_attempt(lambda: services.written_procedure_open(by=request.user, question=question, **form.cleaned_data))
        if not _failed(request, attempt) and attempt.result is not None:
            return redirect("written-procedure-page", procedure_id=attempt.result.pk)
    else:
        messages.error(request, _("Give the procedure and a deadline."))
    return _back(question.case_id)


@declare_access(OBJECT, model=Case, kind=DETAIL, lookup="case_id", methods=("post",))
@require_POST
def hr_act_record(request, case_id: int):
    case = case_selectors.case_get(user=request.user, pk=case_id, request=request)
    form = HrActForm(request.POST)
    if form.is_valid():
        if not _failed(request, page_attempt(lambda: services.hr_act_record(by=request.user, case=case, **form.cleaned_data))):
            messages.success(request, _("HR discretionary act recorded."))
    else:
        messages.error(request, _("Describe the act."))
    return _back(case.pk)


@declare_access(OBJECT, model=WrittenProcedure, kind=DETAIL, lookup="procedure_id")
def written_procedure_detail(request, procedure_id: int):
    procedure = protected_get(
        WrittenProcedure.objects.select_related("case", "question", "decision"), request.user, request=request, pk=procedure_id
    )
    # The question and the decision have their own classification (decision record 0023).
    question = visible_or_none(request.user, procedure.question, within=procedure.case)
    return render(
        request,
        "council/written_procedure.html",
        {
            "procedure": procedure,
            "marking": procedure,
            "decision": visible_or_none(request.user, procedure.decision, within=procedure.case),
            **(board_context(request, question) if question is not None else {"question": None}),
        },
    )


@declare_access(AUTHENTICATED)
def meeting_list(request):
    from .filters import MeetingFilter

    meeting_filter = MeetingFilter(
        request.GET or None, queryset=selectors.meeting_list().select_related("body", "chaired_by"), request=request
    )
    page, query = paginate(request, meeting_filter.qs)
    return render(request, "council/meeting_list.html", {"filter": meeting_filter, "page": page, "query": query})


@declare_access(AUTHENTICATED)
def meeting_detail(request, meeting_id: int):
    return render(
        request,
        "council/meeting_detail.html",
        {
            "meeting": selectors.meeting_with_agenda(user=request.user, pk=meeting_id),
            "may_publish": permissions.may_manage_meetings(request.user),
        },
    )


@declare_access(AUTHENTICATED, methods=("post",))
@require_POST
def meeting_agenda_publish(request, meeting_id: int):
    meeting = get_object_or_404(selectors.meeting_list(), pk=meeting_id)
    if not _failed(request, page_attempt(lambda: services.meeting_agenda_publish(by=request.user, meeting=meeting))):
        messages.success(request, _("The agenda is published; participants are notified."))
    return redirect("meeting-page", meeting_id=meeting.pk)
