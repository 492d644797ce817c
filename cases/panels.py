"""What the case page shows, in tabs, and the sections other apps add to
it (the Council's positions boards, notes and measures, attribution,
situational awareness) without the cases app importing them.

A provider is ``(request, case) -> (template name, context) | None``,
registered with the tab it belongs to (and, optionally, a short summary
template shown near the top of the page, rendered from the same context so
it costs no query of its own). The tabs are server-rendered: each is a link
(``?tab=council``), so the page works, and can be bookmarked, without
scripts; a fragment (``#council``, ``#question-12``) is found in its tab by
:func:`case_page_url` and, with scripts, by the page itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from .models import Case

#: The tabs of the case page, in order: (key, label).
TABS: tuple[tuple[str, StrOrPromise], ...] = (
    ("overview", _("Overview")),
    ("assessments", _("Assessments")),
    ("measures", _("Options notes and measures")),
    ("council", _("Council")),
    ("attribution", _("Attribution")),
    ("sharing", _("Distribution and access")),
    ("history", _("History")),
)
DEFAULT_TAB = "overview"
#: The tab holding each section a link may point at (``#council``).
ANCHOR_TABS = {
    "council": "council",
    "question": "council",
    "sharing": "sharing",
    "attribution": "attribution",
    "measures": "measures",
    "awareness": "assessments",
    "proportionality": "assessments",
    "significance": "assessments",
    "timeline": "history",
}

ProviderResult = tuple[str, dict[str, Any]]
Provider = Callable[["HttpRequest", "Case"], "ProviderResult | None"]


@dataclass(frozen=True)
class Registration:
    provider: Provider
    tab: str
    summary: str | None = None


@dataclass
class Panel:
    """One app's section of the case page: its template and context, the
    tab it sits in, and its summary template (if any)."""

    template: str
    context: dict[str, Any]
    tab: str
    summary: str | None = None


@dataclass
class Tab:
    key: str
    label: StrOrPromise
    active: bool
    panels: list[Panel] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"?tab={self.key}"


_PROVIDERS: list[Registration] = []


def register(*, tab: str, summary: str | None = None) -> Callable[[Provider], Provider]:
    """Add ``provider``'s section to the case page's ``tab`` (once, whatever
    the number of imports)."""
    if tab not in dict(TABS):
        raise ValueError(f"unknown case-page tab {tab!r}")

    def decorate(provider: Provider) -> Provider:
        if all(existing.provider is not provider for existing in _PROVIDERS):
            _PROVIDERS.append(Registration(provider, tab, summary))
        return provider

    return decorate


def panels_for(request: HttpRequest, case: Case) -> list[Panel]:
    panels = []
    for registration in _PROVIDERS:
        result = registration.provider(request, case)
        if result is not None:
            panels.append(Panel(result[0], result[1], registration.tab, registration.summary))
    return panels


def tab_of(requested: str | None) -> str:
    """The tab asked for, or the first one (an unknown name is a stale
    bookmark, not an error: the page opens at its overview)."""
    return requested if requested in dict(TABS) else DEFAULT_TAB


def tabs_for(active: str, panels: list[Panel]) -> list[Tab]:
    """The case page's tabs with their panels: the case's own tabs always,
    another app's only where it has something to show."""
    own = {DEFAULT_TAB, "assessments", "sharing", "history"}
    tabs = [Tab(key, label, key == active, [panel for panel in panels if panel.tab == key]) for key, label in TABS]
    return [tab for tab in tabs if tab.key in own or tab.panels]


def case_page_url(case_id: int, anchor: str = "") -> str:
    """The case page opened at the tab that holds ``anchor`` (``council``,
    ``question-12``, ``sharing``), the anchor kept for the scroll."""
    url = reverse("case-page", args=[case_id])
    if not anchor:
        return url
    tab = ANCHOR_TABS.get(anchor.split("-")[0], DEFAULT_TAB)
    return f"{url}?tab={tab}#{anchor}"
