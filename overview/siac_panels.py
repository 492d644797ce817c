"""SIAC's own panels on the home page: the requests for information its
organisation has to answer, the assessments it has recorded lately, and the
health of its feed clients (the platforms that push STIX bundles and pull
from TAXII).

As every panel: read through the owning app's selectors (the one access
rule), at most :data:`~overview.panel.PANEL_ROWS` rows, a fixed number of
queries whatever the size of the register.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from awareness.selectors import assessment_list, feed_health, rfi_list
from cases.panels import case_page_url

from .panel import PANEL_ROWS, Panel, Row, day, marking_of, moment

#: Rejected bundles are counted over this many days.
FEED_FAILURE_DAYS = 7
#: A client that has not called in this long is worth a look.
FEED_QUIET_DAYS = 2


def rfis_to_answer(user) -> Panel:
    """Open requests for information addressed to the user's organisation,
    soonest due first (overdue ones on top)."""
    requests = (
        rfi_list(user=user)
        .filter(addressed_to=user.organisation_id, answer=None)
        .select_related("case")
        .order_by("due_on", "id")[:PANEL_ROWS]
        if user.organisation_id
        else []
    )
    today = timezone.localdate()
    rows = []
    for rfi in requests:
        due = (_("overdue since %(date)s") if rfi.due_on < today else _("due %(date)s")) % {"date": day(rfi.due_on)}
        rows.append(
            Row(
                rfi.case.reference,
                case_page_url(rfi.case_id, "awareness"),
                f"{_truncate(rfi.question)} · {due}",
                marking_of(rfi),
                source=rfi,
            )
        )
    return Panel(
        "rfis-to-answer",
        gettext_lazy("Requests for information to answer"),
        rows,
        reverse("rfi-list-page"),
        gettext_lazy("All requests for information"),
        gettext_lazy("No request for information is waiting for your organisation."),
    )


def our_assessments(user) -> Panel:
    """The assessments and briefings the user's organisation gave lately,
    newest recorded first, with the cases each informs."""
    assessments = (
        assessment_list(user=user)
        .filter(source=user.organisation_id)
        .annotate(case_count=Count("cases", distinct=True))
        .order_by("-recorded_at", "-id")[:PANEL_ROWS]
        if user.organisation_id
        else []
    )
    rows = [
        Row(
            assessment.title,
            reverse("assessment-page", args=[assessment.pk]),
            " · ".join(
                (
                    str(assessment.get_kind_display()),
                    day(assessment.assessed_on),
                    str(assessment.get_confidence_display()),
                    ngettext("informs %(n)d case", "informs %(n)d cases", assessment.case_count) % {"n": assessment.case_count},
                )
            ),
            marking_of(assessment),
            source=assessment,
        )
        for assessment in assessments
    ]
    return Panel(
        "our-assessments",
        gettext_lazy("Our latest assessments"),
        rows,
        reverse("assessment-list-page"),
        gettext_lazy("All assessments"),
        gettext_lazy("Your organisation has recorded no assessment yet."),
    )


def feed_status(user) -> Panel:
    """Each feed client's last bundle ingested, last call (push or TAXII
    pull) and recent rejections: a silent or failing feed is seen here
    before a delegate misses an assessment."""
    now = timezone.now()
    rows = []
    for client in feed_health(user=user, since=now - datetime.timedelta(days=FEED_FAILURE_DAYS))[:PANEL_ROWS]:
        token = client.token
        calls = [at for at in (token.last_used_at, client.last_push, client.last_failure) if at is not None]
        last_call = max(calls) if calls else None  # a TAXII pull, or a bundle pushed
        parts = [
            _("last bundle ingested %(when)s") % {"when": moment(client.last_push)} if client.last_push else _("no bundle ingested yet"),
            _("last call %(when)s") % {"when": moment(last_call)} if last_call else _("never called"),
        ]
        if client.failures:
            parts.append(
                ngettext(
                    "%(n)d bundle rejected in the last %(days)d days",
                    "%(n)d bundles rejected in the last %(days)d days",
                    client.failures,
                )
                % {"n": client.failures, "days": FEED_FAILURE_DAYS}
            )
        if not token.is_usable(now):
            parts.append(_("token revoked or expired"))
        elif last_call is None or now - last_call > datetime.timedelta(days=FEED_QUIET_DAYS):
            parts.append(_("quiet for more than %(days)d days") % {"days": FEED_QUIET_DAYS})
        failing = bool(client.failures) or not token.is_usable(now)
        rows.append(
            Row(
                token.name,
                reverse("feed-log-page") + ("?status=failed" if failing else ""),
                " · ".join(str(part) for part in parts),
            )
        )
    return Panel(
        "feed-health",
        gettext_lazy("Feed health"),
        rows,
        reverse("feed-log-page"),
        gettext_lazy("Feed ingestion log"),
        gettext_lazy("No feed client is registered for you."),
    )


def siac_panels(user) -> list[Panel]:
    return [rfis_to_answer(user), our_assessments(user), feed_status(user)]


def _truncate(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
