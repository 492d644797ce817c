"""The legal acts a listing rests on, in the one shape both export formats
read: the Council decision (CFSP) and the implementing regulation that
list the persons and entities, each with its number, CELEX number, Official
Journal reference and date of adoption.

Two sources, the better one first: the legal acts recorded on the measure's
Council decision (``council.LegalAct``, when the reader may see that
decision), else the free-text act names on the listing itself
(``council_decision``, ``council_regulation``), from which the number and
the CELEX number are derived where the text carries a ``YYYY/NNNN`` number
(``council.legal_acts`` reads them, as its data migration did).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from cdt.security.selectors import visible_or_none
from council.choices import LegalActKind
from council.legal_acts import celex_for, parse_reference
from council.models import Decision

from ..models import RestrictiveListing

DECISION = "decision"
REGULATION = "regulation"

#: EUR-Lex's stable address of an act by its CELEX number.
EUR_LEX_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"

#: The cyber sanctions regime itself: Council Regulation (EU) 2019/796.
REGIME_CELEX = "32019R0796"

# "2020/1127" in a reference the parser does not take whole ("Council Decision
# (CFSP) 2020/1127 of 30 July 2020"); the year comes first in every CFSP act since 1999.
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


#: The recorded kinds a listing rests on, as the exports name them; conclusions and other acts list no one.
KINDS = {
    LegalActKind.COUNCIL_DECISION_CFSP: DECISION,
    LegalActKind.COUNCIL_IMPLEMENTING_DECISION_CFSP: DECISION,
    LegalActKind.COUNCIL_REGULATION: REGULATION,
    LegalActKind.COUNCIL_IMPLEMENTING_REGULATION: REGULATION,
}


def _recorded(decision: Decision) -> list[ListingAct]:
    """The decision's recorded acts that list persons and entities."""
    return [
        ListingAct(
            kind=KINDS[LegalActKind(act.kind)],
            number=act.number,
            celex=act.celex or celex_for(act.kind, act.number),
            title=act.title or f"{LegalActKind(act.kind).label} {act.number}",
            adopted_on=act.adopted_on,
            oj_reference=act.oj_reference,
        )
        for act in decision.legal_acts.all()
        if act.kind in KINDS
    ]


def _from_text(listing: RestrictiveListing, decision: Decision | None) -> list[ListingAct]:
    """The acts named on the listing itself, dated by the decision's day
    when the reader sees an adopted one; the number and CELEX number where
    the text is one act's reference."""
    adopted_on = decision.decided_on if decision is not None and decision.adopted else None
    acts = []
    for kind, title in ((DECISION, listing.council_decision), (REGULATION, listing.council_regulation)):
        if not title.strip():
            continue
        parsed = parse_reference(title)
        if parsed is not None:
            number, celex = parsed.number, parsed.celex
        else:
            match = _NUMBER.search(title)
            number = f"{match.group(1)}/{match.group(2)}" if match else ""
            celex = celex_for(LegalActKind.COUNCIL_DECISION_CFSP if kind == DECISION else LegalActKind.COUNCIL_REGULATION, number)
        acts.append(ListingAct(kind=kind, number=number, celex=celex, title=title.strip(), adopted_on=adopted_on))
    return acts


def listing_acts(listing: RestrictiveListing, user) -> list[ListingAct]:
    """The acts of ``listing`` as ``user`` may see them: those recorded on
    the measure's Council decision if the reader may see it and it has
    some, else those named on the listing. The decisions first, oldest
    first within a kind."""
    measure = listing.measure
    decision = visible_or_none(user, measure.decision, within=listing.case) if measure.decision_id else None
    acts = (_recorded(decision) if decision is not None else []) or _from_text(listing, decision)
    return sorted(acts, key=lambda act: (act.kind != DECISION, act.adopted_on or datetime.date.max, act.number))
