"""The home page's panels, one set per role.

Every panel is built from the owning app's selectors, so it shows only what
the user may see (the one access rule) and its length is capped: the page
costs the same number of queries with ten cases or ten thousand. A user
with several roles (a delegate whose state holds the Presidency is also the
chair) sees each role's panels once.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from awareness.selectors import assessment_list, feed_ingestion_list
from cases.access_requests import access_requests_to_decide
from cases.models import OPEN_STATES, CaseState
from cases.panels import case_page_url
from cases.selectors import case_list
from cases.workflow import forward_options
from cdt.accounts.roles import Role, is_chair, is_delegate, is_eeas, is_secretariat
from cdt.security.selectors import protected_queryset
from council.models import Meeting, Position, PositionValue
from council.selectors import decision_list, question_list, visible_agenda_items, written_procedure_list
from drafting.choices import NoteStatus
from measures.models import OptionsNote, StrategicResponseNote
from measures.selectors import evaluation_list, measure_list
from notifications.models import Deadline
from notifications.selectors import visible_rows

from .panel import PANEL_ROWS, Panel, Row, comments_count, day, marking_of, moment
from .siac_panels import siac_panels

#: How many recently changed cases the chair's "ready to move" panel checks.
READY_CANDIDATES = 10

# --- Delegate ---------------------------------------------------------------


def awaiting_position(user) -> Panel:
    """Open questions on which the user's state has not yet taken a position."""
    mine = Position.objects.filter(question=OuterRef("pk"), member_state=user.member_state, value=PositionValue.NONE)
    questions = question_list(user=user).filter(status="open").filter(Exists(mine)).select_related("case").order_by("-put_at")[:PANEL_ROWS]
    return Panel(
        "awaiting-position",
        _("Cases needing my state's position"),
        [
            Row(
                question.case.reference,
                case_page_url(question.case_id, f"question-{question.pk}"),
                str(question),
                marking_of(question),
                source=question,
            )
            for question in questions
        ],
        reverse("case-list-page"),
        _("All cases"),
        _("Your state has taken a position on every open question."),
    )


def open_procedures(
    user, *, within: datetime.timedelta | None = None, key: str = "open-procedures", title: Promise = _("Open written procedures")
) -> Panel:
    procedures = written_procedure_list(user=user).filter(status="open").select_related("case")
    if within is not None:
        procedures = procedures.filter(deadline__lte=timezone.now() + within)
    return Panel(
        key,
        title,
        [
            Row(
                procedure.case.reference,
                reverse("written-procedure-page", args=[procedure.pk]),
                procedure.get_kind_display(),
                marking_of(procedure),
                procedure.deadline,
                source=procedure,
            )
            for procedure in procedures.order_by("deadline")[:PANEL_ROWS]
        ],
        empty=_("No written procedure is open."),
    )


def new_assessments(user, *, days: int = 14) -> Panel:
    """Assessments recorded lately on cases the user follows (sees)."""
    since = timezone.now() - datetime.timedelta(days=days)
    assessments = (
        assessment_list(user=user)
        .filter(recorded_at__gte=since)
        .exclude(cases=None)
        .select_related("source")
        .order_by("-recorded_at")[:PANEL_ROWS]
    )
    return Panel(
        "new-assessments",
        _("New assessments on my cases"),
        [
            Row(
                assessment.title,
                reverse("assessment-page", args=[assessment.pk]),
                f"{assessment.source.short_name or assessment.source.code} · {day(assessment.assessed_on)}",
                marking_of(assessment),
                source=assessment,
            )
            for assessment in assessments
        ],
        reverse("assessment-list-page"),
        _("All assessments"),
        _("No new assessment in the last two weeks."),
    )


def recent_decisions(user) -> Panel:
    decisions = decision_list(user=user).select_related("case").order_by("-decided_on", "-id")[:PANEL_ROWS]
    return Panel(
        "recent-decisions",
        _("Recent decisions"),
        [
            Row(
                decision.case.reference,
                reverse("case-page", args=[decision.case_id]),
                f"{decision.get_procedure_display()} · {_('adopted') if decision.adopted else _('not adopted')} · {day(decision.decided_on)}",
                marking_of(decision),
                source=decision,
            )
            for decision in decisions
        ],
        empty=_("No decision recorded yet."),
    )


# --- EEAS drafter -----------------------------------------------------------


