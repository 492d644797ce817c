"""The legal acts a listing rests on, in the one shape both export formats
read: the Council decision (CFSP) and the implementing regulation that
list the persons and entities, each with its number, CELEX number, Official
Journal reference and date of adoption.

Two sources, the better one first: the legal acts recorded on the measure's
Council decision (``council.LegalAct``, when the reader may see that
decision), else the free-text act names on the listing itself
(``council_decision``, ``council_regulation``), from which the number and
the CELEX number are derived where the text carries a ``YYYY/NNNN`` number.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from cdt.security.selectors import visible_or_none

from ..models import RestrictiveListing

DECISION = "decision"
REGULATION = "regulation"

#: EUR-Lex's stable address of an act by its CELEX number.
EUR_LEX_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"

#: The cyber sanctions regime itself: Council Regulation (EU) 2019/796.
REGIME_CELEX = "32019R0796"

# "2020/1127" in "Council Decision (CFSP) 2020/1127" and "2011/872/CFSP"; the
# year comes first in every act numbered since 1999 under the CFSP.
_NUMBER = re.compile(r"\b((?:19|20)\d\d)/(\d{1,4})\b")
# "OJ L 246, 30.7.2020, p. 12": the Official Journal's date of publication.
_OJ_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class ListingAct:
    """One legal act of a listing, as the exports cite it."""

    kind: str  # DECISION or REGULATION
    number: str  # "2020/1127", or "" when the text names no number
    celex: str  # "32020D1127", or ""
    title: str
    adopted_on: datetime.date | None
    oj_reference: str = ""

    @property
    def url(self) -> str:
        """The act on EUR-Lex (blank without a CELEX number)."""
        return EUR_LEX_URL.format(celex=self.celex) if self.celex else ""

    @property
    def published_on(self) -> datetime.date | None:
        """The date of the Official Journal it was published in, read from
        the OJ reference (``OJ L 246, 30.7.2020, p. 12``)."""
        match = _OJ_DATE.search(self.oj_reference)
        if match is None:
            return None
        day, month, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None


def celex_of(kind: str, number: str) -> str:
    """The CELEX number of a Council act of the sector 3 (legislation):
    ``3`` + year + ``D`` (decision) or ``R`` (regulation) + the number on
    four digits. ``2020/1127`` as a decision is ``32020D1127``."""
    match = _NUMBER.search(number)
    if match is None:
        return ""
    year, serial = match.groups()
    return f"3{year}{'D' if kind == DECISION else 'R'}{int(serial):04d}"


def _kind_of(legal_act_kind: str) -> str:
    """A recorded act's kind as the exports name it: the regulations, and
    the decisions (CFSP) under every other name."""
    return REGULATION if "regulation" in legal_act_kind.lower() else DECISION


def listing_acts(listing: RestrictiveListing, user) -> list[ListingAct]:
    """The acts of ``listing`` as ``user`` may see them, the decision first,
    oldest first within a kind."""
    decision = visible_or_none(user, listing.measure.decision, within=listing.case) if listing.measure.decision_id else None
    recorded = list(decision.legal_acts.all()) if decision is not None and hasattr(decision, "legal_acts") else []
    if recorded:
        acts = [
            ListingAct(
                kind=_kind_of(act.kind),
                number=act.number,
                celex=act.celex or celex_of(_kind_of(act.kind), act.number),
                title=act.title,
                adopted_on=act.adopted_on,
                oj_reference=act.oj_reference,
            )
            for act in recorded
        ]
    else:
        # No recorded acts: the listing's own text, dated by the decision's day when the reader sees it.
        adopted_on = decision.decided_on if decision is not None and decision.adopted else None
        acts = []
        for kind, title in ((DECISION, listing.council_decision), (REGULATION, listing.council_regulation)):
            if not title.strip():
                continue
            match = _NUMBER.search(title)
            number = f"{match.group(1)}/{match.group(2)}" if match else ""
            acts.append(ListingAct(kind=kind, number=number, celex=celex_of(kind, number), title=title.strip(), adopted_on=adopted_on))
    return sorted(acts, key=lambda act: (act.kind != DECISION, act.adopted_on or datetime.date.max, act.number))
