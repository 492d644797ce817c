"""Sections other apps add to the case page (the Council's positions
boards, later notes and measures), without the cases app importing them.
A provider is ``(request, case) -> (template name, context) | None``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Case

#: A section: its template name and context.
Panel = tuple[str, dict[str, Any]]
Provider = Callable[["HttpRequest", "Case"], "Panel | None"]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels_for(request: HttpRequest, case: Case) -> list[Panel]:
    return [panel for provider in _PROVIDERS if (panel := provider(request, case)) is not None]
