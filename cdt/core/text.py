"""What text PostgreSQL can store. ``text`` and ``jsonb`` refuse NUL and
lone surrogates (not UTF-8) with a database error, a 500 on any route that
lets them through; SQLite stores them and a later render breaks instead.
DRF's and Django's character fields refuse both already; content that
arrives as free JSON (STIX objects, the notes' structured content) is
checked with this."""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None if it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return "contains a NUL character" if found.group() == "\x00" else "is not valid Unicode (a lone surrogate)"