def my_notes(user) -> Panel:
    """The drafter's live notes (not superseded or approved), with how many
    comments each has had."""
    live = [NoteStatus.DRAFT, NoteStatus.CIRCULATED, NoteStatus.SUBMITTED]
    rows = []
    for model, url_name in ((OptionsNote, "options-note-page"), (StrategicResponseNote, "strategic-note-page")):
        notes = protected_queryset(model.objects.filter(drafted_by=user, status__in=live), user)
        if model is OptionsNote:
            notes = notes.select_related("case")  # its marking reads the case's LIMITE and TLP
        notes = notes.annotate(comment_count=Count("comments")).order_by("-updated_at")[:PANEL_ROWS]
        rows += [
            (
                note.updated_at,
                Row(
                    note.title,
                    reverse(url_name, args=[note.pk]),
                    f"{note.get_status_display()} · {comments_count(note.comment_count)}",
                    marking_of(note),
                    source=note,
                ),
            )
            for note in notes
        ]
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return Panel(
        "my-notes", _("My notes and their comments"), [row for _at, row in rows[:PANEL_ROWS]], empty=_("You have no note in drafting.")
    )


def cases_waiting_for_note(user) -> Panel:
    """Cases at step 3 with no options note drafted, circulated or submitted."""
    drafted = OptionsNote.objects.filter(case=OuterRef("pk"), status__in=[NoteStatus.DRAFT, NoteStatus.CIRCULATED, NoteStatus.SUBMITTED])
    cases = case_list(user=user).filter(state=CaseState.EXPLORATION).exclude(Exists(drafted)).order_by("-updated_at")[:PANEL_ROWS]
    return Panel(
        "cases-waiting-for-note",
        _("Cases waiting for an options note"),
        [Row(case.reference, reverse("case-page", args=[case.pk]), case.title, marking_of(case), source=case) for case in cases],
        empty=_("Every case at step 3 has an options note."),
    )


def evaluations_due(user, *, days: int = 30) -> Panel:
    horizon = timezone.localdate() + datetime.timedelta(days=days)
    evaluations = list(
        evaluation_list(user=user)
        .filter(evaluated_at=None, cancelled=False, due_on__lte=horizon)
        .select_related("case", "measure__measure_type")
        .order_by("due_on")[:PANEL_ROWS]
    )
    # The measure's type is named only if the reader may see the measure (decision 0023).
    shown = set(measure_list(user=user).filter(pk__in=[evaluation.measure_id for evaluation in evaluations]).values_list("pk", flat=True))
    return Panel(
        "evaluations-due",
        _("Impact evaluations due"),
        [
            Row(
                evaluation.case.reference,
                reverse("evaluation-page", args=[evaluation.pk]),
                f"{evaluation.measure.measure_type if evaluation.measure_id in shown else _('A measure not available to you')} · {_('due')} {day(evaluation.due_on)}",
                marking_of(evaluation),
                source=evaluation,
            )
            for evaluation in evaluations
        ],
        reverse("evaluation-list-page"),
        _("All evaluations"),
        _("No evaluation due in the next 30 days."),
    )


# --- Chair ------------------------------------------------------------------


def next_meeting(user) -> Panel:
    """The next HWPCI meeting and the agenda items the user may see."""
    meeting = Meeting.objects.filter(body__code="HWPCI", starts_at__gte=timezone.now()).select_related("body").order_by("starts_at").first()
    if meeting is None:
        return Panel("next-meeting", _("Next HWPCI meeting"), empty=_("No HWPCI meeting is scheduled."))
    items = visible_agenda_items(user=user).filter(meeting=meeting).order_by("order", "id")[:PANEL_ROWS]
    rows = [Row(f"{item.order}. {item.title}", reverse("meeting-page", args=[meeting.pk])) for item in items]
    return Panel(
        "next-meeting",
        _("Next HWPCI meeting"),
        rows,
        reverse("meeting-page", args=[meeting.pk]),
        f"{meeting.body.acronym} · {moment(meeting.starts_at)}",
        _("The agenda has no item yet."),
    )


def cases_ready_to_move(user) -> Panel:
    """Recently changed open cases the chair can move on to a later step
    now (role and guards both allow it): never a step back or closing, which
    the case page offers when they are wanted. Checks a bounded number of
    cases, so the panel's cost does not grow with the register."""
    rows = []
    for case in case_list(user=user).filter(state__in=OPEN_STATES).order_by("-updated_at")[:READY_CANDIDATES]:
        ready = [str(option.spec.label) for option in forward_options(case, user)]
        if ready:
            rows.append(
                Row(
                    case.reference,
                    reverse("case-page", args=[case.pk]),
                    f"{case.title} · {case.get_state_display()} → {' / '.join(ready)}",
                    marking_of(case),
                    source=case,
                )
            )
    return Panel(
        "ready-to-move",
        _("Cases ready to move"),
        rows[:PANEL_ROWS],
        reverse("case-list-page"),
        _("All cases"),
        _("No recently changed case can move on now."),
    )


