"""Two versions of a draft side by side, section by section, with the
words removed and added marked. Read-only."""

from __future__ import annotations

import difflib
import html
import re
from typing import Any

from .kinds import DraftKind, kind_named

_TOKEN = re.compile(r"\s+|[^\s]+")


def _marked(old: str, new: str) -> tuple[str, str]:
    """Word-level highlighting: deletions in the old text, insertions in the new."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False).get_opcodes():
        before, after = html.escape("".join(old_tokens[i1:i2])), html.escape("".join(new_tokens[j1:j2]))
        if tag == "equal":
            old_html.append(before)
            new_html.append(after)
        else:
            if before:
                old_html.append(f"<del>{before}</del>")
            if after:
                new_html.append(f"<ins>{after}</ins>")
    return "".join(old_html).replace("\n", "<br>"), "".join(new_html).replace("\n", "<br>")


def compare(old: dict[str, Any], new: dict[str, Any], kind: DraftKind | str) -> list[dict[str, Any]]:
    """Two versions side by side, section by section, changes highlighted
    (HTML-escaped text with ``<del>``/``<ins>`` only)."""
    sections = (kind_named(kind) if isinstance(kind, str) else kind).sections
    old_rows = {anchor: (heading, text) for anchor, heading, text in sections(old)}
    new_rows = {anchor: (heading, text) for anchor, heading, text in sections(new)}
    order = list(dict.fromkeys([*old_rows, *new_rows]))
    rows = []
    for anchor in order:
        heading = (new_rows.get(anchor) or old_rows[anchor])[0]
        before, after = old_rows.get(anchor, ("", ""))[1], new_rows.get(anchor, ("", ""))[1]
        old_html, new_html = _marked(before, after)
        rows.append({"anchor": anchor, "heading": heading, "old": old_html, "new": new_html, "changed": before != after})
    return rows
