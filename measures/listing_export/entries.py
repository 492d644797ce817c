"""What both exports read of a listed person or entity, cleaned once."""

from __future__ import annotations

from ..models import ListedPerson


def aliases_of(entry: ListedPerson) -> list[str]:
    """The entry's aliases as names: ``aliases`` is free JSON (a list of
    strings by the form and the API's examples, but nothing stops a number
    or an object in it), so only non-empty strings are names; a lone string
    is one alias, not its letters."""
    aliases = entry.aliases
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list):
        return []
    return [alias.strip() for alias in aliases if isinstance(alias, str) and alias.strip()]
