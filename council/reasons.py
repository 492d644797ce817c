"""Why a vote came out as it did, in words, in the reader's language.

The voting rules (``council.voting``) stay pure: they return a
:class:`Reason`, a key and its figures, never a sentence. The sentence is
built here when it is shown, so a French delegate reads the outcome in
French and an English one in English, from the same record; a decision
keeps its reason's key and figures (``Decision.explanation_reason``) for
that, and its English text for the API and the search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class Reason:
    """A vote's outcome, as a key of :data:`SENTENCES` and the figures it
    needs (numbers, state codes, percentages as strings)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.key, self.params)

    def as_record(self) -> dict[str, Any]:
        """What a decision stores (JSON), read back by :meth:`from_record`."""
        return {"key": self.key, "params": self.params}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Reason | None:
        if not record or record.get("key") not in SENTENCES:
            return None
        return cls(record["key"], dict(record.get("params") or {}))


def states(count: int) -> str:
    return ngettext("%(count)s state", "%(count)s states", count) % {"count": count}


def percent(value: str, decimals: int = 1) -> str:
    """A percentage (one decimal unless told), written the reader's way (12.5% / 12,5 %)."""
    return gettext("%(value)s%%") % {"value": number_format(Decimal(value), decimals)}


def _qualified_name(reinforced: bool) -> str:
    return gettext("reinforced qualified majority") if reinforced else gettext("qualified majority")


def _summary(p: dict[str, Any]) -> str:
    return gettext("%(states)s in favour, %(population)s of population") % {
        "states": states(p["favour"]),
        "population": percent(p["favour_population"]),
    }


def _not_qualified(p: dict[str, Any]) -> str:
    missing = []
    if p["needed_states"]:
        missing.append(gettext("needs %(count)s states") % {"count": p["needed_states"]})
    if p["needs_population"]:
        missing.append(gettext("needs %(population)s of population") % {"population": percent("65", 0)})
    return gettext("not adopted: %(summary)s; %(rule)s %(missing)s") % {
        "summary": _summary(p),
        "rule": _qualified_name(p["reinforced"]),
        "missing": gettext(" and ").join(missing),
    }


SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "simple_adopted": lambda p: (
        gettext("adopted: %(states)s in favour (simple majority needs %(needed)s)") % {"states": states(p["favour"]), "needed": p["needed"]}
    ),
    "simple_not_adopted": lambda p: (
        gettext("not adopted: %(states)s in favour, simple majority needs %(needed)s")
        % {"states": states(p["favour"]), "needed": p["needed"]}
    ),
    "objection": lambda p: gettext("not adopted: objection by %(states)s") % {"states": ", ".join(p["states"])},
    "constructive_blocking": lambda p: (
        gettext(
            "not adopted: constructive abstentions by %(states)s, %(population)s of population "
            "(at least one third of the Member States and of the population)"
        )
        % {"states": states(p["count"]), "population": percent(p["population"])}
    ),
    "scrutiny_reserve": lambda p: (
        gettext("not adopted yet: scrutiny reserve outstanding (%(states)s)") % {"states": ", ".join(p["states"])}
    ),
    "no_position": lambda p: (
        gettext("not adopted yet: %(count)s without a position (%(states)s)")
        % {"count": states(len(p["states"])), "states": ", ".join(p["states"])}
    ),
    "none_in_favour": lambda p: gettext("not adopted: no Member State in favour"),
    "unanimous": lambda p: (
        gettext("adopted unanimously: %(states)s in favour; %(abstaining)s abstaining")
        % {"states": states(p["favour"]), "abstaining": states(p["abstaining"])}
        if p["abstaining"]
        else gettext("adopted unanimously: %(states)s in favour") % {"states": states(p["favour"])}
    ),
    "qualified_adopted": lambda p: (
        gettext("adopted by %(rule)s: %(summary)s") % {"rule": _qualified_name(p["reinforced"]), "summary": _summary(p)}
    ),
    "no_blocking_minority": lambda p: (
        gettext(
            "adopted: %(summary)s; qualified majority deemed attained, as fewer than four members (%(count)s) "
            "did not vote in favour (no blocking minority)"
        )
        % {"summary": _summary(p), "count": p["not_in_favour"]}
    ),
    "qualified_not_adopted": _not_qualified,
    "silence_broken": lambda p: gettext("not adopted: silence broken by %(states)s") % {"states": ", ".join(p["states"])},
    "silence_pending": lambda p: gettext("pending: adopted at the deadline unless a Member State breaks silence"),
    "silence_kept": lambda p: gettext("adopted: silence not broken by the deadline"),
}


def render(key: str, params: dict[str, Any]) -> str:
    return SENTENCES[key](params)
