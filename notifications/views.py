"""The notification centre, notification preferences, "my deadlines" and
the calendar feed. Every page shows the signed-in user's own rows only."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cdt.accounts.second_factor import safe_next
from cdt.accounts.services import hash_api_key
from cdt.core.access import AUTHENTICATED, PUBLIC, declare_access
from cdt.core.forms import whole_number
from cdt.core.listing import paginate
from cdt.workflow.http import form_errors_add, page_attempt

from . import calendar, selectors, services
from .forms import NotificationFilter, PreferencesForm
from .models import CalendarFeed, Preference


@declare_access(AUTHENTICATED)
def notification_list(request):
    form = NotificationFilter(request.GET or None)
    rows = selectors.inbox(user=request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            rows = rows.filter(event__kind=form.cleaned_data["kind"])
        if form.cleaned_data["unread"]:
            rows = rows.filter(read_at=None)
    page, query = paginate(request, rows)
    return render(request, "notifications/list.html", {"filter": form, "page": page, "query": query})


@declare_access(AUTHENTICATED)
@require_POST
def notification_mark_read(request):
    """Mark one (``id``) or all of the user's notifications read; answers
    htmx with the refreshed unread badge."""
    raw = request.POST.getlist("id")
    ids = [whole_number(value.strip()) for value in raw] if raw else None
    if ids is not None and None in ids:
        # Plain text: over htmx (the target is the badge) static/js/htmx-errors.js shows it beside the button.
        return HttpResponse(_("Notification ids are numbers."), status=400, content_type="text/plain; charset=utf-8")
    services.notifications_mark_read(user=request.user, ids=ids)
    if request.headers.get("HX-Request"):
        return render(request, "notifications/badge.html", {"unread_notifications": selectors.unread_count(user=request.user)})
    # ``next`` comes from the page that posted; only a same-site path is
    # followed, so a crafted link cannot bounce a delegate to another host.
    return redirect(safe_next(request, default=reverse("notification-list-page")))


@declare_access(AUTHENTICATED)
def preferences(request):
    current = dict(Preference.objects.filter(user=request.user).values_list("kind", "mode"))
    form = PreferencesForm(request.POST or None, current=current)
    status = 400 if form.errors else 200  # none on an unbound form (a GET)
    if request.method == "POST" and form.is_valid():
        attempt = page_attempt(lambda: services.preferences_set(user=request.user, modes=form.cleaned_data))
        if not attempt.failed:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notification-preferences-page")
        form_errors_add(form, attempt)
        status = attempt.status
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@declare_access(AUTHENTICATED)
def deadline_list(request):
    return render(request, "notifications/deadlines.html", {"deadlines": selectors.deadlines(user=request.user)[:200]})


@declare_access(AUTHENTICATED)
def calendar_settings(request):
    """Issue, replace or revoke the secret calendar address. The address is
    shown once, right after it is issued."""
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The calendar address is revoked: it no longer answers."))
            return redirect("calendar-settings-page")
        if request.POST.get("action") != "issue":
            return HttpResponse(_("Say whether to issue or revoke the address."), status=400)
        token = services.calendar_feed_issue(user=request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    # The site's address, not the request's host (a proxy's or the development port).
    url = calendar.site_url(reverse("calendar-feed", kwargs={"token": token})) if token else None
    return render(request, "notifications/calendar.html", {"feed": feed, "url": url})


@declare_access(PUBLIC)
@require_GET
def calendar_feed(request, token: str):
    """The iCal feed: reachable without signing in (calendar clients cannot),
    so the secret token is the credential; an unknown or revoked one is 404.
    It names case references and markings: never kept by a shared cache or
    the browser (``no-store``, ``private``), whoever is signed in or not."""
    feed = CalendarFeed.objects.select_related("user", "user__organisation").filter(token_hash=hash_api_key(token)).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    since = timezone.now() - datetime.timedelta(days=90)
    body = calendar.feed(user=feed.user, deadlines=selectors.deadlines(user=feed.user, include_done=True, since=since))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cdt.ics"'
    patch_cache_control(response, no_store=True, private=True)
    return response
