"""Sections other apps add to the case page (the Council's positions
boards, later notes and measures), without the cases app importing them.
A provider is ``(request, case) -> (template name, context) | None``."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[object, object], "tuple[str, dict] | None"]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels_for(request, case) -> list[tuple[str, dict]]:
    return [panel for provider in _PROVIDERS if (panel := provider(request, case)) is not None]
