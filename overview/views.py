"""The home page (dashboard), search, figures and threat-actor pages: each
gathers several domain apps, so they live above them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from awareness import selectors as awareness
from cdt.accounts.roles import Role
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.directory import selectors as directory
from cdt.security.kept import kept_page
from cdt.security.selectors import highest_marking, protected_list_record, protected_queryset
from measures.models import StrategicResponseNote
from measures.selectors import may_start_strategic_note
from notifications import selectors as notifications

from . import figures
from .actor import actor_responses, actor_timeline
from .dashboard import panels
from .search import MAX_QUERY_LENGTH, kinds, search


@declare_access(AUTHENTICATED)
@kept_page
def home(request):
    today = timezone.localdate()
    presidency = directory.presidency_on(today)
    dashboard = panels(request.user)
    # The dashboard is a list read like any other: one audit entry naming the classified rows shown.
    shown = {
        (type(row.source), row.source.pk): row.source
        for _section, section_panels in dashboard
        for panel in section_panels
        for row in panel.rows
        if row.source is not None
    }
    protected_list_record(objects=shown.values(), user=request.user, request=request, via="dashboard")
    return render(
        request,
        "overview/home.html",
        {
            "today": today,
            "dashboard": dashboard,
            "presidency": presidency,
            "next_presidency": directory.presidency_after(presidency) if presidency else None,
            "notifications": list(notifications.inbox(user=request.user)[:8]),
            "deadlines": list(notifications.deadlines(user=request.user)[:8]),
            "is_chair_today": bool(
                presidency
                and request.user.member_state
                and request.user.member_state.pk == presidency.member_state_id
                and request.user.has_role(Role.PRESIDENCY_CHAIR)
            ),
        },
    )


@declare_access(AUTHENTICATED)
@require_GET
def search_page(request):
    """One search box across cases, assessments, actors, notes and
    statements; results only from what the user may see."""
    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        return render(
            request,
            "overview/search.html",
            {
                "query": query[:MAX_QUERY_LENGTH],
                "kinds": kinds(),
                "groups": [],
                "error": _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH},
            },
            status=400,
        )
    selected = set(request.GET.getlist("kind"))
    groups = search(user=request.user, query=query, kinds=selected or None, limit=25 if selected else 10, request=request)
    return render(
        request,
        "overview/search.html",
        {
            "query": query,
            "kinds": kinds(),
            "selected": selected,
            "groups": groups,
            "marking": highest_marking(hit.obj for group in groups for hit in group.hits if hasattr(hit.obj, "classification")),
        },
    )


@declare_access(AUTHENTICATED)
@require_GET
def figures_page(request):
    """Charts of the register as the user sees it, drawn from the same
    figures as the figures API (``overview.figures.register_figures``)."""
    register = figures.register_figures(request.user)
    return render(request, "overview/figures.html", {"charts": figures.charts(register), "taken_rule": register.taken_rule})


@declare_access(AUTHENTICATED)
def actor_detail(request, actor_id: int):
    """A threat actor's dossier: the registry entry, the cases about it, the
    EU's responses as one dated chronology, its strategic response note,
    assessments and what the feed says, each as the user may see them."""
    actor = get_object_or_404(awareness.actor_list(), pk=actor_id)
    assessments = list(awareness.assessment_list(user=request.user).filter(actors=actor)[:50])
    cases = list(awareness.actor_cases(actor=actor, user=request.user))
    feed = awareness.actor_feed(actor=actor, user=request.user)
    responses = actor_responses(actor=actor, user=request.user)
    strategic_note = protected_queryset(StrategicResponseNote.objects.filter(actor=actor), request.user).first()
    shown = [*assessments, *cases, *(entry.source for entry in responses), *([strategic_note] if strategic_note else [])]
    # A page of many protected rows is a list read: one audit entry naming the classified ones.
    protected_list_record(objects=shown, user=request.user, request=request, via="actor-page")
    return render(
        request,
        "overview/actor_detail.html",
        {
            "timeline": actor_timeline(actor=actor, cases=cases, responses=responses),
            "actor": actor,
            "assessments": assessments,
            "cases": cases,
            "feed": feed,
            "responses": responses,
            "strategic_note": strategic_note,
            "may_start_strategic_note": strategic_note is None and may_start_strategic_note(actor=actor, user=request.user),
            "marking": highest_marking([*shown, *(entry["relationship"] for entry in feed)]),
        },
    )