# --- Secretariat ------------------------------------------------------------


def feed_log(user) -> Panel:
    ingestions = feed_ingestion_list(user=user).defer("payload").order_by("-received_at")[:PANEL_ROWS]
    return Panel(
        "feed-log",
        _("Feed ingestion log"),
        [
            Row(
                ingestion.bundle_id or str(ingestion.pk)[:8],
                reverse("feed-ingestion-page", args=[ingestion.pk]),
                f"{ingestion.get_status_display()} · {ingestion.created_count}/{ingestion.object_count} · {moment(ingestion.received_at)}",
            )
            for ingestion in ingestions
        ],
        reverse("feed-log-page"),
        _("Whole log"),
        _("No bundle received yet."),
    )


def overdue(user) -> Panel:
    """Deadlines passed and not met, on what the user may see."""
    deadlines = Deadline.objects.filter(visible_rows(user), done_at=None, due_at__lt=timezone.now()).order_by("due_at")[:PANEL_ROWS]
    return Panel(
        "overdue",
        _("Overdue items"),
        [
            Row(
                f"{deadline.get_kind_display()}: {deadline.reference}",
                deadline.link or reverse("deadline-list-page"),
                marking=deadline.marking,
                due=deadline.due_at,
            )
            for deadline in deadlines
        ],
        empty=_("Nothing is overdue."),
    )


def expiring_clearances(user, *, days: int = 60) -> Panel:
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    users = (
        get_user_model()
        .objects.filter(is_active=True, clearance_expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("organisation")
        .order_by("clearance_expires_on")[:PANEL_ROWS]
    )
    return Panel(
        "expiring-clearances",
        _("Users with expiring clearances"),
        [
            Row(
                f"{person.get_full_name() or person.username} ({person.organisation})",
                reverse("admin:accounts_user_change", args=[person.pk]),
                (_("expired %(date)s") if person.clearance_expires_on < today else _("expires %(date)s"))
                % {"date": day(person.clearance_expires_on)},
            )
            for person in users
        ],
        reverse("admin:accounts_user_changelist"),
        _("All users"),
        _("No clearance expires in the next 60 days."),
    )


def access_requests(user) -> Panel:
    """Requests for access to cases whose distribution the user manages
    (the originator's organisation, the secretariat)."""
    requests = access_requests_to_decide(user)[:PANEL_ROWS]
    return Panel(
        "access-requests",
        _("Requests for access to decide"),
        [
            Row(
                access_request.reference,
                case_page_url(access_request.case_id, "sharing"),
                f"{access_request.requested_by.get_full_name() or access_request.requested_by.username} ({access_request.requested_by.organisation})",
                marking_of(access_request.case),
            )
            for access_request in requests
        ],
        more_url=reverse("access-request-page"),
        more_label=_("All requests for access"),
        empty=_("No request for access is waiting."),
    )


def panels(user) -> list[tuple[Promise, list[Panel]]]:
    """The dashboard: (role heading, panels) for each of the user's roles."""
    sections = []
    if is_chair(user):
        sections.append(
            (
                _("As chair of HWPCI"),
                [
                    next_meeting(user),
                    cases_ready_to_move(user),
                    open_procedures(
                        user, within=datetime.timedelta(hours=72), key="procedures-closing", title=_("Procedures closing within 72 hours")
                    ),
                ],
            )
        )
    if is_delegate(user):
        sections.append(
            (
                _("For my delegation"),
                [awaiting_position(user), open_procedures(user), new_assessments(user), recent_decisions(user)],
            )
        )
    if is_eeas(user) and user.has_role(Role.EEAS_DRAFTER):
        sections.append((_("Drafting"), [my_notes(user), cases_waiting_for_note(user), evaluations_due(user)]))
    if user.has_role(Role.SIAC_ANALYST):
        sections.append((_("SIAC"), siac_panels(user)))
    if is_secretariat(user):
        sections.append((_("Secretariat"), [feed_log(user), overdue(user), expiring_clearances(user)]))
    requests = access_requests(user)
    if requests.rows:  # whoever decides for some case, whatever their role (the partner liaison opens cases too)
        sections.append((_("Requests for access"), [requests]))
    return sections
